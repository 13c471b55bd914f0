#include "server/footprint/resource_totals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/footprint/energy_model.h"

namespace parvis::footprint {
namespace {

constexpr int64_t kDaySeconds = 24 * 3600;

// Unsigned counters may only grow within a run; a smaller value (a damaged
// record) counts as no growth rather than wrapping around.
uint64_t Growth(uint64_t end, uint64_t start) { return end > start ? end - start : 0; }

// A date "YYYY-MM-DD" as seconds at its start, UTC; nullopt unless it is
// exactly such a date, in 1970 or later.
std::optional<int64_t> Day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  Result<int64_t> at = protocol::ParseRfc3339(text + "T00:00:00Z");
  // Formatting it back catches days a lenient parse would roll over (02-30).
  if (!at || *at < 0 || protocol::FormatRfc3339Utc(*at).substr(0, 10) != text) return std::nullopt;
  return *at;
}

}  // namespace

std::string EncodeSample(const ResourceSample& s) {
  char cpu[64];
  std::snprintf(cpu, sizeof cpu, "%.6f", std::isfinite(s.cpu_seconds) ? s.cpu_seconds : 0.0);
  return R"({"at":)" + std::to_string(s.at) + R"(,"segment":)" + std::to_string(s.segment) +
         R"(,"segmentStart":)" + std::to_string(s.segment_start) + R"(,"cpuSeconds":)" + cpu +
         R"(,"rssBytes":)" + std::to_string(s.rss_bytes) + R"(,"serverIn":)" + std::to_string(s.server_in) +
         R"(,"serverOut":)" + std::to_string(s.server_out) + R"(,"clientIn":)" + std::to_string(s.client_in) +
         R"(,"clientOut":)" + std::to_string(s.client_out) + R"(,"deliveries":)" + std::to_string(s.deliveries) +
         R"(,"storageBytes":)" + std::to_string(s.storage_bytes) + "}";
}

Result<ResourceSample> DecodeSample(std::string_view value) {
  Result<rapidjson::Document> doc = protocol::ParseJson(value, {.max_bytes = 4096, .max_depth = 2});
  if (!doc || !doc->IsObject()) return Fail(ErrorCode::kCorruption, "a resource sample does not decode");
  const rapidjson::Value& o = *doc;
  auto u64 = [&](const char* name, uint64_t* out) {
    auto it = o.FindMember(name);
    if (it == o.MemberEnd() || !it->value.IsUint64()) return false;
    *out = it->value.GetUint64();
    return true;
  };
  auto i64 = [&](const char* name, int64_t* out) {
    auto it = o.FindMember(name);
    if (it == o.MemberEnd() || !it->value.IsInt64()) return false;
    *out = it->value.GetInt64();
    return true;
  };
  ResourceSample s;
  auto cpu = o.FindMember("cpuSeconds");
  bool ok = i64("at", &s.at) && u64("segment", &s.segment) && i64("segmentStart", &s.segment_start) &&
            cpu != o.MemberEnd() && cpu->value.IsNumber() && u64("rssBytes", &s.rss_bytes) &&
            u64("serverIn", &s.server_in) && u64("serverOut", &s.server_out) &&
            u64("clientIn", &s.client_in) && u64("clientOut", &s.client_out) &&
            u64("deliveries", &s.deliveries) && u64("storageBytes", &s.storage_bytes);
  if (!ok) return Fail(ErrorCode::kCorruption, "a resource sample does not decode");
  s.cpu_seconds = std::max(0.0, cpu->value.GetDouble());
  return s;
}

std::string SampleKey(const ResourceSample& sample) {
  return std::string(kSamplePrefix) + storage::EncodeUint64(static_cast<uint64_t>(std::max<int64_t>(0, sample.at))) +
         storage::EncodeUint64(sample.segment);
}

