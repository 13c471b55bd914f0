// A seam for the wings that add activities to the client-to-server outbox
// (civic/: Sign, Undo of a Sign, Create and Update of a petition): the
// outbox route offers each authenticated client activity to the extension
// before its own handling, so that federation/ needs no knowledge of
// petitions.
#ifndef PARVIS_SERVER_FEDERATION_C2S_EXTENSION_H_
#define PARVIS_SERVER_FEDERATION_C2S_EXTENSION_H_

#include <optional>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "server/accounts/account_service.h"
#include "server/http/request.h"

namespace parvis::federation {

class C2sExtension {
 public:
  virtual ~C2sExtension() = default;
  // The answer to a client's activity, or nullopt when the activity is not
  // the extension's (the outbox route then handles it as usual). Called
  // after the token and the activity's `actor` (when present) were checked
  // to be `account`'s; `activity` is a JSON object and lives until the
  // coroutine completes.
  virtual boost::asio::awaitable<std::optional<http::Response>> Post(
      const accounts::Account& account, const rapidjson::Value& activity) = 0;
  // The activities the extension takes, for the message that refuses an
  // unsupported type ("Sign, ...").
  virtual std::string_view Accepts() const = 0;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_C2S_EXTENSION_H_
