// What another process (the node) costs, read from /proc/PID: resident
// memory now and at its peak, CPU time; and a sampler that keeps the highest
// resident memory seen while a load runs.
#ifndef PARVIS_BENCH_PROCESS_PROBE_H_
#define PARVIS_BENCH_PROCESS_PROBE_H_

#include <atomic>
#include <cstdint>
#include <thread>

namespace parvis::bench {

struct MemoryStatus {
  uint64_t rss_kb = 0;  // VmRSS
  uint64_t hwm_kb = 0;  // VmHWM: the peak since the process started
};

// Zeros when the process is gone or /proc is unreadable.
MemoryStatus ReadMemory(int pid);
// User plus system CPU time of `pid`, in seconds; 0 if unreadable.
double ReadCpuSeconds(int pid);
// The same for this process.
double OwnCpuSeconds();

class PeakRssSampler {
 public:
  // Samples `pid`'s VmRSS every `interval_ms` until destroyed or Stop().
  PeakRssSampler(int pid, int interval_ms = 20);
  ~PeakRssSampler();
  uint64_t Stop();  // the highest VmRSS seen, in kB
  uint64_t peak_kb() const { return peak_kb_.load(); }

 private:
  int pid_;
  int interval_ms_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> peak_kb_{0};
  std::thread thread_;
};

}  // namespace parvis::bench

#endif  // PARVIS_BENCH_PROCESS_PROBE_H_
