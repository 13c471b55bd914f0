// Runs a router's handler for one request on a private event loop and
// returns its response: how the CLI runs operator commands in-process.
#ifndef PARVIS_SERVER_HTTP_RUN_TO_COMPLETION_H_
#define PARVIS_SERVER_HTTP_RUN_TO_COMPLETION_H_

#include "server/http/router.h"

namespace parvis::http {

// Blocks until the handler (sync or async) has answered.
Response RunToCompletion(const Router& router, Request& request, const JsonBodyLimits& limits);

}  // namespace parvis::http

#endif  // PARVIS_SERVER_HTTP_RUN_TO_COMPLETION_H_
