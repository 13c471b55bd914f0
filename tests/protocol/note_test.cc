#include "parvis/protocol/note.h"

#include <gtest/gtest.h>

#include "parvis/protocol/json.h"

namespace parvis::protocol {
namespace {

LocalNote Reply() {
  return LocalNote{
      .id = "https://a.example/users/ann/statuses/7",
      .type = "Article",
      .name = "Budget participatif",
      .author = "https://a.example/users/ann",
      .followers = "https://a.example/users/ann/followers",
      .content_html = "<p>x</p>",
      .url = "https://a.example/users/ann/statuses/7",
      .published = 1700000000,
      .visibility = Visibility::kDirect,
      .in_reply_to = "https://b.example/notes/1",
      .mentions = {"https://b.example/users/bob"},
      .tags = {{"Mention", "https://b.example/users/bob", "@bob@b.example"},
               {"Hashtag", "https://a.example/tags/vote", "#vote"}},
  };
}

TEST(NoteDocument, CarriesTypeTitleReplyTagsAndAddressing) {
  Result<rapidjson::Document> doc = ParseJson(NoteDocument(Reply()), {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["type"].GetString(), "Article");
  EXPECT_STREQ((*doc)["name"].GetString(), "Budget participatif");
  EXPECT_STREQ((*doc)["inReplyTo"].GetString(), "https://b.example/notes/1");
  EXPECT_STREQ((*doc)["replies"].GetString(), "https://a.example/users/ann/statuses/7/replies");
  ASSERT_EQ((*doc)["tag"].Size(), 2u);
  EXPECT_STREQ((*doc)["tag"][0]["type"].GetString(), "Mention");
  EXPECT_STREQ((*doc)["tag"][1]["name"].GetString(), "#vote");
  // Direct: only the mentioned actors, nothing in cc, never Public.
  ASSERT_EQ((*doc)["to"].Size(), 1u);
  EXPECT_STREQ((*doc)["to"][0].GetString(), "https://b.example/users/bob");
  EXPECT_EQ((*doc)["cc"].Size(), 0u);
  EXPECT_FALSE(doc->HasMember("updated"));
  // Hashtag is not in the ActivityStreams context: the document defines it.
  EXPECT_STREQ((*doc)["@context"][1]["Hashtag"].GetString(), "as:Hashtag");
}

TEST(NoteDocument, NotAReplyHasNullInReplyTo) {
  LocalNote note = Reply();
  note.in_reply_to.clear();
  note.type = "Note";
  note.name.clear();
  Result<rapidjson::Document> doc = ParseJson(NoteDocument(note), {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE((*doc)["inReplyTo"].IsNull());
  EXPECT_FALSE(doc->HasMember("name"));
}

TEST(UpdateNoteActivity, CarriesTheEditedNoteAndItsTime) {
  LocalNote note = Reply();
  note.visibility = Visibility::kPublic;
  note.updated = 1700000600;
  Result<rapidjson::Document> doc =
      ParseJson(UpdateNoteActivity(note, note.id + "/updates/1700000600"), {});
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["type"].GetString(), "Update");
  EXPECT_STREQ((*doc)["published"].GetString(), "2023-11-14T22:23:20Z");
  EXPECT_STREQ((*doc)["object"]["updated"].GetString(), "2023-11-14T22:23:20Z");
  EXPECT_STREQ((*doc)["to"][0].GetString(), "https://www.w3.org/ns/activitystreams#Public");
  // Public: followers and the mentioned in cc.
  EXPECT_EQ((*doc)["cc"].Size(), 2u);
}

}  // namespace
}  // namespace parvis::protocol
