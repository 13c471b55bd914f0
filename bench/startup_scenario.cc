// Scenario 2, start-up: starts `parvis serve` on a data directory (emptied
// first, or as it is), times it until it prints "listening", reads its idle
// resident memory, and stops it with SIGTERM. The environment is inherited
// (PARVIS_*), except the data directory and the port (0: any free one).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include "bench/process_probe.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parvis::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  double wall_ms = 0;  // from fork to the "listening" line
  double self_ms = 0;  // the node's own "started in" figure
  uint64_t idle_rss_kb = 0;
};

std::optional<Run> StartOnce(const StartupOptions& options) {
  int out[2];
  if (::pipe(out) != 0) return std::nullopt;
  Clock::time_point start = Clock::now();
  pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  const std::string log = options.data_dir + ".log";
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    // The node's log (its "stopping" line included) goes beside the data.
    int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::setenv("PARVIS_DATA_DIR", options.data_dir.c_str(), 1);
    ::setenv("PARVIS_LISTEN_PORT", "0", 1);
    ::execl(options.parvis.c_str(), options.parvis.c_str(), "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  std::optional<Run> run;
  Clock::time_point deadline = start + std::chrono::seconds(120);
  while (Clock::now() < deadline) {
    pollfd fd{out[0], POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    char buffer[4096];
    ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
    size_t line_end = text.find('\n', text.find("listening"));
    if (text.find("listening") != std::string::npos && line_end != std::string::npos) {
      run = Run{};
      run->wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      size_t at = text.find("started in ");
      if (at != std::string::npos) run->self_ms = std::stod(text.substr(at + 11));
      break;
    }
  }
  if (run) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.idle_ms));
    run->idle_rss_kb = ReadMemory(pid).rss_kb;
  } else {
    Progress(options.label, "the node did not say it was listening; it wrote: " + text +
                                " (its log: " + log + ")");
  }
  ::kill(pid, SIGTERM);
  // Read what is left so the node never blocks writing its last line.
  char buffer[4096];
  while (::read(out[0], buffer, sizeof buffer) > 0) {
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return run;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

}  // namespace

int RunStartup(const StartupOptions& options) {
  std::vector<double> wall, self, rss;
  for (int i = 0; i < options.runs; ++i) {
    if (options.empty) {
      std::error_code ec;
      std::filesystem::remove_all(options.data_dir, ec);
    }
    std::optional<Run> run = StartOnce(options);
    if (!run) return 1;
    Progress(options.label, "run " + std::to_string(i + 1) + ": " + std::to_string(run->wall_ms) +
                                " ms to listening (node says " + std::to_string(run->self_ms) +
                                " ms), idle " + std::to_string(run->idle_rss_kb) + " kB");
    wall.push_back(run->wall_ms);
    self.push_back(run->self_ms);
    rss.push_back(static_cast<double>(run->idle_rss_kb));
  }
  Report(options.label, "wall_ms_first", wall.front());
  Report(options.label, "wall_ms_median", Median(wall));
  // Later starts find what the first one left (a replayed WAL, flushed).
  if (wall.size() > 1) {
    Report(options.label, "wall_ms_later_median", Median({wall.begin() + 1, wall.end()}));
  }
  Report(options.label, "wall_ms_max", *std::max_element(wall.begin(), wall.end()));
  Report(options.label, "self_ms_median", Median(self));
  Report(options.label, "idle_rss_kb_median", Median(rss));
  return 0;
}

}  // namespace parvis::bench
