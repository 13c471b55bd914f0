// The remote actors the load generator plays: their keys, their ActivityStreams
// documents, and the requests they sign, as Mastodon (draft-cavage
// rsa-sha256) and Fedify (RFC 9421 ed25519) sign them.
#ifndef PARVIS_BENCH_REMOTE_ACTORS_H_
#define PARVIS_BENCH_REMOTE_ACTORS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/protocol/keys.h"
#include "parvis/result.h"

namespace parvis::bench {

struct BenchActor {
  std::string name;
  std::string base;  // "http://127.0.0.1:PORT", the host that serves it
  std::string id;    // base + "/users/" + name
  std::string rsa_key_id;
  std::string ed25519_key_id;
  protocol::PrivateKey rsa;
  protocol::PrivateKey ed25519;
  std::string document;  // the actor document, rendered once
};

enum class Scheme {
  kCavageRsa,       // rsa-sha256 over (request-target) host date digest
  kRfc9421Ed25519,  // ed25519 over @method @target-uri @authority content-digest
};

// "rsa" / "ed25519".
const char* SchemeName(Scheme scheme);

// RSA-2048 keys, read from `cache_file` when it holds enough (PKCS#8 PEM,
// one after the other), else generated on `threads` threads and written
// back. Generating is slow (about 0.1 s of CPU each), hence the cache.
Result<std::vector<protocol::PrivateKey>> LoadRsaKeyPool(const std::string& cache_file,
                                                         size_t count, unsigned threads);

// An actor named `name` served at `base`; its RSA key is `rsa` (several actors
// may share one from the pool), its Ed25519 key fresh.
Result<BenchActor> MakeActor(const std::string& base, const std::string& name,
                             const protocol::PrivateKey& rsa);

// A complete HTTP/1.1 POST (keep-alive) of `body` to `target` on `authority`,
// signed by `actor` with `scheme`, dated `now`.
Result<std::string> SignedPost(const BenchActor& actor, Scheme scheme, std::string_view authority,
                               std::string_view target, std::string_view body, int64_t now);

// Create(Note) by the actor `actor_id`, public, with ids made unique by
// `unique`, whose JSON is about `body_bytes` long (the note's content fills it).
std::string CreateNoteBody(const std::string& actor_id, std::string_view unique, size_t body_bytes,
                           int64_t now);

// Follow of `object` by `actor`.
std::string FollowBody(const BenchActor& actor, std::string_view unique, std::string_view object);

// Calls make(i) for i in [0, count) on `threads` threads and returns the
// results in order; the first error wins.
Result<std::vector<std::string>> MakeInParallel(
    size_t count, unsigned threads, const std::function<Result<std::string>(size_t)>& make);

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_REMOTE_ACTORS_H_
