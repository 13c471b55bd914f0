// What the process costs the machine, read from /proc.
#ifndef PARVIS_SERVER_PROCESS_STATS_H_
#define PARVIS_SERVER_PROCESS_STATS_H_

#include <cstdint>

namespace parvis {

// Resident set size in bytes; 0 if /proc is unreadable.
uint64_t ResidentMemoryBytes();
// User plus system CPU time of the process, in seconds.
double CpuSeconds();

}  // namespace parvis

#endif  // PARVIS_SERVER_PROCESS_STATS_H_
