// Local accounts: creation with a unique name, lookup, password checks.
// Public fields live in Family::kAccounts as JSON; the password hash is a
// private record, sealed with the account's data key.
#ifndef PARVIS_SERVER_ACCOUNTS_ACCOUNT_SERVICE_H_
#define PARVIS_SERVER_ACCOUNTS_ACCOUNT_SERVICE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::accounts {

// What an account is; each kind becomes an ActivityStreams actor type.
// Every kind but kCommercial is civil society (a citizen, an association, a
// citizen group, a public body): its sector is civic (civic/sector_service.h).
enum class AccountKind { kPerson, kOrganization, kGroup, kCommercial, kPublicBody };

// Every kind, in the order forms list them.
inline constexpr AccountKind kAccountKinds[] = {AccountKind::kPerson, AccountKind::kOrganization,
                                                AccountKind::kGroup, AccountKind::kPublicBody,
                                                AccountKind::kCommercial};

const char* AccountKindName(AccountKind kind);  // "person", "organization", "public_body", ...
std::optional<AccountKind> ParseAccountKind(std::string_view name);
// "person, organization, group, public_body, commercial", for error messages.
std::string AccountKindNames();

struct Account {
  storage::AccountId id = 0;
  std::string name;        // as chosen; unique without regard to case
  AccountKind kind = AccountKind::kPerson;
  bool admin = false;
  int64_t created_at = 0;  // seconds since the Unix epoch
  // Federation identity, made when the account is created. The private
  // halves are sealed records (see PrivateKeys).
  std::string rsa_public_pem;       // RSA-2048 SPKI PEM, the actor's main key
  std::string ed25519_multibase;    // FEP-521a Multikey, for proofs and RFC 9421
  bool manually_approves_followers = false;  // follow requests wait for approval
  // False while a registration waits for an admin (registration = approval):
  // such an account cannot log in and is not published.
  bool approved = true;
  std::string display_name;  // shown instead of the name when set; at most 100 characters
  std::string bio;           // plain text, at most 1000 characters
  std::string locale;        // "fr", "en" or empty (the browser's choice)
  std::string email;         // optional, never published
  std::string avatar_type;   // "image/png", "image/jpeg", "image/webp"; empty: none
  int64_t avatar_version = 0;  // changes with each new avatar (cache busting)
  // The person chose to see commercial posts in their civic timelines
  // (home, local, federated); off by default.
  bool show_commercial = false;
  // Other actors that are this person too (ActivityStreams alsoKnownAs):
  // an account being moved here names the one it leaves.
  std::vector<std::string> also_known_as;
  // Set once the account moved to another actor (movedTo); empty otherwise.
  std::string moved_to;
  // An admin marked the account a fact-checker: it may attach context notes
  // to posts, as moderators (admins) do (annotations/annotation_service.h).
  bool fact_checker = false;
  // The version of the terms of use accepted at registration
  // (rules_store.h); 0 when none was published then, or made by an operator.
  uint64_t accepted_terms = 0;
};

inline constexpr size_t kMaxAliases = 5;

inline constexpr size_t kMaxAvatarBytes = 512 << 10;

// The image type of `bytes` by its signature: PNG, JPEG or WebP; nullopt for
// anything else (SVG and HTML included).
std::optional<std::string> ImageType(std::string_view bytes);

// An account's private keys as PEM (PKCS#8), for signing.
struct PrivateKeyPems {
  std::string rsa;
  std::string ed25519;
};

struct NewAccount {
  std::string name;
  AccountKind kind = AccountKind::kPerson;
  bool admin = false;
  std::string password;
  bool approved = true;
  std::string email;  // optional
  uint64_t accepted_terms = 0;  // the terms' version the person accepted, if any
};

// What a person may change on their profile.
struct ProfileEdit {
  std::string display_name;
  std::string bio;
  std::string locale;
};

// 1 to 30 ASCII letters, digits or underscores, as Mastodon allows.
Status ValidateAccountName(std::string_view name);
// 8 to 1024 bytes, no NUL.
Status ValidatePassword(std::string_view password);

class AccountService {
 public:
  // `store` must outlive the service. `now` returns seconds since the epoch.
  AccountService(storage::Store& store, std::function<int64_t()> now);

  // Creates the account, its data key and its sealed password hash in one
  // atomic batch. kAlreadyExists if the name is taken (in any case).
  Result<Account> Create(const NewAccount& request);

  Result<std::optional<Account>> FindByName(std::string_view name) const;
  Result<std::optional<Account>> FindById(storage::AccountId id) const;

  // True if `password` matches; false otherwise (also for unknown data keys).
  Result<bool> CheckPassword(const Account& account, std::string_view password) const;

  // Turns manual approval of followers on or off.
  Status SetManualApproval(storage::AccountId id, bool manual);
  // Lets commercial posts into the account's civic timelines, or keeps them out.
  Status SetShowCommercial(storage::AccountId id, bool show);
  // Marks the account a fact-checker, or takes the mark away.
  Status SetFactChecker(storage::AccountId id, bool on);
  // Display name, bio and language; kInvalidArgument names what is too long
  // or not allowed.
  Status EditProfile(storage::AccountId id, const ProfileEdit& edit);
  // Stores a new avatar (PNG, JPEG or WebP, at most kMaxAvatarBytes) with
  // the account record in one batch, or removes it when `bytes` is empty.
  Status SetAvatar(storage::AccountId id, std::string_view bytes, int64_t version);
  // The avatar's type and bytes, if the account has one.
  Result<std::optional<std::pair<std::string, std::string>>> Avatar(storage::AccountId id) const;
  // Replaces the password (after ValidatePassword).
  Status ChangePassword(const Account& account, std::string_view password);
  // Lets a waiting registration in.
  Status Approve(storage::AccountId id);
  // Removes a waiting registration and everything it had (kInvalidArgument
  // for an approved account: that is account deletion, not a refusal).
  Status Reject(storage::AccountId id);
  // When the account named `name` was deleted (its name stays taken, and
  // its actor answers 410); nullopt if it never was.
  Result<std::optional<int64_t>> DeletedAt(std::string_view name) const;
  // Adds `actor` to the account's alsoKnownAs (kLimitExceeded past kMaxAliases).
  Status AddAlias(storage::AccountId id, const std::string& actor);
  // Records that the account moved to `actor`.
  Status SetMovedTo(storage::AccountId id, const std::string& actor);
  // Empties the account record of everything personal (display name, bio,
  // language, email, avatar), for an account being erased.
  Status StripProfile(storage::AccountId id);
  // Registrations waiting for an admin, oldest first.
  Result<std::vector<Account>> Pending() const;

  // The account's private keys; kNotFound once its data key is destroyed.
  Result<PrivateKeyPems> PrivateKeys(const Account& account) const;

  // Number of local accounts.
  Result<uint64_t> Count() const;

 private:
  // Reads, changes and writes the account record under the lock.
  Status Change(storage::AccountId id, const std::function<Status(Account&)>& change);

  storage::Store& store_;
  std::function<int64_t()> now_;
  // Serialises Create, so the name check and the write cannot interleave.
  std::mutex create_mutex_;
};

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_ACCOUNT_SERVICE_H_
