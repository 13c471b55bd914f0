#include <chrono>
#include <ostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "parvis/config.h"
#include "server/cli.h"
#include "server/node.h"

namespace parvis {
namespace {

void SetUpLogging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("parvis");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(logger);
}

}  // namespace

int RunServe(const std::string& config_file, CliStreams& streams) {
  auto started = std::chrono::steady_clock::now();
  Result<Config> config = LoadConfig({.file = config_file, .environment = streams.environment});
  if (!config) {
    streams.err << "parvis: " << config.error().message << "\n";
    return kExitFailure;
  }
  SetUpLogging(*config);
  Result<std::unique_ptr<Node>> node = Node::Open(*config);
  if (!node) {
    streams.err << "parvis: " << node.error().message << "\n";
    return kExitFailure;
  }
  if (Status serving = (*node)->Serve(/*stop_on_signals=*/true); !serving) {
    streams.err << "parvis: " << serving.error().message << "\n";
    return kExitFailure;
  }
  double startup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // Tests and scripts read this line to learn the port.
  streams.out << "parvis: listening on http://" << config->listen_address << ":"
              << (*node)->port() << " (public URL " << config->base_url << ", data in "
              << config->data_dir << ", started in " << startup_ms << " ms)" << std::endl;
  if (Result<uint64_t> count = (*node)->AccountCount(); count && *count == 0) {
    streams.out << "parvis: no accounts yet; create the first admin with:\n"
                << "  printf '%s\\n' 'a long passphrase' | " << streams.program
                << " admin create-user NAME "
                   "--kind person --admin --password-stdin"
                << (config_file.empty() ? "" : " --config " + config_file) << std::endl;
  }
  (*node)->Wait();
  node->reset();  // closes the database before saying so
  streams.out << "parvis: stopped" << std::endl;
  return kExitOk;
}

}  // namespace parvis
