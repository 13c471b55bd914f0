// Keys are binary; error messages show them escaped and shortened.
#ifndef PARVIS_STORAGE_PRINTABLE_KEY_H_
#define PARVIS_STORAGE_PRINTABLE_KEY_H_

#include <string>
#include <string_view>

namespace parvis::storage {

// Printable ASCII is kept, other bytes become \xNN; after 48 input bytes the
// rest is replaced by "..." so a hostile key cannot flood a log line.
std::string PrintableKey(std::string_view key);

}  // namespace parvis::storage

#endif  // PARVIS_STORAGE_PRINTABLE_KEY_H_
