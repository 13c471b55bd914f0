#include "server/pages/timeline_api.h"

#include <charconv>
#include <variant>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/sector.h"
#include "server/accounts/bearer_auth.h"
#include "server/civic/ordering_usage.h"
#include "server/civic/timeline_ordering.h"
#include "server/pages/amplification_label.h"
#include "server/pages/timeline_reader.h"
#include "server/pages/translations.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kChronologicalFormula =
    "newest first: items in the order they reached the timeline";

void String(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// The reader: the owner of a bearer token, else the session's account, else
// nobody. A token that does not verify is refused outright.
std::variant<Visitor, http::Response> Authenticate(const PagesContext& context, const http::Request& request) {
  std::optional<std::variant<accounts::Account, http::Response>> bearer =
      accounts::BearerAccount(*context.store, *context.accounts, request);
  if (!bearer) return ReadVisitor(context, request);
  if (auto* refused = std::get_if<http::Response>(&*bearer)) return *std::move(refused);
  Visitor visitor;
  visitor.account = std::get<accounts::Account>(*bearer);
  visitor.locale = "en";
  return visitor;
}

// A whole number in [low, high] from the query, nullopt when absent, or the
// 400 saying what is wrong.
std::variant<std::optional<uint64_t>, http::Response> NumberParam(const http::Request& request,
                                                                  std::string_view name, uint64_t low,
                                                                  uint64_t high) {
  std::optional<std::string> text = request.QueryParam(name);
  if (!text) return std::optional<uint64_t>();
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size() || value < low ||
      value > high) {
    return http::Response::JsonError(400, std::string(name) + " must be a whole number from " +
                                              std::to_string(low) + " to " + std::to_string(high));
  }
  return std::optional<uint64_t>(value);
}

void WriteReason(JsonWriter& writer, const civic::Reason& reason, const TimelineItem& item) {
  writer.StartObject();
  writer.Key("reason");
  writer.String(civic::ReasonName(reason.code));
  if (!reason.actor.empty()) {
    writer.Key(reason.code == civic::ReasonCode::kViaGroup ? "group" : "actor");
    String(writer, reason.actor);
  }
  if (!reason.petition.empty()) {
    writer.Key("petition");
    String(writer, reason.petition);
  }
  if (reason.code == civic::ReasonCode::kRanked) {
    writer.Key("ordering");
    writer.String("digest");
    writer.Key("score");
    writer.Double(item.score);
  }
  writer.EndObject();
}

void WriteItem(JsonWriter& writer, const TimelineItem& item, bool digest, const storage::Store& store) {
  writer.StartObject();
  writer.Key("id");
  String(writer, item.id);
  writer.Key("sequence");
  writer.Uint64(item.sequence);
  writer.Key("object");
  if (item.object.local) {
    std::string note = protocol::NoteValueJson(item.object.note);
    writer.RawValue(note.data(), note.size(), rapidjson::kObjectType);
  } else {
    item.object.object.Accept(writer);
  }
  if (!item.booster.empty()) {
    writer.Key("booster");
    String(writer, item.booster);
  }
  writer.Key("sector");
  writer.String(protocol::SectorName(item.sector));
  // The "unusual amplification" label, when the item carries one (docs/signals.md).
  if (std::string label = AmplificationLabelJson(store, item.id); !label.empty()) {
    writer.Key("amplification");
    writer.RawValue(label.data(), label.size(), rapidjson::kObjectType);
  }
  writer.Key("why");
  writer.StartArray();
  for (const civic::Reason& reason : item.why) WriteReason(writer, reason, item);
  writer.EndArray();
  if (digest) {
    writer.Key("score");
    writer.Double(item.score);
    writer.Key("inputs");
    writer.StartObject();
    for (const civic::DigestTerm& term : civic::kDigestTerms) {
      String(writer, term.name);
      writer.Double(item.inputs[term.input]);
    }
    writer.EndObject();
  }
  writer.EndObject();
}

