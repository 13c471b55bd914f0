// `parvis verify-petition URL`: fetches a petition and its whole signature
// log from any node and checks that the published count and head follow
// from the log (docs/protocol.md, "Checking a tally").
#ifndef PARVIS_SERVER_CIVIC_PETITION_VERIFY_H_
#define PARVIS_SERVER_CIVIC_PETITION_VERIFY_H_

#include <string>

#include <boost/asio/awaitable.hpp>

#include "parvis/protocol/petition.h"
#include "parvis/result.h"
#include "server/http/http_client.h"

namespace parvis::civic {

struct PetitionVerification {
  protocol::PetitionDocument petition;  // as published
  protocol::TallyCheck log;             // what the log's first `petition.entries` entries prove
  uint64_t fetched_entries = 0;         // entries read (more may have arrived meanwhile)
};

// kInvalidArgument when the log does not verify or does not match the
// published count, head or length (the message says which); kUnavailable
// when a document cannot be fetched. At most `max_entries` entries are read.
boost::asio::awaitable<Result<PetitionVerification>> VerifyPetition(http::HttpClient& client,
                                                                    std::string url,
                                                                    uint64_t max_entries = 10'000'000);

}  // namespace parvis::civic

#endif  // PARVIS_SERVER_CIVIC_PETITION_VERIFY_H_
