// Scenario 4, home timeline reads. Preparation, through the node's own paths:
//
//   follow: the account follows `follows` remote actors (C2S Follow to its
//           outbox); the node fetches each actor and delivers the Follow to
//           the generator, which answers with a signed Accept;
//   fill:   those actors deliver `posts` signed Create(Note), public and to
//           their followers, through the shared inbox; the inbox worker files
//           each in the account's home timeline; the generator waits for it,
//           then pages through the whole timeline once to count it;
//   sign in: GET /login (CSRF cookie), POST /login: a session cookie.
//
// Then, for JSON (GET /api/timelines/home, Bearer token) and for HTML
// (GET /home, session cookie), the first page of the timeline:
//
//   open:   requests falling due at `rate` per second for `seconds`, over at
//           most `connections` keep-alive connections; latency from when each
//           fell due;
//   closed: `closed_connections` connections, each sending its next request
//           when the answer is in, for `closed_seconds`: the most the node
//           answers.
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "bench/load_driver.h"
#include "bench/peer_hosts.h"
#include "bench/plain_http.h"
#include "bench/process_probe.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parvis::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A keep-alive GET of `target` with `headers` (each "Name: value").
std::string GetRequest(const std::string& authority, const std::string& target,
                       const std::vector<std::string>& headers) {
  std::string out =
      "GET " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: parvis-loadgen\r\n";
  for (const std::string& header : headers) out += header + "\r\n";
  return out + "\r\n";
}

std::optional<double> NodeObjects(uint16_t port) {
  Result<PlainResponse> metrics = HttpGet(port, "/metrics");
  if (!metrics || metrics->status != 200) return std::nullopt;
  return MetricValue(metrics->body, "parvis_stored_records", "family=\"objects\"");
}

// Entries waiting in the node's persisted queues (inbox, deliveries).
std::optional<double> NodeQueueDepth(uint16_t port) {
  Result<PlainResponse> metrics = HttpGet(port, "/metrics");
  if (!metrics || metrics->status != 200) return std::nullopt;
  return MetricValue(metrics->body, "parvis_queue_depth", "queue=\"all\"");
}

// totalItems of the account's following collection (accepted follows).
int64_t AcceptedFollows(uint16_t port, const std::string& account) {
  Result<PlainResponse> response =
      HttpGet(port, "/users/" + account + "/following", "application/activity+json");
  if (!response || response->status != 200) return -1;
  rapidjson::Document json;
  json.Parse(response->body.c_str());
  if (json.HasParseError() || !json.IsObject() || !json.HasMember("totalItems") ||
      !json["totalItems"].IsInt64())
    return -1;
  return json["totalItems"].GetInt64();
}

// Items in the whole home timeline, read 40 at a time through its `next`
// links; -1 on a failure.
int64_t CountHome(uint16_t port, const std::string& token, const std::string& base) {
  std::string target = "/api/timelines/home?limit=40";
  int64_t items = 0;
  while (!target.empty()) {
    Result<PlainResponse> page =
        HttpExchange(port, "GET", target,
                     {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}});
    if (!page || page->status != 200) return -1;
    rapidjson::Document json;
    json.Parse(page->body.c_str());
    if (json.HasParseError() || !json.IsObject() || !json.HasMember("items") ||
        !json["items"].IsArray())
      return -1;
    items += json["items"].Size();
    target.clear();
    if (json["items"].Size() > 0 && json.HasMember("next") && json["next"].IsString()) {
      std::string next = json["next"].GetString();
      target = next.starts_with(base) ? next.substr(base.size()) : next;
    }
  }
  return items;
}

// Signs in as a browser does: the login form's CSRF cookie, then the form.
// The Cookie header value for later requests, or an error.
Result<std::string> SignIn(uint16_t port, const std::string& account, const std::string& password) {
  Result<PlainResponse> form = HttpExchange(port, "GET", "/login", {{"Accept", "text/html"}});
  if (!form) return std::unexpected(form.error());
  std::string csrf = form->SetCookieValue("parvis_csrf");
  if (form->status != 200 || csrf.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "GET /login: " + std::to_string(form->status) + " without a CSRF cookie");
  }
  auto encode = [](const std::string& text) {
    std::string out;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  };
  std::string body =
      "name=" + encode(account) + "&password=" + encode(password) + "&csrf=" + encode(csrf);
  Result<PlainResponse> login = HttpExchange(port, "POST", "/login",
                                             {{"Content-Type", "application/x-www-form-urlencoded"},
                                              {"Cookie", "parvis_csrf=" + csrf},
                                              {"Accept", "text/html"}},
                                             body);
  if (!login) return std::unexpected(login.error());
  std::string session = login->SetCookieValue("parvis_session");
  if (login->status != 303 || session.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "POST /login: " + std::to_string(login->status) + " without a session");
  }
  return "parvis_session=" + session + "; parvis_csrf=" + csrf;
}

