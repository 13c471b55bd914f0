// Reports with a real third-party server (issue 6): a Parvis account reports the Fedify
// peer's alice, and the peer receives a Flag from Parvis's instance actor that Fedify
// verifies and parses; the peer reports a Parvis account and post in Mastodon's shape, the
// report enters Parvis's queue, and the decision goes back as a Reject of the Flag that
// Fedify takes without complaint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "interop/interop_harness.h"

namespace parvis::testing {
namespace {

using ::testing::Contains;

class FedifyModerationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(node_.ok()) << "the parvis node did not print its listening line";
    ASSERT_TRUE(peer_.ok()) << "the Fedify peer did not start";
    ProcessResult created = node_.CreateUser("ana", "person");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    ana_ = node_.base_url() + "/users/ana";
    peer_alice_ = "http://127.0.0.1:" + std::to_string(peer_.port()) + "/users/alice";
  }

  void TearDown() override {
    if (!peer_.ok()) return;
    std::cout << DescribePeerExchanges(peer_);
    EXPECT_EQ(peer_.Get("fedify-log").body, "[]") << "Fedify complained";
  }

  ParvisProcess node_;
  FedifyPeer peer_;
  std::string ana_, peer_alice_;
};

TEST_F(FedifyModerationTest, AReportReachesFedifyAsAFlagFromTheInstanceActor) {
  HttpAnswer filed = node_.ControlPost(
      "/control/reports", R"({"account":"ana","target":)" + JsonString(peer_alice_) +
                              R"(,"category":"spam","comment":"FLAG-comment from Parvis"})");
  ASSERT_EQ(filed.status, 201) << filed.body;
  rapidjson::Document flag =
      EventuallyReceived(peer_, [](const rapidjson::Value& e) { return StringMember(e, "type") == "Flag"; });
  ASSERT_TRUE(flag.IsObject()) << peer_.Get("log").body;
  EXPECT_EQ(StringMember(flag, "actor"), node_.base_url() + "/actor");
  EXPECT_EQ(StringMember(flag, "content"), "FLAG-comment from Parvis");
  std::vector<std::string> objects;
  for (const auto& object : Member(flag, "objects").GetArray()) objects.emplace_back(object.GetString());
  EXPECT_THAT(objects, Contains(peer_alice_));
  // Signed by the instance actor's key, so the reporter stays hidden.
  EXPECT_EQ(StringMember(Member(flag, "signature"), "keyId").rfind(node_.base_url() + "/actor#", 0), 0u)
      << ToJson(Member(flag, "signature"));
}

TEST_F(FedifyModerationTest, AFlagFromFedifyIsQueuedAndTheDecisionGoesBack) {
  HttpAnswer posted = node_.ControlPost("/control/post", R"({"account":"ana","content":"a post to report"})");
  ASSERT_EQ(posted.status, 201) << posted.body;
  std::string note = StringMember(ParseJson(posted.body), "id");
  HttpAnswer sent = peer_.Post("flag", R"({"to":)" + JsonString(ana_) + R"(,"objects":[)" + JsonString(note) +
                                           R"(],"content":"reported from Fedify"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  rapidjson::Document reports;
  ASSERT_TRUE(Eventually([&] {
    reports = ParseJson(node_.ControlGet("/control/reports").body);
    return Member(reports, "reports").IsArray() && Member(reports, "reports").Size() == 1;
  })) << node_.ControlGet("/control/reports").body;
  const rapidjson::Value& report = Member(reports, "reports")[0];
  EXPECT_EQ(StringMember(report, "origin"), "remote");
  EXPECT_EQ(StringMember(report, "reporter"), peer_alice_);
  EXPECT_EQ(StringMember(report, "target"), ana_);
  EXPECT_EQ(StringMember(report, "comment"), "reported from Fedify");
  HttpAnswer decided = node_.ControlPost(
      "/control/reports/decide",
      R"({"report":)" + std::to_string(report["id"].GetUint64()) + R"(,"action":"dismiss","reason":"no rule broken","moderator":"mod"})");
  ASSERT_EQ(decided.status, 200) << decided.body;
  rapidjson::Document reject =
      EventuallyReceived(peer_, [](const rapidjson::Value& e) { return StringMember(e, "type") == "Reject"; });
  ASSERT_TRUE(reject.IsObject()) << peer_.Get("log").body;
  EXPECT_EQ(StringMember(reject, "actor"), node_.base_url() + "/actor");
  EXPECT_EQ(StringMember(reject, "object"), StringMember(ParseJson(sent.body), "flagId"));
}

}  // namespace
}  // namespace parvis::testing
