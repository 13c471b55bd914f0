// Steps of petition tests through a node's control routes and public
// documents: open a petition, sign it, read its count, state and log, run
// `parvis verify-petition`.
#ifndef PARVIS_TESTS_SUPPORT_PETITION_STEPS_H_
#define PARVIS_TESTS_SUPPORT_PETITION_STEPS_H_

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "parvis/protocol/json.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/timestamps.h"
#include "server/cli.h"
#include "support/test_node.h"

namespace parvis::testing {

inline constexpr const char* kActivityJson = "Accept: application/activity+json\r\n";

inline http::Response Control(TestNode& node, const std::string& method, const std::string& target,
                              const std::string& body = "") {
  return node.node().CallControl(method, target, body);
}

inline std::string Deadline(int64_t seconds_from_now) {
  return protocol::FormatRfc3339Utc(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() +
      seconds_from_now);
}

// Creates and opens a petition of `organiser` on `node`; returns its id.
inline std::string OpenPetition(TestNode& node, const std::string& organiser, uint64_t threshold,
                                int64_t seconds, bool shows_names = true) {
  http::Response created = Control(
      node, "POST", "/control/petitions/create",
      R"({"account":")" + organiser + R"(","title":"Open the library on Sundays","text":"We ask the **city**.",)" +
          R"("addressee":"Mairie de Lyon","threshold":)" + std::to_string(threshold) + R"(,"deadline":")" +
          Deadline(seconds) + R"(","showsNames":)" + (shows_names ? "true" : "false") + "}");
  EXPECT_EQ(created.status, 201) << created.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(created.body, {});
  std::string id = doc ? protocol::StringMember(*doc, "id").value_or("") : "";
  http::Response opened = Control(node, "POST", "/control/petitions/open",
                                  R"({"account":")" + organiser + R"(","id":")" + id + R"("})");
  EXPECT_EQ(opened.status, 200) << opened.body;
  return id;
}

// The petition object of the Article at `path` on `node`.
inline rapidjson::Document PetitionOf(TestNode& node, const std::string& path) {
  std::string body = BodyOf(node.Get(path, kActivityJson));
  Result<rapidjson::Document> doc = protocol::ParseJson(body, {});
  if (!doc || !doc->IsObject()) return rapidjson::Document();
  return std::move(*doc);
}

inline uint64_t CountOf(TestNode& node, const std::string& path) {
  rapidjson::Document doc = PetitionOf(node, path);
  if (!doc.IsObject() || !doc.HasMember("petition")) return 999999;
  return doc["petition"]["signatureCount"].GetUint64();
}

inline std::string StateOf(TestNode& node, const std::string& path) {
  rapidjson::Document doc = PetitionOf(node, path);
  if (!doc.IsObject() || !doc.HasMember("petition")) return "";
  return protocol::StringMember(doc["petition"], "petitionState").value_or("");
}

// `account`'s own record of its signature (its "state"), or "none".
inline std::string MineState(TestNode& node, const std::string& account, const std::string& petition) {
  http::Response mine = Control(node, "GET", "/control/petitions/mine?account=" + account + "&petition=" + petition);
  Result<rapidjson::Document> doc = protocol::ParseJson(mine.body, {});
  if (mine.status != 200 || !doc) return "none";
  return protocol::StringMember(*doc, "state").value_or("");
}

inline http::Response SignAt(TestNode& node, const std::string& account, const std::string& petition,
                             bool anonymous = false, bool undo = false) {
  return Control(node, "POST", undo ? "/control/petitions/unsign" : "/control/petitions/sign",
                 R"({"account":")" + account + R"(","petition":")" + petition + R"(","anonymous":)" +
                     (anonymous ? "true" : "false") + "}");
}

// The whole log, page after page, and what it proves.
inline Result<protocol::TallyCheck> CheckLog(TestNode& node, const std::string& id, const std::string& path,
                                             std::vector<protocol::SignatureEntry>* out = nullptr) {
  std::vector<protocol::SignatureEntry> entries;
  std::string page = path + "/log?from=0";
  while (!page.empty()) {
    Result<rapidjson::Document> doc = protocol::ParseJson(BodyOf(node.Get(page, kActivityJson)), {});
    if (!doc || !doc->IsObject()) return Fail(ErrorCode::kInvalidArgument, "log page is not JSON");
    for (const auto& item : (*doc)["orderedItems"].GetArray()) {
      Result<protocol::SignatureEntry> entry = protocol::ReadSignatureEntry(item);
      if (!entry) return std::unexpected(entry.error());
      entries.push_back(*entry);
    }
    std::string next = protocol::StringMember(*doc, "next").value_or("");
    page = next.empty() ? "" : next.substr(node.base().size());
  }
  if (out != nullptr) *out = entries;
  return protocol::VerifySignatureLog(id, entries);
}

// Runs `parvis verify-petition URL` in-process; returns exit code and output.
inline std::pair<int, std::string> VerifyCommand(const std::string& url) {
  std::istringstream in;
  std::ostringstream out, err;
  CliStreams streams{in, out, err, {}};
  std::vector<std::string> args = {"parvis", "verify-petition", url, "--allow-private-addresses"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), streams);
  return {code, out.str() + err.str()};
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_PETITION_STEPS_H_
