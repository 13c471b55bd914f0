#include "parvis/protocol/markdown.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "parvis/protocol/note_text.h"

namespace parvis::protocol {
namespace {

struct Case {
  std::string name;
  std::string markdown;
  std::string html;
};

TextLinks Links() {
  TextLinks links;
  links.mentions["alice"] = {"https://here.example/users/alice", "https://here.example/@alice",
                             "alice"};
  links.mentions["bob@remote.example"] = {"https://remote.example/users/bob",
                                          "https://remote.example/@bob", "bob@remote.example"};
  links.tag_base = "https://here.example/tags/";
  return links;
}

std::string Link(std::string_view href, std::string_view text) {
  return "<a href=\"" + std::string(href) +
         "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">" + std::string(text) + "</a>";
}

const std::string kAlice =
    "<span class=\"h-card\" translate=\"no\"><a href=\"https://here.example/@alice\" "
    "class=\"u-url mention\">@<span>alice</span></a></span>";
const std::string kBob =
    "<span class=\"h-card\" translate=\"no\"><a href=\"https://remote.example/@bob\" "
    "class=\"u-url mention\">@<span>bob@remote.example</span></a></span>";
const std::string kVote =
    "<a href=\"https://here.example/tags/vote\" class=\"mention hashtag\" "
    "rel=\"tag\">#<span>Vote</span></a>";

void ExpectRendered(const std::vector<Case>& cases) {
  TextLinks links = Links();
  for (const Case& c : cases) {
    EXPECT_EQ(RenderMarkdown(c.markdown, links), c.html) << c.name;
  }
}

TEST(RenderMarkdown, FormattingKept) {
  ExpectRendered({
      {"emphasis", "*un* et _deux_", "<p><em>un</em> et <em>deux</em></p>"},
      {"strong", "**un** et __deux__", "<p><strong>un</strong> et <strong>deux</strong></p>"},
      {"strikethrough", "~~barré~~", "<p><del>barré</del></p>"},
      {"single tilde is text", "~20 personnes, ~30 €", "<p>~20 personnes, ~30 €</p>"},
      {"code span escaped", "`a <b> && c`", "<p><code>a &lt;b&gt; &amp;&amp; c</code></p>"},
      {"fenced code", "```cpp\nif (a < b) {}\n```", "<pre><code>if (a &lt; b) {}\n</code></pre>"},
      {"indented code", "    x = 1", "<pre><code>x = 1\n</code></pre>"},
      {"bullet list", "- un\n- deux", "<ul><li>un</li><li>deux</li></ul>"},
      {"ordered list", "1. un\n2. deux", "<ol><li>un</li><li>deux</li></ol>"},
      {"ordered list start", "3. trois", "<ol start=\"3\"><li>trois</li></ol>"},
      {"loose list", "- un\n\n- deux", "<ul><li><p>un</p></li><li><p>deux</p></li></ul>"},
      {"nested list", "- un\n  - deux", "<ul><li>un<ul><li>deux</li></ul></li></ul>"},
      {"block quote", "> cité\n> encore\n\nfin",
       "<blockquote><p>cité<br>encore</p></blockquote><p>fin</p>"},
      {"newline is a break", "ligne 1\nligne 2\n\npara", "<p>ligne 1<br>ligne 2</p><p>para</p>"},
      {"hard break", "a\\\nb", "<p>a<br>b</p>"},
      {"heading as strong paragraph", "# Titre\ntexte",
       "<p><strong>Titre</strong></p><p>texte</p>"},
      {"setext heading", "Titre\n=====", "<p><strong>Titre</strong></p>"},
      {"thematic break as a dash", "a\n\n---\n\nb", "<p>a</p><p>\u2014</p><p>b</p>"},
      {"link", "[lien](https://example.org/a?b=1&c=2 \"titre\")",
       "<p>" + Link("https://example.org/a?b=1&amp;c=2", "lien") + "</p>"},
      {"link with markup", "[*lien*](http://example.org)",
       "<p>" + Link("http://example.org", "<em>lien</em>") + "</p>"},
      {"scheme in capitals", "[x](HTTPS://Example.org)",
       "<p>" + Link("HTTPS://Example.org", "x") + "</p>"},
      {"mailto link", "[écrire](mailto:bob@example.org)",
       "<p>" + Link("mailto:bob@example.org", "écrire") + "</p>"},
      {"space in destination", "[x](<https://example.org/a b\">)",
       "<p>" + Link("https://example.org/a%20b&quot;", "x") + "</p>"},
      {"reference link", "[x][r]\n\n[r]: https://example.org",
       "<p>" + Link("https://example.org", "x") + "</p>"},
      {"autolinked URL", "voir https://example.org/page.",
       "<p>voir " + Link("https://example.org/page", "https://example.org/page") + ".</p>"},
      {"autolinked www", "www.example.org",
       "<p>" + Link("http://www.example.org", "www.example.org") + "</p>"},
      {"angle autolink", "<https://example.org>",
       "<p>" + Link("https://example.org", "https://example.org") + "</p>"},
      // Not linked, as RenderPlainText leaves them; <…> brackets are lost.
      {"bare address", "bob@example.org et <bob@example.org>",
       "<p>bob@example.org et bob@example.org</p>"},
  });
}

TEST(RenderMarkdown, RawHtmlShownAsText) {
  ExpectRendered({
      {"inline tags", "<b>x</b>", "<p>&lt;b&gt;x&lt;/b&gt;</p>"},
      {"script block", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
      {"block on lines", "<div>\nbonjour\n</div>", "<p>&lt;div&gt;<br>bonjour<br>&lt;/div&gt;</p>"},
      {"attribute handler", "a <img src=x onerror=alert(1)> b",
       "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>"},
      {"comment", "<!-- caché -->", "<p>&lt;!-- caché --&gt;</p>"},
      {"words in it still linked", "<i>@alice</i>", "<p>&lt;i&gt;" + kAlice + "&lt;/i&gt;</p>"},
      {"entity in text", "&lt;b&gt; &amp;", "<p>&lt;b&gt; &amp;</p>"},
  });
}

TEST(RenderMarkdown, UnsafeLinksShowTheirText) {
  ExpectRendered({
      {"javascript", "[clic](javascript:alert(1))", "<p>clic</p>"},
      {"javascript in capitals", "[clic](JaVaScRiPt:alert(1))", "<p>clic</p>"},
      {"javascript with a tab", "[clic](jav&#x09;ascript:alert(1))", "<p>clic</p>"},
      {"data", "[clic](data:text/html;base64,PHNjcmlwdD4=)", "<p>clic</p>"},
      {"vbscript", "[clic](vbscript:msgbox)", "<p>clic</p>"},
      {"relative", "[clic](/chemin)", "<p>clic</p>"},
      {"protocol-relative", "[clic](//evil.example)", "<p>clic</p>"},
      {"angle autolink", "<javascript:alert(1)>", "<p>javascript:alert(1)</p>"},
      {"reference", "[clic][r]\n\n[r]: javascript:alert(1)", "<p>clic</p>"},
      {"bare scheme", "[clic](https://)", "<p>clic</p>"},
  });
}

TEST(RenderMarkdown, ImagesBecomeLinks) {
  ExpectRendered({
      {"image", "![un chat](https://e.example/chat.png)",
       "<p>" + Link("https://e.example/chat.png", "un chat") + "</p>"},
      {"image without text", "![](https://e.example/chat.png)",
       "<p>" + Link("https://e.example/chat.png", "https://e.example/chat.png") + "</p>"},
      {"unsafe image", "![chat](javascript:alert(1))", "<p>chat</p>"},
      {"data image", "![chat](data:image/png;base64,AAAA)", "<p>chat</p>"},
      {"image inside a link", "[![chat](https://e.example/c.png)](https://e.example/)",
       "<p>" + Link("https://e.example/", "chat") + "</p>"},
  });
}

TEST(RenderMarkdown, MentionsAndHashtagsLinkedInTextOnly) {
  ExpectRendered({
      {"in text", "Salut @Bob@remote.example et @alice ! #Vote",
       "<p>Salut " + kBob + " et " + kAlice + " ! " + kVote + "</p>"},
      {"in emphasis", "**@alice** _#Vote_",
       "<p><strong>" + kAlice + "</strong> <em>" + kVote + "</em></p>"},
      {"in a list and a quote", "- @alice\n\n> #Vote",
       "<ul><li>" + kAlice + "</li></ul><blockquote><p>" + kVote + "</p></blockquote>"},
      {"unknown mention", "@inconnu @carol@remote.example",
       "<p>@inconnu @carol@remote.example</p>"},
      {"not in a code span", "`@alice #Vote`", "<p><code>@alice #Vote</code></p>"},
      {"not in a code block", "```\n@alice #Vote\n```", "<pre><code>@alice #Vote\n</code></pre>"},
      {"not in link text", "[@alice #Vote](https://e.example)",
       "<p>" + Link("https://e.example", "@alice #Vote") + "</p>"},
      {"not in a URL", "https://e.example/@alice#Vote",
       "<p>" + Link("https://e.example/@alice#Vote", "https://e.example/@alice#Vote") + "</p>"},
      {"not an address", "bob@remote.example", "<p>bob@remote.example</p>"},
      {"heading is not a tag", "# Vote", "<p><strong>Vote</strong></p>"},
      // Markdown escapes do not hide tags, which are not Markdown.
      {"backslash before a tag", "\\#Vote", "<p>" + kVote + "</p>"},
  });
}

TEST(RenderMarkdown, FrenchText) {
  ExpectRendered({
      {"accents and guillemets", "« Élections » : **très** important, n’est-ce pas ? #Démocratie",
       "<p>« Élections » : <strong>très</strong> important, n’est-ce pas ? <a "
       "href=\"https://here.example/tags/démocratie\" class=\"mention hashtag\" "
       "rel=\"tag\">#<span>Démocratie</span></a></p>"},
      {"tag inside guillemets", "«#écologie»",
       "<p>«<a href=\"https://here.example/tags/écologie\" class=\"mention hashtag\" "
       "rel=\"tag\">#<span>écologie</span></a>»</p>"},
      {"non-breaking spaces", "Bonjour\u00a0! Ça va\u00a0?", "<p>Bonjour\u00a0! Ça va\u00a0?</p>"},
  });
}

// What people type without Markdown in mind comes out as RenderPlainText
// writes it, so both renderings of a post agree.
TEST(RenderMarkdown, PlainTextAsRenderPlainText) {
  TextLinks links = Links();
  for (std::string_view text : {
           "à tous",
           "",
           "Bonjour à tous,\nla réunion est jeudi.\n\n\nÀ bientôt !\n",
           "« Liberté, égalité, fraternité » — l’été, 5 € * 3 = 15 €",
           "a <b> & \"c\" 'd'",
           "fichier_de_test et a_b",
           "Hi @Bob@remote.example and @unknown, see https://x.example/a?b=1&c=2. #Vote",
           "(@alice) et #climat, #2024 #année2024",
           "une ligne\r\nune autre",
       }) {
    EXPECT_EQ(RenderMarkdown(text, links), RenderPlainText(text, links)) << text;
  }
  // The differences, all in what Markdown gives meaning to:
  ExpectRendered({
      // Spaces at the ends of lines are dropped (RenderPlainText keeps them).
      {"edge spaces", "  a  \nb", "<p>a<br>b</p>"},
      // Character references are read ("&amp;amp;" from RenderPlainText).
      {"reference", "x &amp; y", "<p>x &amp; y</p>"},
      // A backslash before punctuation escapes it.
      {"backslash", "1\\*2", "<p>1*2</p>"},
      // Stars and underscores between letters or digits may be emphasis.
      {"stars in a product", "2*3*4", "<p>2<em>3</em>4</p>"},
      // A line indented by four spaces is code.
      {"indented line", "    retrait", "<pre><code>retrait\n</code></pre>"},
      // "1." and "-" at the start of a line make lists.
      {"numbered line", "2024. Une année", "<ol start=\"2024\"><li>Une année</li></ol>"},
  });
}

// A small well-formedness check: known tags only, each closed in order, and
// how deep they nest.
struct Shape {
  bool well_formed = true;
  size_t depth = 0;
};

Shape ShapeOf(std::string_view html) {
  static const std::set<std::string, std::less<>> kAllowed = {
      "p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span"};
  Shape shape;
  std::vector<std::string> open;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '>') shape.well_formed = false;  // only '&gt;' in text
    if (html[i] != '<') continue;
    size_t end = html.find('>', i);
    if (end == std::string_view::npos) return {false, 0};
    std::string_view tag = html.substr(i + 1, end - i - 1);
    bool closing = tag.starts_with("/");
    if (closing) tag.remove_prefix(1);
    std::string name(tag.substr(0, tag.find(' ')));
    if (!kAllowed.contains(name)) return {false, 0};
    if (closing) {
      if (open.empty() || open.back() != name) return {false, 0};
      open.pop_back();
    } else if (name != "br") {
      open.push_back(name);
      shape.depth = std::max(shape.depth, open.size());
    }
    i = end;
  }
  if (!open.empty()) shape.well_formed = false;
  return shape;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

std::string Repeat(std::string_view piece, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += piece;
  return out;
}

// `piece` repeated up to 5000 bytes, the most a post holds.
std::string Fill(std::string_view piece) { return Repeat(piece, 5000 / piece.size()); }

TEST(RenderMarkdown, HostileInputFinishesWellFormed) {
  std::string emphasis_pyramid;
  for (int i = 0; i < 350; ++i) emphasis_pyramid += "*a **a ";
  emphasis_pyramid += "b";
  for (int i = 0; i < 350; ++i) emphasis_pyramid += " a** a*";
  std::string lazy_quote = Repeat("> ", 1250) + "a\n" + Repeat("b\n", 1250);
  std::string nested_links = Repeat("[", 1000) + "a" + Repeat("](https://e.example)", 200);
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"quote markers", Fill(">")},
      {"nested quotes", Fill("> ") + "x"},
      {"lazy lines under deep quotes", lazy_quote},
      {"nested lists", Fill("- ") + "x"},
      {"nested ordered lists", Fill("1. ") + "x"},
      {"quotes and lists", Fill("> - ") + "x"},
      {"stars", Fill("*")},
      {"emphasis runs", Fill("*a")},
      {"strong runs", Fill("**a")},
      {"underscores", Fill("a_")},
      {"mixed delimiters", Fill("*a_ ")},
      {"emphasis pyramid", emphasis_pyramid},
      {"strike runs", Fill("~~a")},
      {"open brackets", Fill("[")},
      {"unclosed links", Fill("[a](")},
      {"image openers", Fill("![[]()")},
      {"link chain", Fill("[x](https://e.example)")},
      {"nested link brackets", nested_links},
      {"backticks", Fill("`a")},
      {"at signs", Fill("@")},
      {"address chain", Fill("a@")},
      {"mentions", Fill("@alice @Bob@remote.example ")},
      {"hashtags", Fill("#Vote ")},
      {"angle brackets", Fill("<")},
      {"raw tags", Fill("<a href=\"")},
      {"references", Fill("&#35;Vote")},
      {"NUL bytes", Fill(std::string_view("a\0", 2))},
      {"invalid UTF-8", Fill("\xff\xc3*\xe2\x80_\xc0\xaf\xed\xa0\x80#\xf4\x90")},
  };
  TextLinks links = Links();
  for (const auto& [name, markdown] : inputs) {
    auto start = std::chrono::steady_clock::now();
    std::string html = RenderMarkdown(markdown, links);
    auto elapsed = std::chrono::steady_clock::now() - start;
    // Measured well under 50 ms each; a second means something went polynomial.
    EXPECT_LT(elapsed, std::chrono::seconds(1)) << name;
    Shape shape = ShapeOf(html);
    EXPECT_TRUE(shape.well_formed) << name << ": " << html.substr(0, 500);
    // 8 lists with their items, a heading's <p><strong>, 8 inline elements, a mention.
    EXPECT_LE(shape.depth, 8u * 2 + 2 + 8 + 3) << name;
    EXPECT_TRUE(IsValidUtf8(html)) << name;
    EXPECT_EQ(html.find("<img"), std::string::npos) << name;
  }
}

