// Consultations through the client-to-server outbox (docs/federation.md, C2S):
//
//   Create of an Article with a `consultation` object
//     {endTime, participation?}                       -> 201, Location: the consultation
//   Offer {object: Note, target: consultation URL}    -> 201, Location: the proposal (here)
//                                                       or 202 (sent to its node)
//   Vote {object: proposal URL, choice}               -> 202
//   Undo of a Vote (embedded)                         -> 202
//   Create of a Note inReplyTo a proposal             -> 202 (a comment)
//
// The same decisions as the control commands (ConsultationService).
#ifndef PARVIS_SERVER_CIVIC_CONSULTATION_C2S_H_
#define PARVIS_SERVER_CIVIC_CONSULTATION_C2S_H_

#include <vector>

#include "server/civic/consultation_service.h"
#include "server/federation/c2s_extension.h"

namespace parvis::civic {

class ConsultationC2s : public federation::C2sExtension {
 public:
  // `consultations` must outlive this object.
  explicit ConsultationC2s(ConsultationService& consultations) : consultations_(consultations) {}

  boost::asio::awaitable<std::optional<http::Response>> Post(const accounts::Account& account,
                                                             const rapidjson::Value& activity) override;
  std::string_view Accepts() const override;

 private:
  ConsultationService& consultations_;
};

// Offers each activity to `extensions` in turn; the first answer wins.
class CivicC2s : public federation::C2sExtension {
 public:
  explicit CivicC2s(std::vector<federation::C2sExtension*> extensions);
  boost::asio::awaitable<std::optional<http::Response>> Post(const accounts::Account& account,
                                                             const rapidjson::Value& activity) override;
  std::string_view Accepts() const override { return accepts_; }

 private:
  std::vector<federation::C2sExtension*> extensions_;
  std::string accepts_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_CONSULTATION_C2S_H_
