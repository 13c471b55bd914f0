// The energy label and the resource page (docs/energy.md): the model against
// values computed by hand, the deliveries a real fan-out records, the
// resource page's period handling, samples summed across a restart, and the
// traffic counters against the bytes a test really sent.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "server/footprint/energy_model.h"
#include "server/footprint/post_energy.h"
#include "server/footprint/resource_totals.h"
#include "server/pages/page_renderer.h"
#include "support/eventually.h"
#include "support/node_steps.h"
#include "support/raw_http.h"
#include "support/remote_peer.h"
#include "support/test_node.h"

namespace parvis::footprint {
namespace {

using ::testing::HasSubstr;
using testing::BodyOf;
using testing::Eventually;
using testing::StatusOf;
using testing::TestNode;

// Equal to 12 significant digits: the model multiplies a few doubles.
void ExpectClose(double actual, double expected) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * 1e-12 + 1e-18) << actual << " vs " << expected;
}

TEST(EnergyModelTest, PostsAsComputedByHand) {
  // bytes = (size + media) * (deliveries + local + deliveries);
  // kWh = bytes / 1e9 * 0.3; g = kWh * 494.
  struct Case {
    PostInputs in;
    uint64_t reads, bytes;
    double kwh, grams;
    char grade;
  } cases[] = {
      // Nothing sent, nobody here: nothing transferred.
      {{.size_bytes = 1500}, 0, 0, 0.0, 0.0, 'A'},
      // 2000 B to 10 inboxes and 5 readers here: 15 reads, 25 transfers.
      {{.size_bytes = 2000, .deliveries = 10, .local_readers = 5}, 15, 50'000, 1.5e-5, 0.00741, 'A'},
      // 4000 B, 100 inboxes, 50 here: 150 reads, 250 transfers = 1 MB.
      {{.size_bytes = 4000, .deliveries = 100, .local_readers = 50}, 150, 1'000'000, 3e-4, 0.1482, 'C'},
      // A remote post (no deliveries here) read by 3 accounts here.
      {{.size_bytes = 1000, .local_readers = 3}, 3, 3000, 9e-7, 0.0004446, 'A'},
      // With 990 kB of media: 1 MB a transfer, 2000 transfers = 2 GB.
      {{.size_bytes = 10'000, .media_bytes = 990'000, .deliveries = 1000}, 1000, 2'000'000'000, 0.6, 296.4, 'G'},
      // 2 kB to 5000 inboxes: 10000 transfers = 20 MB.
      {{.size_bytes = 2000, .deliveries = 5000}, 5000, 20'000'000, 0.006, 2.964, 'E'},
  };
  for (const Case& c : cases) {
    PostEstimate estimate = EstimatePost(c.in);
    EXPECT_EQ(estimate.expected_reads, c.reads);
    EXPECT_EQ(estimate.bytes, c.bytes);
    ExpectClose(estimate.kwh, c.kwh);
    ExpectClose(estimate.grams, c.grams);
    EXPECT_EQ(estimate.grade, c.grade) << estimate.grams;
  }
}

TEST(EnergyModelTest, GradeBoundsAreInclusive) {
  const double above = std::numeric_limits<double>::infinity();
  struct Case {
    double grams;
    char grade;
  } cases[] = {
      {0.0, 'A'},   {0.01, 'A'}, {std::nextafter(0.01, above), 'B'},
      {0.05, 'B'},  {std::nextafter(0.05, above), 'C'},
      {0.25, 'C'},  {std::nextafter(0.25, above), 'D'},
      {1.0, 'D'},   {std::nextafter(1.0, above), 'E'},
      {5.0, 'E'},   {std::nextafter(5.0, above), 'F'},
      {25.0, 'F'},  {std::nextafter(25.0, above), 'G'},
      {1e9, 'G'},
  };
  for (const Case& c : cases) EXPECT_EQ(GradeFor(c.grams), c.grade) << c.grams;
  EXPECT_EQ(KwhForBytes(1'000'000'000), 0.3);
  EXPECT_EQ(GramsForKwh(1.0), 494.0);
}

TEST(EnergyModelTest, FiguresArePlainDecimals) {
  EXPECT_EQ(FormatSignificant(0), "0");
  EXPECT_EQ(FormatSignificant(-1), "0");
  EXPECT_EQ(FormatSignificant(std::nan("")), "0");
  EXPECT_EQ(FormatSignificant(0.0056), "0.0056");
  EXPECT_EQ(FormatSignificant(0.00741), "0.0074");
  EXPECT_EQ(FormatSignificant(1.234), "1.2");
  EXPECT_EQ(FormatSignificant(340.4), "340");
  EXPECT_EQ(FormatSignificant(0.3, 3), "0.300");
}

ResourceSample At(int64_t at, uint64_t segment, double cpu, uint64_t in, uint64_t out, uint64_t deliveries,
                  uint64_t rss = 0, uint64_t storage = 0) {
  return {.at = at, .segment = segment, .cpu_seconds = cpu, .rss_bytes = rss, .server_in = in,
          .server_out = out, .client_in = in / 10, .client_out = out / 10, .deliveries = deliveries,
          .storage_bytes = storage};
}

TEST(ResourceTotalsTest, RunsAreSummedAcrossRestarts) {
  // Run 1 from 100 to 400; a restart; run 2 from 500 (its counters from 0).
  std::vector<ResourceSample> samples = {
      At(100, 1, 1.0, 1000, 2000, 1, 50, 7000), At(400, 1, 3.0, 3000, 6000, 4, 80, 7100),
      At(500, 2, 0.5, 500, 100, 0, 60, 7200),   At(800, 2, 2.0, 2500, 900, 2, 70, 7300),
  };
  struct Case {
    int64_t from, to;
    double cpu;
    uint64_t in, out, deliveries, peak, storage, samples, runs;
  } cases[] = {
      // Everything: the last reading of each run.
      {0, 1000, 3.0 + 2.0, 3000 + 2500, 6000 + 900, 4 + 2, 80, 7300, 4, 2},
      // From 300: run 1 from its reading at 100.
      {300, 1000, 2.0 + 2.0, 2000 + 2500, 4000 + 900, 3 + 2, 80, 7300, 3, 2},
      // Only run 2's first reading: it started in the period, from 0.
      {450, 600, 0.5, 500, 100, 0, 60, 7200, 1, 1},
      // Only run 1's end; `to` is exclusive.
      {300, 500, 2.0, 2000, 4000, 3, 80, 7100, 1, 1},
      // Nothing sampled in the period.
      {900, 2000, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  for (const Case& c : cases) {
    ResourceTotals totals = SumSamples(samples, c.from, c.to);
    EXPECT_DOUBLE_EQ(totals.cpu_seconds, c.cpu) << c.from;
    EXPECT_EQ(totals.server_in, c.in) << c.from;
    EXPECT_EQ(totals.server_out, c.out) << c.from;
    EXPECT_EQ(totals.client_in, c.in / 10) << c.from;
    EXPECT_EQ(totals.deliveries, c.deliveries) << c.from;
    EXPECT_EQ(totals.peak_rss_bytes, c.peak) << c.from;
    EXPECT_EQ(totals.storage_bytes, c.storage) << c.from;
    EXPECT_EQ(totals.samples, c.samples) << c.from;
    EXPECT_EQ(totals.segments, c.runs) << c.from;
    EXPECT_EQ(totals.bytes_in, totals.server_in + totals.client_in);
    ExpectClose(totals.kwh, static_cast<double>(totals.bytes_in + totals.bytes_out) / 1e9 * 0.3);
    ExpectClose(totals.grams, totals.kwh * 494);
  }
  // A damaged reading (a counter smaller than its baseline) adds nothing.
  samples.push_back(At(900, 2, 1.0, 100, 100, 0));
  ResourceTotals damaged = SumSamples(samples, 850, 1000);
  EXPECT_EQ(damaged.server_in, 0u);
  EXPECT_EQ(damaged.cpu_seconds, 0.0);
  // Samples round-trip through their stored form; junk does not decode.
  ResourceSample one = At(123, 9, 1.5, 10, 20, 3, 4, 5);
  Result<ResourceSample> back = DecodeSample(EncodeSample(one));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->server_out, 20u);
  EXPECT_EQ(back->segment, 9u);
  EXPECT_DOUBLE_EQ(back->cpu_seconds, 1.5);
  for (const std::string& junk : std::vector<std::string>{"", "{}", "[1]", R"({"at":"x"})", std::string(5000, '{')}) {
    EXPECT_FALSE(DecodeSample(junk)) << junk.substr(0, 20);
  }
}

TEST(ResourceTotalsTest, PeriodsAreDatesInOrderAndBounded) {
  const int64_t now = 1'795'000'000;  // 2026-11-18T...
  const int64_t day = 86400;
  Result<Period> fallback = ParsePeriod(std::nullopt, std::nullopt, now, 30, 3660);
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->from, now - 30 * day);
  EXPECT_EQ(fallback->to, now + 1);
  Result<Period> both = ParsePeriod("2026-01-01", "2026-01-31", now, 30, 3660);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->from, 1'767'225'600);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(both->to, 1'767'225'600 + 31 * day);
  Result<Period> one_day = ParsePeriod("2026-03-01", "2026-03-01", now, 30, 3660);
  ASSERT_TRUE(one_day);
  EXPECT_EQ(one_day->to - one_day->from, day);
  struct Bad {
    std::optional<std::string> from, to;
    std::string says;
  } bad[] = {
      {"2026-13-01", std::nullopt, "from must be a date"},
      {"2026-02-30", "2026-03-01", "from must be a date"},
      {"26-01-01", "2026-03-01", "from must be a date"},
      {"", "2026-03-01", "from must be a date"},
      {"2026-01-01T00:00:00Z", "2026-03-01", "from must be a date"},
      {"1969-12-31", "1970-01-02", "from must be a date"},
      {"2026-01-01", "9999-99-99", "to must be a date"},
      {"2026-01-01", std::string(5000, '9'), "to must be a date"},
      {"2026-01-01", std::string("2026-01-0\0", 10), "to must be a date"},
      {"2026-02-01", "2026-01-31", "to must not be before from"},
      {"2000-01-01", "2026-01-01", "at most 3660 days"},
      {"0001-01-01", "9999-12-31", "from must be a date"},
  };
  for (const Bad& b : bad) {
    Result<Period> period = ParsePeriod(b.from, b.to, now, 30, 3660);
    ASSERT_FALSE(period) << b.from.value_or("-") << " " << b.to.value_or("-");
    EXPECT_EQ(period.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(period.error().message, HasSubstr(b.says));
  }
}

// The JSON of the resource page, or a null document.
rapidjson::Document Resources(TestNode& node, const std::string& query, std::string* raw = nullptr) {
  std::string response = node.Get("/about/resources" + query);
  if (raw != nullptr) *raw = response;
  Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(response), {});
  return doc && doc->IsObject() ? std::move(*doc) : rapidjson::Document();
}

std::string GetRequest(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

TEST(ResourcePageTest, CountsTheBytesReallySent) {
  TestNode node;
  const std::string json_target = "/about/resources?format=json";
  std::string first_raw;
  rapidjson::Document first = Resources(node, "?format=json", &first_raw);
  ASSERT_TRUE(first.IsObject()) << first_raw;
  uint64_t sent = 0, received = 0;
  for (const char* target : {"/about", "/about/energy", "/nothing-here", "/local", "/about?lang=fr"}) {
    std::string response = node.Get(target);
    ASSERT_NE(StatusOf(response), 0);
    sent += GetRequest(target).size();
    received += response.size();
  }
  std::string second_raw;
  rapidjson::Document second = Resources(node, "?format=json", &second_raw);
  ASSERT_TRUE(second.IsObject()) << second_raw;
  // The second page read itself once its request was in: its request counts,
  // its response not yet; the first page's response does.
  EXPECT_EQ(second["serverBytesIn"].GetUint64() - first["serverBytesIn"].GetUint64(),
            sent + GetRequest(json_target).size());
  EXPECT_EQ(second["serverBytesOut"].GetUint64() - first["serverBytesOut"].GetUint64(),
            received + first_raw.size());
  EXPECT_EQ(second["bytesIn"].GetUint64(),
            second["serverBytesIn"].GetUint64() + second["clientBytesIn"].GetUint64());
  EXPECT_GT(second["kwh"].GetDouble(), 0.0);
  EXPECT_GT(second["cpuSeconds"].GetDouble(), 0.0);
  EXPECT_GT(second["peakResidentBytes"].GetUint64(), 0u);
  EXPECT_GT(second["storageBytes"].GetUint64(), 0u);
  EXPECT_STREQ(second["model"]["methodology"].GetString(), "/about/energy");
}

TEST(ResourcePageTest, HtmlJsonAndRefusedPeriods) {
  TestNode node;
  std::string html = node.Get("/about/resources?from=2026-01-01&to=2026-01-31");
  EXPECT_EQ(StatusOf(html), 200) << html;
  EXPECT_THAT(html, HasSubstr("value=\"2026-01-01\""));
  EXPECT_THAT(html, HasSubstr("/about/resources?from=2026-01-01&amp;to=2026-01-31&amp;format=json"));
  EXPECT_THAT(html, HasSubstr("href=\"/about/energy\""));
  // A past period where nothing was sampled: zeros, not an error.
  rapidjson::Document past = Resources(node, "?from=2026-01-01&to=2026-01-31&format=json");
  ASSERT_TRUE(past.IsObject());
  EXPECT_STREQ(past["from"].GetString(), "2026-01-01");
  EXPECT_STREQ(past["to"].GetString(), "2026-01-31");
  EXPECT_EQ(past["bytesIn"].GetUint64(), 0u);
  EXPECT_EQ(past["segments"].GetUint64(), 0u);
  // Accept: application/json asks for JSON too.
  std::string accepted = node.Get("/about/resources", "Accept: application/json\r\n");
  EXPECT_EQ(StatusOf(accepted), 200);
  EXPECT_THAT(BodyOf(accepted), HasSubstr("\"gramsCo2e\":"));
  // French page.
  EXPECT_THAT(node.Get("/about/resources?lang=fr"), HasSubstr("Ressources utilisées par ce nœud"));
  struct Bad {
    std::string query;
    std::string says;
  } bad[] = {
      {"from=2026-13-01", "from must be a date"},
      {"from=2026-02-30&to=2026-03-01", "from must be a date"},
      {"from=yesterday", "from must be a date"},
      {"to=2026-01-01%00", "to must be a date"},
      {"from=%3Cscript%3E", "from must be a date"},
      {"from=2026-02-01&to=2026-01-01", "to must not be before from"},
      {"from=2024-01-01&to=2026-01-01", "at most 366 days"},
      {"from=2026-01-01&to=" + std::string(4000, '1'), "to must be a date"},
  };
  for (const Bad& b : bad) {
    std::string json = node.Get("/about/resources?format=json&" + b.query);
    EXPECT_EQ(StatusOf(json), 400) << b.query;
    EXPECT_THAT(BodyOf(json), HasSubstr(b.says)) << b.query;
    std::string page = node.Get("/about/resources?" + b.query);
    EXPECT_EQ(StatusOf(page), 400) << b.query;
    EXPECT_THAT(page, HasSubstr("The period must be two dates")) << b.query;
    EXPECT_THAT(page, ::testing::Not(HasSubstr("<script>")));
  }
  // The same request twice answers the same (a replayed query changes nothing).
  EXPECT_EQ(BodyOf(node.Get("/about/resources?from=2026-01-01&to=2026-01-31&format=json")),
            BodyOf(node.Get("/about/resources?from=2026-01-01&to=2026-01-31&format=json")));
}

// Each request reads every sample of its period: one client gets at most
// kReportsPerClient a minute, then 429 with Retry-After (the transparency
// report too); others are still served.
TEST(ResourcePageTest, AFloodFromOneClientIsRefused) {
  TestNode node;
  for (int i = 0; i < pages::kReportsPerClient.attempts; ++i) {
    ASSERT_EQ(StatusOf(node.Get("/about/resources?format=json")), 200) << i;
  }
  std::string refused = node.Get("/about/resources?format=json");
  EXPECT_EQ(StatusOf(refused), 429);
  EXPECT_THAT(refused, HasSubstr("Retry-After: "));
  EXPECT_EQ(StatusOf(node.Get("/about/transparency")), 429);
}

TEST(ResourcePageTest, MethodologyStatesTheModel) {
  TestNode node;
  std::string page = node.Get("/about/energy");
  EXPECT_EQ(StatusOf(page), 200);
  for (const char* shown : {"0.300 kWh/GB", "494 gCO2e/kWh", "Sustainable Web Design", "≤ 0.01", "&gt; 25",
                            "sustainablewebdesign.org"}) {
    EXPECT_THAT(page, HasSubstr(shown));
  }
  EXPECT_THAT(node.Get("/about/energy?lang=fr"), HasSubstr("Étiquette énergie"));
}

TEST(ResourceSamplerTest, RunsBeforeAndAfterARestartAddUp) {
  TestNode node;
  std::string target = "/about/energy";
  uint64_t first_run = 0;
  for (int i = 0; i < 3; ++i) first_run += GetRequest(target).size() * (StatusOf(node.Get(target)) == 200);
  node.Stop();  // the last sample of the run
  node.Start();
  uint64_t second_run = 0;
  for (int i = 0; i < 2; ++i) second_run += GetRequest(target).size() * (StatusOf(node.Get(target)) == 200);
  node.Stop();
  node.Start();
  // What each run reached, from its own samples.
  std::map<uint64_t, uint64_t> last_in;
  ASSERT_TRUE(node.node().store().Scan(storage::Family::kResources, kSamplePrefix,
                                       [&](std::string_view, std::string_view value) {
                                         Result<ResourceSample> sample = DecodeSample(value);
                                         EXPECT_TRUE(sample);
                                         if (sample) last_in[sample->segment] = std::max(last_in[sample->segment], sample->server_in);
                                         return true;
                                       }));
  ASSERT_GE(last_in.size(), 2u);  // two finished runs, and the third's first sample
  std::vector<uint64_t> runs;
  for (const auto& [segment, in] : last_in) runs.push_back(in);
  EXPECT_EQ(runs[0], first_run);
  EXPECT_EQ(runs[1], second_run);
  Result<ResourceTotals> totals = SumResources(node.node().store(), 0, std::numeric_limits<int32_t>::max());
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->segments, last_in.size());
  EXPECT_EQ(totals->server_in, first_run + second_run + (runs.size() > 2 ? runs[2] : 0));
  EXPECT_GT(totals->storage_bytes, 0u);
}

TEST(PostEnergyTest, AFanOutRecordsItsRemoteDeliveries) {
  testing::RemotePeer north("localhost");
  testing::RemotePeer south("127.0.0.1");
  testing::PeerActor ada = north.AddActor("ada");
  testing::PeerActor bob = north.AddActor("bob");  // same server as ada: one shared inbox
  testing::PeerActor cy = south.AddActor("cy");
  TestNode node({}, /*federating=*/true);
  node.CreateAccount("camille");
  node.CreateAccount("eli");
  const std::string camille = node.base() + "/users/camille";
  int n = 0;
  for (const testing::PeerActor* peer : {&ada, &bob, &cy}) {
    std::string follow = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + peer->id +
                         "/follows/" + std::to_string(++n) + R"(","type":"Follow","actor":")" + peer->id +
                         R"(","object":")" + camille + R"("})";
    testing::RawConnection connection(node.port());
    connection.Send(testing::RemotePeer::SignedPost(*peer, node.port(), "/users/camille/inbox", follow));
    ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  }
  testing::Follow(node, "eli", node.Handle("camille"));  // a reader here
  ASSERT_TRUE(Eventually([&] { return testing::Accepted(node, "camille", 4); }))
      << node.node().CallControl("GET", "/control/follows?account=camille", "").body;
  ASSERT_TRUE(Eventually([&] { return testing::PendingDeliveries(node) == 0; }));

  std::string id = testing::Publish(node, R"({"account":"camille","content":"Un message léger"})");
  ASSERT_FALSE(id.empty());
  // Two servers elsewhere (north's two followers share its inbox), one reader here.
  Result<PostInputs> recorded = LoadRecordedInputs(node.node().store(), id);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->deliveries, 2u);
  EXPECT_EQ(recorded->local_readers, 1u);
  auto got_create = [&](const testing::RemotePeer& peer) {
    for (const auto& received : peer.received()) {
      if (received.body.find(id) != std::string::npos && received.body.find("\"Create\"") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(Eventually([&] { return got_create(north) && got_create(south); }));
  // Its delivery to this node's own inbox (for eli) adds no second count.
  auto queues_empty = [&] {
    bool queued = false;
    for (const char* queue : {"inbox/", "delivery/"}) {
      (void)node.node().store().Scan(storage::Family::kQueues, queue, [&](std::string_view, std::string_view) {
        queued = true;
        return false;
      });
    }
    return !queued;
  };
  ASSERT_TRUE(Eventually(queues_empty));
  recorded = LoadRecordedInputs(node.node().store(), id);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->local_readers, 1u);

  // The card: 2 deliveries, 1 + 2 reads, 5 transfers of the Create's size.
  Result<std::optional<federation::StoredObject>> stored = [&]() -> Result<std::optional<federation::StoredObject>> {
    Result<std::optional<std::string>> bytes = node.node().store().Get(storage::Family::kObjects, id);
    if (!bytes || !bytes->has_value()) return std::optional<federation::StoredObject>();
    Result<federation::StoredObject> object = federation::DecodeObjectRecord(id, **bytes);
    if (!object) return std::unexpected(object.error());
    return std::optional<federation::StoredObject>(std::move(*object));
  }();
  ASSERT_TRUE(stored && stored->has_value());
  const uint64_t size = DeliveredSize(id, **stored);
  EXPECT_GT(size, 300u);
  const double wh = static_cast<double>(5 * size) / 1e9 * 0.3 * 1000;
  std::string thread = node.Get("/thread?id=" + id);
  EXPECT_THAT(thread, HasSubstr("<a href=\"/about/energy\""));
  EXPECT_THAT(thread, HasSubstr("Energy A</a> · " + FormatSignificant(wh) + " Wh · " +
                                    FormatSignificant(wh / 1000 * 494) + " gCO2e"));

  // An edit goes out again: two more deliveries, no new reader.
  http::Response edited = node.node().CallControl(
      "POST", "/control/edit", R"({"account":"camille","id":")" + id + R"(","content":"Un message modifié"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  recorded = LoadRecordedInputs(node.node().store(), id);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->deliveries, 4u);
  EXPECT_EQ(recorded->local_readers, 1u);

  // The deliveries made and the client's bytes show on the resource page.
  EXPECT_TRUE(Eventually([&] {
    rapidjson::Document resources = Resources(node, "?format=json");
    return resources.IsObject() && resources["deliveries"].GetUint64() >= 4 &&
           resources["clientBytesOut"].GetUint64() > 4 * size;
  }));

  // A remote post addressed to camille reaches one account here.
  std::string note = ada.id + "/notes/1";
  std::string create = R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + note +
                       R"(#create","type":"Create","actor":")" + ada.id +
                       R"(","to":["https://www.w3.org/ns/activitystreams#Public",")" + camille +
                       R"("],"object":{"id":")" + note + R"(","type":"Note","attributedTo":")" + ada.id +
                       R"(","content":"bonjour","to":["https://www.w3.org/ns/activitystreams#Public",")" +
                       camille + R"("]}})";
  testing::RawConnection connection(node.port());
  connection.Send(testing::RemotePeer::SignedPost(ada, node.port(), "/users/camille/inbox", create));
  ASSERT_EQ(StatusOf(connection.ReadToEnd()), 202);
  ASSERT_TRUE(Eventually([&] {
    Result<PostInputs> remote = LoadRecordedInputs(node.node().store(), note);
    return remote && remote->local_readers == 1;
  }));
  Result<PostInputs> remote = LoadRecordedInputs(node.node().store(), note);
  ASSERT_TRUE(remote);
  EXPECT_EQ(remote->deliveries, 0u);
  EXPECT_THAT(node.Get("/thread?id=" + note), HasSubstr("Energy A</a>"));
}

}  // namespace
}  // namespace parvis::footprint
