#include "sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace parvis::storage {

void EnsureSodiumInitialized() {
  // A function-local static runs sodium_init exactly once, even across threads.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("parvis: libsodium failed to initialise; refusing to generate keys\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace parvis::storage
