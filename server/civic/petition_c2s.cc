#include "server/civic/petition_c2s.h"

#include "parvis/protocol/json.h"
#include "server/civic/activity_members.h"
#include "parvis/protocol/note_text.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/petition_routes.h"
#include "server/federation/actor_urls.h"
#include "server/federation/paged_collection.h"

namespace parvis::civic {
namespace {

namespace asio = boost::asio;
using federation::JsonString;
using http::Response;


// The text of an Article or an answer: source.content (text/plain or
// text/markdown, kept as Markdown), else content with its markup removed.
Result<std::string> TextOf(const rapidjson::Value& object, std::string_view what) {
  if (const rapidjson::Value* source = ObjectMember(object, "source")) {
    if (std::optional<std::string> text = protocol::StringMember(*source, "content")) {
      std::string media = protocol::StringMember(*source, "mediaType").value_or("text/plain");
      if (media != "text/plain" && media != "text/markdown") {
        return Fail(ErrorCode::kInvalidArgument, std::string(what) +
                                                     ".source.mediaType must be text/plain or text/markdown");
      }
      return *text;
    }
  }
  if (std::optional<std::string> content = protocol::StringMember(object, "content")) {
    return protocol::HtmlToPlainText(*content);
  }
  return Fail(ErrorCode::kInvalidArgument, std::string(what) + " needs content (or source.content)");
}

Response Answer(int status, const std::string& id, const std::string& object, const std::string& extra) {
  return Response::Json(status, "{\"id\":" + JsonString(id) + ",\"object\":" + JsonString(object) + extra + "}");
}

// Sign {object: petition, anonymous?}: the account signs, here or elsewhere.
asio::awaitable<Response> SignFromClient(PetitionService& petitions, const accounts::Account& account,
                                         const rapidjson::Value& activity) {
  std::string petition = IdMember(activity, "object");
  if (!IsUrl(petition)) {
    co_return Response::JsonError(400, "a Sign names the petition it signs: object must be the petition's URL");
  }
  bool anonymous = false;
  if (auto it = activity.FindMember("anonymous"); it != activity.MemberEnd()) {
    if (!it->value.IsBool()) co_return Response::JsonError(400, "anonymous must be true or false");
    anonymous = it->value.GetBool();
  }
  Result<MySignature> mine = co_await petitions.Sign(account, petition, anonymous);
  if (!mine) co_return Response::FromError(mine.error());
  Response response = Answer(201, mine->activity, petition, ",\"signature\":" + MySignatureJson(*mine));
  response.headers.emplace_back("Location", mine->activity);
  co_return response;
}

// Undo of a Sign, embedded (its object the petition) or by the Sign's id.
// nullopt: an Undo of something else.
asio::awaitable<std::optional<Response>> UnsignFromClient(PetitionService& petitions,
                                                          const accounts::Account& account,
                                                          const rapidjson::Value& activity,
                                                          std::string self) {
  const rapidjson::Value* sign = ObjectMember(activity, "object");
  std::string sign_id, petition;
  if (sign != nullptr) {
    if (protocol::StringMember(*sign, "type").value_or("") != "Sign") co_return std::nullopt;
    if (std::string signer = IdMember(*sign, "actor"); !signer.empty() && signer != self) {
      co_return Response::JsonError(403, "only the signer may undo a signature: the Sign's actor must be " + self);
    }
    sign_id = IdMember(*sign, "id");
    petition = IdMember(*sign, "object");
    if (sign_id.empty() && petition.empty()) {
      co_return Response::JsonError(400, "an Undo of a Sign names the Sign's id or its object (the petition)");
    }
    if (!petition.empty() && !IsUrl(petition)) {
      co_return Response::JsonError(400, "the Sign's object must be the petition's URL");
    }
  } else {
    sign_id = IdMember(activity, "object");
    if (sign_id.empty()) co_return std::nullopt;
  }
  if (petition.empty()) {
    Result<std::vector<MySignature>> all = petitions.AllMine(account.id);
    if (!all) co_return Response::FromError(all.error());
    for (const MySignature& mine : *all) {
      if (mine.activity == sign_id) petition = mine.petition;
    }
    if (petition.empty()) {
      // Not a Sign of this account: another kind of Undo by id, unless the
      // id is one of the account's signature ids.
      if (sign == nullptr && !sign_id.starts_with(self + "/signatures/")) co_return std::nullopt;
      co_return Response::JsonError(404, "no such signature of " + account.name + ": " + sign_id);
    }
  }
  Result<MySignature> mine = co_await petitions.Unsign(account, petition);
  if (!mine) co_return Response::FromError(mine.error());
  std::string id = (sign_id.empty() ? mine->activity : sign_id) + "/undo";
  co_return Answer(202, id, petition, ",\"signature\":" + MySignatureJson(*mine));
}

// Create of an Article carrying a `petition` object: a new petition, opened.
asio::awaitable<Response> CreateFromClient(PetitionService& petitions, const accounts::Account& account,
                                           const rapidjson::Value& article, std::string self) {
  if (protocol::StringMember(article, "type").value_or("") != "Article") {
    co_return Response::JsonError(400, "a petition is an Article carrying a petition object");
  }
  if (std::string author = IdMember(article, "attributedTo"); !author.empty() && author != self) {
    co_return Response::JsonError(403, "the petition must be attributed to " + self);
  }
  if (account.kind == accounts::AccountKind::kPerson || account.kind == accounts::AccountKind::kCommercial) {
    co_return Response::JsonError(403, "petitions are started by associations, citizen groups and public bodies");
  }
  const rapidjson::Value* terms = ObjectMember(article, "petition");
  if (terms == nullptr) {
    co_return Response::JsonError(
        400, "petition must be an object: {addressee, threshold, endTime, showsNames}");
  }
  PetitionDraft draft;
  draft.title = protocol::StringMember(article, "name").value_or("");
  if (draft.title.empty()) co_return Response::JsonError(400, "a petition needs a name (its title)");
  Result<std::string> text = TextOf(article, "the petition");
  if (!text) co_return Response::FromError(text.error());
  draft.text = *text;
  std::optional<std::string> addressee = protocol::StringMember(*terms, "addressee");
  if (!addressee) co_return Response::JsonError(400, "petition.addressee (who is asked) must be a string");
  draft.addressee = *addressee;
  auto threshold = terms->FindMember("threshold");
  if (threshold == terms->MemberEnd() || !threshold->value.IsUint64()) {
    co_return Response::JsonError(400, "petition.threshold must be a whole number of signatures");
  }
  draft.threshold = threshold->value.GetUint64();
  Result<int64_t> deadline = protocol::ParseRfc3339(protocol::StringMember(*terms, "endTime").value_or(""));
  if (!deadline) co_return Response::JsonError(400, "petition.endTime must be an RFC 3339 date");
  draft.deadline = *deadline;
  if (auto names = terms->FindMember("showsNames"); names != terms->MemberEnd()) {
    if (!names->value.IsBool()) co_return Response::JsonError(400, "petition.showsNames must be true or false");
    draft.shows_names = names->value.GetBool();
  }
  Result<uint64_t> number = petitions.Create(account, draft);
  if (!number) co_return Response::FromError(number.error());
  Status opened = co_await petitions.Open(account, *number);
  if (!opened) co_return Response::FromError(opened.error());
  std::string id = petitions.Id(*number);
  Response response = Answer(201, id + "#create", id, "");
  response.headers.emplace_back("Location", id);
  co_return response;
}

// Update of a petition's Article with petition.officialAnswer: the answer.
asio::awaitable<Response> AnswerFromClient(PetitionService& petitions, const accounts::Account& account,
                                           const rapidjson::Value& article, uint64_t number) {
  Result<std::optional<Petition>> petition = petitions.Get(number);
  if (!petition) co_return Response::FromError(petition.error());
  if (!petition->has_value() ||
      ((*petition)->stored_state == protocol::PetitionState::kDraft && (*petition)->account != account.id)) {
    co_return Response::JsonError(404, "no such petition");
  }
  if ((*petition)->account != account.id) {
    co_return Response::JsonError(403, "only the petition's organiser (" + (*petition)->organiser + ") may answer it");
  }
  const rapidjson::Value* terms = ObjectMember(article, "petition");
  const rapidjson::Value* answer = terms ? ObjectMember(*terms, "officialAnswer") : nullptr;
  if (answer == nullptr) {
    co_return Response::JsonError(
        400, "a petition is not edited; an Update of it carries its answer: petition.officialAnswer.content");
  }
  Result<std::string> text = TextOf(*answer, "petition.officialAnswer");
  if (!text) co_return Response::FromError(text.error());
  Status answered = co_await petitions.Answer(account, number, *text);
  if (!answered) co_return Response::FromError(answered.error());
  co_return Answer(202, petitions.Id(number), petitions.Id(number), "");
}

}  // namespace

PetitionC2s::PetitionC2s(PetitionService& petitions, const Config& config)
    : petitions_(petitions), base_url_(config.base_url) {}

std::string_view PetitionC2s::Accepts() const {
  return "Sign, Undo of a Sign, Create of an Article with a petition, Update with petition.officialAnswer";
}

asio::awaitable<std::optional<Response>> PetitionC2s::Post(const accounts::Account& account,
                                                           const rapidjson::Value& activity) {
  std::string type = protocol::StringMember(activity, "type").value_or("");
  std::string self = federation::ActorUrls(base_url_).Actor(account.name);
  const rapidjson::Value* object = ObjectMember(activity, "object");
  if (type == "Sign") {
    Response response = co_await SignFromClient(petitions_, account, activity);
    co_return response;
  }
  if (type == "Undo") {
    std::optional<Response> response = co_await UnsignFromClient(petitions_, account, activity, self);
    co_return response;
  }
  if (type == "Article" && activity.HasMember("petition")) {
    Response response = co_await CreateFromClient(petitions_, account, activity, self);
    co_return response;
  }
  if (type == "Create" && object != nullptr && object->HasMember("petition")) {
    Response response = co_await CreateFromClient(petitions_, account, *object, self);
    co_return response;
  }
  if (type == "Update" && object != nullptr) {
    std::optional<uint64_t> number = petitions_.NumberFromId(IdMember(*object, "id"));
    if (!number) {
      if (!object->HasMember("petition")) co_return std::nullopt;
      co_return Response::JsonError(404, "no such petition on this node: an Update names the petition's id");
    }
    Response response = co_await AnswerFromClient(petitions_, account, *object, *number);
    co_return response;
  }
  co_return std::nullopt;
}

}  // namespace parvis::civic
