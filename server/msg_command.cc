#include "server/msg_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <istream>
#include <iterator>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parvis/protocol/json.h"
#include "server/http/event_loop.h"
#include "server/http/http_client.h"
#include "server/messaging/msg_client.h"

namespace parvis {
namespace {

using messaging::HttpAnswer;
using messaging::MessagingClient;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void String(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

struct Connection {
  std::string node;
  std::string token;
  bool allow_private = false;
};

std::string ConnectionFile(const std::string& state) { return state + ".node"; }

Status WriteConnection(const std::string& state, const Connection& connection) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("node");
  String(writer, connection.node);
  writer.Key("token");
  String(writer, connection.token);
  writer.Key("allowPrivateAddresses");
  writer.Bool(connection.allow_private);
  writer.EndObject();
  const std::string path = ConnectionFile(state);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(Error{ErrorCode::kIo, "cannot write " + path});
  bool ok = ::write(fd, buffer.GetString(), buffer.GetSize()) == static_cast<ssize_t>(buffer.GetSize());
  ok = ::close(fd) == 0 && ok;
  if (!ok) return std::unexpected(Error{ErrorCode::kIo, "cannot write " + path});
  return Ok();
}

Result<Connection> ReadConnection(const std::string& state) {
  std::ifstream in(ConnectionFile(state));
  if (!in) {
    return std::unexpected(Error{ErrorCode::kNotFound, ConnectionFile(state) +
                                                           " does not exist: set this device up first (parvis msg keys --init)"});
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<rapidjson::Document> doc = protocol::ParseJson(text.str(), {});
  if (!doc || !doc->IsObject()) return std::unexpected(Error{ErrorCode::kCorruption, ConnectionFile(state) + " is not JSON"});
  Connection connection;
  connection.node = protocol::StringMember(*doc, "node").value_or("");
  connection.token = protocol::StringMember(*doc, "token").value_or("");
  auto allow = doc->FindMember("allowPrivateAddresses");
  connection.allow_private = allow != doc->MemberEnd() && allow->value.IsBool() && allow->value.GetBool();
  if (connection.node.empty() || connection.token.empty()) {
    return std::unexpected(Error{ErrorCode::kCorruption, ConnectionFile(state) + " lacks the node or the token"});
  }
  return connection;
}

// Blocking requests to the node on a private event loop.
class NodeLink {
 public:
  static Result<std::unique_ptr<NodeLink>> Open(const Connection& connection) {
    auto link = std::unique_ptr<NodeLink>(new NodeLink(connection));
    Result<std::unique_ptr<http::HttpClient>> client = http::HttpClient::Create(
        link->loop_, {.allow_private_addresses = connection.allow_private, .user_agent = "parvis-msg"});
    if (!client) return std::unexpected(client.error());
    link->client_ = *std::move(client);
    link->loop_.Start();
    return link;
  }
  ~NodeLink() {
    if (client_) client_->CloseIdleConnections();
    loop_.Stop();
    loop_.Join();
  }

  messaging::Transport transport() {
    return [this](std::string_view method, std::string_view target, std::string_view body) -> Result<HttpAnswer> {
      http::ClientRequest request{.method = std::string(method),
                                  .url = connection_.node + std::string(target),
                                  .headers = {{"Authorization", "Bearer " + connection_.token},
                                              {"Accept", "application/json"}},
                                  .body = std::string(body)};
      if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
      std::future<Result<http::ClientResponse>> future =
          boost::asio::co_spawn(loop_.executor(), client_->Fetch(std::move(request)), boost::asio::use_future);
      Result<http::ClientResponse> response = future.get();
      if (!response) {
        return std::unexpected(Error{ErrorCode::kUnavailable, "cannot reach " + connection_.node + ": " +
                                                                   response.error().message});
      }
      return HttpAnswer{response->status, response->body};
    };
  }

 private:
  explicit NodeLink(Connection connection) : connection_(std::move(connection)), loop_(1) {}
  Connection connection_;
  http::EventLoop loop_;
  std::unique_ptr<http::HttpClient> client_;
};

std::string FirstLine(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string Grouped(const std::string& digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); i += 5) {
    if (i != 0) out += (i % 30 == 0) ? "\n  " : " ";
    out += digits.substr(i, 5);
  }
  return out;
}

}  // namespace

struct MsgCommands::Impl {
  CLI::App* msg = nullptr;
  CLI::App* keys = nullptr;
  CLI::App* send = nullptr;
  CLI::App* read = nullptr;
  CLI::App* verify = nullptr;
  CLI::App* devices = nullptr;
  std::string state, node, account, token, actor, revoke;
  std::vector<std::string> to, text;
  bool init = false, restore = false, reset = false, backup = false, json = false, confirm = false,
       allow_private = false, accept_new_key = false;