http::Response ReadApi(const PagesContext& context, http::Request& request) {
  std::optional<TimelineKind> kind = ParseTimeline(request.params["which"]);
  if (!kind) return http::Response::JsonError(404, "timelines: home, local, federated, commercial");
  auto authenticated = Authenticate(context, request);
  if (auto* refused = std::get_if<http::Response>(&authenticated)) return std::move(*refused);
  const Visitor& visitor = std::get<Visitor>(authenticated);
  if (*kind == TimelineKind::kHome && !visitor.account) {
    return accounts::BearerUnauthorized("the home timeline needs a bearer token (parvis admin token NAME) or a session");
  }
  std::optional<civic::Ordering> ordering =
      civic::ParseOrdering(request.QueryParam("order").value_or("chronological"));
  if (!ordering) return http::Response::JsonError(400, "order must be chronological or digest");
  bool digest = *ordering == civic::Ordering::kDigest;
  if (digest && *kind != TimelineKind::kHome) {
    return http::Response::JsonError(400, "the digest orders the home timeline only");
  }
  if (*kind == TimelineKind::kHome && context.ordering_usage != nullptr) {
    context.ordering_usage->Record(*ordering, context.now());
  }
  auto limit = NumberParam(request, "limit", 1, kMaxTimelineLimit);
  if (auto* refused = std::get_if<http::Response>(&limit)) return std::move(*refused);
  auto before = NumberParam(request, "before", 0, UINT64_MAX);
  if (auto* refused = std::get_if<http::Response>(&before)) return std::move(*refused);
  auto offset = NumberParam(request, "offset", 0, civic::kDigestWindow);
  if (auto* refused = std::get_if<http::Response>(&offset)) return std::move(*refused);
  std::optional<uint64_t> before_value = std::get<std::optional<uint64_t>>(before);
  std::optional<uint64_t> offset_value = std::get<std::optional<uint64_t>>(offset);
  if (digest && before_value) return http::Response::JsonError(400, "the digest pages with offset, not before");
  if (!digest && offset_value) {
    return http::Response::JsonError(400, "chronological timelines page with before, not offset");
  }
  TimelineQuery query{.kind = *kind,
                      .ordering = *ordering,
                      .before = before_value,
                      .offset = static_cast<size_t>(offset_value.value_or(0)),
                      .limit = static_cast<size_t>(std::get<std::optional<uint64_t>>(limit).value_or(20))};
  TimelineRead read = ReadTimelineItems(context, visitor, query);
  if (read.storage_error) return http::Response::JsonError(503, "storage unavailable");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("timeline");
  writer.String(TimelineName(*kind));
  writer.Key("ordering");
  writer.String(civic::OrderingName(*ordering));
  writer.Key("formula");
  if (digest) {
    String(writer, civic::DigestFormula());
  } else {
    writer.String(kChronologicalFormula);
  }
  writer.Key("orderings");
  String(writer, context.config->base_url + "/timelines.json");
  writer.Key("items");
  writer.StartArray();
  for (const TimelineItem& item : read.items) WriteItem(writer, item, digest, *context.store);
  writer.EndArray();
  if (read.more) {
    std::string next = "/api/timelines/" + std::string(TimelineName(*kind)) + "?limit=" +
                       std::to_string(query.limit);
    next += digest ? "&order=digest&offset=" + std::to_string(read.next_offset)
                   : "&before=" + std::to_string(read.last);
    writer.Key("next");
    String(writer, context.config->base_url + next);
  }
  writer.EndObject();
  http::Response response = http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
  response.headers.emplace_back("Cache-Control", visitor.account ? "private, no-store" : "no-cache");
  return response;
}

