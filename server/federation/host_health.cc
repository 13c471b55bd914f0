#include "server/federation/host_health.h"

namespace parvis::federation {

bool HostHealth::Unavailable(const std::string& host) const {
  Result<std::optional<std::string>> mark = store_.Get(storage::Family::kHosts, host);
  return mark && mark->has_value();
}

void HostHealth::MarkUnavailable(storage::Batch& batch, const std::string& host,
                                 int64_t since) const {
  batch.Put(storage::Family::kHosts, host, "{\"unavailableSince\":" + std::to_string(since) + "}");
}

void HostHealth::MarkAvailable(storage::Batch& batch, const std::string& host) const {
  batch.Delete(storage::Family::kHosts, host);
}

Status HostHealth::ClearIfMarked(const std::string& host) const {
  if (!Unavailable(host)) return Ok();
  storage::Batch batch;
  MarkAvailable(batch, host);
  return store_.Write(batch);
}

}  // namespace parvis::federation