  int Fail(CliStreams& streams, const Error& error) const {
    streams.err << "parvis: " << error.message << "\n";
    return kExitFailure;
  }
  int Keys(CliStreams& streams);
  int Send(CliStreams& streams, MessagingClient& client);
  int Read(CliStreams& streams, MessagingClient& client);
  int Verify(CliStreams& streams, MessagingClient& client);
  int Devices(CliStreams& streams, MessagingClient& client);
};

MsgCommands::MsgCommands(CLI::App& app) : impl_(std::make_unique<Impl>()) {
  Impl& a = *impl_;
  a.msg = app.add_subcommand("msg", "End-to-end encrypted messages from this device (docs/e2ee.md).");
  a.msg->require_subcommand(1);
  auto state = [&a](CLI::App* command) {
    command->add_option("--state", a.state, "This device's key file (created by keys --init)")->required();
  };
  a.keys = a.msg->add_subcommand("keys", "Set this device up, show its keys, or back up the account key.");
  state(a.keys);
  a.keys->add_flag("--init", a.init, "Create this device's keys and publish them");
  a.keys->add_option("--node", a.node, "The account's node (https://…), with --init");
  a.keys->add_option("--account", a.account, "The account's name on that node, with --init");
  a.keys->add_option("--token", a.token, "A C2S token of the account (parvis admin token NAME); else $PARVIS_TOKEN");
  a.keys->add_flag("--restore", a.restore, "With --init: take the account key from the node's backup (passphrase on stdin)");
  a.keys->add_flag("--reset", a.reset, "With --init: replace the account's published account key");
  a.keys->add_flag("--backup", a.backup, "Store the account key on the node, encrypted with a passphrase read from stdin");
  a.keys->add_flag("--allow-private-addresses", a.allow_private, "Allow a node on loopback or a private network");
  a.send = a.msg->add_subcommand("send", "Encrypt a message for every device of the recipients and send it.");
  state(a.send);
  a.send->add_option("--to", a.to, "A recipient's actor id (repeat for several)")->required()
      ->expected(1)
      ->allow_extra_args(false);
  a.send->add_option("TEXT", a.text, "The message (else read from standard input)");
  a.read = a.msg->add_subcommand("read", "Fetch, decrypt and print the messages waiting for this device.");
  state(a.read);
  a.read->add_flag("--json", a.json, "Print JSON");
  a.verify = a.msg->add_subcommand("verify", "Show the safety number with ACTOR; --confirm records it as checked.");
  state(a.verify);
  a.verify->add_option("ACTOR", a.actor, "The other account's actor id")->required();
  a.verify->add_flag("--confirm", a.confirm, "The numbers matched when compared in person or by another channel");
  a.verify->add_flag("--accept-new-key", a.accept_new_key,
                     "ACTOR's account key changed: trust the new one (compare the new number first)");
  a.devices = a.msg->add_subcommand("devices", "List the account's devices, or revoke one.");
  state(a.devices);
  a.devices->add_option("--revoke", a.revoke, "The id of a device to revoke (not this one)");
}

MsgCommands::~MsgCommands() = default;

bool MsgCommands::parsed() const { return impl_->msg->parsed(); }

int MsgCommands::Impl::Keys(CliStreams& streams) {
  if (init) {
    if (node.empty() || account.empty()) {
      streams.err << "parvis: keys --init needs --node and --account\n\n" << keys->help();
      return kExitUsage;
    }
    if (token.empty()) {
      auto env = streams.environment.find("PARVIS_TOKEN");
      if (env != streams.environment.end()) token = env->second;
    }
    if (token.empty()) {
      streams.err << "parvis: keys --init needs --token or $PARVIS_TOKEN\n\n" << keys->help();
      return kExitUsage;
    }
    while (!node.empty() && node.back() == '/') node.pop_back();
    Connection connection{node, token, allow_private};
    Result<std::unique_ptr<NodeLink>> link = NodeLink::Open(connection);
    if (!link) return Fail(streams, link.error());
    std::optional<std::string> passphrase;
    if (restore) passphrase = FirstLine(streams.in);
    if (Status written = WriteConnection(state, connection); !written) return Fail(streams, written.error());
    Result<std::unique_ptr<MessagingClient>> client =
        MessagingClient::Create(state, (*link)->transport(), node + "/users/" + account, passphrase, reset);
    if (!client) {
      std::filesystem::remove(ConnectionFile(state));
      return Fail(streams, client.error());
    }
    streams.out << "device " << (*client)->device_id() << " of " << (*client)->actor() << " is set up\n";
    return kExitOk;
  }
  Result<Connection> connection = ReadConnection(state);
  if (!connection) return Fail(streams, connection.error());
  Result<std::unique_ptr<NodeLink>> link = NodeLink::Open(*connection);
  if (!link) return Fail(streams, link.error());
  Result<std::unique_ptr<MessagingClient>> client = MessagingClient::Open(state, (*link)->transport());
  if (!client) return Fail(streams, client.error());
  if (backup) {
    if (Status stored = (*client)->StoreBackup(FirstLine(streams.in)); !stored) return Fail(streams, stored.error());
    streams.out << "the account key is backed up on the node, encrypted with your passphrase\n";
    return kExitOk;
  }
  streams.out << "actor: " << (*client)->actor() << "\ndevice: " << (*client)->device_id() << "\n";
  return kExitOk;
}

int MsgCommands::Impl::Send(CliStreams& streams, MessagingClient& client) {
  std::string message;
  if (text.empty()) {
    message.assign(std::istreambuf_iterator<char>(streams.in), std::istreambuf_iterator<char>());
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  } else {
    for (size_t i = 0; i < text.size(); ++i) message += (i ? " " : "") + text[i];
  }
  if (message.empty()) {
    streams.err << "parvis: the message is empty\n";
    return kExitUsage;
  }
  Result<std::string> sent = client.Send(to, message);
  if (!sent) return Fail(streams, sent.error());
  streams.out << "sent " << *sent << "\n";
  return kExitOk;
}

int MsgCommands::Impl::Read(CliStreams& streams, MessagingClient& client) {
  Result<messaging::ReadOutcome> outcome = client.Read();
  if (!outcome) return Fail(streams, outcome.error());
  if (json) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("messages");
    writer.StartArray();
    for (const messaging::ReceivedMessage& message : outcome->messages) {
      writer.StartObject();
      writer.Key("id");
      String(writer, message.id);
      writer.Key("from");
      String(writer, message.from);
      writer.Key("senderDevice");
      String(writer, message.sender_device);
      writer.Key("sent");
      String(writer, message.sent);
      writer.Key("to");
      writer.StartArray();
      for (const std::string& actor : message.to) String(writer, actor);
      writer.EndArray();
      writer.Key("content");
      String(writer, message.content);
      writer.EndObject();
    }
    writer.EndArray();
    writer.Key("rejected");
    writer.StartArray();
    for (const messaging::RejectedMessage& rejected : outcome->rejected) {
      writer.StartObject();
      writer.Key("from");
      String(writer, rejected.from);
      writer.Key("reason");
      String(writer, rejected.reason);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    streams.out << buffer.GetString() << "\n";
  } else {
    for (const messaging::ReceivedMessage& message : outcome->messages) {
      streams.out << message.sent << " " << message.from << ": " << message.content << "\n";
    }
    if (outcome->messages.empty()) streams.out << "no new messages\n";
  }
  for (const messaging::RejectedMessage& rejected : outcome->rejected) {
    streams.err << "parvis: rejected a message from " << rejected.from << ": " << rejected.reason << "\n";
  }
  for (const messaging::RejectedMessage& held : outcome->held) {
    streams.err << "parvis: holding a message from " << held.from << ": " << held.reason << "\n";
  }
  return kExitOk;
}

int MsgCommands::Impl::Verify(CliStreams& streams, MessagingClient& client) {
  if (accept_new_key) {
    if (Status accepted = client.AcceptNewKey(actor); !accepted) return Fail(streams, accepted.error());
    streams.out << "the new account key of " << actor << " is trusted; held messages will be read\n";
  }
  Result<messaging::PeerKeys> peer = client.Peer(actor);
  if (!peer) return Fail(streams, peer.error());
  if (peer->key_changed) {
    streams.out << "WARNING: the account key of " << actor << " changed since you first saw it.\n"
                << "new safety number:\n  " << Grouped(peer->safety_number) << "\n"
                << "compare it with the other person, then run with --accept-new-key\n";
    return kExitFailure;
  }
  if (confirm) {
    if (Status marked = client.MarkVerified(actor); !marked) return Fail(streams, marked.error());
    peer->verified = true;
  }
  streams.out << "safety number with " << actor << ":\n  " << Grouped(peer->safety_number) << "\n"
              << (peer->verified ? "verified on this device\n"
                                 : "not verified: compare these digits with the other person, then run with --confirm\n");
  return kExitOk;
}

int MsgCommands::Impl::Devices(CliStreams& streams, MessagingClient& client) {
  if (!revoke.empty()) {
    if (Status revoked = client.Revoke(revoke); !revoked) return Fail(streams, revoked.error());
    streams.out << "revoked " << revoke << "\n";
    return kExitOk;
  }
  Result<std::vector<std::string>> devices = client.Devices();
  if (!devices) return Fail(streams, devices.error());
  for (const std::string& id : *devices) {
    streams.out << id << (id == client.device_id() ? " (this device)" : "") << "\n";
  }
  return kExitOk;
}

int MsgCommands::Run(CliStreams& streams) {
  Impl& a = *impl_;
  if (a.keys->parsed()) return a.Keys(streams);
  Result<Connection> connection = ReadConnection(a.state);
  if (!connection) return a.Fail(streams, connection.error());
  Result<std::unique_ptr<NodeLink>> link = NodeLink::Open(*connection);
  if (!link) return a.Fail(streams, link.error());
  Result<std::unique_ptr<MessagingClient>> client = MessagingClient::Open(a.state, (*link)->transport());
  if (!client) return a.Fail(streams, client.error());
  if (a.send->parsed()) return a.Send(streams, **client);
  if (a.read->parsed()) return a.Read(streams, **client);
  if (a.verify->parsed()) return a.Verify(streams, **client);
  return a.Devices(streams, **client);
}

}  // namespace parvis
