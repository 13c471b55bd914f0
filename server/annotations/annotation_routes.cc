// The control routes of annotation_service.h.
#include <variant>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "server/annotations/annotation_service.h"

namespace parvis::annotations {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Commands {
  AnnotationService* service;
  accounts::AccountService* accounts;
};

void Str(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// A request about a post: the account named by "account", the post and its "content".
struct PostRequest {
  accounts::Account account;
  std::string post;
  std::string content;
};

// The account named by the body's "account", or the response refusing it.
std::variant<accounts::Account, http::Response> NamedAccount(const Commands& commands, const rapidjson::Value& json) {
  std::optional<std::string> name = protocol::StringMember(json, "account");
  if (!name) return http::Response::JsonError(400, "account is a required string");
  Result<std::optional<accounts::Account>> account = commands.accounts->FindByName(*name);
  if (!account) return http::Response::JsonError(503, "storage unavailable");
  if (!account->has_value()) return http::Response::JsonError(404, "no such account");
  return **account;
}

std::variant<PostRequest, http::Response> ReadPostRequest(const Commands& commands, const rapidjson::Value& json) {
  auto found = NamedAccount(commands, json);
  if (auto* refused = std::get_if<http::Response>(&found)) return std::move(*refused);
  std::optional<std::string> post = protocol::StringMember(json, "post");
  std::optional<std::string> content = protocol::StringMember(json, "content");
  if (!post || !content) return http::Response::JsonError(400, "post and content are required strings");
  return PostRequest{std::get<accounts::Account>(found), *post, *content};
}

boost::asio::awaitable<http::Response> ReplyAsNamed(Commands commands, http::Request& request) {
  auto read = ReadPostRequest(commands, request.json);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const PostRequest& asked = std::get<PostRequest>(read);
  const accounts::Account& account = asked.account;
  Result<bool> named = co_await commands.service->NamedIn(account, asked.post);
  if (!named) co_return http::Response::FromError(named.error());
  if (!*named) co_return http::Response::JsonError(403, "this post does not name or mention " + account.name);
  Result<RightOfReply> attached = co_await commands.service->ReplyAsNamed(account, asked.post, asked.content);
  if (!attached) co_return http::Response::FromError(attached.error());
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Str(writer, "id", attached->reply);
  Str(writer, "post", attached->parent);
  writer.EndObject();
  co_return http::Response::Json(201, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response ListRightsOfReply(const Commands& commands, const http::Request& request) {
  std::string post = request.QueryParam("post").value_or("");
  Result<std::vector<RightOfReply>> records = commands.service->store().RightsOfReply(post);
  if (!records) return http::Response::JsonError(503, "storage unavailable");
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("rightsOfReply");
  writer.StartArray();
  for (const RightOfReply& record : *records) {
    std::string json = RightOfReplyJson(record);
    writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  }
  writer.EndArray();
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

boost::asio::awaitable<http::Response> AddNote(Commands commands, http::Request& request) {
  auto read = ReadPostRequest(commands, request.json);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const PostRequest& asked = std::get<PostRequest>(read);
  const accounts::Account& account = asked.account;
  if (!MayWriteContextNotes(account)) {
    co_return http::Response::JsonError(403, "only moderators and fact-checkers attach context notes");
  }
  Result<ContextNote> note = co_await commands.service->AddContextNote(
      account, asked.post, asked.content, protocol::StringMember(request.json, "source").value_or(""));
  if (!note) co_return http::Response::FromError(note.error());
  co_return http::Response::Json(201, ContextNoteJson(*note));
}

boost::asio::awaitable<http::Response> RemoveNote(Commands commands, http::Request& request) {
  auto found = NamedAccount(commands, request.json);
  if (auto* refused = std::get_if<http::Response>(&found)) co_return std::move(*refused);
  const accounts::Account& account = std::get<accounts::Account>(found);
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  if (!id) co_return http::Response::JsonError(400, "id is a required string");
  if (!MayWriteContextNotes(account)) {
    co_return http::Response::JsonError(403, "only moderators and fact-checkers remove context notes");
  }
  if (Status removed = co_await commands.service->RemoveContextNote(account, *id); !removed) {
    co_return http::Response::FromError(removed.error());
  }
  co_return http::Response::Json(200, "{\"removed\":true}");
}

http::Response ListNotes(const Commands& commands, const http::Request& request) {
  Result<std::vector<ContextNote>> notes =
      commands.service->store().ContextNotes(request.QueryParam("post").value_or(""));
  if (!notes) return http::Response::JsonError(503, "storage unavailable");
  std::string body = "{\"contextNotes\":[";
  for (size_t i = 0; i < notes->size(); ++i) body += (i ? "," : "") + ContextNoteJson((*notes)[i]);
  return http::Response::Json(200, body + "]}");
}

http::Response SetFactChecker(const Commands& commands, const http::Request& request) {
  auto found = NamedAccount(commands, request.json);
  if (auto* refused = std::get_if<http::Response>(&found)) return std::move(*refused);
  const accounts::Account& account = std::get<accounts::Account>(found);
  auto on = request.json.FindMember("on");
  if (on == request.json.MemberEnd() || !on->value.IsBool()) return http::Response::JsonError(400, "on must be true or false");
  if (Status set = commands.accounts->SetFactChecker(account.id, on->value.GetBool()); !set) {
    return http::Response::FromError(set.error());
  }
  return http::Response::Json(200, "{\"account\":\"" + account.name + "\",\"factChecker\":" +
                                       (on->value.GetBool() ? "true" : "false") + "}");
}

}  // namespace

void AddAnnotationCommands(http::Router& control_router, AnnotationService* service,
                           accounts::AccountService* accounts) {
  Commands commands{service, accounts};
  http::RouteOptions json{.json_body = true};
  control_router.AddAsync(
      "POST", "/control/right-of-reply", [commands](http::Request& r) { return ReplyAsNamed(commands, r); }, json);
  control_router.Add("GET", "/control/right-of-reply",
                     [commands](http::Request& r) { return ListRightsOfReply(commands, r); });
  control_router.AddAsync(
      "POST", "/control/context-notes", [commands](http::Request& r) { return AddNote(commands, r); }, json);
  control_router.AddAsync(
      "POST", "/control/context-notes/delete", [commands](http::Request& r) { return RemoveNote(commands, r); }, json);
  control_router.Add("GET", "/control/context-notes", [commands](http::Request& r) { return ListNotes(commands, r); });
  control_router.Add(
      "POST", "/control/fact-checkers", [commands](http::Request& r) { return SetFactChecker(commands, r); }, json);
}

}  // namespace parvis::annotations
