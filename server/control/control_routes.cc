#include "server/control/control_routes.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "server/accounts/token_store.h"

namespace parvis::control {
namespace {

http::Response ErrorResponse(const Error& error) {
  return http::Response::JsonError(StatusForError(error.code), error.message);
}


http::Response CreateAccount(const ControlContext& context, http::Request& request) {
  const rapidjson::Document& body = request.json;
  if (!body.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::optional<std::string> name = protocol::StringMember(body, "name");
  std::optional<std::string> kind_name = protocol::StringMember(body, "kind");
  std::optional<std::string> password = protocol::StringMember(body, "password");
  if (!name || !kind_name || !password) {
    return http::Response::JsonError(400, "name, kind and password are required strings");
  }
  std::optional<accounts::AccountKind> kind = accounts::ParseAccountKind(*kind_name);
  if (!kind) {
    return http::Response::JsonError(400, "kind must be one of: " + accounts::AccountKindNames());
  }
  bool admin = false;
  if (auto it = body.FindMember("admin"); it != body.MemberEnd()) {
    if (!it->value.IsBool()) return http::Response::JsonError(400, "admin must be true or false");
    admin = it->value.GetBool();
  }
  Result<accounts::Account> account =
      context.accounts->Create({.name = *name, .kind = *kind, .admin = admin, .password = *password});
  if (!account) return ErrorResponse(account.error());

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("id");
  writer.Uint64(account->id);
  writer.Key("name");
  writer.String(account->name.c_str());
  writer.Key("kind");
  writer.String(accounts::AccountKindName(account->kind));
  writer.Key("admin");
  writer.Bool(account->admin);
  writer.EndObject();
  return http::Response::Json(201, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response Backup(const ControlContext& context, http::Request& request) {
  if (!request.json.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::optional<std::string> dir = protocol::StringMember(request.json, "dir");
  if (!dir || dir->empty()) return http::Response::JsonError(400, "dir is a required string");
  if (dir->front() != '/') {
    return http::Response::JsonError(400, "dir must be an absolute path");
  }
  if (Status done = context.store->Checkpoint(*dir); !done) return ErrorResponse(done.error());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("dir");
  writer.String(dir->c_str());
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

int64_t Now(const ControlContext& context) {
  if (context.now) return context.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The local account named by the body's "account" member, or the answer
// that says why there is none.
std::variant<accounts::Account, http::Response> FindAccount(const ControlContext& context,
                                                            const rapidjson::Value& body) {
  std::optional<std::string> name = protocol::StringMember(body, "account");
  if (!name) return http::Response::JsonError(400, "account is a required string");
  Result<std::optional<accounts::Account>> account = context.accounts->FindByName(*name);
  if (!account) return ErrorResponse(account.error());
  if (!account->has_value()) return http::Response::JsonError(404, "no such account: " + *name);
  return std::move(**account);
}

void WriteTokenInfo(rapidjson::Writer<rapidjson::StringBuffer>& writer,
                    const accounts::TokenInfo& info) {
  writer.Key("id");
  writer.String(info.id.c_str(), static_cast<rapidjson::SizeType>(info.id.size()));
  writer.Key("label");
  writer.String(info.label.c_str(), static_cast<rapidjson::SizeType>(info.label.size()));
  writer.Key("created");
  writer.Int64(info.created);
}

http::Response IssueToken(const ControlContext& context, http::Request& request) {
  const rapidjson::Document& body = request.json;
  if (!body.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::string label;
  if (auto it = body.FindMember("label"); it != body.MemberEnd()) {
    if (!it->value.IsString()) return http::Response::JsonError(400, "label must be a string");
    label.assign(it->value.GetString(), it->value.GetStringLength());
  }
  auto found = FindAccount(context, body);
  if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
  const accounts::Account& account = std::get<accounts::Account>(found);

  accounts::TokenStore tokens(*context.store);
  Result<accounts::IssuedToken> issued = tokens.Issue(account.id, label, Now(context));
  if (!issued) return ErrorResponse(issued.error());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("token");
  writer.String(issued->token.c_str(), static_cast<rapidjson::SizeType>(issued->token.size()));
  WriteTokenInfo(writer, issued->info);
  writer.EndObject();
  return http::Response::Json(201, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response ListTokens(const ControlContext& context, http::Request& request) {
  if (!request.json.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  auto found = FindAccount(context, request.json);
  if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
  const accounts::Account& account = std::get<accounts::Account>(found);

  accounts::TokenStore tokens(*context.store);
  Result<std::vector<accounts::TokenInfo>> listed = tokens.List(account.id);
  if (!listed) return ErrorResponse(listed.error());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("tokens");
  writer.StartArray();
  for (const accounts::TokenInfo& info : *listed) {
    writer.StartObject();
    WriteTokenInfo(writer, info);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return http::Response::Json(200, std::string(buffer.GetString(), buffer.GetSize()));
}

http::Response RevokeToken(const ControlContext& context, http::Request& request) {
  if (!request.json.IsObject()) return http::Response::JsonError(400, "expected a JSON object");
  std::optional<std::string> id = protocol::StringMember(request.json, "id");
  if (!id) return http::Response::JsonError(400, "id is a required string");
  auto found = FindAccount(context, request.json);
  if (auto* response = std::get_if<http::Response>(&found)) return std::move(*response);
  const accounts::Account& account = std::get<accounts::Account>(found);

  accounts::TokenStore tokens(*context.store);
  if (Status revoked = tokens.Revoke(account.id, *id); !revoked) {
    if (revoked.error().code == ErrorCode::kNotFound) {
      return http::Response::JsonError(404, account.name + " has no token " + *id);
    }
    return ErrorResponse(revoked.error());
  }
  return http::Response::Json(200, "{}");
}

}  // namespace

int StatusForError(ErrorCode code) { return http::StatusForErrorCode(code); }

void AddControlRoutes(http::Router& router, const ControlContext& context) {
  http::RouteOptions json{.json_body = true};
  router.Add("POST", "/control/accounts",
             [context](http::Request& request) { return CreateAccount(context, request); }, json);
  router.Add("POST", "/control/backup",
             [context](http::Request& request) { return Backup(context, request); }, json);
  router.Add("POST", "/control/tokens",
             [context](http::Request& request) { return IssueToken(context, request); }, json);
  router.Add("POST", "/control/tokens/list",
             [context](http::Request& request) { return ListTokens(context, request); }, json);
  router.Add("POST", "/control/tokens/revoke",
             [context](http::Request& request) { return RevokeToken(context, request); }, json);
}

}  // namespace parvis::control