TEST(RenderMarkdown, NestingCappedContentKept) {
  EXPECT_EQ(RenderMarkdown(Repeat("> ", 40) + "fond", {}),
            Repeat("<blockquote>", 8) + "<p>fond</p>" + Repeat("</blockquote>", 8));
  // Items beyond the cap keep their text, in paragraphs.
  EXPECT_EQ(RenderMarkdown(Repeat("- ", 40) + "fond", {}),
            Repeat("<ul><li>", 8) + "<p>fond</p>" + Repeat("</li></ul>", 8));
  std::string stars = Repeat("*", 20);
  EXPECT_EQ(RenderMarkdown(stars + "fond" + stars, {}),
            "<p>" + Repeat("<strong>", 8) + "fond" + Repeat("</strong>", 8) + "</p>");
}

TEST(RenderMarkdown, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(RenderMarkdown(std::string("a\xff") + "b *\xc3*", {}),
            "<p>a\uFFFDb <em>\uFFFD</em></p>");
  EXPECT_EQ(RenderMarkdown(std::string("x\0y", 3), {}), "<p>x\uFFFDy</p>");
}

// The extensions' state is global in cmark-gfm 0.29; parses in several
// threads must each still see strikethrough and autolinks.
TEST(RenderMarkdown, SeveralThreadsAgree) {
  // Long enough that parses overlap; without the lock this fails most runs.
  const std::string markdown =
      "~~a~~ https://e.example *b* @alice " + std::string(2000, 'x') + " ~~c~~ www.example.org";
  const std::string expected = RenderMarkdown(markdown, Links());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TextLinks links = Links();
      for (int i = 0; i < 300; ++i) mismatches[t] += RenderMarkdown(markdown, links) != expected;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_NE(expected.find("<del>a</del>"), std::string::npos);
}

}  // namespace
}  // namespace parvis::protocol
