#include "server/civic/consultation_c2s.h"

#include "parvis/protocol/json.h"
#include "server/civic/activity_members.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {
namespace {

namespace asio = boost::asio;
using http::Response;


// A client writes plain text or HTML in `content`: the text is kept.
std::string PlainText(const rapidjson::Value& object) {
  return protocol::HtmlToPlainText(protocol::StringMember(object, "content").value_or(""));
}

Response Accepted(int status, const std::string& location) {
  Response response = Response::Json(status, "{\"id\":" + federation::JsonString(location) + "}");
  if (!location.empty()) response.headers.emplace_back("Location", location);
  return response;
}

asio::awaitable<Response> CreateConsultation(ConsultationService& consultations, const accounts::Account& account,
                                             const rapidjson::Value& article) {
  const rapidjson::Value* details = ObjectMember(article, "consultation");
  if (details == nullptr) co_return Response::JsonError(400, "consultation must be an object");
  ConsultationDraft draft{.title = protocol::StringMember(article, "name").value_or(""),
                          .text = PlainText(article),
                          .participation = protocol::StringMember(*details, "participation").value_or("anyone")};
  Result<int64_t> end = protocol::ParseRfc3339(protocol::StringMember(*details, "endTime").value_or(""));
  if (!end) co_return Response::JsonError(400, "consultation.endTime must be an RFC 3339 date");
  draft.deadline = *end;
  Result<uint64_t> number = co_await consultations.Create(account, std::move(draft));
  if (!number) co_return Response::FromError(number.error());
  co_return Accepted(201, consultations.Id(*number));
}

asio::awaitable<Response> VoteFromClient(ConsultationService& consultations, const accounts::Account& account,
                                         const rapidjson::Value& vote, bool undo) {
  std::string proposal = IdMember(vote, "object");
  if (!IsUrl(proposal)) co_return Response::JsonError(400, "a Vote's object must be the proposal's URL");
  std::optional<protocol::VoteChoice> choice;
  if (!undo) {
    choice = protocol::ParseVoteChoice(protocol::StringMember(vote, "choice").value_or(""));
    if (!choice) co_return Response::JsonError(400, "choice must be for, against or abstain");
  }
  Status done = co_await consultations.Vote(account, proposal, choice);
  if (!done) co_return Response::FromError(done.error());
  co_return Accepted(202, "");
}

}  // namespace

std::string_view ConsultationC2s::Accepts() const {
  return "Create of an Article with a consultation, Offer of a proposal, Vote, Undo of a Vote, "
         "Create of a Note in reply to a proposal";
}

asio::awaitable<std::optional<Response>> ConsultationC2s::Post(const accounts::Account& account,
                                                               const rapidjson::Value& activity) {
  std::string type = protocol::StringMember(activity, "type").value_or("");
  const rapidjson::Value* object = ObjectMember(activity, "object");
  if (type == "Create" && object != nullptr && object->HasMember("consultation")) {
    co_return co_await CreateConsultation(consultations_, account, *object);
  }
  if (type == "Create" && object != nullptr && IdMember(*object, "inReplyTo").find("/proposals/") != std::string::npos &&
      IdMember(*object, "inReplyTo").find("/consultations/") != std::string::npos) {
    Status done = co_await consultations_.Comment(account, IdMember(*object, "inReplyTo"), PlainText(*object));
    if (!done) co_return Response::FromError(done.error());
    co_return Accepted(202, "");
  }
  if (type == "Offer") {
    std::string target = IdMember(activity, "target");
    if (!IsUrl(target)) co_return Response::JsonError(400, "an Offer's target must be the consultation's URL");
    if (object == nullptr) co_return Response::JsonError(400, "an Offer's object must be a Note with content");
    Result<std::string> id = co_await consultations_.Propose(account, target, PlainText(*object));
    if (!id) co_return Response::FromError(id.error());
    co_return Accepted(id->empty() ? 202 : 201, *id);
  }
  if (type == "Vote") co_return co_await VoteFromClient(consultations_, account, activity, false);
  if (type == "Undo" && object != nullptr && protocol::StringMember(*object, "type") == "Vote") {
    co_return co_await VoteFromClient(consultations_, account, *object, true);
  }
  co_return std::nullopt;
}

CivicC2s::CivicC2s(std::vector<federation::C2sExtension*> extensions) : extensions_(std::move(extensions)) {
  for (federation::C2sExtension* extension : extensions_) {
    accepts_ += (accepts_.empty() ? "" : ", ") + std::string(extension->Accepts());
  }
}

asio::awaitable<std::optional<Response>> CivicC2s::Post(const accounts::Account& account,
                                                        const rapidjson::Value& activity) {
  for (federation::C2sExtension* extension : extensions_) {
    std::optional<Response> answer = co_await extension->Post(account, activity);
    if (answer) co_return answer;
  }
  co_return std::nullopt;
}

}  // namespace parvis::civic
