// Steps of federation tests, through a node's control routes.
#ifndef PARVIS_TESTS_SUPPORT_NODE_STEPS_H_
#define PARVIS_TESTS_SUPPORT_NODE_STEPS_H_

#include <gtest/gtest.h>

#include <string>

#include "parvis/protocol/json.h"
#include "support/test_node.h"

namespace parvis::testing {

// The stored record of object `id` on `node` (or its JSON error).
inline std::string Record(TestNode& node, const std::string& id) {
  return node.node().CallControl("GET", "/control/object?id=" + id, "").body;
}

inline void Follow(TestNode& from, const std::string& account, const std::string& target) {
  http::Response response = from.node().CallControl(
      "POST", "/control/follow", R"({"account":")" + account + R"(","target":")" + target + R"("})");
  ASSERT_EQ(response.status, 202) << response.body;
}

// Publishes through /control/post; returns the note's id ("" if refused).
inline std::string Publish(TestNode& node, const std::string& body) {
  http::Response response = node.node().CallControl("POST", "/control/post", body);
  EXPECT_EQ(response.status, 201) << response.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->IsObject() && doc->HasMember("id") ? (*doc)["id"].GetString() : "";
}

// True when `account` has exactly `count` accepted follows, both ways.
inline bool Accepted(TestNode& node, const std::string& account, size_t count) {
  std::string follows =
      node.node().CallControl("GET", "/control/follows?account=" + account, "").body;
  size_t found = 0;
  for (size_t at = follows.find("accepted"); at != std::string::npos;
       at = follows.find("accepted", at + 1)) {
    ++found;
  }
  return found == count;
}

inline size_t PendingDeliveries(TestNode& node) {
  size_t pending = 0;
  (void)node.node().store().Scan(storage::Family::kQueues, "delivery/",
                                 [&](std::string_view, std::string_view) {
                                   ++pending;
                                   return true;
                                 });
  return pending;
}

// A C2S token for `account`, issued through the control routes.
inline std::string IssueToken(TestNode& node, const std::string& account) {
  http::Response response =
      node.node().CallControl("POST", "/control/tokens", R"({"account":")" + account + R"("})");
  EXPECT_EQ(response.status, 201) << response.body;
  Result<rapidjson::Document> doc = protocol::ParseJson(response.body, {});
  return doc && doc->IsObject() && doc->HasMember("token") ? (*doc)["token"].GetString() : "";
}

// The state of `actor` in `account`'s following list on `node` ("" when absent).
inline std::string FollowingState(TestNode& node, const std::string& account, const std::string& actor) {
  Result<rapidjson::Document> follows =
      protocol::ParseJson(node.node().CallControl("GET", "/control/follows?account=" + account, "").body, {});
  if (!follows || !follows->IsObject() || !follows->HasMember("following")) return "";
  for (const rapidjson::Value& entry : (*follows)["following"].GetArray()) {
    if (protocol::StringMember(entry, "actor") == actor) return protocol::StringMember(entry, "state").value_or("?");
  }
  return "";
}

}  // namespace parvis::testing

#endif  // PARVIS_TESTS_SUPPORT_NODE_STEPS_H_
