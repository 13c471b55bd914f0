// The batches a child process writes until it is SIGKILLed, and how to
// recognise them afterwards: every value is derived from its place, so a
// reader can tell a complete batch from a partial one byte by byte.
#ifndef PARVIS_TESTS_STORAGE_CRASH_BATCHES_H_
#define PARVIS_TESTS_STORAGE_CRASH_BATCHES_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "numbered_key.h"
#include "parvis/storage.h"

namespace parvis::storage::testing {

inline constexpr int kCrashKeysPerFamily = 16;
// 7 families x 16 keys x 4 KiB: one batch spans many 32 KiB WAL blocks, so a
// kill usually lands in the middle of one.
inline constexpr size_t kCrashValueBytes = 4096;
inline constexpr uint32_t kCrashMaxBatches = 20000;

inline DataKey CrashDataKey() { return *DataKey::FromBytes(std::string(DataKey::kSize, 'K')); }

inline std::string CrashPrefix(int round) { return NumberedKey("crash/r", round) + "/"; }

inline std::string CrashKey(int round, uint32_t batch, int index) {
  char tail[32];
  std::snprintf(tail, sizeof tail, "%08u/%02d", batch, index);
  return CrashPrefix(round) + tail;
}

inline std::string CrashValue(Family family, uint32_t batch, int index) {
  // 8 bytes naming the place, repeated with a running counter: cheap to make
  // (the writer spends its time in Write, where a kill should land) and
  // different at every place and offset.
  const uint64_t seed =
      (uint64_t{batch} << 24) ^ (uint64_t(index) << 8) ^ static_cast<uint64_t>(family);
  std::string value(kCrashValueBytes, '\0');
  for (size_t word = 0; word < kCrashValueBytes / 8; ++word) {
    const uint64_t bits = (seed * 0x9e3779b97f4a7c15ull) ^ word;
    std::memcpy(value.data() + word * 8, &bits, 8);
  }
  return value;
}

inline Batch MakeCrashBatch(int round, uint32_t batch) {
  const DataKey key = CrashDataKey();
  Batch out;
  for (Family family : AllFamilies()) {
    for (int i = 0; i < kCrashKeysPerFamily; ++i) {
      const std::string k = CrashKey(round, batch, i);
      if (family == Family::kAccountPrivate) {
        out.PutSealed(key, family, k, CrashValue(family, batch, i));
      } else {
        out.Put(family, k, CrashValue(family, batch, i));
      }
    }
  }
  return out;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_CRASH_BATCHES_H_
