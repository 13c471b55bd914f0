#include "parvis/protocol/note_text.h"

#include <gtest/gtest.h>

namespace parvis::protocol {
namespace {

using Strings = std::vector<std::string>;

TEST(FindMentions, LocalAndRemoteHandlesEachOnce) {
  EXPECT_EQ(FindMentions("hi @bob and @Alice@social.example, @BOB again"),
            (Strings{"bob", "Alice@social.example"}));
  EXPECT_EQ(FindMentions("@carol@127.0.0.1:8080: hello"), (Strings{"carol@127.0.0.1:8080"}));
  EXPECT_EQ(FindMentions("(@dan_x.y)"), (Strings{"dan_x.y"}));
}

TEST(FindMentions, NotInsideAddressesUrlsOrWords) {
  EXPECT_EQ(FindMentions("mail me: bob@example.org"), Strings{});
  EXPECT_EQ(FindMentions("see https://example.org/@bob and http://x.example/@alice@y"), Strings{});
  EXPECT_EQ(FindMentions("@ alone, @@double, @.dot, @-dash"), Strings{});
  EXPECT_EQ(FindMentions("trailing @bob."), (Strings{"bob"}));
  EXPECT_EQ(FindMentions("@bob@"), (Strings{"bob"}));
}

TEST(FindMentions, BoundedAndLongNamesRefused) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "@user" + std::to_string(i) + " ";
  EXPECT_EQ(FindMentions(many).size(), 20u);
  EXPECT_EQ(FindMentions(many, 5).size(), 5u);
  EXPECT_EQ(FindMentions("@" + std::string(100, 'a')), Strings{});
}

TEST(FindHashtags, WordsWithALetterInAnyScript) {
  EXPECT_EQ(FindHashtags("#Climat et #écologie, #climat encore; #2024 #année2024"),
            (Strings{"Climat", "écologie", "année2024"}));
  EXPECT_EQ(FindHashtags("«#démocratie» and #tag’s"), (Strings{"démocratie", "tag"}));
  EXPECT_EQ(FindHashtags("no tag in https://x.example/#frag or a#b or &#39;"), Strings{});
  EXPECT_EQ(FindHashtags("#" + std::string(101, 'a')), Strings{});
  EXPECT_EQ(FindHashtags("#" + std::string(100, 'a')).size(), 1u);
}

TEST(FindHashtags, InvalidUtf8IsNotATag) {
  EXPECT_EQ(FindHashtags(std::string("#\xff\xfe")), Strings{});
  EXPECT_EQ(FindHashtags(std::string("#ab\xc3")), (Strings{"ab"}));
}

TEST(RenderPlainText, EscapesAndBreaksParagraphs) {
  EXPECT_EQ(RenderPlainText("a <b> & \"c\"\nd\n\ne", {}),
            "<p>a &lt;b&gt; &amp; &quot;c&quot;<br>d</p><p>e</p>");
  EXPECT_EQ(RenderPlainText("", {}), "<p></p>");
}

TEST(RenderPlainText, LinksUrlsMentionsAndTags) {
  TextLinks links;
  links.mentions["bob@remote.example"] = {"https://remote.example/users/bob",
                                          "https://remote.example/@bob", "bob@remote.example"};
  links.tag_base = "https://here.example/tags/";
  std::string html = RenderPlainText(
      "Hi @Bob@remote.example and @unknown, see https://x.example/a?b=1&c=2. #Vote", links);
  EXPECT_EQ(html,
            "<p>Hi <span class=\"h-card\" translate=\"no\"><a href=\"https://remote.example/@bob\" "
            "class=\"u-url mention\">@<span>bob@remote.example</span></a></span> and @unknown, "
            "see <a href=\"https://x.example/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\" "
            "target=\"_blank\">https://x.example/a?b=1&amp;c=2</a>. <a "
            "href=\"https://here.example/tags/vote\" class=\"mention hashtag\" "
            "rel=\"tag\">#<span>Vote</span></a></p>");
}

TEST(RenderPlainText, HostileInputStaysEscaped) {
  TextLinks links;
  links.tag_base = "https://here.example/tags/";
  std::string html = RenderPlainText("https://x.example/\"onmouseover=alert(1) #<script>", links);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("\"onmouseover"), std::string::npos);
  // Invalid UTF-8 passes through as bytes without breaking the markup.
  std::string bytes = RenderPlainText(std::string("\xff#\xc3 @\xe2\x80"), links);
  EXPECT_TRUE(bytes.starts_with("<p>"));
  EXPECT_TRUE(bytes.ends_with("</p>"));
}

}  // namespace
}  // namespace parvis::protocol

namespace parvis::protocol {
namespace {

TEST(HtmlToPlainText, KeepsTextAndBreaksDropsMarkup) {
  EXPECT_EQ(HtmlToPlainText("<p>Hello <b>world</b> &amp; &lt;you&gt;</p><p>a<br>b<br/>c</p>"),
            "Hello world & <you>\n\na\nb\nc");
  EXPECT_EQ(HtmlToPlainText("caf&#233; &#xE9;t&eacute;"), "café ét&eacute;");
  EXPECT_EQ(HtmlToPlainText("plain text"), "plain text");
}

TEST(HtmlToPlainText, HostileMarkupLeavesNoTags) {
  EXPECT_EQ(HtmlToPlainText("a<script>alert(1)</script>b<style>x{}</STYLE>c"), "abc");
  EXPECT_EQ(HtmlToPlainText("x<img src=x onerror=alert(1)"), "x");
  EXPECT_EQ(HtmlToPlainText("&#0;&#x110000;&#;&#x;"), "\xEF\xBF\xBD\xEF\xBF\xBD&#;&#x;");
  EXPECT_EQ(HtmlToPlainText("&#xFFFFFFFFFFFF;"), "&#xFFFFFFFFFFFF;");
  EXPECT_EQ(HtmlToPlainText("<script>never closed"), "");
  // Rendering the result again escapes whatever looked like markup.
  EXPECT_EQ(RenderPlainText(HtmlToPlainText("&lt;script&gt;"), {}), "<p>&lt;script&gt;</p>");
}

}  // namespace
}  // namespace parvis::protocol
