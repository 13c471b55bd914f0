// The inbox worker's view of amplification: every Like, Announce (boost),
// their Undo, and every public Create is recorded by the SignalRecorder
// before the worker handles it as usual. It never takes an activity (always
// kNotMine): signals observe, they do not decide.
#ifndef PARVIS_SERVER_SIGNALS_SIGNALS_EXTENSION_H_
#define PARVIS_SERVER_SIGNALS_SIGNALS_EXTENSION_H_

#include <string>

#include "server/federation/activity_extension.h"
#include "server/signals/signal_recorder.h"

namespace parvis::signals {

class SignalsExtension : public federation::ActivityExtension {
 public:
  // Both must outlive this. `base_url` is this node's.
  SignalsExtension(SignalRecorder& recorder, const storage::Store& store, std::string base_url)
      : recorder_(recorder), store_(store), base_url_(std::move(base_url)) {}

  boost::asio::awaitable<federation::ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) override;

 private:
  // Records what `activity` says; errors are logged, never block the worker.
  Status Record(const rapidjson::Value& activity, const protocol::ActivityEnvelope& envelope,
                storage::Batch& batch);
  Status Reaction(const protocol::ActivityEnvelope& envelope, storage::Batch& batch, bool added);

  SignalRecorder& recorder_;
  const storage::Store& store_;
  std::string base_url_;
};

}  // namespace parvis::signals

#endif  // PARVIS_SERVER_SIGNALS_SIGNALS_EXTENSION_H_
