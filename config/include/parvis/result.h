// Errors as values, shared by every layer.
//
// A function that can fail returns Result<T> (a value or an Error) or Status
// (nothing or an Error). Both are [[nodiscard]] through std::expected. No
// exception crosses a layer boundary: code that calls a throwing library
// catches at the call and returns an Error.
#ifndef PARVIS_RESULT_H_
#define PARVIS_RESULT_H_

#include <expected>
#include <string>
#include <utility>

namespace parvis {

// What kind of failure happened; callers branch on this, people read `message`.
enum class ErrorCode {
  kInvalidArgument,   // the caller's input is wrong (bad config value, bad name)
  kNotFound,          // the thing asked for does not exist
  kAlreadyExists,     // a unique thing exists already
  kBusy,              // a resource is held by someone else (data directory lock)
  kCorruption,        // stored bytes do not decode or authenticate
  kUnsupported,       // valid but not handled (newer schema version)
  kIo,                // the operating system or the database failed
  kLimitExceeded,     // a bound was crossed (size, depth, count)
  kUnavailable,       // a peer or service did not answer
};

// Returns a stable lower-case name for `code` ("invalid_argument", ...).
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // complete sentence for an operator, names the culprit
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace parvis

#endif  // PARVIS_RESULT_H_