ResourceTotals SumSamples(std::vector<ResourceSample> samples, int64_t from, int64_t to) {
  ResourceTotals totals;
  totals.from = from;
  totals.to = to;
  std::stable_sort(samples.begin(), samples.end(),
                   [](const ResourceSample& a, const ResourceSample& b) { return a.at < b.at; });
  // Per run: its baseline (last sample before the period) and its last
  // sample in the period.
  struct Run {
    std::optional<ResourceSample> baseline;
    std::optional<ResourceSample> last;
  };
  std::map<uint64_t, Run> runs;
  for (const ResourceSample& sample : samples) {
    if (sample.at >= to) break;
    Run& run = runs[sample.segment];
    if (sample.at < from) {
      run.baseline = sample;
      continue;
    }
    run.last = sample;
    ++totals.samples;
    totals.peak_rss_bytes = std::max(totals.peak_rss_bytes, sample.rss_bytes);
    totals.storage_bytes = sample.storage_bytes;  // sorted: the latest so far
  }
  for (const auto& [segment, run] : runs) {
    if (!run.last) continue;
    ++totals.segments;
    const ResourceSample start = run.baseline.value_or(ResourceSample{});
    const ResourceSample& end = *run.last;
    totals.cpu_seconds += std::max(0.0, end.cpu_seconds - start.cpu_seconds);
    totals.server_in += Growth(end.server_in, start.server_in);
    totals.server_out += Growth(end.server_out, start.server_out);
    totals.client_in += Growth(end.client_in, start.client_in);
    totals.client_out += Growth(end.client_out, start.client_out);
    totals.deliveries += Growth(end.deliveries, start.deliveries);
  }
  totals.bytes_in = totals.server_in + totals.client_in;
  totals.bytes_out = totals.server_out + totals.client_out;
  totals.kwh = KwhForBytes(totals.bytes_in + totals.bytes_out);
  totals.grams = GramsForKwh(totals.kwh);
  return totals;
}

Result<ResourceTotals> SumResources(const storage::Store& store, int64_t from, int64_t to,
                                    const std::optional<ResourceSample>& live) {
  std::vector<ResourceSample> samples;
  const int64_t scan_from = std::max<int64_t>(0, from - kBaselineLookbackSeconds);
  const std::string start = std::string(kSamplePrefix) + storage::EncodeUint64(static_cast<uint64_t>(scan_from));
  const std::string end =
      std::string(kSamplePrefix) + storage::EncodeUint64(static_cast<uint64_t>(std::max<int64_t>(0, to)));
  Status scanned = store.ScanFrom(storage::Family::kResources, kSamplePrefix, start,
                                  [&](std::string_view key, std::string_view value) {
                                    if (key >= end) return false;
                                    // A damaged sample is skipped: the next one of its run covers it.
                                    if (Result<ResourceSample> sample = DecodeSample(value)) samples.push_back(*sample);
                                    return true;
                                  });
  if (!scanned) return std::unexpected(scanned.error());
  if (live) samples.push_back(*live);
  return SumSamples(std::move(samples), from, to);
}

Result<Period> ParsePeriod(const std::optional<std::string>& from, const std::optional<std::string>& to,
                           int64_t now, int default_days, int max_days) {
  Period period{.from = now - default_days * kDaySeconds, .to = now + 1};
  if (!from && !to) return period;
  if (to) {
    std::optional<int64_t> day = Day(*to);
    if (!day) return Fail(ErrorCode::kInvalidArgument, "to must be a date written YYYY-MM-DD, from 1970 on");
    period.to = *day + kDaySeconds;
  } else {
    period.to = now - now % kDaySeconds + kDaySeconds;
  }
  if (from) {
    std::optional<int64_t> day = Day(*from);
    if (!day) return Fail(ErrorCode::kInvalidArgument, "from must be a date written YYYY-MM-DD, from 1970 on");
    period.from = *day;
  } else {
    period.from = period.to - default_days * kDaySeconds;
  }
  if (period.to <= period.from) return Fail(ErrorCode::kInvalidArgument, "to must not be before from");
  if (period.to - period.from > static_cast<int64_t>(max_days) * kDaySeconds) {
    return Fail(ErrorCode::kInvalidArgument,
                "a period covers at most " + std::to_string(max_days) + " days");
  }
  return period;
}

}  // namespace parvis::footprint
