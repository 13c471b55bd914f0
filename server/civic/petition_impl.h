// PetitionService's state, shared by petition_service.cc (the home node)
// and petition_signing.cc (signers and the inbox). Internal to server/civic.
#ifndef PARVIS_SERVER_CIVIC_PETITION_IMPL_H_
#define PARVIS_SERVER_CIVIC_PETITION_IMPL_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "server/civic/petition_service.h"
#include "server/federation/actor_urls.h"

namespace parvis::civic {

// More to write in the same batch once the receipt is known.
using AlsoWrite = std::function<Status(const protocol::SignatureReceipt&, storage::Batch&)>;

struct PetitionService::Impl {
  explicit Impl(CivicContext c) : context(std::move(c)), urls(context.config->base_url) {}

  std::string Id(uint64_t number) const;
  Result<std::optional<Petition>> Load(uint64_t number) const;
  // Load, with kNotFound for a missing petition.
  Result<Petition> Require(uint64_t number) const;
  // Require, and the petition must be `organiser`'s.
  Result<Petition> Owned(const accounts::Account& organiser, uint64_t number) const;
  // Puts the record, and marks it for an Update when `dirty`.
  void Save(storage::Batch& batch, const Petition& petition, bool dirty);
  protocol::PetitionDocument Document(const Petition& petition) const;
  // The petition wrapped in a Create or Update by its organiser, cc its
  // followers and `cc`.
  std::string Wrap(std::string_view type, std::string_view id, const Petition& petition,
                   const std::vector<std::string>& cc) const;
  // The keyed hash that stands for `actor` in the petition's log.
  static std::string SignerHash(const Petition& petition, std::string_view actor);
  // Notifications to the organiser for the milestones the count reached.
  Status NoteMilestones(storage::Batch& batch, Petition& petition);

  // The home node's decisions, under `mutex`; each writes one batch with
  // the log entry, the signer record, the petition and what `also` adds.
  Result<protocol::SignatureReceipt> RecordSignature(uint64_t number, const std::string& actor,
                                                     bool anonymous, const std::string& activity,
                                                     const AlsoWrite& also);
  Result<protocol::SignatureReceipt> RecordWithdrawal(uint64_t number, const std::string& actor,
                                                      const AlsoWrite& also);
  // Who the signer `signer` (a keyed hash) of petition `number` moved to;
  // "" when it did not.
  Result<std::string> MovedTo(uint64_t number, const std::string& signer) const;

  // Inboxes of the remote signers (shared where they have one); with
  // `by_inbox`, which signers each inbox serves.
  boost::asio::awaitable<Result<std::vector<std::string>>> SignerInboxes(
      uint64_t number, std::map<std::string, std::vector<std::string>>* by_inbox);
  // Sends the petition as a Create or Update to the organiser's followers
  // (and the remote signers), and clears its pending-update mark.
  boost::asio::awaitable<Status> Announce(const Petition& petition, std::string_view type,
                                          bool with_signers);

  // The local account `actor_id` names, if any.
  std::optional<accounts::Account> LocalAccount(std::string_view actor_id) const;

  CivicContext context;
  federation::ActorUrls urls;
  // Serialises every change to this node's petitions and logs.
  std::mutex mutex;
  std::unique_ptr<boost::asio::steady_timer> timer;
};

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_IMPL_H_
