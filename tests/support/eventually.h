// Waiting for something asynchronous (a delivery, a queue) to happen, with
// a generous deadline: tests never assert on how long it took.
#ifndef PARVIS_TESTS_SUPPORT_EVENTUALLY_H_
#define PARVIS_TESTS_SUPPORT_EVENTUALLY_H_

#include <chrono>
#include <functional>
#include <thread>

namespace parvis::testing {

// True as soon as `condition` holds; false if it still does not after
// `patience` (30 s unless said).
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::seconds patience = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_EVENTUALLY_H_
