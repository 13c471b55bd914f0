// The caches that spare the pages repeated work: parsed templates, remote
// posts' sanitised HTML, decoded stored actors. Each must give exactly what
// the uncached path gives, and never something stale.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "parvis/embedded.h"
#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/remote_actor.h"
#include "server/federation/stored_actors.h"
#include "server/pages/safe_html_cache.h"
#include "server/pages/template_cache.h"
#include "server/pages/translations.h"
#include "support/temp_dir.h"

namespace parvis {
namespace {

namespace mustache = kainjow::mustache;

TEST(TemplateCacheTest, PartialsAreWrittenInAndNothingElseChanges) {
  Result<std::string> timeline = pages::TemplateCache::ExpandedSource("timeline");
  ASSERT_TRUE(timeline.has_value()) << timeline.error().message;
  EXPECT_EQ(timeline->find("{{>"), std::string::npos);
  std::string card(*embedded::FindWebFile("templates/note_card.html"));
  EXPECT_NE(timeline->find(card), std::string::npos);
  // A template without partials is its source.
  Result<std::string> message = pages::TemplateCache::ExpandedSource("message");
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(*message, std::string(*embedded::FindWebFile("templates/message.html")));
  // Every page template expands.
  for (std::string_view name : {"layout", "thread", "profile", "remote_profile", "bookmarks", "home"}) {
    if (!embedded::FindWebFile("templates/" + std::string(name) + ".html")) continue;
    EXPECT_TRUE(pages::TemplateCache::ExpandedSource(name).has_value()) << name;
  }
}

TEST(TemplateCacheTest, MissingTemplatesAreErrorsNotCrashes) {
  pages::TemplateCache cache;
  Result<std::string> missing = cache.Render("no_such_page", "en", mustache::data{});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("no_such_page"), std::string::npos);
  // Names that try to leave the templates folder find nothing either.
  EXPECT_FALSE(cache.Render("../i18n/en", "en", mustache::data{}).has_value());
}

TEST(TemplateCacheTest, RendersTheLanguagesStringsBelowThePagesData) {
  pages::TemplateCache cache;
  mustache::data data;
  data.set("title", "Hello <b>");
  data.set("message", "Saved & sent");
  for (int round = 0; round < 3; ++round) {  // parsed copies are reused
    Result<std::string> en = cache.Render("message", "en", data);
    ASSERT_TRUE(en.has_value()) << en.error().message;
    EXPECT_NE(en->find("Hello &lt;b&gt;"), std::string::npos);
    EXPECT_NE(en->find("Saved &amp; sent"), std::string::npos);
    EXPECT_NE(en->find(mustache::html_escape<std::string>(pages::Translate("en", "back_home"))), std::string::npos);
    Result<std::string> fr = cache.Render("message", "fr", data);
    ASSERT_TRUE(fr.has_value());
    EXPECT_NE(fr->find(mustache::html_escape<std::string>(pages::Translate("fr", "back_home"))), std::string::npos);
    // An unknown language reads English.
    Result<std::string> other = cache.Render("message", "xx", data);
    ASSERT_TRUE(other.has_value());
    EXPECT_EQ(*other, *en);
  }
  ASSERT_NE(pages::Translate("en", "back_home"), pages::Translate("fr", "back_home"));
  // The page's own `t` hides the strings (the page's data comes first).
  mustache::data own;
  mustache::data t;
  t.set("back_home", "Retour <maison>");
  own.set("t", t);
  Result<std::string> hidden = cache.Render("message", "en", own);
  ASSERT_TRUE(hidden.has_value());
  EXPECT_NE(hidden->find("Retour &lt;maison&gt;"), std::string::npos);
}

TEST(TemplateCacheTest, ManyThreadsRenderTheSamePageAtOnce) {
  pages::TemplateCache cache;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 200; ++i) {
        mustache::data data;
        std::string mark = "thread " + std::to_string(t) + " round " + std::to_string(i);
        data.set("message", mark);
        Result<std::string> page = cache.Render("message", t % 2 ? "fr" : "en", data);
        if (!page || page->find(mark + "<") == std::string::npos) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SafeHtmlCacheTest, GivesWhatTheSanitiserGivesAndFollowsEdits) {
  pages::SafeHtmlCache cache(4);
  const std::string hostile =
      "<p onclick=\"steal()\">Hello <script>alert(1)</script><a href=\"javascript:x\">link</a>"
      "<img src=x onerror=y></p>";
  Result<std::string> expected = protocol::SanitizeHtml(hostile);
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/1", hostile), *expected);
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/1", hostile), *expected);  // kept
  EXPECT_EQ(expected->find("script"), std::string::npos);
  // The post was edited: the new text, sanitised.
  const std::string edited = "<p>Now <em>fine</em><iframe src=\"https://evil.example\"></iframe></p>";
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/1", edited), *protocol::SanitizeHtml(edited));
  // Deep nesting loses its tags past the limit, as without the cache.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<b>";
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/2", deep), *protocol::SanitizeHtml(deep));
  // What the sanitiser refuses (over its size limit) reads as nothing, each time.
  std::string huge = "<p>" + std::string(protocol::SanitizeOptions{}.max_input_bytes, 'x') + "</p>";
  EXPECT_FALSE(protocol::SanitizeHtml(huge).has_value());
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/3", huge), "");
  EXPECT_EQ(cache.Sanitized("https://a.example/notes/3", huge), "");
}

TEST(StoredActorsTest, DecodesWhatIsStoredAndNeverServesAReplacedRecord) {
  testing::TempDir dir;
  Result<std::unique_ptr<storage::Store>> opened = storage::Store::Open({.path = dir.Sub("data")});
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  storage::Store& store = **opened;
  federation::StoredActors actors(store, 2);
  const std::string id = "https://b.example/users/ana";
  auto found = actors.Find(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
  protocol::RemoteActor actor;
  actor.id = id;
  actor.type = "Person";
  actor.name = "Ana";
  actor.inbox = id + "/inbox";
  auto put = [&](const protocol::RemoteActor& value) {
    storage::Batch batch;
    batch.Put(storage::Family::kRemoteActors, id, protocol::EncodeRemoteActor(value));
    ASSERT_TRUE(store.Write(batch).has_value());
  };
  put(actor);
  for (int i = 0; i < 2; ++i) {
    found = actors.Find(id);
    ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_EQ((**found)->name, "Ana");
  }
  // Updated (the same length, another name), then deleted: never the old one.
  actor.name = "Bea";
  put(actor);
  found = actors.Find(id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((**found)->name, "Bea");
  storage::Batch gone;
  gone.Delete(storage::Family::kRemoteActors, id);
  ASSERT_TRUE(store.Write(gone).has_value());
  found = actors.Find(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
  // A record that does not decode is an error, not an actor.
  storage::Batch bad;
  bad.Put(storage::Family::kRemoteActors, id, "{not json");
  ASSERT_TRUE(store.Write(bad).has_value());
  EXPECT_FALSE(actors.Find(id).has_value());
}

}  // namespace
}  // namespace parvis
