// `parvis msg`: a device's confidential-messaging client on the command line
// (docs/e2ee.md), talking to the account's own node with a C2S token:
//   parvis msg keys --init --state FILE --node URL --account NAME [--token T] [--restore] [--reset]
//   parvis msg keys --state FILE [--backup]
//   parvis msg send --state FILE --to ACTOR [--to ACTOR…] [TEXT…]   (else the text is stdin)
//   parvis msg read --state FILE [--json]
//   parvis msg verify --state FILE ACTOR [--confirm]
//   parvis msg devices --state FILE [--revoke ID]
// FILE holds the device's private keys and sessions (mode 0600); FILE.node
// holds the node's URL and the token. Passphrases are read from stdin.
#ifndef PARVIS_SERVER_MSG_COMMAND_H_
#define PARVIS_SERVER_MSG_COMMAND_H_

#include <memory>

#include "server/cli.h"

namespace CLI {
class App;
}

namespace parvis {

class MsgCommands {
 public:
  // Adds `msg` and its subcommands to `app`, which must outlive this.
  explicit MsgCommands(CLI::App& app);
  ~MsgCommands();
  // True if one of the `msg` subcommands was parsed.
  bool parsed() const;
  // Runs the parsed subcommand; an exit code.
  int Run(CliStreams& streams);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parvis

#endif  // PARVIS_SERVER_MSG_COMMAND_H_
