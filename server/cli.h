// The `parvis` command line: parses arguments and runs one subcommand.
#ifndef PARVIS_SERVER_CLI_H_
#define PARVIS_SERVER_CLI_H_

#include <iosfwd>
#include <map>
#include <string>

namespace parvis {

// Exit codes: 0 success, 1 the command failed, 2 wrong arguments (usage on
// stderr).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct CliStreams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::map<std::string, std::string> environment;
  std::string program = "parvis";  // how the operator invoked us, for hints
};

int RunCli(int argc, char** argv, CliStreams& streams);

// `parvis serve`: runs the node until SIGINT or SIGTERM.
int RunServe(const std::string& config_file, CliStreams& streams);

}  // namespace parvis

#endif  // PARVIS_SERVER_CLI_H_
