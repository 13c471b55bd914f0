#include "bench/process_probe.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace parvis::bench {

MemoryStatus ReadMemory(int pid) {
  MemoryStatus status;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    auto value = [&line] { return std::stoull(line.substr(line.find(':') + 1)); };
    if (line.starts_with("VmRSS:")) status.rss_kb = value();
    if (line.starts_with("VmHWM:")) status.hwm_kb = value();
  }
  return status;
}

double ReadCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name may hold spaces: fields are counted after its ')'.
  size_t close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(all.substr(close + 2));
  std::string field;
  double ticks = 0;
  // Fields 3.. of stat; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double OwnCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

PeakRssSampler::PeakRssSampler(int pid, int interval_ms) : pid_(pid), interval_ms_(interval_ms) {
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      uint64_t rss = ReadMemory(pid_).rss_kb;
      if (rss > peak_kb_.load()) peak_kb_ = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_));
    }
  });
}

PeakRssSampler::~PeakRssSampler() { Stop(); }

uint64_t PeakRssSampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return peak_kb_.load();
}

}  // namespace parvis::bench
