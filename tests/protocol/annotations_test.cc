// Right of reply and context notes on the wire (protocol/annotations.h):
// round trips, who a post names, and malformed or hostile input refused by name.
#include "parvis/protocol/annotations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"

namespace parvis::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

rapidjson::Document Parse(const std::string& text) {
  Result<rapidjson::Document> doc = ParseJson(text, {});
  EXPECT_TRUE(doc) << text;
  return doc ? std::move(*doc) : rapidjson::Document();
}

ContextNoteDocument Sample() {
  return {.id = "https://a.example/context-notes/1",
          .activity_id = "https://a.example/context-notes/1/activity",
          .actor = "https://a.example/actor",
          .post = "https://b.example/users/bob/statuses/7",
          .text = "The figure quoted is from 2019 <not> 2024.",
          .source = "https://stats.example/table?id=3",
          .published = 1795000000};
}

TEST(AnnotationsProtocolTest, ContextNotesRoundTrip) {
  std::string text = ContextNoteActivity(Sample());
  EXPECT_THAT(text, HasSubstr(R"("contextFor":{"@id":"parvis:contextFor","@type":"@id"})"));
  EXPECT_THAT(text, HasSubstr(R"("contextFor":"https://b.example/users/bob/statuses/7")"));
  EXPECT_THAT(text, HasSubstr("&lt;not&gt;"));  // the content is escaped HTML for plain readers
  rapidjson::Document activity = Parse(text);
  Result<std::optional<ContextNoteDocument>> parsed = ParseContextNote(activity);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_TRUE(parsed->has_value());
  const ContextNoteDocument& note = **parsed;
  EXPECT_EQ(note.id, Sample().id);
  EXPECT_EQ(note.activity_id, Sample().activity_id);
  EXPECT_EQ(note.actor, Sample().actor);
  EXPECT_EQ(note.post, Sample().post);
  EXPECT_EQ(note.text, Sample().text);
  EXPECT_EQ(note.source, Sample().source);
  EXPECT_EQ(note.published, Sample().published);

  rapidjson::Document deletion = Parse(DeleteContextNoteActivity("https://a.example/d/1", "https://a.example/actor",
                                                                 Sample().id));
  EXPECT_EQ(StringMember(deletion, "type"), "Delete");
  EXPECT_EQ(StringMember(deletion["object"], "id"), Sample().id);
}

TEST(AnnotationsProtocolTest, OrdinaryCreatesAreNotContextNotes) {
  for (const char* text : {R"({"type":"Create","object":{"type":"Note","content":"hi"}})",
                           R"({"type":"Create","object":"https://x.example/n/1"})",
                           R"({"type":"Like","object":{"contextFor":"https://x.example/n/1"}})", R"([1,2])"}) {
    Result<std::optional<ContextNoteDocument>> parsed = ParseContextNote(Parse(text));
    ASSERT_TRUE(parsed) << text;
    EXPECT_FALSE(parsed->has_value()) << text;
  }
}

TEST(AnnotationsProtocolTest, MalformedContextNotesAreRefusedByName) {
  struct Case {
    const char* what;
    const char* member;  // of the note; "actor" is the activity's
    std::string json;    // its new value; "" removes it
    const char* error;
  };
  std::string huge = "\"" + std::string(kMaxContextNoteText + 1, 'x') + "\"";
  const Case cases[] = {
      {"post not a URL", "contextFor", R"("javascript:alert")", "http(s) ids"},
      {"post an array", "contextFor", "[1]", "http(s) ids"},
      {"post too long", "contextFor", "\"https://b.example/" + std::string(kMaxAnnotationUrl, 'p') + "\"", "http(s) ids"},
      {"attributed to another", "attributedTo", R"("https://a.example/users/mallory")", "attributed to the actor"},
      {"empty text", "content", R"("  <p></p> ")", "needs a text"},
      {"text not a string", "content", R"({"x":1})", "needs a text"},
      {"no text", "content", "", "needs a text"},
      {"text too long", "content", huge, "at most 1000"},
      {"source not http", "contextSource", R"("file:///etc/passwd")", "http(s) URL"},
      {"no actor", "actor", "", "http(s) ids"},
      {"not a Note", "type", R"("Question")", "is a Note"},
  };
  for (const Case& test : cases) {
    rapidjson::Document activity = Parse(ContextNoteActivity(Sample()));
    rapidjson::Value& where = std::string(test.member) == "actor" ? activity : activity["object"];
    where.RemoveMember(test.member);
    if (!test.json.empty()) {
      rapidjson::Document value = Parse(test.json);
      where.AddMember(rapidjson::Value(test.member, activity.GetAllocator()),
                      rapidjson::Value(value, activity.GetAllocator()), activity.GetAllocator());
    }
    Result<std::optional<ContextNoteDocument>> parsed = ParseContextNote(activity);
    ASSERT_FALSE(parsed) << test.what;
    EXPECT_THAT(parsed.error().message, HasSubstr(test.error)) << test.what;
  }
}

TEST(AnnotationsProtocolTest, ValidatesLocalText) {
  EXPECT_TRUE(ValidateContextNote("ok", ""));
  EXPECT_TRUE(ValidateContextNote(std::string(kMaxContextNoteText, 'e'), "https://x.example/"));
  // Characters, not bytes: 1000 two-byte letters are allowed.
  std::string accents;
  for (size_t i = 0; i < kMaxContextNoteText; ++i) accents += "é";
  EXPECT_TRUE(ValidateContextNote(accents, ""));
  Status long_text = ValidateContextNote(accents + "é", "");
  ASSERT_FALSE(long_text);
  EXPECT_THAT(long_text.error().message, HasSubstr("1001 characters long; at most 1000"));
  EXPECT_FALSE(ValidateContextNote("", ""));
  EXPECT_FALSE(ValidateContextNote("ok", "ftp://x.example/"));
  EXPECT_FALSE(ValidateContextNote("ok", "https://x.example/a b"));
}

TEST(AnnotationsProtocolTest, MarkedRepliesAndWhoAPostNames) {
  EXPECT_TRUE(MarksRightOfReply(Parse(R"({"type":"Note","rightOfReply":true})")));
  EXPECT_TRUE(MarksRightOfReply(Parse(R"({"type":"Note","parvis:rightOfReply":true})")));
  EXPECT_FALSE(MarksRightOfReply(Parse(R"({"type":"Note","rightOfReply":"true"})")));
  EXPECT_FALSE(MarksRightOfReply(Parse(R"({"type":"Note","rightOfReply":false})")));
  EXPECT_FALSE(MarksRightOfReply(Parse(R"({"type":"Note"})")));
  EXPECT_FALSE(MarksRightOfReply(Parse(R"("rightOfReply")")));

  rapidjson::Document post = Parse(
      R"({"tag":[{"type":"Mention","href":"https://b.example/users/bob"},{"type":"Hashtag","href":"https://a.example/tags/x"},7]})");
  EXPECT_THAT(MentionHrefs(post), ElementsAre("https://b.example/users/bob"));
  EXPECT_THAT(MentionHrefs(Parse(R"({"tag":{"type":"Mention","href":"https://c.example/u"}})")),
              ElementsAre("https://c.example/u"));

  NamedPerson bob{.actor = "https://b.example/users/bob", .username = "Bob", .host = "b.example"};
  EXPECT_TRUE(NamesPerson({"https://b.example/users/bob"}, "", "a.example", bob));
  EXPECT_TRUE(NamesPerson({}, "as @bob@B.example said", "a.example", bob));
  EXPECT_TRUE(NamesPerson({}, "as @bob said", "b.example", bob));    // on bob's own node
  EXPECT_FALSE(NamesPerson({}, "as @bob said", "a.example", bob));   // another bob
  EXPECT_FALSE(NamesPerson({}, "as @bobby@b.example said", "a.example", bob));
  EXPECT_FALSE(NamesPerson({"https://b.example/users/bobby"}, "bob@b.example", "a.example", bob));
}

TEST(AnnotationsProtocolTest, NotesCarryTheMarkAndItsTerm) {
  LocalNote note{.id = "https://a.example/users/ana/statuses/2", .author = "https://a.example/users/ana",
                 .followers = "https://a.example/users/ana/followers", .content_html = "<p>reply</p>",
                 .in_reply_to = "https://b.example/users/bob/statuses/1"};
  EXPECT_THAT(NoteDocument(note), ::testing::Not(HasSubstr("rightOfReply")));
  note.right_of_reply = true;
  std::string document = CreateNoteActivity(note, note.id + "/activity");
  EXPECT_THAT(document, HasSubstr(R"("rightOfReply":"parvis:rightOfReply")"));
  EXPECT_THAT(document, HasSubstr(R"("rightOfReply":true)"));
  EXPECT_TRUE(MarksRightOfReply(Parse(document)["object"]));
}

}  // namespace
}  // namespace parvis::protocol
