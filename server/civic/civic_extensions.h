// The civic wing's ActivityExtension for the inbox worker: each activity is
// offered to petitions, then to consultations; the first that takes it wins.
#ifndef PARVIS_SERVER_CIVIC_CIVIC_EXTENSIONS_H_
#define PARVIS_SERVER_CIVIC_CIVIC_EXTENSIONS_H_

#include <vector>

#include "server/federation/activity_extension.h"

namespace parvis::civic {

class CivicExtensions : public federation::ActivityExtension {
 public:
  // The extensions must outlive this.
  explicit CivicExtensions(std::vector<federation::ActivityExtension*> extensions)
      : extensions_(std::move(extensions)) {}

  boost::asio::awaitable<federation::ExtensionOutcome> Act(const rapidjson::Value& activity,
                                                           const protocol::ActivityEnvelope& envelope,
                                                           storage::Batch& batch) override {
    for (federation::ActivityExtension* extension : extensions_) {
      federation::ExtensionOutcome outcome = co_await extension->Act(activity, envelope, batch);
      if (outcome != federation::ExtensionOutcome::kNotMine) co_return outcome;
    }
    co_return federation::ExtensionOutcome::kNotMine;
  }

  // Every extension hears of the move.
  Status Moved(const std::string& from, const std::string& to) override {
    for (federation::ActivityExtension* extension : extensions_) {
      if (Status moved = extension->Moved(from, to); !moved) return moved;
    }
    return Ok();
  }

 private:
  std::vector<federation::ActivityExtension*> extensions_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CIVIC_EXTENSIONS_H_