// GET /timelines.json: every ordering, its formula, constants and inputs,
// and the reasons an item can give.
http::Response OrderingsJson(const PagesContext& context) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("default");
  writer.String("chronological");
  writer.Key("orderings");
  writer.StartArray();
  writer.StartObject();
  writer.Key("name");
  writer.String("chronological");
  writer.Key("default");
  writer.Bool(true);
  writer.Key("timelines");
  writer.StartArray();
  for (const char* name : {"home", "local", "federated", "commercial"}) writer.String(name);
  writer.EndArray();
  writer.Key("formula");
  writer.String(kChronologicalFormula);
  writer.Key("inputs");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();

  writer.StartObject();
  writer.Key("name");
  writer.String("digest");
  writer.Key("default");
  writer.Bool(false);
  writer.Key("timelines");
  writer.StartArray();
  writer.String("home");
  writer.EndArray();
  writer.Key("formula");
  String(writer, civic::DigestFormula());
  writer.Key("inputs");
  writer.StartArray();
  for (const civic::DigestTerm& term : civic::kDigestTerms) {
    writer.StartObject();
    writer.Key("name");
    String(writer, term.name);
    writer.Key("weight");
    writer.Double(term.weight);
    writer.Key("description");
    String(writer, Translate("en", "digest_input_" + std::string(term.name)));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("window");
  writer.Uint64(civic::kDigestWindow);
  writer.Key("nearThreshold");
  writer.StartObject();
  writer.Key("low");
  writer.Double(civic::kNearThresholdLow);
  writer.Key("high");
  writer.Double(civic::kNearThresholdHigh);
  writer.EndObject();
  writer.Key("tieBreak");
  writer.String("newer first");
  writer.Key("select");
  writer.StartArray();
  writer.String("/home?order=digest");
  writer.String("/api/timelines/home?order=digest");
  writer.EndArray();
  writer.EndObject();
  writer.EndArray();

  writer.Key("reasons");
  writer.StartArray();
  for (civic::ReasonCode code : civic::AllReasons()) {
    writer.StartObject();
    writer.Key("reason");
    writer.String(civic::ReasonName(code));
    writer.Key("description");
    String(writer, Translate("en", std::string("reason_") + civic::ReasonName(code)));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("self");
  String(writer, context.config->base_url + "/timelines.json");
  writer.EndObject();
  http::Response response = http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  return response;
}

// GET /timelines: the same, for people.
http::Response OrderingsPage(const PagesContext& context, const http::Request& request) {
  Visitor visitor = ReadVisitor(context, request);
  mustache::data data;
  data.set("formula", civic::DigestFormula());
  mustache::data inputs(mustache::data::type::list);
  for (const civic::DigestTerm& term : civic::kDigestTerms) {
    mustache::data input;
    input.set("name", std::string(term.name));
    input.set("weight", civic::FormatNumber(term.weight));
    input.set("description", T(visitor, "digest_input_" + std::string(term.name)));
    inputs.push_back(input);
  }
  data.set("inputs", inputs);
  data.set("window", std::to_string(civic::kDigestWindow));
  data.set("near_low", civic::FormatNumber(civic::kNearThresholdLow));
  data.set("near_high", civic::FormatNumber(civic::kNearThresholdHigh));
  mustache::data reasons(mustache::data::type::list);
  for (civic::ReasonCode code : civic::AllReasons()) {
    mustache::data reason;
    reason.set("code", std::string(civic::ReasonName(code)));
    reason.set("description", T(visitor, std::string("reason_") + civic::ReasonName(code)));
    reasons.push_back(reason);
  }
  data.set("reasons", reasons);
  return RenderPage(context, visitor, "timelines", T(visitor, "timelines_title"), std::move(data));
}

}  // namespace

void AddTimelineApi(http::Router& router, const PagesContext& context) {
  router.Add("GET", "/api/timelines/{which}", [context](http::Request& r) { return ReadApi(context, r); });
  router.Add("GET", "/timelines.json", [context](http::Request&) { return OrderingsJson(context); });
  router.Add("GET", "/timelines", [context](http::Request& r) { return OrderingsPage(context, r); });
}

}  // namespace parvis::pages
