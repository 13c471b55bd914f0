// What the node knows of remote hosts, in Family::kHosts:
//  - "unavailable/" + host: a host whose delivery was given up after every
//    retry is skipped (its deliveries given up at once) until it sends the
//    node a signed request again, as Mastodon does;
//  - "rfc9421/" + host: the host signs with RFC 9421, so it is sent RFC 9421
//    signatures too (falling back on draft-cavage after a 401).
#ifndef PARVIS_SERVER_FEDERATION_HOST_HEALTH_H_
#define PARVIS_SERVER_FEDERATION_HOST_HEALTH_H_

#include <cstdint>
#include <string>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::federation {

class HostHealth {
 public:
  explicit HostHealth(storage::Store& store) : store_(store) {}

  bool Unavailable(const std::string& host) const;
  void MarkUnavailable(storage::Batch& batch, const std::string& host, int64_t since) const;
  // Clears the mark, if any (the host is reachable again).
  void MarkAvailable(storage::Batch& batch, const std::string& host) const;
  // MarkAvailable written at once, only when there was a mark.
  Status ClearIfMarked(const std::string& host) const;

  bool SpeaksRfc9421(const std::string& host) const;
  // Records (or forgets) that the host speaks RFC 9421; writes only on change.
  Status SetSpeaksRfc9421(const std::string& host, bool speaks) const;

 private:
  storage::Store& store_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_HOST_HEALTH_H_
