#include "server/cli.h"

#include <chrono>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>

#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/config.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/timestamps.h"
#include "server/accounts/account_service.h"
#include "server/civic/petition_verify.h"
#include "server/http/event_loop.h"
#include "server/http/http_client.h"
#include "server/http/local_client.h"
#include "server/msg_command.h"
#include "server/node.h"

#ifndef PARVIS_VERSION
#define PARVIS_VERSION "0.0.0"
#endif

namespace parvis {
namespace {

// A command run through the control socket may wait on Argon2id and a
// checkpoint; it should never wait on more.
constexpr std::chrono::seconds kControlTimeout{120};
constexpr std::chrono::seconds kImportTimeout{3600};

std::string JsonObject(const std::vector<std::pair<std::string, std::string>>& strings,
                       std::initializer_list<std::pair<const char*, bool>> bools = {}) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : strings) {
    writer.Key(key.c_str());
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  for (const auto& [key, value] : bools) {
    writer.Key(key);
    writer.Bool(value);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The `error` member of a control response, or its raw body.
std::string ErrorText(const http::Response& response) {
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  if (doc && doc->IsObject() && doc->HasMember("error") && (*doc)["error"].IsString()) {
    return (*doc)["error"].GetString();
  }
  return response.body;
}

// Runs an operator command on the node's data: in-process when no node is
// serving, through the running node's control socket otherwise.
Result<http::Response> RunControl(const std::string& config_file, CliStreams& streams,
                                  const std::string& target, const std::string& body,
                                  const std::string& method = "POST",
                                  std::chrono::seconds timeout = kControlTimeout) {
  Result<Config> config = LoadConfig({.file = config_file, .environment = streams.environment});
  if (!config) return std::unexpected(config.error());
  Result<std::unique_ptr<Node>> node = Node::Open(*config);
  if (node) return (*node)->CallControl(method, target, body);
  if (node.error().code != ErrorCode::kBusy) return std::unexpected(node.error());
  std::string socket = ControlSocketPath(config->data_dir);
  Result<http::Response> response = http::CallLocal(socket, method, target, body, timeout);
  if (!response && response.error().code == ErrorCode::kUnavailable) {
    return Fail(ErrorCode::kUnavailable, node.error().message + ", and " +
                                             response.error().message);
  }
  return response;
}

// Fetches a petition and its log from its node and checks the tally.
int VerifyPetitionCommand(CliStreams& streams, const std::string& url, bool allow_private) {
  http::EventLoop loop(1);
  Result<std::unique_ptr<http::HttpClient>> client = http::HttpClient::Create(
      loop, {.allow_private_addresses = allow_private, .user_agent = "parvis/" PARVIS_VERSION " verify-petition"});
  if (!client) {
    streams.err << "parvis: " << client.error().message << "\n";
    return kExitFailure;
  }
  loop.Start();
  std::future<Result<civic::PetitionVerification>> future =
      boost::asio::co_spawn(loop.executor(), civic::VerifyPetition(**client, url), boost::asio::use_future);
  Result<civic::PetitionVerification> verified = future.get();
  (*client)->CloseIdleConnections();
  loop.Stop();
  loop.Join();
  if (!verified) {
    streams.err << "parvis: petition NOT verified: " << verified.error().message << "\n";
    return kExitFailure;
  }
  streams.out << "petition verified: " << verified->petition.title << "\n"
              << "  signatures: " << verified->log.count << " (as published)\n"
              << "  log entries: " << verified->log.entries << " (" << verified->fetched_entries << " read)\n"
              << "  log head: " << verified->log.head << "\n"
              << "  state: " << protocol::PetitionStateName(verified->petition.state) << "\n";
  return kExitOk;
}

int CreateUser(const std::string& config_file, CliStreams& streams, const std::string& name,
               const std::string& kind, bool admin) {
  std::string password;
  if (!std::getline(streams.in, password)) {
    streams.err << "parvis: no password on standard input (one line is read)\n";
    return kExitFailure;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  std::string body = JsonObject({{"name", name}, {"kind", kind}, {"password", password}},
                                {{"admin", admin}});
  Result<http::Response> response = RunControl(config_file, streams, "/control/accounts", body);
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 201) {
    streams.err << "parvis: cannot create " << name << ": " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << "created account " << name << " (" << kind << (admin ? ", admin" : "") << ")\n";
  return kExitOk;
}

int Backup(const std::string& config_file, CliStreams& streams, const std::string& dir) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
  if (ec) {
    streams.err << "parvis: bad backup directory " << dir << ": " << ec.message() << "\n";
    return kExitFailure;
  }
  std::string body = JsonObject({{"dir", absolute.lexically_normal().string()}});
  Result<http::Response> response = RunControl(config_file, streams, "/control/backup", body);
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    streams.err << "parvis: backup failed: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << "backup written to " << absolute.lexically_normal().string() << "\n";
  return kExitOk;
}

// Escapes the table separator inside a Markdown cell.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// follow / unfollow: `name` starts or stops following `target`.
int FollowCommand(const std::string& config_file, CliStreams& streams, const std::string& verb,
                  const std::string& name, const std::string& target) {
  Result<http::Response> response = RunControl(config_file, streams, "/control/" + verb,
                                               JsonObject({{"account", name}, {"target", target}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 202) {
    streams.err << "parvis: cannot " << verb << " " << target << ": " << ErrorText(*response)
                << "\n";
    return kExitFailure;
  }
  streams.out << response->body << "\n";
  return kExitOk;
}

// Standard input, without its trailing newlines: the text of a post.
std::string ReadText(CliStreams& streams) {
  std::string text((std::istreambuf_iterator<char>(streams.in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// post and edit: the text is all of standard input; optional fields are
// sent only when given.
int WriteCommand(const std::string& config_file, CliStreams& streams, const std::string& target,
                 std::vector<std::pair<std::string, std::string>> fields, int expected) {
  fields.emplace_back("content", ReadText(streams));
  std::vector<std::pair<std::string, std::string>> given;
  for (auto& field : fields) {
    if (!field.second.empty() || field.first == "content") given.push_back(std::move(field));
  }
  Result<http::Response> response = RunControl(config_file, streams, target, JsonObject(given));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != expected) {
    streams.err << "parvis: cannot " << target.substr(target.rfind('/') + 1) << ": "
                << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << response->body << "\n";
  return kExitOk;
}

int DeleteCommand(const std::string& config_file, CliStreams& streams, const std::string& name,
                  const std::string& id) {
  Result<http::Response> response = RunControl(config_file, streams, "/control/delete",
                                               JsonObject({{"account", name}, {"id", id}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    streams.err << "parvis: cannot delete: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << "deleted " << id << "\n";
  return kExitOk;
}

// Runs a control command and prints its JSON answer; `expected` is the
// status of success.
int SimpleCommand(const std::string& config_file, CliStreams& streams, const std::string& target,
                  const std::string& body, int expected, std::chrono::seconds timeout = kControlTimeout) {
  Result<http::Response> response = RunControl(config_file, streams, target, body, "POST", timeout);
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != expected) {
    streams.err << "parvis: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << response->body << "\n";
  return kExitOk;
}

// What `parvis admin petition ...` was given.
struct PetitionArgs {
  std::string account, id, title, addressee, deadline, format = "csv";
  uint64_t threshold = 0;
  bool hide_names = false, open = false, anonymous = false;
};

// admin petition create: the text is all of standard input; the deadline a
// date (the end of that day, UTC) or an RFC 3339 time.
int PetitionCreate(const std::string& config_file, CliStreams& streams, const PetitionArgs& args) {
  std::string deadline = args.deadline.size() == 10 ? args.deadline + "T23:59:59Z" : args.deadline;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (auto [key, value] : {std::pair{"account", args.account}, std::pair{"title", args.title},
                            std::pair{"addressee", args.addressee}, std::pair{"deadline", deadline},
                            std::pair{"text", ReadText(streams)}}) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.Key("threshold");
  writer.Uint64(args.threshold);
  writer.Key("showsNames");
  writer.Bool(!args.hide_names);
  writer.EndObject();
  Result<http::Response> created =
      RunControl(config_file, streams, "/control/petitions/create", buffer.GetString());
  if (!created || created->status != 201) {
    streams.err << "parvis: cannot create the petition: "
                << (created ? ErrorText(*created) : created.error().message) << "\n";
    return kExitFailure;
  }
  if (!args.open) {
    streams.out << created->body << "\n";
    return kExitOk;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(created->body, {});
  std::string id = doc ? protocol::StringMember(*doc, "id").value_or("") : "";
  return SimpleCommand(config_file, streams, "/control/petitions/open",
                       JsonObject({{"account", args.account}, {"id", id}}), 200) == kExitOk
             ? kExitOk
             : kExitFailure;
}

int PetitionExport(const std::string& config_file, CliStreams& streams, const PetitionArgs& args) {
  Result<http::Response> response = RunControl(
      config_file, streams,
      "/control/petitions/signatures?account=" + args.account + "&format=" + args.format + "&id=" + args.id, "",
      "GET");
  if (!response || response->status != 200) {
    streams.err << "parvis: " << (response ? ErrorText(*response) : response.error().message) << "\n";
    return kExitFailure;
  }
  streams.out << response->body;
  return kExitOk;
}

int ListFollows(const std::string& config_file, CliStreams& streams, const std::string& name) {
  Result<http::Response> response = RunControl(
      config_file, streams, "/control/follows?account=" + name, "", "GET");
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    streams.err << "parvis: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << response->body << "\n";
  return kExitOk;
}

// admin token: the token alone on the first line of standard output, so
// `TOKEN=$(parvis admin token NAME)` takes it; the advice goes to stderr.
int IssueToken(const std::string& config_file, CliStreams& streams, const std::string& name,
               const std::string& label) {
  Result<http::Response> response = RunControl(config_file, streams, "/control/tokens",
                                               JsonObject({{"account", name}, {"label", label}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 201) {
    streams.err << "parvis: cannot issue a token for " << name << ": " << ErrorText(*response)
                << "\n";
    return kExitFailure;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {});
  std::optional<std::string> token, id;
  if (doc) {
    token = protocol::StringMember(*doc, "token");
    id = protocol::StringMember(*doc, "id");
  }
  if (!token || !id) {
    streams.err << "parvis: unexpected answer from the node: " << response->body << "\n";
    return kExitFailure;
  }
  streams.out << *token << "\n";
  streams.err << "parvis: token " << *id << " for " << name
              << " is shown only this once (the node keeps only its hash); revoke it with: "
              << streams.program << " admin revoke-token " << name << " " << *id << "\n";
  return kExitOk;
}

// admin tokens: one line per token, tab-separated: id, creation time, label.
int ListTokens(const std::string& config_file, CliStreams& streams, const std::string& name) {
  Result<http::Response> response = RunControl(config_file, streams, "/control/tokens/list",
                                               JsonObject({{"account", name}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    streams.err << "parvis: cannot list the tokens of " << name << ": " << ErrorText(*response)
                << "\n";
    return kExitFailure;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {});
  if (!doc || !doc->IsObject() || !doc->HasMember("tokens") || !(*doc)["tokens"].IsArray()) {
    streams.err << "parvis: unexpected answer from the node: " << response->body << "\n";
    return kExitFailure;
  }
  const rapidjson::Value& tokens = (*doc)["tokens"];
  for (const rapidjson::Value& token : tokens.GetArray()) {
    std::optional<std::string> id = protocol::StringMember(token, "id");
    std::optional<std::string> label = protocol::StringMember(token, "label");
    auto created = token.IsObject() ? token.FindMember("created") : token.MemberEnd();
    if (!id || !label || created == token.MemberEnd() || !created->value.IsInt64()) {
      streams.err << "parvis: unexpected answer from the node: " << response->body << "\n";
      return kExitFailure;
    }
    streams.out << *id << '\t' << protocol::FormatRfc3339Utc(created->value.GetInt64()) << '\t'
                << *label << "\n";
  }
  if (tokens.Empty()) streams.err << "parvis: " << name << " has no tokens\n";
  return kExitOk;
}

int RevokeToken(const std::string& config_file, CliStreams& streams, const std::string& name,
                const std::string& id) {
  Result<http::Response> response = RunControl(config_file, streams, "/control/tokens/revoke",
                                               JsonObject({{"account", name}, {"id", id}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    streams.err << "parvis: cannot revoke: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  streams.out << "revoked token " << id << " of " << name << "\n";
  return kExitOk;
}

// admin sector-log: one line per reclassification, tab-separated.
int ListSectorLog(const std::string& config_file, CliStreams& streams) {
  Result<http::Response> response =
      RunControl(config_file, streams, "/control/sector/log", "", "GET");
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {});
  if (response->status != 200 || !doc || !doc->IsObject() || !doc->HasMember("changes") ||
      !(*doc)["changes"].IsArray()) {
    streams.err << "parvis: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  for (const rapidjson::Value& change : (*doc)["changes"].GetArray()) {
    auto at = change.IsObject() ? change.FindMember("at") : change.MemberEnd();
    int64_t when = at != change.MemberEnd() && at->value.IsInt64() ? at->value.GetInt64() : 0;
    auto text = [&](const char* key) { return protocol::StringMember(change, key).value_or(""); };
    streams.out << protocol::FormatRfc3339Utc(when) << '\t' << text("moderator") << '\t'
                << text("actor") << '\t' << text("old") << " -> " << text("new") << '\t'
                << text("reason") << "\n";
  }
  if ((*doc)["changes"].Empty()) streams.err << "parvis: no reclassification yet\n";
  return kExitOk;
}

// admin rules show: one line per version, newest first (version, date,
// author, summary), then a blank line and the text in force.
int RulesShow(const std::string& config_file, CliStreams& streams, const std::string& document) {
  Result<http::Response> response =
      RunControl(config_file, streams, "/control/rules?document=" + document, "", "GET");
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {});
  if (response->status != 200 || !doc || !doc->IsObject() || !doc->HasMember("versions") ||
      !(*doc)["versions"].IsArray()) {
    streams.err << "parvis: " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  for (const rapidjson::Value& version : (*doc)["versions"].GetArray()) {
    auto number = version.IsObject() ? version.FindMember("version") : version.MemberEnd();
    auto text = [&](const char* key) { return protocol::StringMember(version, key).value_or(""); };
    streams.out << (number != version.MemberEnd() && number->value.IsUint64() ? number->value.GetUint64() : 0)
                << '\t' << text("effective") << '\t' << text("author") << '\t' << text("summary") << "\n";
  }
  if ((*doc)["versions"].Empty()) {
    streams.err << "parvis: no version of the " << document << " yet\n";
    return kExitOk;
  }
  streams.out << "\n" << protocol::StringMember(*doc, "text").value_or("") << "\n";
  return kExitOk;
}

// admin rules set: FILE ("-": standard input) becomes the next version.
int RulesSet(const std::string& config_file, CliStreams& streams, const std::string& document,
             const std::string& file, const std::string& summary, const std::string& by) {
  std::string text;
  if (file == "-") {
    text = ReadText(streams);
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      streams.err << "parvis: cannot read " << file << "\n";
      return kExitFailure;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Result<http::Response> response = RunControl(
      config_file, streams, "/control/rules",
      JsonObject({{"document", document}, {"text", text}, {"summary", summary}, {"author", by}}));
  if (!response) {
    streams.err << "parvis: " << response.error().message << "\n";
    return kExitFailure;
  }
  if (response->status == 200) {
    streams.out << "unchanged: the text is the " << document << " in force; no new version\n";
    return kExitOk;
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {});
  if (response->status != 201 || !doc || !doc->IsObject()) {
    streams.err << "parvis: cannot publish the " << document << ": " << ErrorText(*response) << "\n";
    return kExitFailure;
  }
  auto number = doc->FindMember("version");
  streams.out << "published version "
              << (number != doc->MemberEnd() && number->value.IsUint64() ? number->value.GetUint64() : 0)
              << " of the " << document << ": " << protocol::StringMember(*doc, "url").value_or("") << "\n";
  return kExitOk;
}

int PrintConfigKeys(CliStreams& streams) {
  streams.out << "| key | environment | type | default | meaning |\n|---|---|---|---|---|\n";
  for (const ConfigKeyDoc& key : ConfigReference()) {
    streams.out << "| `" << key.key << "` | `" << key.env << "` | " << Cell(key.type) << " | `"
                << Cell(key.default_value) << "` | " << Cell(key.description) << " |\n";
  }
  return kExitOk;
}

// The deepest subcommand that was recognised, for a usage message that fits.
const CLI::App* DeepestParsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return DeepestParsed(*sub);
  return &app;
}

}  // namespace

int RunCli(int argc, char** argv, CliStreams& streams) {
  if (argc > 0) streams.program = argv[0];
  CLI::App app{"Parvis: a federated social network node for civic engagement.", "parvis"};
  app.require_subcommand(1);
  app.fallthrough(false);

  std::string config_file;
  if (auto it = streams.environment.find(kConfigFileVariable); it != streams.environment.end()) {
    config_file = it->second;
  }
  auto add_config = [&](CLI::App* sub) {
    sub->add_option("--config", config_file,
                    "JSON configuration file (default: $PARVIS_CONFIG, else embedded defaults)")
        ->check(CLI::ExistingFile);
  };

  CLI::App* serve = app.add_subcommand("serve", "Run the node until SIGINT or SIGTERM.");
  add_config(serve);

  CLI::App* admin = app.add_subcommand("admin", "Operator commands on the node's data.");
  admin->require_subcommand(1);
  CLI::App* create_user = admin->add_subcommand(
      "create-user", "Create a local account; the password is read from standard input.");
  std::string name, kind;
  bool make_admin = false;
  bool password_stdin = false;
  create_user->add_option("NAME", name, "Account name: 1-30 letters, digits or underscores")
      ->required();
  std::vector<std::string> kinds;
  for (accounts::AccountKind k : accounts::kAccountKinds) kinds.emplace_back(accounts::AccountKindName(k));
  create_user->add_option("--kind", kind,
                          "What the account is: a citizen (person), an association (organization), "
                          "a citizen group (group), a public body (public_body) — all civic — or a "
                          "business (commercial)")
      ->required()
      ->check(CLI::IsMember(kinds));
  create_user->add_flag("--admin", make_admin, "Give the account the admin role");
  create_user->add_flag("--password-stdin", password_stdin,
                        "Read the password from the first line of standard input")
      ->required();
  add_config(create_user);

  std::string follow_name, follow_target;
  CLI::App* follow = admin->add_subcommand(
      "follow", "Make a local account follow a remote actor (the node must be serving).");
  CLI::App* unfollow = admin->add_subcommand("unfollow", "Stop following a remote actor.");
  for (CLI::App* sub : {follow, unfollow}) {
    sub->add_option("NAME", follow_name, "Local account name")->required();
    sub->add_option("TARGET", follow_target, "acct:name@host, name@host or an actor URL")
        ->required();
    add_config(sub);
  }
  std::string approval_setting, answer_actor;
  CLI::App* approval = admin->add_subcommand(
      "manual-approval", "Make follow requests to NAME wait for an answer (on) or not (off).");
  approval->add_option("NAME", follow_name, "Local account name")->required();
  approval->add_option("SETTING", approval_setting, "on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  add_config(approval);
  std::string fact_checker_setting;
  CLI::App* fact_checker = admin->add_subcommand(
      "fact-checker", "Mark NAME a fact-checker, who may attach context notes to any post (on), or not (off).");
  fact_checker->add_option("NAME", follow_name, "Local account name")->required();
  fact_checker->add_option("SETTING", fact_checker_setting, "on or off")
      ->required()
      ->check(CLI::IsMember({"on", "off"}));
  add_config(fact_checker);
  bool answer_accept = false, answer_reject = false;
  CLI::App* answer = admin->add_subcommand("answer", "Accept or reject a pending follow request.");
  answer->add_option("NAME", follow_name, "Local account name")->required();
  answer->add_option("ACTOR", answer_actor, "The requesting actor's id (URL)")->required();
  auto* accept_flag = answer->add_flag("--accept", answer_accept, "Accept the request");
  auto* reject_flag = answer->add_flag("--reject", answer_reject, "Reject the request");
  accept_flag->excludes(reject_flag);
  add_config(answer);

  std::string react_object, react_type;
  bool react_undo = false;
  CLI::App* react = admin->add_subcommand(
      "react", "Like or boost (announce) a remote note as NAME, or undo it.");
  react->add_option("NAME", follow_name, "Local account name")->required();
  react->add_option("OBJECT", react_object, "The note's id (URL)")->required();
  react->add_option("--type", react_type, "like or announce")
      ->required()
      ->check(CLI::IsMember({"like", "announce"}));
  react->add_flag("--undo", react_undo, "Undo the like or boost");
  add_config(react);

  std::string post_visibility = "public", post_summary, post_id, post_reply_to, post_title;
  bool pin_undo = false;
  CLI::App* post = admin->add_subcommand(
      "post", "Publish a note by NAME; its text is read from standard input.");
  post->add_option("NAME", follow_name, "Local account name")->required();
  post->add_option("--visibility", post_visibility, "Who may see it")
      ->check(CLI::IsMember({"public", "unlisted", "followers", "direct"}));
  post->add_option("--summary", post_summary, "A content warning shown before the text");
  post->add_option("--reply-to", post_reply_to, "Id (URL) of the post this one answers");
  post->add_option("--title", post_title, "A title: the post is then an Article");
  add_config(post);
  CLI::App* edit = admin->add_subcommand(
      "edit", "Replace the text of one of NAME's notes with standard input, and send an Update.");
  edit->add_option("NAME", follow_name, "Local account name")->required();
  edit->add_option("ID", post_id, "The note's id (URL)")->required();
  edit->add_option("--summary", post_summary, "The new content warning (none if absent)");
  edit->add_option("--title", post_title, "The new title of an Article");
  add_config(edit);
  CLI::App* pin = admin->add_subcommand(
      "pin", "Pin one of NAME's public or unlisted notes to the featured collection, or unpin it.");
  pin->add_option("NAME", follow_name, "Local account name")->required();
  pin->add_option("ID", post_id, "The note's id (URL)")->required();
  pin->add_flag("--undo", pin_undo, "Unpin it");
  add_config(pin);
  CLI::App* delete_post = admin->add_subcommand("delete", "Delete one of NAME's notes.");
  delete_post->add_option("NAME", follow_name, "Local account name")->required();
  delete_post->add_option("ID", post_id, "The note's id (URL)")->required();
  add_config(delete_post);
  CLI::App* follows = admin->add_subcommand("follows", "List an account's followers and follows.");
  follows->add_option("NAME", follow_name, "Local account name")->required();
  add_config(follows);
  // Blocks, mutes, domain blocks, bookmarks (docs/operations.md).
  std::string relation_target;
  bool mute_show_notifications = false;
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> relation_verbs = {
      {"block", "Block an actor for NAME: follows both ways end, a Block is delivered.", "target", "TARGET"},
      {"unblock", "Lift NAME's block of an actor (an Undo(Block) is delivered).", "target", "TARGET"},
      {"mute", "Hide an actor's posts and notifications from NAME.", "target", "TARGET"},
      {"unmute", "Lift NAME's mute of an actor.", "target", "TARGET"},
      {"domain-block", "Hide everyone on a host from NAME, and remove NAME's followers there.", "host", "HOST"},
      {"domain-unblock", "Lift NAME's block of a host.", "host", "HOST"},
      {"bookmark", "Bookmark a post known to this node for NAME.", "object", "OBJECT"},
      {"unbookmark", "Remove one of NAME's bookmarks.", "object", "OBJECT"},
  };
  std::vector<std::pair<CLI::App*, std::string>> relation_commands;
  for (const auto& [verb, help, field, label] : relation_verbs) {
    CLI::App* sub = admin->add_subcommand(verb, help);
    sub->add_option("NAME", follow_name, "Local account name")->required();
    sub->add_option(label, relation_target,
                    field == "target" ? "acct:name@host, name@host or an actor URL"
                                      : field == "host" ? "example.org" : "The post's id (URL)")
        ->required();
    if (verb == "mute") sub->add_flag("--show-notifications", mute_show_notifications, "Keep their notifications");
    add_config(sub);
    relation_commands.emplace_back(sub, field);
  }
  CLI::App* relations = admin->add_subcommand("relations", "List NAME's blocks, mutes, domain blocks and bookmarks.");
  relations->add_option("NAME", follow_name, "Local account name")->required();
  add_config(relations);

  std::string sector_target, sector_value, sector_reason, sector_by = "operator";
  CLI::App* set_sector = admin->add_subcommand(
      "set-sector",
      "Reclassify a local or remote account as civic or commercial; the change is logged.");
  set_sector->add_option("ACCOUNT", sector_target,
                         "A local name (or @name@host of this node), or a remote actor id (URL) known here")
      ->required();
  set_sector->add_option("SECTOR", sector_value, "civic or commercial")
      ->required()
      ->check(CLI::IsMember({"civic", "commercial"}));
  set_sector->add_option("--reason", sector_reason, "Why, for the log: 1 to 500 characters")
      ->required();
  set_sector->add_option("--by", sector_by, "Who decides, for the log (default: operator)");
  add_config(set_sector);
  CLI::App* sector_log = admin->add_subcommand(
      "sector-log", "List reclassifications, newest first: time, moderator, account, change, reason.");
  add_config(sector_log);

  std::string rules_document, rules_file, rules_summary, rules_by = "operator";
  CLI::App* rules = admin->add_subcommand("rules", "The node's terms of use and rules, versioned.");
  rules->require_subcommand(1);
  CLI::App* rules_show = rules->add_subcommand(
      "show", "List every version (number, date, author, summary), then print the text in force.");
  rules_show->add_option("DOCUMENT", rules_document, "terms or rules")
      ->required()
      ->check(CLI::IsMember({"terms", "rules"}));
  add_config(rules_show);
  CLI::App* rules_set = rules->add_subcommand(
      "set", "Publish FILE as the next version (nothing happens if the text is unchanged).");
  rules_set->add_option("DOCUMENT", rules_document, "terms or rules")
      ->required()
      ->check(CLI::IsMember({"terms", "rules"}));
  rules_set->add_option("FILE", rules_file, "The text (Markdown, at most 20,000 bytes); - reads standard input")
      ->required();
  rules_set->add_option("--summary", rules_summary, "What changed, one line of at most 300 bytes")->required();
  rules_set->add_option("--by", rules_by, "Who publishes, shown with the version (default: operator)");
  add_config(rules_set);

  std::string token_label, token_id;
  CLI::App* token = admin->add_subcommand(
      "token", "Issue a client-to-server token for NAME; prints it once, on the first line.");
  token->add_option("NAME", follow_name, "Local account name")->required();
  token->add_option("--label", token_label,
                    "What the token is for, shown in lists: up to 64 printable characters");
  add_config(token);
  CLI::App* tokens = admin->add_subcommand(
      "tokens", "List NAME's tokens: id, creation time (RFC 3339), label; never the tokens.");
  tokens->add_option("NAME", follow_name, "Local account name")->required();
  add_config(tokens);
  CLI::App* revoke_token =
      admin->add_subcommand("revoke-token", "Revoke one of NAME's tokens: it stops working.");
  revoke_token->add_option("NAME", follow_name, "Local account name")->required();
  revoke_token->add_option("ID", token_id, "The token's id, as `admin tokens` lists it")
      ->required();
  add_config(revoke_token);
  std::string export_file;
  bool export_keys = false;
  CLI::App* export_account = admin->add_subcommand(
      "export", "Write everything NAME has to FILE (a tar archive with a README.txt describing each file).");
  export_account->add_option("NAME", follow_name, "Local account name")->required();
  export_account->add_option("FILE", export_file, "The archive to create (must not exist)")->required();
  export_account->add_flag("--with-keys", export_keys,
                           "Include the private keys, encrypted with a passphrase read from standard input");
  add_config(export_account);
  std::string import_file, import_list;
  CLI::App* import_account = admin->add_subcommand(
      "import", "Bring data from another server into NAME: a Parvis or Mastodon archive (tar, tar.gz, zip: "
                "posts kept as history, bookmarks, lists) or one of Mastodon's CSV files (follows, blocks, mutes, "
                "domain blocks, bookmarks). Prints a report; running it again completes what failed. Needs the "
                "node serving.");
  import_account->add_option("NAME", follow_name, "Local account name")->required();
  import_account->add_option("FILE", import_file, "The archive or CSV file")->required();
  import_account->add_option("--list", import_list, "What a CSV file holds, when its name does not say")
      ->check(CLI::IsMember({"following", "blocks", "mutes", "domain-blocks", "bookmarks"}));
  add_config(import_account);
  std::string move_other;
  CLI::App* alias = admin->add_subcommand(
      "alias", "Name ACTOR (an actor id or name@host) as another identity of NAME (alsoKnownAs): do it on the "
               "new account before moving the old one here. Needs the node serving.");
  alias->add_option("NAME", follow_name, "Local account name (the new home)")->required();
  alias->add_option("ACTOR", move_other, "The account being moved here")->required();
  add_config(alias);
  CLI::App* move = admin->add_subcommand(
      "move", "Move NAME to TARGET (which must name NAME with `admin alias` first): followers' servers are told "
              "and follow TARGET instead. Needs the node serving.");
  move->add_option("NAME", follow_name, "Local account name (the one leaving)")->required();
  move->add_option("TARGET", move_other, "The new account (actor id or name@host)")->required();
  add_config(move);
  bool delete_confirmed = false;
  CLI::App* delete_account = admin->add_subcommand(
      "delete-account",
      "Delete NAME for good: its content goes at once, servers that know it get Delete, its keys and "
      "records are erased once that is delivered. Needs the node serving.");
  delete_account->add_option("NAME", follow_name, "Local account name")->required();
  delete_account->add_flag("--yes", delete_confirmed, "Confirm: this cannot be undone")->required();
  add_config(delete_account);

  CLI::App* backup = app.add_subcommand(
      "backup", "Write a consistent copy of the database to DIR (also while serving).");
  std::string backup_dir;
  backup->add_option("DIR", backup_dir, "Directory to create; must not exist")->required();
  add_config(backup);

  CLI::App* config_cmd = app.add_subcommand("config", "Configuration reference.");
  config_cmd->require_subcommand(1);
  CLI::App* config_keys =
      config_cmd->add_subcommand("keys", "Print every configuration key as a Markdown table row.");

  PetitionArgs petition_args;
  CLI::App* petition = admin->add_subcommand("petition", "Petitions: start, open, sign, answer, export.");
  petition->require_subcommand(1);
  CLI::App* petition_create = petition->add_subcommand(
      "create", "Start a petition by NAME (an association, group or public body); its text is read from standard input.");
  petition_create->add_option("NAME", petition_args.account, "Local account name")->required();
  petition_create->add_option("--title", petition_args.title, "Its title")->required();
  petition_create->add_option("--addressee", petition_args.addressee, "Who must answer it")->required();
  petition_create->add_option("--threshold", petition_args.threshold, "Signatures needed")->required();
  petition_create->add_option("--deadline", petition_args.deadline, "Closing date (YYYY-MM-DD, UTC) or RFC 3339 time")
      ->required();
  petition_create->add_flag("--hide-names", petition_args.hide_names, "Publish no signer's name");
  petition_create->add_flag("--open", petition_args.open, "Open it for signatures at once");
  add_config(petition_create);
  std::map<std::string, CLI::App*> petition_changes;
  for (const char* change : {"open", "withdraw", "answer"}) {
    CLI::App* command = petition->add_subcommand(
        change, std::string(change == std::string("answer") ? "Attach the addressee's answer (standard input) to"
                                                             : change == std::string("open") ? "Open" : "Withdraw") +
                    " one of NAME's petitions.");
    command->add_option("NAME", petition_args.account, "Local account name")->required();
    command->add_option("ID", petition_args.id, "The petition's id (URL)")->required();
    add_config(command);
    petition_changes[change] = command;
  }
  std::map<std::string, CLI::App*> petition_signing;
  for (const char* change : {"sign", "unsign"}) {
    CLI::App* command = petition->add_subcommand(
        change, change == std::string("sign") ? "NAME signs a petition of this node or another."
                                             : "NAME withdraws its signature.");
    command->add_option("NAME", petition_args.account, "Local account name")->required();
    command->add_option("URL", petition_args.id, "The petition's id (URL)")->required();
    if (change == std::string("sign")) command->add_flag("--anonymous", petition_args.anonymous, "Be counted without your name");
    add_config(command);
    petition_signing[change] = command;
  }
  CLI::App* petition_export = petition->add_subcommand("export", "Print the signatures of one of NAME's petitions.");
  petition_export->add_option("NAME", petition_args.account, "Local account name")->required();
  petition_export->add_option("ID", petition_args.id, "The petition's id (URL)")->required();
  petition_export->add_option("--format", petition_args.format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
  add_config(petition_export);

  // Consultations: the same shape of commands.
  struct {
    std::string account, target, title, deadline, choice;
    bool members = false;
  } consultation_args;
  CLI::App* consultation = admin->add_subcommand("consultation", "Consultations: open, propose, vote, comment.");
  consultation->require_subcommand(1);
  CLI::App* consultation_create = consultation->add_subcommand(
      "create", "Open a consultation by NAME (an association, group or public body); its text is read from standard input.");
  consultation_create->add_option("NAME", consultation_args.account, "Local account name")->required();
  consultation_create->add_option("--title", consultation_args.title, "The question")->required();
  consultation_create->add_option("--deadline", consultation_args.deadline, "Closing date (YYYY-MM-DD, UTC) or RFC 3339 time")
      ->required();
  consultation_create->add_flag("--members", consultation_args.members,
                                "Only this node's accounts and the organiser's followers take part");
  add_config(consultation_create);
  CLI::App* consultation_propose = consultation->add_subcommand(
      "propose", "NAME proposes (text from standard input) to a consultation of this node or another.");
  consultation_propose->add_option("NAME", consultation_args.account, "Local account name")->required();
  consultation_propose->add_option("URL", consultation_args.target, "The consultation's id (URL)")->required();
  add_config(consultation_propose);
  CLI::App* consultation_vote = consultation->add_subcommand("vote", "NAME votes on a proposal, or withdraws its vote.");
  consultation_vote->add_option("NAME", consultation_args.account, "Local account name")->required();
  consultation_vote->add_option("PROPOSAL", consultation_args.target, "The proposal's id (URL)")->required();
  consultation_vote->add_option("CHOICE", consultation_args.choice, "for, against, abstain or withdraw")
      ->required()
      ->check(CLI::IsMember({"for", "against", "abstain", "withdraw"}));
  add_config(consultation_vote);
  CLI::App* consultation_comment = consultation->add_subcommand(
      "comment", "NAME comments on a proposal; the text is read from standard input.");
  consultation_comment->add_option("NAME", consultation_args.account, "Local account name")->required();
  consultation_comment->add_option("PROPOSAL", consultation_args.target, "The proposal's id (URL)")->required();
  add_config(consultation_comment);

  std::string petition_url;
  bool verify_private = false;
  CLI::App* verify_petition = app.add_subcommand(
      "verify-petition", "Fetch a petition and its signature log and check that the count follows from it.");
  verify_petition->add_option("URL", petition_url, "The petition's id (URL)")->required();
  verify_petition->add_flag("--allow-private-addresses", verify_private,
                            "Allow loopback and private addresses (tests, local networks)");
  MsgCommands msg(app);
  app.add_subcommand("version", "Print the version.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    streams.out << DeepestParsed(app)->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    streams.out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    const CLI::App* where = DeepestParsed(app);
    std::vector<std::string> left = where->remaining();
    // "A subcommand is required" hides the real mistake: a misspelt command.
    if (!left.empty() && where->get_require_subcommand_min() > 0 &&
        where->get_subcommands().empty()) {
      streams.err << "parvis: unknown command: " << left.front() << "\n\n" << where->help();
    } else {
      streams.err << "parvis: " << e.what() << "\n\n" << where->help();
    }
    return kExitUsage;
  }

  if (app.got_subcommand("version")) {
    streams.out << "parvis " << PARVIS_VERSION << "\n";
    return kExitOk;
  }
  if (serve->parsed()) return RunServe(config_file, streams);
  if (msg.parsed()) return msg.Run(streams);
  if (verify_petition->parsed()) return VerifyPetitionCommand(streams, petition_url, verify_private);
  if (petition_create->parsed()) return PetitionCreate(config_file, streams, petition_args);
  if (consultation_create->parsed()) {
    std::string deadline = consultation_args.deadline.size() == 10 ? consultation_args.deadline + "T23:59:59Z"
                                                                    : consultation_args.deadline;
    return SimpleCommand(config_file, streams, "/control/consultations/create",
                         JsonObject({{"account", consultation_args.account},
                                     {"title", consultation_args.title},
                                     {"text", ReadText(streams)},
                                     {"deadline", deadline},
                                     {"participation", consultation_args.members ? "members" : "anyone"}}),
                         201);
  }
  if (consultation_propose->parsed()) {
    return SimpleCommand(config_file, streams, "/control/consultations/propose",
                         JsonObject({{"account", consultation_args.account},
                                     {"consultation", consultation_args.target},
                                     {"text", ReadText(streams)}}),
                         200);
  }
  if (consultation_comment->parsed()) {
    return SimpleCommand(config_file, streams, "/control/consultations/comment",
                         JsonObject({{"account", consultation_args.account},
                                     {"proposal", consultation_args.target},
                                     {"text", ReadText(streams)}}),
                         200);
  }
  if (consultation_vote->parsed()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("account");
    writer.String(consultation_args.account.c_str());
    writer.Key("proposal");
    writer.String(consultation_args.target.c_str());
    writer.Key("choice");
    // "withdraw" is a null choice.
    if (consultation_args.choice == "withdraw") {
      writer.Null();
    } else {
      writer.String(consultation_args.choice.c_str());
    }
    writer.EndObject();
    return SimpleCommand(config_file, streams, "/control/consultations/vote", buffer.GetString(), 200);
  }
  if (petition_export->parsed()) return PetitionExport(config_file, streams, petition_args);
  for (const auto& [change, command] : petition_changes) {
    if (!command->parsed()) continue;
    if (change == "answer") {
      return SimpleCommand(config_file, streams, "/control/petitions/answer",
                           JsonObject({{"account", petition_args.account}, {"id", petition_args.id},
                                       {"text", ReadText(streams)}}),
                           200);
    }
    return SimpleCommand(config_file, streams, "/control/petitions/" + change,
                         JsonObject({{"account", petition_args.account}, {"id", petition_args.id}}), 200);
  }
  for (const auto& [change, command] : petition_signing) {
    if (!command->parsed()) continue;
    return SimpleCommand(config_file, streams, "/control/petitions/" + change,
                         JsonObject({{"account", petition_args.account}, {"petition", petition_args.id}},
                                    {{"anonymous", petition_args.anonymous}}),
                         200);
  }
  if (create_user->parsed()) return CreateUser(config_file, streams, name, kind, make_admin);
  if (backup->parsed()) return Backup(config_file, streams, backup_dir);
  if (follow->parsed()) return FollowCommand(config_file, streams, "follow", follow_name, follow_target);
  if (unfollow->parsed()) {
    return FollowCommand(config_file, streams, "unfollow", follow_name, follow_target);
  }
  if (follows->parsed()) return ListFollows(config_file, streams, follow_name);
  for (const auto& [command, field] : relation_commands) {
    if (!command->parsed()) continue;
    std::string body = command->get_name() == "mute"
                           ? JsonObject({{"account", follow_name}, {field, relation_target}},
                                        {{"hide_notifications", !mute_show_notifications}})
                           : JsonObject({{"account", follow_name}, {field, relation_target}});
    return SimpleCommand(config_file, streams, "/control/" + command->get_name(), body, 200);
  }
  if (relations->parsed()) {
    Result<http::Response> response =
        RunControl(config_file, streams, "/control/relations?account=" + follow_name, "", "GET");
    if (!response || response->status != 200) {
      streams.err << "parvis: " << (response ? ErrorText(*response) : response.error().message) << "\n";
      return kExitFailure;
    }
    streams.out << response->body << "\n";
    return kExitOk;
  }
  if (token->parsed()) return IssueToken(config_file, streams, follow_name, token_label);
  if (tokens->parsed()) return ListTokens(config_file, streams, follow_name);
  if (alias->parsed()) {
    return SimpleCommand(config_file, streams, "/control/accounts/alias",
                         JsonObject({{"account", follow_name}, {"alias", move_other}}), 200);
  }
  if (move->parsed()) {
    return SimpleCommand(config_file, streams, "/control/accounts/move",
                         JsonObject({{"account", follow_name}, {"target", move_other}}), 200);
  }
  if (export_account->parsed()) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"account", follow_name}, {"file", std::filesystem::absolute(export_file).string()}};
    if (export_keys) {
      std::string passphrase;
      std::getline(streams.in, passphrase);
      if (!passphrase.empty() && passphrase.back() == '\r') passphrase.pop_back();
      fields.emplace_back("passphrase", passphrase);
    }
    return SimpleCommand(config_file, streams, "/control/accounts/export", JsonObject(fields), 200);
  }
  if (import_account->parsed()) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"account", follow_name}, {"file", std::filesystem::absolute(import_file).string()}};
    if (!import_list.empty()) fields.emplace_back("list", import_list);
    // An import looks up every account it names: it can take minutes.
    return SimpleCommand(config_file, streams, "/control/accounts/import", JsonObject(fields), 200, kImportTimeout);
  }
  if (delete_account->parsed()) {
    return SimpleCommand(config_file, streams, "/control/accounts/delete", JsonObject({{"account", follow_name}}), 200);
  }
  if (revoke_token->parsed()) return RevokeToken(config_file, streams, follow_name, token_id);
  if (post->parsed()) {
    return WriteCommand(config_file, streams, "/control/post",
                        {{"account", follow_name},
                         {"visibility", post_visibility},
                         {"summary", post_summary},
                         {"inReplyTo", post_reply_to},
                         {"title", post_title}},
                        201);
  }
  if (edit->parsed()) {
    return WriteCommand(config_file, streams, "/control/edit",
                        {{"account", follow_name}, {"id", post_id}, {"summary", post_summary},
                         {"title", post_title}},
                        200);
  }
  if (pin->parsed()) {
    return SimpleCommand(config_file, streams, "/control/pin",
                         JsonObject({{"account", follow_name}, {"id", post_id}}, {{"undo", pin_undo}}),
                         200);
  }
  if (delete_post->parsed()) return DeleteCommand(config_file, streams, follow_name, post_id);
  if (react->parsed()) {
    return SimpleCommand(config_file, streams, "/control/react",
                         JsonObject({{"account", follow_name},
                                     {"object", react_object},
                                     {"type", react_type == "like" ? "Like" : "Announce"}},
                                    {{"undo", react_undo}}),
                         202);
  }
  if (fact_checker->parsed()) {
    return SimpleCommand(config_file, streams, "/control/fact-checkers",
                         JsonObject({{"account", follow_name}}, {{"on", fact_checker_setting == "on"}}), 200);
  }
  if (approval->parsed()) {
    return SimpleCommand(config_file, streams, "/control/approval",
                         JsonObject({{"account", follow_name}}, {{"manual", approval_setting == "on"}}),
                         200);
  }
  if (answer->parsed()) {
    if (!answer_accept && !answer_reject) {
      streams.err << "parvis: say --accept or --reject\n\n" << answer->help();
      return kExitUsage;
    }
    return SimpleCommand(config_file, streams, "/control/answer",
                         JsonObject({{"account", follow_name}, {"actor", answer_actor}},
                                    {{"accept", answer_accept}}),
                         202);
  }
  if (set_sector->parsed()) {
    return SimpleCommand(config_file, streams, "/control/sector",
                         JsonObject({{"actor", sector_target},
                                     {"sector", sector_value},
                                     {"reason", sector_reason},
                                     {"moderator", sector_by}}),
                         200);
  }
  if (sector_log->parsed()) return ListSectorLog(config_file, streams);
  if (rules_show->parsed()) return RulesShow(config_file, streams, rules_document);
  if (rules_set->parsed()) {
    return RulesSet(config_file, streams, rules_document, rules_file, rules_summary, rules_by);
  }
  if (config_keys->parsed()) return PrintConfigKeys(streams);
  streams.err << app.help();
  return kExitUsage;
}

}  // namespace parvis
