#include "server/footprint/energy_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parvis::footprint {

double KwhForBytes(uint64_t bytes) {
  return static_cast<double>(bytes) / kBytesPerGigabyte * kKwhPerGigabyte;
}

double GramsForKwh(double kwh) { return kwh * kGramsPerKwh; }

char GradeFor(double grams) {
  for (size_t i = 0; i < kGradeUpperGrams.size(); ++i) {
    if (grams <= kGradeUpperGrams[i]) return static_cast<char>('A' + i);
  }
  return 'G';
}

PostEstimate EstimatePost(const PostInputs& inputs) {
  PostEstimate estimate;
  estimate.expected_reads = inputs.local_readers + kReadsPerDelivery * inputs.deliveries;
  estimate.transfers = inputs.deliveries + estimate.expected_reads;
  estimate.bytes = (inputs.size_bytes + inputs.media_bytes) * estimate.transfers;
  estimate.kwh = KwhForBytes(estimate.bytes);
  estimate.grams = GramsForKwh(estimate.kwh);
  estimate.grade = GradeFor(estimate.grams);
  return estimate;
}

std::string FormatSignificant(double value, int digits) {
  if (!(value > 0) || !std::isfinite(value)) return "0";
  int magnitude = static_cast<int>(std::floor(std::log10(value)));
  int decimals = std::clamp(digits - 1 - magnitude, 0, 12);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace parvis::footprint
