#include "bench/peer_hosts.h"

#include <rapidjson/document.h>

#include "parvis/protocol/digest.h"
#include "parvis/protocol/http_signature.h"

namespace parvis::bench {

PeerHosts::PeerHosts(unsigned threads) : loop_(threads) {}

Result<std::unique_ptr<PeerHosts>> PeerHosts::Start(size_t hosts, unsigned threads) {
  std::unique_ptr<PeerHosts> peers(new PeerHosts(std::max(1u, threads)));
  PeerHosts* self = peers.get();
  self->router_.Add("GET", "/users/{name}", [self](http::Request& request) {
    std::lock_guard lock(self->mutex_);
    auto it = self->documents_.find(request.params["name"]);
    if (it == self->documents_.end()) return http::Response::JsonError(404, "no such actor");
    ++self->documents_served_;
    return http::Response::ActivityJson(200, it->second);
  });
  auto receive = [self](http::Request& request) { return self->Receive(request); };
  self->router_.Add("POST", "/inbox", receive);
  self->router_.Add("POST", "/users/{name}/inbox", receive);
  for (size_t i = 0; i < hosts; ++i) {
    Result<std::unique_ptr<http::HttpServer>> server = http::HttpServer::Start(
        {.address = "127.0.0.1", .port = 0}, self->loop_, &self->router_, nullptr, &self->metrics_);
    if (!server) return std::unexpected(server.error());
    self->servers_.push_back(std::move(*server));
  }
  self->loop_.Start();
  return peers;
}

PeerHosts::~PeerHosts() {
  for (auto& server : servers_) server->Stop();
  servers_.clear();
  loop_.Stop();
  loop_.Join();
}

std::string PeerHosts::base(size_t i) const {
  return "http://127.0.0.1:" + std::to_string(servers_.at(i)->port());
}

void PeerHosts::Add(const BenchActor& actor) {
  std::lock_guard lock(mutex_);
  documents_.insert_or_assign(actor.name, actor.document);
}

void PeerHosts::TrustKey(const std::string& key_id, const protocol::PublicKey& key) {
  std::lock_guard lock(mutex_);
  keys_.insert_or_assign(key_id, key);
}

http::Response PeerHosts::Receive(const http::Request& request) {
  Delivery delivery;
  delivery.at = std::chrono::steady_clock::now();
  delivery.authority = std::string(request.Header("host").value_or(""));
  rapidjson::Document json;
  json.Parse(request.body.data(), request.body.size());
  if (!json.HasParseError() && json.IsObject() && json.HasMember("type") &&
      json["type"].IsString()) {
    delivery.type = json["type"].GetString();
    if (json.HasMember("id") && json["id"].IsString()) delivery.id = json["id"].GetString();
    if (json.HasMember("object")) {
      const rapidjson::Value& object = json["object"];
      if (object.IsString()) {
        delivery.object = object.GetString();
      } else if (object.IsObject() && object.HasMember("id") && object["id"].IsString()) {
        delivery.object = object["id"].GetString();
      }
    }
  }
  // Check the signature as a receiving server would (time and coverage aside).
  protocol::HttpMessage message;
  message.method = request.method;
  message.target = request.target;
  message.authority = delivery.authority;
  message.scheme = "http";
  message.headers = request.headers;
  Result<protocol::SignatureInfo> info = protocol::InspectRequestSignature(message);
  if (info) {
    delivery.rfc9421 = info->scheme == protocol::SignatureScheme::kRfc9421;
    std::optional<protocol::PublicKey> key;
    {
      std::lock_guard lock(mutex_);
      if (auto it = keys_.find(info->key_id); it != keys_.end()) key = it->second;
    }
    delivery.verified =
        key && protocol::VerifyRequestSignature(message, *info, *key).has_value() &&
        protocol::VerifyBodyDigest(message.FieldValue("digest").value_or(""),
                                   message.FieldValue("content-digest").value_or(""), request.body)
            .has_value();
  }
  {
    std::lock_guard lock(mutex_);
    deliveries_.push_back(std::move(delivery));
  }
  arrived_.notify_all();
  return http::Response::Text(202, "");
}

std::vector<Delivery> PeerHosts::deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

size_t PeerHosts::Count(const std::string& type) const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const Delivery& d : deliveries_) n += d.type == type;
  return n;
}

size_t PeerHosts::WaitFor(const std::string& type, size_t count,
                          std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  auto counted = [&] {
    size_t n = 0;
    for (const Delivery& d : deliveries_) n += d.type == type;
    return n;
  };
  size_t n = counted();
  while (n < count && arrived_.wait_until(lock, deadline) != std::cv_status::timeout) n = counted();
  return counted();
}

uint64_t PeerHosts::documents_served() const {
  std::lock_guard lock(mutex_);
  return documents_served_;
}

}  // namespace parvis::bench
