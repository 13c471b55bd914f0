// A remote ActivityPub server for tests: a real HTTP server on loopback
// (addressed as "localhost", so domain rules can name it) that serves actor
// documents with real keys, and signs requests to a node the way Mastodon
// (draft-cavage), Fedify (RFC 9421) and others do.
#ifndef PARVIS_TESTS_SUPPORT_REMOTE_PEER_H_
#define PARVIS_TESTS_SUPPORT_REMOTE_PEER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parvis/protocol/actor_document.h"
#include "parvis/protocol/cavage_signature.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/keys.h"
#include "parvis/protocol/message_signature.h"
#include "parvis/protocol/multikey.h"
#include "parvis/protocol/timestamps.h"
#include "server/http/event_loop.h"
#include "server/http/http_server.h"

namespace parvis::testing {

struct PeerActor {
  std::string name;
  std::string id;
  std::string rsa_key_id;
  std::string ed25519_key_id;
  protocol::PrivateKey rsa;
  protocol::PrivateKey ed25519;
  // The raw JSON value of the document's "published" (a quoted RFC 3339
  // date, or anything a hostile server sends); empty: omitted.
  std::string published;
};

struct PeerActorOptions {
  std::string published;              // as PeerActor::published
  const PeerActor* keys_of = nullptr;  // reuse this actor's keys (fast, for many actors)
};

enum class SignAs {
  kCavageRsa,       // rsa-sha256 over (request-target) host date digest: Mastodon
  kCavageEd25519,   // hs2019 with an Ed25519 key
  kRfc9421Ed25519,  // @method @target-uri @authority content-digest, created, keyid
  kRfc9421Rsa,      // rsa-v1_5-sha256, same components
};

struct SignedPostOptions {
  SignAs scheme = SignAs::kCavageRsa;
  int64_t clock_offset_seconds = 0;           // shifts Date and created
  std::optional<std::string> key_id;          // claim another key than the one used
  std::optional<std::string> body_in_digest;  // digest of something else
  std::optional<protocol::PrivateKey> key;    // sign with another key
  std::string content_type = "application/activity+json";
};

// A public Create of the note `actor`/notes/`n`, with the note embedded.
inline std::string PublicCreate(const PeerActor& actor, int n) {
  std::string id = actor.id + "/notes/" + std::to_string(n);
  return R"({"id":")" + id + R"(#create","type":"Create","actor":")" + actor.id +
         R"(","object":{"id":")" + id + R"(","type":"Note","attributedTo":")" + actor.id +
         R"(","content":"n)" + std::to_string(n) +
         R"(","to":["https://www.w3.org/ns/activitystreams#Public"]}})";
}

class RemotePeer {
 public:
  // `host` names the peer in its actors' ids: two peers with different
  // hosts ("localhost", "127.0.0.1") are two domains to the node. A peer
  // named by another loopback address ("127.0.0.7") listens on it, so
  // many domains can take part in one test.
  explicit RemotePeer(std::string host = "localhost") : host_(std::move(host)) {
    router_.Add("GET", "/users/{name}", [this](http::Request& request) {
      std::lock_guard lock(mutex_);
      auto it = actors_.find(request.params["name"]);
      if (it == actors_.end()) return http::Response::JsonError(404, "no such actor");
      http::Response response = http::Response::Json(200, Document(it->second));
      response.content_type = "application/activity+json";
      ++fetches_;
      return response;
    });
    auto receive = [this](http::Request& request) {
      std::lock_guard lock(mutex_);
      bool rfc9421 = request.Header("signature-input").has_value();
      if (rfc9421 && refuse_rfc9421_) return http::Response::JsonError(401, "RFC 9421 not spoken here");
      received_.push_back({rfc9421 ? "rfc9421" : "draft-cavage", request.body});
      return http::Response::Text(202, "");
    };
    router_.Add("POST", "/inbox", receive);
    router_.Add("POST", "/users/{name}/inbox", receive);
    Result<std::unique_ptr<http::HttpServer>> server =
        http::HttpServer::Start({.address = ListenAddress(host_), .port = 0}, loop_, &router_, nullptr, &metrics_);
    if (!server) {
      ADD_FAILURE() << server.error().message;
      return;
    }
    server_ = std::move(*server);
    loop_.Start();
  }

  ~RemotePeer() { server_.reset(); }

  std::string base() const { return "http://" + host_ + ":" + std::to_string(server_->port()); }

  PeerActor AddActor(const std::string& name, const PeerActorOptions& options = {}) {
    PeerActor actor{name,
                    base() + "/users/" + name,
                    base() + "/users/" + name + "#main-key",
                    base() + "/users/" + name + "#ed25519-key",
                    options.keys_of ? options.keys_of->rsa : *protocol::GenerateRsaKey(2048),
                    options.keys_of ? options.keys_of->ed25519 : *protocol::GenerateEd25519Key(),
                    options.published};
    std::lock_guard lock(mutex_);
    actors_.insert_or_assign(name, actor);
    return actor;
  }

  // Replaces the actor's RSA key (same key id), as after a key rotation.
  PeerActor RotateRsaKey(const std::string& name) {
    std::lock_guard lock(mutex_);
    PeerActor& actor = actors_.at(name);
    actor.rsa = *protocol::GenerateRsaKey(2048);
    return actor;
  }

  struct Received {
    std::string scheme;  // "rfc9421" or "draft-cavage"
    std::string body;
  };
  // What was POSTed to the peer's inboxes (unverified: this peer trusts).
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Answer 401 to RFC 9421 signatures, as a draft-cavage-only server does.
  void RefuseRfc9421(bool refuse) {
    std::lock_guard lock(mutex_);
    refuse_rfc9421_ = refuse;
  }