void ReportOpen(std::string_view label, const std::string& phase, double offered,
                const LoadResult& r) {
  Report(label, phase + "_offered_per_s", offered);
  Report(label, phase + "_service_p50_ms", r.ServiceMs(0.50));
  Report(label, phase + "_service_p99_ms", r.ServiceMs(0.99));
  Report(label, phase + "_unsent", static_cast<double>(r.unsent));
  ReportLoad(label, phase, r);
}

}  // namespace

int RunReads(const ReadsOptions& options) {
  const std::string& label = options.label;
  const uint16_t port = options.node.port;
  const std::string authority = "127.0.0.1:" + std::to_string(port);
  const std::string base = "http://" + authority;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (options.follows == 0 && options.posts > 0) {
    Progress(label, "posts need actors to send them: --follows must not be 0");
    return 2;
  }
  Result<std::unique_ptr<PeerHosts>> peers = PeerHosts::Start(1, 1);
  if (!peers) {
    Progress(label, "cannot start the actor server: " + peers.error().message);
    return 1;
  }
  // (No follows: the timeline is read as it is, e.g. a kept data directory.)
  Result<std::vector<protocol::PrivateKey>> pool =
      LoadRsaKeyPool(options.keys.cache_file, options.follows > 0 ? options.keys.size : 0, threads);
  if (!pool) {
    Progress(label, "cannot make keys: " + pool.error().message);
    return 1;
  }
  std::vector<BenchActor> actors;
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < options.follows; ++i) {
    Result<BenchActor> actor = MakeActor(
        (*peers)->base(0), options.actor_prefix + std::to_string(i), (*pool)[i % pool->size()]);
    if (!actor) {
      Progress(label, "cannot make an actor: " + actor.error().message);
      return 1;
    }
    (*peers)->Add(*actor);
    by_id[actor->id] = actors.size();
    actors.push_back(std::move(*actor));
  }

  // Follow: C2S Follows; the node delivers each to the generator.
  Clock::time_point follow_start = Clock::now();
  std::vector<std::string> follows;
  for (const BenchActor& actor : actors) {
    std::string body =
        "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"type\":\"Follow\",\"object\":" +
        JsonString(actor.id) + "}";
    follows.push_back("POST /users/" + options.account + "/outbox HTTP/1.1\r\nHost: " + authority +
                      "\r\nAuthorization: Bearer " + options.token +
                      "\r\nContent-Type: application/activity+json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  LoadResult followed = RunLoad(follows, {.address = "127.0.0.1", .port = port, .connections = 8});
  ReportLoad(label, "follow", followed);
  if (followed.accepted != actors.size()) {
    Progress(label, "the node refused Follows: " + followed.first_refusal.substr(0, 300));
    return 1;
  }
  size_t delivered = (*peers)->WaitFor("Follow", actors.size(), std::chrono::seconds(120));
  if (delivered < actors.size()) {
    Progress(label, "only " + std::to_string(delivered) + " Follows reached the actors");
    return 1;
  }
  // Accept: each actor answers the Follow it received, signed.
  int64_t now = UnixNow();
  std::vector<Delivery> received = (*peers)->deliveries();
  std::vector<std::pair<size_t, std::string>> answers;  // actor, Follow id
  for (const Delivery& d : received) {
    if (d.type != "Follow") continue;
    auto it = by_id.find(d.object);
    if (it != by_id.end()) answers.emplace_back(it->second, d.id);
  }
  const std::string inbox = "/users/" + options.account + "/inbox";
  Result<std::vector<std::string>> accepts = MakeInParallel(answers.size(), threads, [&](size_t i) {
    const BenchActor& actor = actors[answers[i].first];
    std::string body = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":" +
                       JsonString(actor.id + "/accepts/" + std::to_string(i)) +
                       ",\"type\":\"Accept\",\"actor\":" + JsonString(actor.id) +
                       ",\"object\":" + JsonString(answers[i].second) + "}";
    return SignedPost(actor, options.fill_scheme, authority, inbox, body, now);
  });
  if (!accepts) {
    Progress(label, "cannot sign: " + accepts.error().message);
    return 1;
  }
  LoadResult accepted = RunLoad(*accepts, {.address = "127.0.0.1", .port = port, .connections = 8});
  ReportLoad(label, "accept", accepted);
  int64_t following = -1;
  for (Clock::time_point start = Clock::now(); Seconds(start) < 120;) {
    following = AcceptedFollows(port, options.account);
    if (following >= static_cast<int64_t>(actors.size())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  Report(label, "following", static_cast<double>(following));
  Report(label, "following_after_seconds", Seconds(follow_start));
  Progress(label, options.account + " follows " + std::to_string(following) + " actors after " +
                      std::to_string(Seconds(follow_start)) + " s");
  if (following < static_cast<int64_t>(actors.size())) return 1;

  // Fill: the actors' posts through the shared inbox, as federation brings them.
  Clock::time_point fill_start = Clock::now();
  double objects_before = NodeObjects(port).value_or(0);
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  uint64_t sent_ok = 0;
  double signing_seconds = 0;
  for (size_t done = 0; done < options.posts;) {
    size_t count = std::min(options.chunk, options.posts - done);
    Clock::time_point signing = Clock::now();
    int64_t signed_at = UnixNow();
    Result<std::vector<std::string>> creates = MakeInParallel(count, threads, [&](size_t i) {
      const BenchActor& actor = actors[(done + i) % actors.size()];
      std::string body = CreateNoteBody(actor.id, run + "-home-" + std::to_string(done + i),
                                        options.body_bytes, signed_at);
      return SignedPost(actor, options.fill_scheme, authority, "/inbox", body, signed_at);
    });
    if (!creates) {
      Progress(label, "cannot sign: " + creates.error().message);
      return 1;
    }
    signing_seconds += Seconds(signing);
    LoadResult result =
        RunLoad(*creates, {.address = "127.0.0.1", .port = port, .connections = 64});
    sent_ok += result.accepted;
    if (result.accepted != count) {
      Progress(label, "fill: " + std::to_string(count - result.accepted) +
                          " Creates refused: " + result.first_refusal.substr(0, 300));
    }
    done += count;
    Progress(label, "fill: " + std::to_string(done) + " Creates sent");
  }
  double fill_sent_seconds = Seconds(fill_start);
  // Wait until the node's object count (an estimate) moved by as many, or
  // stopped moving for 30 s.
  double filed = 0;
  {
    Clock::time_point last_move = Clock::now();
    double last = -1;
    while (Seconds(fill_start) < options.fill_timeout_s) {
      filed = NodeObjects(port).value_or(0) - objects_before;
      if (filed >= sent_ok * 0.995) break;
      if (filed != last) {
        last = filed;
        last_move = Clock::now();
      } else if (Seconds(last_move) > 30) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    // The count is an estimate: the last few hundred are filed once the
    // queue is empty, and the home timeline is counted after that.
    // (At most a minute: the depth is an estimate too.)
    Clock::time_point draining = Clock::now();
    while (Seconds(draining) < 60 && NodeQueueDepth(port).value_or(0) > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    filed = NodeObjects(port).value_or(0) - objects_before;
  }
  Report(label, "fill_accepted", static_cast<double>(sent_ok));
  Report(label, "fill_signing_seconds", signing_seconds);
  Report(label, "fill_send_seconds", fill_sent_seconds - signing_seconds);
  Report(label, "fill_seconds", Seconds(fill_start));
  // Signing is in the time (chunks are signed while the node files the last).
  Report(label, "fill_filed_per_s", filed / std::max(1e-9, Seconds(fill_start)));
  Progress(label, "fill: the node holds about " + std::to_string(static_cast<int64_t>(filed)) +
                      " more objects after " + std::to_string(Seconds(fill_start)) + " s");
  if (options.count_home) {
    Clock::time_point counting = Clock::now();
    int64_t home = CountHome(port, options.token, base);
    Report(label, "home_items", static_cast<double>(home));
    Report(label, "home_count_seconds", Seconds(counting));
    Progress(label, "the home timeline holds " + std::to_string(home) + " items (counted in " +
                        std::to_string(Seconds(counting)) + " s)");
    if (home < static_cast<int64_t>(options.posts)) {
      Progress(label, "warning: fewer items than posts sent; reading anyway");
    }
  }

  // Sign in, and check both pages answer.
  Result<std::string> cookie = SignIn(port, options.account, options.password);
  if (!cookie) {
    Progress(label, "cannot sign in: " + cookie.error().message);
    return 1;
  }
  const std::string json_request =
      GetRequest(authority, "/api/timelines/home",
                 {"Authorization: Bearer " + options.token, "Accept: application/json"});
  const std::string html_request =
      GetRequest(authority, "/home", {"Cookie: " + *cookie, "Accept: text/html"});
  Result<PlainResponse> json_page =
      HttpExchange(port, "GET", "/api/timelines/home",
                   {{"Authorization", "Bearer " + options.token}, {"Accept", "application/json"}});
  Result<PlainResponse> html_page =
      HttpExchange(port, "GET", "/home", {{"Cookie", *cookie}, {"Accept", "text/html"}});
  if (!json_page || json_page->status != 200 || !html_page || html_page->status != 200) {
    Progress(label, "a timeline page does not answer 200");
    return 1;
  }
  {
    rapidjson::Document json;
    json.Parse(json_page->body.c_str());
    if (!json.HasParseError() && json.IsObject() && json.HasMember("items") &&
        json["items"].IsArray()) {
      Report(label, "json_items_per_page", json["items"].Size());
    }
  }
  Report(label, "json_page_bytes", static_cast<double>(json_page->body.size()));
  Report(label, "html_page_bytes", static_cast<double>(html_page->body.size()));
  // The same item count on the HTML page: one "Why am I seeing this?" per card.
  size_t cards = 0;
  for (size_t at = html_page->body.find("class=\"why\""); at != std::string::npos;
       at = html_page->body.find("class=\"why\"", at + 1))
    ++cards;
  Report(label, "html_items_per_page", static_cast<double>(cards));

  int status = 0;
  for (const auto& [format, request] : {std::pair{std::string("json"), json_request},
                                        std::pair{std::string("html"), html_request}}) {
    std::vector<std::string> one{request};
    // Warm-up: the node's caches, the connections.
    RunOpenLoad(one, {.address = "127.0.0.1",
                      .port = port,
                      .connections = options.connections,
                      .rate = options.rate,
                      .seconds = std::min(2.0, options.seconds)});
    double node_cpu_before = ReadCpuSeconds(options.node.pid);
    double own_cpu_before = OwnCpuSeconds();
    PeakRssSampler sampler(options.node.pid);
    LoadResult open = RunOpenLoad(one, {.address = "127.0.0.1",
                                        .port = port,
                                        .connections = options.connections,
                                        .rate = options.rate,
                                        .seconds = options.seconds});
    double node_cpu = ReadCpuSeconds(options.node.pid) - node_cpu_before;
    ReportOpen(label, format + "_open", options.rate, open);
    Report(label, format + "_open_node_cpu_cores", node_cpu / std::max(1e-9, open.seconds));
    // The generator's own share: it must stay well under a core to keep time.
    Report(label, format + "_open_loadgen_cpu_cores",
           (OwnCpuSeconds() - own_cpu_before) / std::max(1e-9, open.seconds));
    Report(label, format + "_open_node_rss_peak_kb", static_cast<double>(sampler.Stop()));
    if (open.accepted == 0) status = 1;

    std::vector<std::string> many(
        static_cast<size_t>(std::max(1.0, 10000 * options.closed_seconds)), request);
    node_cpu_before = ReadCpuSeconds(options.node.pid);
    LoadResult closed = RunLoad(many, {.address = "127.0.0.1",
                                       .port = port,
                                       .connections = options.closed_connections,
                                       .max_seconds = options.closed_seconds});
    node_cpu = ReadCpuSeconds(options.node.pid) - node_cpu_before;
    ReportLoad(label, format + "_closed", closed);
    Report(label, format + "_closed_node_cpu_us_per_request",
           closed.sent ? node_cpu / static_cast<double>(closed.sent) * 1e6 : 0);
  }
  Report(label, "node_hwm_kb", static_cast<double>(ReadMemory(options.node.pid).hwm_kb));
  return status;
}

}  // namespace parvis::bench
