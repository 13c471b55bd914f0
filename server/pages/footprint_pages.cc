#include "server/pages/footprint_pages.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/timestamps.h"
#include "server/footprint/energy_model.h"
#include "server/footprint/post_energy.h"
#include "server/footprint/resource_sampler.h"
#include "server/footprint/resource_totals.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

constexpr int kDefaultDays = 30;
constexpr int kMaxDays = 366;  // a year: each request reads every sample of its period

std::string Date(int64_t seconds) { return protocol::FormatRfc3339Utc(seconds).substr(0, 10); }

bool WantsJson(const http::Request& request) {
  return request.QueryParam("format") == "json" ||
         request.Header("accept").value_or("").find("application/json") != std::string_view::npos;
}

// GET /about/energy: the model, its constants, formula and grades, with sources.
http::Response EnergyPage(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  mustache::data data;
  data.set("kwh_per_gb", footprint::FormatSignificant(footprint::kKwhPerGigabyte, 3));
  data.set("grams_per_kwh", footprint::FormatSignificant(footprint::kGramsPerKwh, 3));
  data.set("reads_per_delivery", std::to_string(footprint::kReadsPerDelivery));
  mustache::data grades(mustache::data::type::list);
  std::string lower = "0";
  for (size_t i = 0; i <= footprint::kGradeUpperGrams.size(); ++i) {
    mustache::data row;
    row.set("grade", std::string(1, static_cast<char>('A' + i)));
    if (i < footprint::kGradeUpperGrams.size()) {
      std::string upper = footprint::FormatSignificant(footprint::kGradeUpperGrams[i], 2);
      row.set("range", (i == 0 ? "≤ " : "> " + lower + ", ≤ ") + upper);
      lower = upper;
    } else {
      row.set("range", "> " + lower);
    }
    grades.push_back(std::move(row));
  }
  data.set("grades", grades);
  return RenderPage(context, visitor, "energy", T(visitor, "energy_title"), std::move(data));
}

std::string ResourcesJson(const footprint::ResourceTotals& totals) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto number = [&](const char* key, uint64_t value) {
    writer.Key(key);
    writer.Uint64(value);
  };
  auto real = [&](const char* key, double value) {
    writer.Key(key);
    writer.Double(value);
  };
  auto text = [&](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  text("from", Date(totals.from));
  text("to", Date(totals.to - 1));
  writer.Key("fromSeconds");
  writer.Int64(totals.from);
  writer.Key("toSeconds");
  writer.Int64(totals.to);
  real("cpuSeconds", totals.cpu_seconds);
  number("peakResidentBytes", totals.peak_rss_bytes);
  number("bytesIn", totals.bytes_in);
  number("bytesOut", totals.bytes_out);
  number("serverBytesIn", totals.server_in);
  number("serverBytesOut", totals.server_out);
  number("clientBytesIn", totals.client_in);
  number("clientBytesOut", totals.client_out);
  number("storageBytes", totals.storage_bytes);
  number("deliveries", totals.deliveries);
  number("samples", totals.samples);
  number("segments", totals.segments);
  real("kwh", totals.kwh);
  real("gramsCo2e", totals.grams);
  writer.Key("model");
  writer.StartObject();
  text("name", "Sustainable Web Design v4");
  real("kwhPerGigabyte", footprint::kKwhPerGigabyte);
  real("gramsCo2ePerKwh", footprint::kGramsPerKwh);
  text("methodology", "/about/energy");
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Mebibytes(uint64_t bytes) {
  return footprint::FormatSignificant(static_cast<double>(bytes) / (1 << 20), 3) + " MiB";
}

// GET /about/resources[?from=YYYY-MM-DD&to=YYYY-MM-DD][&format=json]: the
// last 30 days by default; `to` is included.
http::Response ResourcesPage(const PagesContext& context, const footprint::ResourceSampler* sampler,
                             const http::Request& request) {
  const bool json = WantsJson(request);
  Visitor visitor = ReadVisitor(context, request);
  if (std::optional<http::Response> refused = LimitCostlyPage(context, visitor, request, json)) return std::move(*refused);
  const int64_t now = context.now();
  Result<footprint::Period> period = footprint::ParsePeriod(request.QueryParam("from"), request.QueryParam("to"),
                                                            now, kDefaultDays, kMaxDays);
  if (!period) {
    if (json) return http::Response::JsonError(400, period.error().message);
    return MessagePage(context, visitor, 400, T(visitor, "error_title"),
                       T(visitor, "resources_error_period") + " (" + period.error().message + ")");
  }
  std::optional<footprint::ResourceSample> live;
  if (sampler != nullptr) live = sampler->Read();
  Result<footprint::ResourceTotals> totals = footprint::SumResources(*context.store, period->from, period->to, live);
  if (!totals) {
    if (json) return http::Response::JsonError(503, "storage unavailable");
    return MessagePage(context, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  }
  if (json) return http::Response::Json(200, ResourcesJson(*totals));
  mustache::data data;
  data.set("from", Date(totals->from));
  data.set("to", Date(totals->to - 1));
  data.set("cpu_seconds", footprint::FormatSignificant(totals->cpu_seconds, 3));
  data.set("peak_rss", Mebibytes(totals->peak_rss_bytes));
  data.set("bytes_in", Mebibytes(totals->bytes_in));
  data.set("bytes_out", Mebibytes(totals->bytes_out));
  data.set("server_in", Mebibytes(totals->server_in));
  data.set("server_out", Mebibytes(totals->server_out));
  data.set("client_in", Mebibytes(totals->client_in));
  data.set("client_out", Mebibytes(totals->client_out));
  data.set("storage", Mebibytes(totals->storage_bytes));
  data.set("deliveries", std::to_string(totals->deliveries));
  data.set("segments", std::to_string(totals->segments));
  data.set("samples", std::to_string(totals->samples));
  data.set("wh", footprint::FormatSignificant(totals->kwh * 1000, 2));
  data.set("grams", footprint::FormatSignificant(totals->grams, 2));
  data.set("json_url", "/about/resources?from=" + Date(totals->from) + "&to=" + Date(totals->to - 1) + "&format=json");
  return RenderPage(context, visitor, "resources", T(visitor, "resources_title"), std::move(data));
}

}  // namespace

void SetEnergyLabel(mustache::data& view, const PagesContext& context, const std::string& id,
                    const federation::StoredObject& object) {
  Result<footprint::PostEstimate> estimate = footprint::EstimateStoredPost(*context.store, id, object);
  if (!estimate) return;
  view.set("energy_grade", std::string(1, estimate->grade));
  view.set("energy_wh", footprint::FormatSignificant(estimate->kwh * 1000, 2));
  view.set("energy_grams", footprint::FormatSignificant(estimate->grams, 2));
}

void AddFootprintPages(http::Router& router, const PagesContext& context,
                       const footprint::ResourceSampler* sampler) {
  router.Add("GET", "/about/energy", [context](http::Request& r) { return EnergyPage(context, r); });
  router.Add("GET", "/about/resources",
             [context, sampler](http::Request& r) { return ResourcesPage(context, sampler, r); });
}

}  // namespace parvis::pages
