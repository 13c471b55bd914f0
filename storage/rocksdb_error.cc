#include "rocksdb_error.h"

namespace parvis::storage {

LockConflict LockConflictOf(const rocksdb::Status& status) {
  if (!status.IsIOError()) return LockConflict::kNone;
  const std::string text = status.ToString();
  if (text.find("lock hold by current process") != std::string::npos) {
    return LockConflict::kThisProcess;
  }
  if (text.find("While lock file") != std::string::npos) return LockConflict::kOtherProcess;
  return LockConflict::kNone;
}

Error FromRocksStatus(const rocksdb::Status& status, std::string_view doing) {
  ErrorCode code = ErrorCode::kIo;
  if (status.IsCorruption()) {
    code = ErrorCode::kCorruption;
  } else if (status.IsNotFound()) {
    code = ErrorCode::kNotFound;
  } else if (status.IsInvalidArgument()) {
    code = ErrorCode::kInvalidArgument;
  } else if (status.IsNotSupported()) {
    code = ErrorCode::kUnsupported;
  } else if (status.IsBusy() || status.IsTryAgain() ||
             LockConflictOf(status) != LockConflict::kNone) {
    code = ErrorCode::kBusy;
  }
  std::string message = "storage failed while ";
  message.append(doing);
  message += ": ";
  message += status.ToString();
  return Error{code, std::move(message)};
}

}  // namespace parvis::storage
