// libFuzzer's coverage feedback from g++'s -fsanitize-coverage=trace-pc.
//
// g++ 12 cannot emit the inline 8-bit counters libFuzzer 14 reads: it calls
// __sanitizer_cov_trace_pc() at the start of every basic block, and
// libFuzzer's own definition of that hook only prints "no longer supported"
// and exits. The fuzz targets are linked with
// -Wl,--wrap=__sanitizer_cov_trace_pc, so those calls land here instead.
// Each distinct caller (one per instrumented block) gets its own 8-bit
// counter and PC-table entry, in the order blocks first run; both arrays are
// handed to libFuzzer through the public SanitizerCoverage interface, as a
// clang-instrumented module would. So libFuzzer sees exact block coverage
// with real addresses ("cov:" is the number of blocks reached).
//
// With PARVIS_FUZZ_COVERED_PCS=FILE in the environment, a target writes at
// exit every block it ran, one address per line for addr2line (README.md).
//
// This file must itself be built without coverage instrumentation and
// without sanitizers (it runs inside every instrumented block).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" {
void __sanitizer_cov_8bit_counters_init(uint8_t* start, uint8_t* stop);
void __sanitizer_cov_pcs_init(const uintptr_t* pcs_begin, const uintptr_t* pcs_end);
extern char __executable_start;  // where the linker put the executable's first byte
}

namespace {

// More than the instrumented blocks of any target (the largest,
// fuzz_activity_json, has about 18,000): libFuzzer clears and scans every
// counter on every run, so this is not much larger than it needs to be.
constexpr unsigned kCounterBits = 16;
constexpr size_t kCounters = size_t{1} << kCounterBits;
// PC -> counter, open addressing, at most half full.
constexpr unsigned kSlotBits = kCounterBits + 1;
constexpr size_t kSlots = size_t{1} << kSlotBits;
// A slot whose PC is being written by another thread.
constexpr uintptr_t kClaimed = 1;

struct PcTableEntry {
  uintptr_t pc;
  uintptr_t flags;  // 1 would mark a function entry; trace-pc does not say which block is one
};

// One cache line holds four whole slots: a lookup touches one line.
struct alignas(16) Slot {
  uintptr_t pc;  // 0: free
  uint32_t counter;
};

alignas(64) uint8_t g_counters[kCounters];
PcTableEntry g_pc_table[kCounters];
alignas(64) Slot g_slots[kSlots];
size_t g_counters_used;

// Zero-initialised arrays make the hook usable before this runs (instrumented
// static initialisers may run first); registering before main() is what
// libFuzzer needs.
[[gnu::constructor]] void RegisterWithLibFuzzer() {
  __sanitizer_cov_8bit_counters_init(g_counters, g_counters + kCounters);
  __sanitizer_cov_pcs_init(reinterpret_cast<const uintptr_t*>(g_pc_table),
                           reinterpret_cast<const uintptr_t*>(g_pc_table + kCounters));
}

[[gnu::destructor]] void WriteCoveredPcs() {
  const char* path = std::getenv("PARVIS_FUZZ_COVERED_PCS");
  if (path == nullptr) return;
  std::FILE* out = std::fopen(path, "w");
  if (out == nullptr) return;
  size_t used = std::min(__atomic_load_n(&g_counters_used, __ATOMIC_RELAXED), kCounters);
  auto base = reinterpret_cast<uintptr_t>(&__executable_start);
  for (size_t i = 0; i < used; ++i) {
    // The call instruction, one byte before the return address.
    if (g_pc_table[i].pc != 0) std::fprintf(out, "0x%zx\n", g_pc_table[i].pc - 1 - base);
  }
  std::fclose(out);
}

inline size_t SlotOf(uintptr_t pc) {
  return static_cast<size_t>((pc * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits));
}

[[gnu::noinline]] void CountNewPc(uintptr_t pc, size_t slot) {
  size_t index = __atomic_fetch_add(&g_counters_used, 1, __ATOMIC_RELAXED);
  if (index >= kCounters) {
    // Out of counters: blocks beyond the table share counters by hash.
    if (index == kCounters) {
      static const char kWarning[] =
          "trace_pc_coverage: more instrumented blocks than counters; raise kCounterBits\n";
      [[maybe_unused]] ssize_t written = write(2, kWarning, sizeof kWarning - 1);
    }
    g_counters[slot & (kCounters - 1)]++;
    return;
  }
  uintptr_t expected = 0;
  if (!__atomic_compare_exchange_n(&g_slots[slot].pc, &expected, kClaimed, false,
                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    // Another thread took the slot meanwhile: count this run under a fresh
    // counter all the same (the PC just appears twice in the table).
  } else {
    g_slots[slot].counter = static_cast<uint32_t>(index);
  }
  g_pc_table[index].pc = pc;
  g_counters[index]++;
  if (expected == 0) __atomic_store_n(&g_slots[slot].pc, pc, __ATOMIC_RELEASE);
}

}  // namespace

extern "C" {

void __wrap___sanitizer_cov_trace_pc() {
  uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  for (size_t slot = SlotOf(pc);; slot = (slot + 1) & (kSlots - 1)) {
    uintptr_t seen = __atomic_load_n(&g_slots[slot].pc, __ATOMIC_ACQUIRE);
    if (__builtin_expect(seen == pc, 1)) {
      g_counters[g_slots[slot].counter]++;
      return;
    }
    if (seen == 0) {
      CountNewPc(pc, slot);
      return;
    }
  }
}

// g++ also traces floating-point comparisons; libFuzzer has no hook for them.
void __sanitizer_cov_trace_cmpf(float, float) {}
void __sanitizer_cov_trace_cmpd(double, double) {}

}  // extern "C"
