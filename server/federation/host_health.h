// Which remote hosts are unavailable: a host whose delivery was given up
// after every retry is skipped (its deliveries given up at once) until it
// sends the node a signed request again, as Mastodon does.
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

 private:
  storage::Store& store_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_HOST_HEALTH_H_
