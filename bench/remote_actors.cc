#include "bench/remote_actors.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "parvis/protocol/actor_document.h"
#include "parvis/protocol/cavage_signature.h"
#include "parvis/protocol/digest.h"
#include "parvis/protocol/message_signature.h"
#include "parvis/protocol/multikey.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::bench {
namespace {

constexpr std::string_view kPemEnd = "-----END PRIVATE KEY-----";
constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";

std::vector<protocol::PrivateKey> ReadKeyFile(const std::string& path) {
  std::vector<protocol::PrivateKey> keys;
  std::ifstream in(path);
  if (!in) return keys;
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  size_t start = 0;
  for (size_t end = all.find(kPemEnd); end != std::string::npos; end = all.find(kPemEnd, start)) {
    end += kPemEnd.size();
    Result<protocol::PrivateKey> key =
        protocol::ParsePrivateKeyPem(std::string_view(all).substr(start, end - start));
    if (!key || key->type() != protocol::KeyType::kRsa) break;
    keys.push_back(std::move(*key));
    start = end;
  }
  return keys;
}

}  // namespace

const char* SchemeName(Scheme scheme) { return scheme == Scheme::kCavageRsa ? "rsa" : "ed25519"; }

Result<std::vector<protocol::PrivateKey>> LoadRsaKeyPool(const std::string& cache_file,
                                                         size_t count, unsigned threads) {
  if (count == 0) return std::vector<protocol::PrivateKey>{};
  std::vector<protocol::PrivateKey> keys =
      cache_file.empty() ? std::vector<protocol::PrivateKey>{} : ReadKeyFile(cache_file);
  if (keys.size() >= count) {
    keys.resize(count, keys.front());
    return keys;
  }
  size_t missing = count - keys.size();
  std::mutex mutex;
  std::optional<Error> failure;
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < std::max(1u, threads); ++t) {
    workers.emplace_back([&] {
      while (next.fetch_add(1) < missing) {
        Result<protocol::PrivateKey> key = protocol::GenerateRsaKey(2048);
        std::lock_guard lock(mutex);
        if (key)
          keys.push_back(std::move(*key));
        else
          failure = key.error();
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failure) return std::unexpected(*failure);
  if (!cache_file.empty()) {
    std::ofstream out(cache_file, std::ios::trunc);
    for (const protocol::PrivateKey& key : keys) {
      Result<std::string> pem = protocol::PrivateKeyToPem(key);
      if (pem) out << *pem;
    }
  }
  return keys;
}

Result<BenchActor> MakeActor(const std::string& base, const std::string& name,
                             const protocol::PrivateKey& rsa) {
  Result<protocol::PrivateKey> ed25519 = protocol::GenerateEd25519Key();
  if (!ed25519) return std::unexpected(ed25519.error());
  BenchActor actor{.name = name,
                   .base = base,
                   .id = base + "/users/" + name,
                   .rsa_key_id = base + "/users/" + name + "#main-key",
                   .ed25519_key_id = base + "/users/" + name + "#ed25519-key",
                   .rsa = rsa,
                   .ed25519 = *ed25519,
                   .document = {}};
  Result<std::string> rsa_pem = protocol::PublicKeyToPem(rsa.public_key());
  if (!rsa_pem) return std::unexpected(rsa_pem.error());
  Result<std::string> multibase = protocol::EncodeMultikey(ed25519->public_key());
  if (!multibase) return std::unexpected(multibase.error());
  actor.document = protocol::ActorDocument(protocol::LocalActor{
      .type = "Person",
      .id = actor.id,
      .preferred_username = name,
      .name = name,
      .inbox = actor.id + "/inbox",
      .outbox = actor.id + "/outbox",
      .followers = actor.id + "/followers",
      .following = actor.id + "/following",
      .shared_inbox = base + "/inbox",
      .rsa_key_id = actor.rsa_key_id,
      .rsa_public_pem = *rsa_pem,
      .ed25519_key_id = actor.ed25519_key_id,
      .ed25519_multibase = *multibase,
  });
  return actor;
}

Result<std::string> SignedPost(const BenchActor& actor, Scheme scheme, std::string_view authority,
                               std::string_view target, std::string_view body, int64_t now) {
  const bool rfc9421 = scheme == Scheme::kRfc9421Ed25519;
  std::string date = protocol::FormatHttpDate(now);
  std::string digest =
      rfc9421 ? protocol::MakeContentDigestHeader(body) : protocol::MakeDigestHeader(body);
  constexpr std::string_view kType = "application/activity+json";
  protocol::HttpMessage message;
  message.method = "POST";
  message.target = std::string(target);
  message.authority = std::string(authority);
  message.scheme = "http";
  message.headers = {{"host", std::string(authority)},
                     {"date", date},
                     {rfc9421 ? "content-digest" : "digest", digest},
                     {"content-type", std::string(kType)}};
  std::string signature_lines;
  if (rfc9421) {
    Result<protocol::SignatureFields> fields = protocol::SignMessage(
        message, actor.ed25519, protocol::SignatureAlgorithm::kEd25519,
        {.components = {protocol::Component("@method"), protocol::Component("@target-uri"),
                        protocol::Component("@authority"), protocol::Component("content-digest")},
         .created = now,
         .keyid = actor.ed25519_key_id});
    if (!fields) return std::unexpected(fields.error());
    signature_lines = "Signature-Input: " + fields->signature_input +
                      "\r\nSignature: " + fields->signature + "\r\n";
  } else {
    Result<std::string> signature =
        protocol::SignCavage(message, actor.rsa,
                             {.key_id = actor.rsa_key_id,
                              .headers = {"(request-target)", "host", "date", "digest"},
                              .algorithm = "rsa-sha256"});
    if (!signature) return std::unexpected(signature.error());
    signature_lines = "Signature: " + *signature + "\r\n";
  }
  std::string out;
  out.reserve(body.size() + 1024);
  out.append("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(authority);
  out.append("\r\nDate: ").append(date);
  out.append(rfc9421 ? "\r\nContent-Digest: " : "\r\nDigest: ").append(digest);
  out.append("\r\nContent-Type: ").append(kType);
  out.append("\r\nUser-Agent: parvis-loadgen\r\nContent-Length: ")
      .append(std::to_string(body.size()))
      .append("\r\n");
  out.append(signature_lines).append("\r\n").append(body);
  return out;
}

std::string CreateNoteBody(const std::string& actor_id, std::string_view unique, size_t body_bytes,
                           int64_t now) {
  std::string note_id = actor_id + "/statuses/" + std::string(unique);
  std::string published = protocol::FormatRfc3339Utc(now);
  std::string audience =
      "\"to\":[\"" + std::string(kPublic) + "\"],\"cc\":[\"" + actor_id + "/followers\"]";
  std::string head =
      "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" + note_id +
      "/activity\",\"type\":\"Create\",\"actor\":\"" + actor_id + "\",\"published\":\"" +
      published + "\"," + audience + ",\"object\":{\"id\":\"" + note_id +
      "\",\"type\":\"Note\",\"attributedTo\":\"" + actor_id + "\",\"published\":\"" + published +
      "\",\"url\":\"" + note_id + "\"," + audience + ",\"sensitive\":false,\"content\":\"<p>";
  std::string tail = "</p>\"}}";
  static constexpr std::string_view kWords =
      "Le conseil de quartier se réunit mardi soir à la maison des associations pour "
      "discuter du budget participatif, des pistes cyclables et du marché du samedi. ";
  std::string content;
  while (head.size() + content.size() + tail.size() < body_bytes) content += kWords;
  size_t room = body_bytes > head.size() + tail.size() ? body_bytes - head.size() - tail.size() : 0;
  // Cut on an ASCII byte so the UTF-8 stays valid.
  while (room > 0 && room < content.size() &&
         (static_cast<unsigned char>(content[room]) & 0xC0) == 0x80)
    --room;
  content.resize(std::min(room, content.size()));
  return head + content + tail;
}

std::string FollowBody(const BenchActor& actor, std::string_view unique, std::string_view object) {
  return "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" + actor.id +
         "/follows/" + std::string(unique) + "\",\"type\":\"Follow\",\"actor\":\"" + actor.id +
         "\",\"object\":\"" + std::string(object) + "\"}";
}

Result<std::vector<std::string>> MakeInParallel(
    size_t count, unsigned threads, const std::function<Result<std::string>(size_t)>& make) {
  std::vector<std::string> out(count);
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::optional<Error> failure;
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < std::max(1u, threads); ++t) {
    workers.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
        Result<std::string> made = make(i);
        if (made) {
          out[i] = std::move(*made);
        } else {
          std::lock_guard lock(mutex);
          if (!failure) failure = made.error();
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failure) return std::unexpected(*failure);
  return out;
}

}  // namespace parvis::bench
