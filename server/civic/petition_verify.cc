#include "server/civic/petition_verify.h"

#include "parvis/protocol/json.h"

namespace parvis::civic {
namespace {

boost::asio::awaitable<Result<rapidjson::Document>> FetchJson(http::HttpClient& client, const std::string& url) {
  http::ClientRequest request{.url = url, .max_redirects = 3};
  request.headers.emplace_back("Accept", "application/activity+json");
  Result<http::ClientResponse> response = co_await client.Fetch(std::move(request));
  if (!response) co_return std::unexpected(response.error());
  if (response->status != 200) {
    co_return Fail(ErrorCode::kUnavailable, url + " answered " + std::to_string(response->status));
  }
  Result<rapidjson::Document> doc = protocol::ParseJson(response->body, {.max_bytes = 4 << 20});
  if (!doc || !doc->IsObject()) co_return Fail(ErrorCode::kInvalidArgument, url + " is not a JSON object");
  co_return std::move(*doc);
}

}  // namespace

boost::asio::awaitable<Result<PetitionVerification>> VerifyPetition(http::HttpClient& client, std::string url,
                                                                    uint64_t max_entries) {
  Result<rapidjson::Document> article = co_await FetchJson(client, url);
  if (!article) co_return std::unexpected(article.error());
  Result<protocol::PetitionDocument> petition = protocol::ReadPetitionArticle(*article);
  if (!petition) co_return std::unexpected(petition.error());
  if (petition->id != url) co_return Fail(ErrorCode::kInvalidArgument, "the petition's id is not " + url);
  std::string log_url = protocol::StringMember((*article)["petition"], "signatureLog").value_or("");
  if (!log_url.starts_with(url + "/")) {
    co_return Fail(ErrorCode::kInvalidArgument, "the signature log is not on the petition's node");
  }
  Result<rapidjson::Document> collection = co_await FetchJson(client, log_url);
  if (!collection) co_return std::unexpected(collection.error());
  std::string page = protocol::StringMember(*collection, "first").value_or("");
  std::vector<protocol::SignatureEntry> entries;
  while (!page.empty()) {
    if (!page.starts_with(log_url)) co_return Fail(ErrorCode::kInvalidArgument, "a log page is elsewhere: " + page);
    Result<rapidjson::Document> doc = co_await FetchJson(client, page);
    if (!doc) co_return std::unexpected(doc.error());
    auto items = doc->FindMember("orderedItems");
    if (items == doc->MemberEnd() || !items->value.IsArray()) {
      co_return Fail(ErrorCode::kInvalidArgument, page + " has no orderedItems");
    }
    for (const auto& item : items->value.GetArray()) {
      Result<protocol::SignatureEntry> entry = protocol::ReadSignatureEntry(item);
      if (!entry) co_return std::unexpected(entry.error());
      entries.push_back(std::move(*entry));
    }
    if (entries.size() > max_entries) co_return Fail(ErrorCode::kLimitExceeded, "the log is longer than allowed");
    std::string next = protocol::StringMember(*doc, "next").value_or("");
    if (!next.empty() && items->value.Empty()) co_return Fail(ErrorCode::kInvalidArgument, "an empty page with a next");
    page = next;
  }
  PetitionVerification result{.petition = *petition, .fetched_entries = entries.size()};
  // The whole log must be sound; the published figures are those of its
  // first logEntries entries (signatures may arrive while we read).
  Result<protocol::TallyCheck> whole = protocol::VerifySignatureLog(url, entries);
  if (!whole) co_return std::unexpected(whole.error());
  if (entries.size() < petition->entries) {
    co_return Fail(ErrorCode::kInvalidArgument, "the log has " + std::to_string(entries.size()) +
                                                    " entries, the petition says " + std::to_string(petition->entries));
  }
  entries.resize(petition->entries);
  Result<protocol::TallyCheck> published = protocol::VerifySignatureLog(url, entries);
  if (!published) co_return std::unexpected(published.error());
  if (published->count != petition->count) {
    co_return Fail(ErrorCode::kInvalidArgument, "the log counts " + std::to_string(published->count) +
                                                    " signatures, the petition says " + std::to_string(petition->count));
  }
  if (published->head != petition->head) {
    co_return Fail(ErrorCode::kInvalidArgument, "the log's head is not the petition's logHead");
  }
  result.log = *published;
  co_return result;
}

}  // namespace parvis::civic
