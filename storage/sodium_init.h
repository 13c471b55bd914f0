// libsodium must be initialised once before its random generator or ciphers run.
#ifndef PARVIS_STORAGE_SODIUM_INIT_H_
#define PARVIS_STORAGE_SODIUM_INIT_H_

namespace parvis::storage {

// Initialises libsodium on first call; later calls return at once. Thread-safe.
// Aborts the process if libsodium cannot start (no usable random source):
// continuing would mean predictable keys and nonces.
void EnsureSodiumInitialized();

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_SODIUM_INIT_H_
