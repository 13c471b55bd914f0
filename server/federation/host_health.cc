#include "server/federation/host_health.h"

namespace parvis::federation {
namespace {

std::string UnavailableKey(const std::string& host) { return "unavailable/" + host; }
std::string Rfc9421Key(const std::string& host) { return "rfc9421/" + host; }

}  // namespace

bool HostHealth::Unavailable(const std::string& host) const {
  Result<std::optional<std::string>> mark = store_.Get(storage::Family::kHosts, UnavailableKey(host));
  return mark && mark->has_value();
}

void HostHealth::MarkUnavailable(storage::Batch& batch, const std::string& host,
                                 int64_t since) const {
  batch.Put(storage::Family::kHosts, UnavailableKey(host),
            "{\"unavailableSince\":" + std::to_string(since) + "}");
}

void HostHealth::MarkAvailable(storage::Batch& batch, const std::string& host) const {
  batch.Delete(storage::Family::kHosts, UnavailableKey(host));
}

Status HostHealth::ClearIfMarked(const std::string& host) const {
  if (!Unavailable(host)) return Ok();
  storage::Batch batch;
  MarkAvailable(batch, host);
  return store_.Write(batch);
}

bool HostHealth::SpeaksRfc9421(const std::string& host) const {
  Result<std::optional<std::string>> mark = store_.Get(storage::Family::kHosts, Rfc9421Key(host));
  return mark && mark->has_value();
}

Status HostHealth::SetSpeaksRfc9421(const std::string& host, bool speaks) const {
  if (SpeaksRfc9421(host) == speaks) return Ok();
  storage::Batch batch;
  if (speaks) batch.Put(storage::Family::kHosts, Rfc9421Key(host), "1");
  else batch.Delete(storage::Family::kHosts, Rfc9421Key(host));
  return store_.Write(batch);
}

}  // namespace parvis::federation
