// Keys like "n42" for tests that write many records.
#ifndef PARVIS_TESTS_STORAGE_NUMBERED_KEY_H_
#define PARVIS_TESTS_STORAGE_NUMBERED_KEY_H_

#include <string>
#include <string_view>

namespace parvis::storage::testing {

// Built with append rather than `"n" + std::to_string(i)`: at -O2 and above
// g++ 12 reports a false -Wrestrict on that form (GCC bug 105329), and
// warnings are errors here.
inline std::string NumberedKey(std::string_view prefix, long long number) {
  std::string key(prefix);
  key.append(std::to_string(number));
  return key;
}

}  // namespace parvis::storage::testing

#endif  // PARVIS_TESTS_STORAGE_NUMBERED_KEY_H_
