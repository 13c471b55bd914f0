// Client-to-server bearer tokens: an account's clients present one instead of
// a password. Only a hash of each token is stored (Family::kTokens):
//   "hash/" + hex SHA-256(token)        -> JSON {"account", "id", "label", "created"}
//   AccountKey(account, token id)       -> hex SHA-256(token)
// The second key keeps the rule that an account's records start with its id,
// so its tokens can be listed, revoked and erased with it.
#ifndef PARVIS_SERVER_ACCOUNTS_TOKEN_STORE_H_
#define PARVIS_SERVER_ACCOUNTS_TOKEN_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::accounts {

// What may be shown about a token: never the token, never its hash.
struct TokenInfo {
  std::string id;       // 16 hex characters, names the token in lists and revocations
  std::string label;    // chosen by the operator ("phone", "Tusky at home"), may be empty
  int64_t created = 0;  // seconds since the Unix epoch
};

// A token just issued. `token` is shown to its owner once and never stored.
struct IssuedToken {
  std::string token;
  TokenInfo info;
};

// Labels: at most this many characters (UTF-8 code points).
inline constexpr size_t kMaxTokenLabelChars = 64;

class TokenStore {
 public:
  // `store` must outlive the TokenStore. Holds no state of its own: any
  // number may be made over one store.
  explicit TokenStore(storage::Store& store);

  // Makes a token for `account`: "pvs_" + 64 hex characters (32 random bytes
  // from libsodium). `label` is 0 to 64 printable characters (UTF-8; no control
  // or bidirectional formatting characters), else kInvalidArgument. Does not
  // check that the account exists: the caller found it.
  Result<IssuedToken> Issue(storage::AccountId account, std::string_view label, int64_t now);

  // The account `token` belongs to; nullopt when it is malformed (wrong
  // prefix, length or characters), unknown or revoked. Any input is safe,
  // whatever its length or bytes. Errors only when storage fails or a record
  // does not decode.
  Result<std::optional<storage::AccountId>> Verify(std::string_view token) const;

  // The account's tokens, oldest first (tokens of the same second by id).
  Result<std::vector<TokenInfo>> List(storage::AccountId account) const;

  // Revokes one of the account's tokens: it no longer verifies. kNotFound if
  // the account has no token with this id (another account's id included).
  Status Revoke(storage::AccountId account, std::string_view token_id);

  // Revokes every token of the account, in one batch (for account deletion).
  // A token issued while this runs may survive it.
  Status RevokeAll(storage::AccountId account);

 private:
  storage::Store& store_;
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_TOKEN_STORE_H_
