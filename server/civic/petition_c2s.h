// Petitions through the client-to-server outbox (docs/federation.md, C2S):
//
//   Sign {object: petition URL, anonymous?}          -> 201, Location: the Sign's id
//   Undo of a Sign (embedded, or by the Sign's id)   -> 202
//   Create of an Article with a `petition` object
//     {addressee, threshold, endTime, showsNames?}   -> 201, Location: the petition
//   Update of the petition's Article carrying
//     petition.officialAnswer.content                -> 202 (its organiser only)
//
// The same decisions as the control commands (PetitionService); refusals
// answer 400 (malformed), 403 (not the account's to do), 404 (unknown),
// 409 (already signed).
#ifndef PARVIS_SERVER_CIVIC_PETITION_C2S_H_
#define PARVIS_SERVER_CIVIC_PETITION_C2S_H_

#include "server/civic/petition_service.h"
#include "server/federation/c2s_extension.h"

namespace parvis::civic {

class PetitionC2s : public federation::C2sExtension {
 public:
  // `petitions` must outlive this object.
  explicit PetitionC2s(PetitionService& petitions, const Config& config);

  boost::asio::awaitable<std::optional<http::Response>> Post(
      const accounts::Account& account, const rapidjson::Value& activity) override;
  std::string_view Accepts() const override;

 private:
  PetitionService& petitions_;
  std::string base_url_;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_C2S_H_
