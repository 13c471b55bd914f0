// A small blocking HTTP client over a Unix socket: how CLI commands reach a
// node that is serving (its data directory is locked, so they cannot open
// the database themselves).
#ifndef PARVIS_SERVER_HTTP_LOCAL_CLIENT_H_
#define PARVIS_SERVER_HTTP_LOCAL_CLIENT_H_

#include <chrono>
#include <string>

#include "parvis/result.h"
#include "server/http/request.h"

namespace parvis::http {

// Sends one request to the server on `socket_path` and returns its response
// (any status). Fails with kUnavailable if nothing answers there, kIo on a
// broken exchange or when `timeout` passes.
Result<Response> CallLocal(const std::string& socket_path, const std::string& method,
                           const std::string& target, const std::string& json_body,
                           std::chrono::milliseconds timeout);

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_LOCAL_CLIENT_H_
