#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parvis/protocol/e2ee.h"
#include "protocol/e2ee_test_support.h"

namespace parvis::protocol::e2ee {
namespace {

using testing::Counter;

MessagePlaintext Good() {
  MessagePlaintext message;
  message.id = GenerateMessageId(Counter("id"));
  message.from = "https://a.example/users/alice";
  message.to = {"https://b.example/users/bob"};
  message.sent = "2026-11-22T20:00:00Z";
  message.content = "Bonjour à tous";
  return message;
}

TEST(E2eePlaintext, RoundTrips) {
  auto json = WriteMessagePlaintext(Good());
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->substr(0, 7), "{\"id\":\"");
  auto parsed = ParseMessagePlaintext(*json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->content, Good().content);
  EXPECT_EQ(parsed->to, Good().to);
  EXPECT_EQ(*WriteMessagePlaintext(*parsed), *json);
}

TEST(E2eePlaintext, InvalidMessagesAreRejected) {
  struct Case {
    const char* name;
    std::function<void(MessagePlaintext&)> change;
  };
  const std::vector<Case> cases = {
      {"short id", [](auto& m) { m.id = "AAAA"; }},
      {"padded id", [](auto& m) { m.id += "="; }},
      {"empty from", [](auto& m) { m.from.clear(); }},
      {"no recipient", [](auto& m) { m.to.clear(); }},
      {"65 recipients", [](auto& m) { m.to.assign(65, "https://b.example/users/bob"); }},
      {"bad date", [](auto& m) { m.sent = "yesterday"; }},
      {"content too long", [](auto& m) { m.content = std::string(5001, 'x'); }},
      {"content not UTF-8", [](auto& m) { m.content = "\xC3"; }},
  };
  for (const auto& c : cases) {
    MessagePlaintext message = Good();
    c.change(message);
    EXPECT_FALSE(WriteMessagePlaintext(message).has_value()) << c.name;
  }
  MessagePlaintext longest = Good();
  longest.content.clear();
  for (int i = 0; i < 5000; ++i) longest.content += "é";  // 5000 characters, 10000 bytes
  EXPECT_TRUE(WriteMessagePlaintext(longest).has_value());
  for (
      const char* json :
      {"", "[]", "{\"id\":1}",
       R"({"from":"a","to":["b"],"sent":"2026-11-22T20:00:00Z","content":""})",
       R"({"id":"AAAAAAAAAAAAAAAAAAAAAA","from":"a","to":"b","sent":"2026-11-22T20:00:00Z","content":""})",
       R"({"id":"AAAAAAAAAAAAAAAAAAAAAA","from":"a","to":[1],"sent":"2026-11-22T20:00:00Z","content":""})",
       R"({"id":"AAAAAAAAAAAAAAAAAAAAAA","from":"a","to":["b"],"sent":"2026-11-22T20:00:00Z","content":5})"}) {
    EXPECT_FALSE(ParseMessagePlaintext(json).has_value()) << json;
  }
  EXPECT_TRUE(
      ParseMessagePlaintext(
          R"({"id":"AAAAAAAAAAAAAAAAAAAAAA","from":"a","to":["b"],"sent":"2026-11-22T20:00:00Z","content":""})")
          .has_value());
}

TEST(E2eePadding, PadsToBlocksAndRejectsBadPadding) {
  struct Case {
    size_t length, padded;
  };
  for (const Case& c : {Case{0, 256}, Case{1, 256}, Case{255, 256}, Case{256, 512}, Case{511, 512},
                        Case{1000, 1024}}) {
    const std::string input(c.length, 'a');
    const std::string padded = PadPlaintext(input);
    EXPECT_EQ(padded.size(), c.padded) << c.length;
    EXPECT_EQ(static_cast<unsigned char>(padded[c.length]), 0x80);
    EXPECT_EQ(*UnpadPlaintext(padded), input);
  }
  std::string no_marker(256, '\0');
  EXPECT_FALSE(UnpadPlaintext(no_marker).has_value());
  EXPECT_FALSE(UnpadPlaintext("").has_value());
  std::string not_block = PadPlaintext("abc");
  not_block.pop_back();
  EXPECT_FALSE(UnpadPlaintext(not_block).has_value());
  std::string junk_after = PadPlaintext("abc");
  junk_after[200] = 'x';
  EXPECT_FALSE(UnpadPlaintext(junk_after).has_value());
}

}  // namespace
}  // namespace parvis::protocol::e2ee