  int fetches() const {
    std::lock_guard lock(mutex_);
    return fetches_;
  }

  // A complete raw HTTP/1.1 POST of `body` to `target` on 127.0.0.1:`port`,
  // signed for `actor` as `options` says.
  static std::string SignedPost(const PeerActor& actor, uint16_t port, const std::string& target,
                                const std::string& body, const SignedPostOptions& options = {}) {
    std::string authority = "127.0.0.1:" + std::to_string(port);
    int64_t now = static_cast<int64_t>(std::time(nullptr)) + options.clock_offset_seconds;
    std::string date = protocol::FormatHttpDate(now);
    const std::string& digested = options.body_in_digest.value_or(body);
    bool rfc9421 = options.scheme == SignAs::kRfc9421Ed25519 || options.scheme == SignAs::kRfc9421Rsa;
    bool ed25519 = options.scheme == SignAs::kCavageEd25519 || options.scheme == SignAs::kRfc9421Ed25519;
    std::string digest_name = rfc9421 ? "content-digest" : "digest";
    std::string digest = rfc9421 ? protocol::MakeContentDigestHeader(digested)
                                 : protocol::MakeDigestHeader(digested);
    protocol::HttpMessage message;
    message.method = "POST";
    message.target = target;
    message.authority = authority;
    message.scheme = "http";
    message.headers = {{"host", authority},
                       {"date", date},
                       {digest_name, digest},
                       {"content-type", options.content_type}};
    protocol::PrivateKey key = options.key.value_or(ed25519 ? actor.ed25519 : actor.rsa);
    std::string key_id = options.key_id.value_or(ed25519 ? actor.ed25519_key_id : actor.rsa_key_id);
    std::string signature_headers;
    if (rfc9421) {
      Result<protocol::SignatureFields> fields = protocol::SignMessage(
          message, key,
          ed25519 ? protocol::SignatureAlgorithm::kEd25519
                  : protocol::SignatureAlgorithm::kRsaPkcs1Sha256,
          {.components = {protocol::Component("@method"), protocol::Component("@target-uri"),
                          protocol::Component("@authority"), protocol::Component("content-digest")},
           .created = now,
           .keyid = key_id});
      EXPECT_TRUE(fields.has_value()) << fields.error().message;
      signature_headers = "Signature-Input: " + fields->signature_input +
                          "\r\nSignature: " + fields->signature + "\r\n";
    } else {
      Result<std::string> signature = protocol::SignCavage(
          message, key,
          {.key_id = key_id, .headers = {"(request-target)", "host", "date", "digest"},
           .algorithm = ed25519 ? "hs2019" : "rsa-sha256"});
      EXPECT_TRUE(signature.has_value()) << signature.error().message;
      signature_headers = "Signature: " + *signature + "\r\n";
    }
    std::string digest_header = rfc9421 ? "Content-Digest: " : "Digest: ";
    return "POST " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nDate: " + date + "\r\n" +
           digest_header + digest + "\r\nContent-Type: " + options.content_type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + signature_headers +
           "Connection: close\r\n\r\n" + body;
  }

  // A raw GET of `target` on 127.0.0.1:`port`, signed draft-cavage
  // rsa-sha256 over (request-target) host date, as Mastodon signs fetches.
  static std::string SignedGet(const PeerActor& actor, uint16_t port, const std::string& target) {
    std::string authority = "127.0.0.1:" + std::to_string(port);
    std::string date = protocol::FormatHttpDate(static_cast<int64_t>(std::time(nullptr)));
    protocol::HttpMessage message;
    message.method = "GET";
    message.target = target;
    message.authority = authority;
    message.scheme = "http";
    message.headers = {{"host", authority}, {"date", date}};
    Result<std::string> signature = protocol::SignCavage(
        message, actor.rsa,
        {.key_id = actor.rsa_key_id, .headers = {"(request-target)", "host", "date"},
         .algorithm = "rsa-sha256"});
    EXPECT_TRUE(signature.has_value());
    return "GET " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nDate: " + date +
           "\r\nAccept: application/activity+json\r\nSignature: " + *signature +
           "\r\nConnection: close\r\n\r\n";
  }

 private:
  std::string host_;

  // 127.x.y.z hosts listen on that address; names listen on 127.0.0.1.
  static std::string ListenAddress(const std::string& host) {
    return host.starts_with("127.") ? host : "127.0.0.1";
  }

  static std::string Document(const PeerActor& actor) {
    std::string document = BaseDocument(actor);
    if (!actor.published.empty() && document.ends_with("}")) {
      document.pop_back();
      document += ",\"published\":" + actor.published + "}";
    }
    return document;
  }

  static std::string BaseDocument(const PeerActor& actor) {
    std::string base = actor.id.substr(0, actor.id.find("/users/"));
    return protocol::ActorDocument(protocol::LocalActor{
        .type = "Person",
        .id = actor.id,
        .preferred_username = actor.name,
        .name = actor.name,
        .inbox = actor.id + "/inbox",
        .outbox = actor.id + "/outbox",
        .followers = actor.id + "/followers",
        .shared_inbox = base + "/inbox",
        .rsa_key_id = actor.rsa_key_id,
        .rsa_public_pem = *protocol::PublicKeyToPem(actor.rsa.public_key()),
        .ed25519_key_id = actor.ed25519_key_id,
        .ed25519_multibase = *protocol::EncodeMultikey(actor.ed25519.public_key()),
    });
  }

  http::EventLoop loop_{1};
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::HttpServer> server_;
  mutable std::mutex mutex_;
  std::map<std::string, PeerActor> actors_;
  std::vector<Received> received_;
  bool refuse_rfc9421_ = false;
  int fetches_ = 0;
};

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_REMOTE_PEER_H_
