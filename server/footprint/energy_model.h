// The energy and emissions model of the energy label and the resource page
// (docs/energy.md): the Sustainable Web Design model, version 4, which turns
// bytes transferred into energy and energy into emissions, and the A to G
// grades of a post. Pure functions, no I/O: tests check them by hand.
#ifndef PARVIS_SERVER_FOOTPRINT_ENERGY_MODEL_H_
#define PARVIS_SERVER_FOOTPRINT_ENERGY_MODEL_H_

#include <array>
#include <cstdint>
#include <string>

namespace parvis::footprint {

// Sustainable Web Design v4: energy per gigabyte transferred (data centre,
// network and device, operational and embodied: 0.055 + 0.059 + 0.080 +
// 0.012 + 0.013 + 0.081), and the global average grid intensity.
inline constexpr double kKwhPerGigabyte = 0.300;
inline constexpr double kGramsPerKwh = 494.0;
inline constexpr double kBytesPerGigabyte = 1e9;  // SI, as the model and CO2.js
// Expected reads of a post per remote inbox it was delivered to: at least
// one person reads what reaches an inbox (a personal inbox has one owner, a
// shared inbox one follower or more), so one is a floor, not a guess.
inline constexpr uint64_t kReadsPerDelivery = 1;

// What the node knows of one post.
struct PostInputs {
  uint64_t size_bytes = 0;     // its activity (local) or object (remote) as serialized JSON
  uint64_t media_bytes = 0;    // attached media stored here (none so far)
  uint64_t deliveries = 0;     // to remote inboxes, made or queued (Create and Updates)
  uint64_t local_readers = 0;  // accounts here it reached (followers of its author)
};

struct PostEstimate {
  uint64_t expected_reads = 0;  // local_readers + kReadsPerDelivery * deliveries
  uint64_t transfers = 0;       // deliveries + expected_reads
  uint64_t bytes = 0;           // (size + media) * transfers
  double kwh = 0;
  double grams = 0;             // gCO2e
  char grade = 'A';
};

// Grades by grams of CO2e for the whole post: the upper bound (inclusive)
// of A to F; above F's is G.
inline constexpr std::array<double, 6> kGradeUpperGrams = {0.01, 0.05, 0.25, 1.0, 5.0, 25.0};

double KwhForBytes(uint64_t bytes);
double GramsForKwh(double kwh);
// 'A' when grams <= 0.01, 'B' when <= 0.05, ... 'G' above 25.
char GradeFor(double grams);
PostEstimate EstimatePost(const PostInputs& inputs);

// `value` with `digits` significant digits, in plain decimal notation
// ("0.0056", "1.2", "340"); "0" for zero.
std::string FormatSignificant(double value, int digits = 2);

}  // namespace parvis::footprint

#endif  // PARVIS_SERVER_FOOTPRINT_ENERGY_MODEL_H_
