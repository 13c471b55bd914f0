#include "server/control/control_routes.h"

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"

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
    return http::Response::JsonError(
        400, "kind must be one of: person, organization, group, commercial");
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

}  // namespace

int StatusForError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kBusy: return 409;
    case ErrorCode::kLimitExceeded: return 413;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kCorruption:
    case ErrorCode::kUnsupported:
    case ErrorCode::kIo: return 500;
  }
  return 500;
}

void AddControlRoutes(http::Router& router, const ControlContext& context) {
  http::RouteOptions json{.json_body = true};
  router.Add("POST", "/control/accounts",
             [context](http::Request& request) { return CreateAccount(context, request); }, json);
  router.Add("POST", "/control/backup",
             [context](http::Request& request) { return Backup(context, request); }, json);
}

}  // namespace parvis::control
