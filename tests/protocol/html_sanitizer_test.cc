#include "parvis/protocol/html_sanitizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/fixture_files.h"

namespace parvis::protocol {
namespace {

using namespace std::string_literals;

struct Case {
  const char* name;
  std::string input;
  std::string expected;
};

const char kRel[] = "rel=\"nofollow noopener noreferrer ugc\" target=\"_blank\"";
const char kTagRel[] = "rel=\"tag nofollow noopener noreferrer ugc\" target=\"_blank\"";

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80                    ? 1
                    : lead >= 0xC2 && lead <= 0xDF ? 2
                    : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                   : 0;
    if (length == 0 || i + length > text.size()) return false;
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

bool AllowedAttribute(std::string_view element, std::string_view attribute) {
  if (element == "a") {
    return attribute == "href" || attribute == "class" || attribute == "rel" ||
           attribute == "target";
  }
  if (element == "span") return attribute == "class" || attribute == "translate";
  if (element == "p") return attribute == "class";
  if (element == "ol") return attribute == "start";
  if (element == "li") return attribute == "value";
  return false;
}

// What breaks the header's promises in `html`, or "" when nothing does:
// only allowlisted elements and attributes (so no on* handler, no style, no
// src), quoted values without markup characters, links whose scheme is http,
// https or mailto (never javascript:, vbscript: or data:) with the forced rel
// and target, balanced tags no deeper than `max_depth`, & < > " ' escaped in
// text, valid UTF-8 without NUL or characters a parser would replace. Text
// may say "javascript:" or "onerror=": escaped, it is harmless.
std::string Problem(std::string_view html, unsigned max_depth = 64) {
  static const std::vector<std::string_view> kElements = {
      "p", "br", "span", "a",   "del", "s",     "pre", "code", "em", "strong",
      "b", "i",  "u",    "sub", "sup", "small", "ul",  "ol",   "li", "blockquote"};
  auto at = [](size_t i) { return " at byte " + std::to_string(i); };
  if (!IsValidUtf8(html)) return "invalid UTF-8";
  for (char c : html) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\f') ||
        c == 0x7F) {
      return "control character " + std::to_string(static_cast<int>(c));
    }
  }
  std::vector<std::string> open;
  size_t deepest = 0;
  for (size_t i = 0; i < html.size();) {
    char c = html[i];
    if (c == '>' || c == '"' || c == '\'') return std::string("unescaped ") + c + at(i);
    if (c == '&') {
      std::string_view rest = html.substr(i);
      bool known = false;
      for (std::string_view entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"}) {
        known = known || rest.starts_with(entity);
      }
      if (!known) return "bare &" + at(i);
      ++i;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    size_t close = html.find('>', i);
    if (close == std::string_view::npos) return "unfinished tag" + at(i);
    std::string_view tag = html.substr(i + 1, close - i - 1);
    i = close + 1;
    std::string lower(tag);
    for (char& l : lower) l = static_cast<char>(std::tolower(static_cast<unsigned char>(l)));
    if (tag.starts_with("/")) {
      if (open.empty() || tag.substr(1) != open.back()) return "unbalanced <" + lower + ">";
      open.pop_back();
      continue;
    }
    std::string name(tag.substr(0, tag.find(' ')));
    if (std::find(kElements.begin(), kElements.end(), name) == kElements.end()) {
      return "element <" + name + ">";
    }
    std::string_view attributes = tag.substr(name.size());
    bool has_target = false;
    while (!attributes.empty()) {
      size_t equals = attributes.find("=\"");
      size_t end = equals == std::string_view::npos ? equals : attributes.find('"', equals + 2);
      if (attributes[0] != ' ' || end == std::string_view::npos) return "malformed <" + lower + ">";
      std::string_view attribute = attributes.substr(1, equals - 1);
      std::string_view value = attributes.substr(equals + 2, end - equals - 2);
      attributes.remove_prefix(end + 1);
      if (!AllowedAttribute(name, attribute)) return name + "[" + std::string(attribute) + "]";
      if (value.find_first_of("<>'") != std::string_view::npos) return "markup in a value";
      std::string scheme(value.substr(0, value.find(':') + 1));
      for (char& l : scheme) l = static_cast<char>(std::tolower(static_cast<unsigned char>(l)));
      if (attribute == "href" && scheme != "http:" && scheme != "https:" && scheme != "mailto:") {
        return "href " + std::string(value);
      }
      if (attribute == "rel" && value != "nofollow noopener noreferrer ugc" &&
          value != "tag nofollow noopener noreferrer ugc") {
        return "rel " + std::string(value);
      }
      if (attribute == "target" && value != "_blank") return "target " + std::string(value);
      has_target = has_target || attribute == "target";
    }
    if (name == "a" && !has_target) return "<a> without target";
    if (name != "br") open.push_back(name);
    deepest = std::max(deepest, open.size());
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (deepest > max_depth) return "nested " + std::to_string(deepest) + " deep";
  return {};
}

// The checker itself: it must see what it is there to see.
TEST(HtmlSanitizerChecker, FlagsUnsafeMarkup) {
  for (std::string_view unsafe :
       {"<script>x</script>", "<img src=x>", "<p onclick=\"x\">a</p>", "<p style=\"x\">a</p>",
        "<a href=\"javascript:x\" rel=\"nofollow noopener noreferrer ugc\" target=\"_blank\">a</a>",
        "<a href=\"https://x.example/\">a</a>", "a > b", "it's", "<p>a", "<b><i></b></i>", "&foo;",
        "a\001b", "\xff"}) {
    EXPECT_NE(Problem(unsafe), "") << unsafe;
  }
  EXPECT_NE(Problem("<b><b><b>x</b></b></b>", 2), "");
  EXPECT_EQ(
      Problem("<p class=\"quote-inline\">a<br><a href=\"https://x.example/\" class=\"mention\" "s +
              kRel + ">&amp;&#39;</a></p><ol start=\"2\"><li value=\"3\">x</li></ol>"),
      "");
}

// Sanitises `input`, checks the promises of every output (safe, and
// unchanged when sanitised again) and returns it.
std::string Sanitized(std::string_view input, const SanitizeOptions& options = {}) {
  Result<std::string> once = SanitizeHtml(input, options);
  if (!once) {
    ADD_FAILURE() << once.error().message;
    return {};
  }
  EXPECT_EQ(Problem(*once, options.max_depth), "") << once->substr(0, 300);
  // Escaping can make the output longer than the input was allowed to be.
  SanitizeOptions again = options;
  again.max_input_bytes = std::max(options.max_input_bytes, once->size());
  Result<std::string> twice = SanitizeHtml(*once, again);
  EXPECT_TRUE(twice.has_value());
  if (twice) {
    EXPECT_EQ(*twice, *once) << "not idempotent";
  }
  return *once;
}

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Sanitized(c.input), c.expected);
  }
}

TEST(HtmlSanitizer, KeepsAllowlistedMarkup) {
  ExpectCases({
      {"paragraphs and breaks", "<p>one<br>two</p><p>three</p>", "<p>one<br>two</p><p>three</p>"},
      {"inline", "<b>b</b><i>i</i><u>u</u><s>s</s><del>d</del><em>e</em><strong>s</strong>",
       "<b>b</b><i>i</i><u>u</u><s>s</s><del>d</del><em>e</em><strong>s</strong>"},
      {"small sub sup code", "<small>s</small>H<sub>2</sub>O x<sup>2</sup> <code>c()</code>",
       "<small>s</small>H<sub>2</sub>O x<sup>2</sup> <code>c()</code>"},
      {"lists", "<ul><li>a</li><li>b</li></ul><ol start=\"3\"><li value=\"7\">c</li></ol>",
       "<ul><li>a</li><li>b</li></ul><ol start=\"3\"><li value=\"7\">c</li></ol>"},
      {"nested lists", "<ul><li>a<ul><li>b</li></ul></li></ul>",
       "<ul><li>a<ul><li>b</li></ul></li></ul>"},
      {"quote and code block", "<blockquote><p>q</p></blockquote><pre><code>x = 1;\n</code></pre>",
       "<blockquote><p>q</p></blockquote><pre><code>x = 1;\n</code></pre>"},
      {"link", "<a href=\"https://x.example/a?b=1&amp;c=2\">x</a>",
       "<a href=\"https://x.example/a?b=1&amp;c=2\" "s + kRel + ">x</a>"},
      {"uppercase tags", "<P><B>x</B></P>", "<p><b>x</b></p>"},
      {"implied end tags", "<p>a<p>b<ul><li>c<li>d</ul>",
       "<p>a</p><p>b</p><ul><li>c</li><li>d</li></ul>"},
      {"self-closing syntax", "<br/><p/>x", "<br><p>x</p>"},
      {"end br is a break", "a</br>b", "a<br>b"},
      {"text only", "plain text", "plain text"},
      {"empty", "", ""},
  });
}

TEST(HtmlSanitizer, HeadingsBecomeBoldParagraphs) {
  ExpectCases({
      {"h1", "<h1>Title</h1><p>text</p>", "<p><strong>Title</strong></p><p>text</p>"},
      {"all levels", "<h2>a</h2><h6>b</h6>", "<p><strong>a</strong></p><p><strong>b</strong></p>"},
      {"closes a paragraph", "<p>a<h3>b</h3>c", "<p>a</p><p><strong>b</strong></p>c"},
      {"mismatched end", "<h1>a</h2>b", "<p><strong>a</strong></p>b"},
      {"blocks inside lose their tags", "<h1>t<ul><li>x</li></ul></h1>",
       "<p><strong>tx</strong></p>"},
      {"in a list item", "<ul><li><h4>x</h4></li></ul>",
       "<ul><li><p><strong>x</strong></p></li></ul>"},
  });
}

TEST(HtmlSanitizer, UnwrapsOtherElements) {
  ExpectCases({
      {"unknown element", "<foo>a</foo><x-custom>b</x-custom>", "ab"},
      {"presentational", "<font color=red>a</font><big>b</big><strike>c</strike><ins>d</ins>",
       "abcd"},
      {"abbr and friends", "<abbr title=t>a</abbr> <kbd>k</kbd> <mark>m</mark>", "a k m"},
      {"block leaves a newline", "<div>a</div><div>b</div>", "a\nb\n"},
      {"div closes a paragraph", "<p>a<div>b</div>c</p>", "<p>a</p>\nb\nc"},
      {"div around paragraphs", "<div><p>a</p><p>b</p></div>", "<p>a</p><p>b</p>\n"},
      {"table", "<table><tr><td>a</td><td>b</td></tr></table>", "a\nb\n"},
      {"horizontal rule", "a<hr>b", "a\nb"},
      {"list item outside a list", "<li>a</li>", "a"},
      {"list item in a quote", "<blockquote><li>a</li></blockquote>", "<blockquote>a</blockquote>"},
      {"images and inputs vanish", "a<img src=\"https://x.example/i.png\" alt=\"i\"><input>b",
       "ab"},
      {"xmp text is literal", "<xmp><b>&amp;</b></xmp>", "&lt;b&gt;&amp;amp;&lt;/b&gt;\n"},
      {"pre holding a block", "<pre><div>x</div></pre>", "<pre>\n\nx\n</pre>"},
      {"pre holding a comment", "<pre><!-- c -->\nx</pre>", "<pre>\n\nx</pre>"},
      {"html head body", "<html><head><title>t</title></head><body><p>x</p></body></html>",
       "<p>x</p>"},
      {"entities do not join across removed tags", "&am<x>p;", "&amp;amp;"},
  });
}

TEST(HtmlSanitizer, DropsDangerousElementsWithTheirContent) {
  for (std::string_view element :
       {"script", "style", "template", "iframe", "object", "noscript", "textarea", "select",
        "title", "svg", "math", "applet", "noembed", "noframes"}) {
    SCOPED_TRACE(std::string(element));
    std::string html =
        "a<" + std::string(element) + "><x-y>hidden</x-y></" + std::string(element) + ">b";
    EXPECT_EQ(Sanitized(html), "ab");
    std::string upper = html;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(Sanitized(upper), "AB");
  }
  ExpectCases({
      {"nested template", "<template><template>x</template>y</template>z", "z"},
      {"select ends at input", "<select><option>o<input>after", "after"},
      {"self-closing svg is empty", "<svg/>after", "after"},
      {"svg ends where html resumes", "<svg><g><p>shown</p>", "<p>shown</p>"},
      {"so does math, as in a browser", "<math><b>shown</b></math>", "<b>shown</b>"},
      {"embed is void", "<embed src=x>after", "after"},
  });
}

TEST(HtmlSanitizer, FiltersAttributes) {
  ExpectCases({
      {"classes from the allowlist",
       "<span class=\"h-card foo invisible\">a</span><span class=\"ellipsis bar\">b</span>",
       "<span class=\"h-card invisible\">a</span><span class=\"ellipsis\">b</span>"},
      {"no allowed class leaves no attribute", "<span class=\"x y\">a</span>", "<span>a</span>"},
      {"class each once", "<a href=\"https://x.example\" class=\"mention mention\tu-url\">a</a>",
       "<a href=\"https://x.example\" class=\"mention u-url\" "s + kRel + ">a</a>"},
      {"classes are case-sensitive", "<span class=\"H-CARD\">a</span>", "<span>a</span>"},
      {"quote-inline paragraph", "<p class=\"quote-inline\">RE: x</p>",
       "<p class=\"quote-inline\">RE: x</p>"},
      {"no class on other elements", "<b class=\"mention\">a</b>", "<b>a</b>"},
      {"translate", "<span translate=\"no\">a</span><span translate=\"\">b</span>",
       "<span translate=\"no\">a</span><span>b</span>"},
      {"rel tag kept, others replaced",
       "<a href=\"https://x.example/tags/t\" rel=\"TAG me opener\" target=\"_self\">#t</a>",
       "<a href=\"https://x.example/tags/t\" "s + kTagRel + ">#t</a>"},
      {"integers", "<ol start=\" 007 \"><li value=\"-2\">a</li><li value=\"2.5\">b</li></ol>",
       "<ol start=\"7\"><li value=\"-2\">a</li><li>b</li></ol>"},
      {"integer too long", "<ol start=\"12345678901\"><li>a</li></ol>", "<ol><li>a</li></ol>"},
      {"everything else goes",
       "<p id=i style=\"color:red\" title=t dir=rtl lang=fr data-x=1 onclick=x>a</p>", "<p>a</p>"},
      {"first duplicate wins", "<span class=mention class=evil>a</span>",
       "<span class=\"mention\">a</span>"},
  });
}

TEST(HtmlSanitizer, LinksNeedAnAllowedScheme) {
  struct Href {
    std::string written;
    std::string kept;  // "" when the <a> must go
  };
  const std::vector<Href> hrefs = {
      {"https://x.example/", "https://x.example/"},
      {"http://x.example/", "http://x.example/"},
      {"mailto:a@x.example", "mailto:a@x.example"},
      {"HtTpS://x.example/", "HtTpS://x.example/"},
      {" \n https://x.example/ \t", "https://x.example/"},
      {"ht\ttp\ns://x.example/", "https://x.example/"},
      {"https://x.example/a b", "https://x.example/a b"},
      {"https://x.example/&quot;&lt;", "https://x.example/\"<"},
      {"&#104;ttps://x.example/", "https://x.example/"},
      {"//x.example/", ""},
      {"/local/path", ""},
      {"relative", ""},
      {"#fragment", ""},
      {"?query", ""},
      {"", ""},
      {"javascript:alert(1)", ""},
      {"ftp://x.example/", ""},
      {"data:text/html,x", ""},
      {"tel:+33100000000", ""},
      {"xmpp:a@x.example", ""},
      {":https://x.example", ""},
      {"1http://x.example", ""},
      {"https\\://x.example", ""},
  };
  for (const Href& href : hrefs) {
    SCOPED_TRACE(href.written);
    std::string html = "<a href=\"" + href.written + "\">x</a>";
    std::string expected = "x";
    if (!href.kept.empty()) {
      std::string escaped;
      for (char c : href.kept) {
        if (c == '&')
          escaped += "&amp;";
        else if (c == '"')
          escaped += "&quot;";
        else if (c == '<')
          escaped += "&lt;";
        else
          escaped += c;
      }
      expected = "<a href=\"" + escaped + "\" " + kRel + ">x</a>";
    }
    EXPECT_EQ(Sanitized(html), expected);
  }
}

TEST(HtmlSanitizer, EscapesTextAndAttributeValues) {
  ExpectCases({
      {"five characters", "<p>&amp; &lt; &gt; &quot; &#39; ' \"</p>",
       "<p>&amp; &lt; &gt; &quot; &#39; &#39; &quot;</p>"},
      {"stray markup characters", "a < b > c && d", "a &lt; b &gt; c &amp;&amp; d"},
      {"decoded references are escaped again", "&#60;b&#62; &#x26;lt;", "&lt;b&gt; &amp;lt;"},
      {"named references", "caf&eacute; &hellip; &nbsp;", "café … \u00a0"},
      {"attribute quotes", "<a href='https://x.example/?q=\"a\"&apos;'>x</a>",
       "<a href=\"https://x.example/?q=&quot;a&quot;&#39;\" "s + kRel + ">x</a>"},
      {"newline after pre kept", "<pre>\n\nx</pre>", "<pre>\n\nx</pre>"},
      {"newline after pre through an unwrapped tag", "<pre><font>\nx</font></pre>",
       "<pre>\n\nx</pre>"},
  });
}

TEST(HtmlSanitizer, CleansUtf8AndNul) {
  ExpectCases({
      {"valid multibyte", "<p>é 日本 🚲</p>", "<p>é 日本 🚲</p>"},
      {"stray continuation", "a\x80z", "a\uFFFDz"},
      {"invalid lead bytes", "a\xff\xfe\xc0\xc1z", "a\uFFFD\uFFFD\uFFFD\uFFFDz"},
      {"truncated sequence", "a\xe2\x82z", "a\uFFFDz"},
      {"truncated at the end", "a\xf0\x9f\x9a", "a\uFFFD"},
      {"overlong slash", "a\xc0\xafz", "a\uFFFD\uFFFDz"},
      {"surrogate", "a\xed\xa0\x80z", "a\uFFFD\uFFFD\uFFFDz"},
      {"above U+10FFFF", "a\xf4\x90\x80\x80z", "a\uFFFD\uFFFD\uFFFD\uFFFDz"},
      {"invalid inside an attribute", "<a href=\"https://x.example/\xff\">x</a>",
       "<a href=\"https://x.example/\uFFFD\" "s + kRel + ">x</a>"},
      {"nul bytes removed", "a\0b<p\0>c</p>\0"s, "ab<p>c</p>"},
      {"nul reference is a replacement character", "a&#0;b", "a\uFFFDb"},
      {"carriage returns", "a\r\nb\rc", "a\nb\nc"},
      // A parser replaces these when it reads them raw, so the output must
      // not carry them (found by fuzzing: "&#1" was not idempotent).
      {"raw controls", "a\001b\013c\177d\302\201e", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe"},
      {"control references", "a&#1;b&#x7f;c&#x81;d&#1e", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe"},
      {"noncharacters", "a&#xFDD0;b&#xFFFE;c&#x10FFFF;d", "a\uFFFDb\uFFFDc\uFFFDd"},
      {"CR reference", "a&#13;b", "a\nb"},
      // The newline a carriage return becomes, right after <pre>, is kept
      // twice so that a second parse keeps one (found by fuzzing).
      {"CR reference after pre", "<pre>&#13;x</pre>", "<pre>\n\nx</pre>"},
      {"C1 references read as windows-1252", "&#x80;&#x9F;", "€Ÿ"},
      {"tab and form feed stay", "a\tb\fc", "a\tb\fc"},
      {"control in a link", "<a href=\"https://x.example/a&#1;b&#1;\">x</a>",
       "<a href=\"https://x.example/a\uFFFDb\" "s + kRel + ">x</a>"},
      // gumbo wrote these as a lone byte 0x91 (the code point overflows its
      // int); found by fuzzing.
      {"reference past INT_MAX", "<p>&#xEbbbbbbbbbbbbbbbbb91;x</p>", "<p>\uFFFDx</p>"},
      {"the same in a link",
       "<a href=\"https://x.example/?a=&#xEbbbbbbbbbbbbbbbb91;\">x</a>",
       "<a href=\"https://x.example/?a=\uFFFD\" "s + kRel + ">x</a>"},
  });
}

TEST(HtmlSanitizer, RefusesInputOverTheLimit) {
  SanitizeOptions options;
  options.max_input_bytes = 10;
  EXPECT_EQ(SanitizeHtml("0123456789", options).value_or("failed"), "0123456789");
  Result<std::string> over = SanitizeHtml("0123456789a", options);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(over.error().message, "HTML is 11 bytes, more than the limit of 10");

  const std::string megabyte(1 << 20, 'x');
  Result<std::string> refused = SanitizeHtml(megabyte);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kLimitExceeded);
}

TEST(HtmlSanitizer, SanitizesOneMegabyteWhenAllowed) {
  std::string post;
  while (post.size() < (1 << 20)) {
    post +=
        "<p>Hello <span class=\"h-card\"><a href=\"https://x.example/@a\" class=\"u-url "
        "mention\">@<span>a</span></a></span> <img src=x onerror=alert(1)><script>x</script>"
        "<div>&amp; <b>bold</b></div></p>";
  }
  SanitizeOptions options;
  options.max_input_bytes = 2 << 20;
  std::string html = Sanitized(post, options);
  EXPECT_GT(html.size(), post.size() / 2);
  EXPECT_EQ(html.find("onerror"), std::string::npos);
}

TEST(HtmlSanitizer, FlattensDeepNesting) {
  const int levels = 10000;
  for (std::string element : {"div", "span", "blockquote", "b", "ul", "li", "font", "table"}) {
    SCOPED_TRACE(element);
    std::string html;
    for (int i = 0; i < levels; ++i) html += "<" + element + ">";
    html += "deep";
    for (int i = 0; i < levels; ++i) html += "</" + element + ">";
    html += "after";
    std::string out = Sanitized(html);  // checks depth <= 64
    EXPECT_NE(out.find("deep"), std::string::npos);
    EXPECT_NE(out.find("after"), std::string::npos);
    EXPECT_LT(out.size(), 4096u);
  }
  SanitizeOptions shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(Sanitized("<blockquote><p><b><i>x</i></b></p></blockquote>y", shallow),
            "<blockquote><p>x</p></blockquote>y");
  shallow.max_depth = 0;
  EXPECT_EQ(Sanitized("<p><b>x</b><br>y</p>", shallow), "x<br>y");
}

// Shapes that make gumbo 0.10.1 quadratic, or make it multiply elements,
// when it is given them directly. Bounded output shows the TagStream stops
// them; each runs in well under a second.
TEST(HtmlSanitizer, HostileShapesStayBounded) {
  auto repeat = [](std::string_view part, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += part;
    return out;
  };
  std::string amplifier;  // 68 KB: 9 million nodes and 13 s in gumbo alone (-O2)
  for (int i = 0; i < 3000; ++i) amplifier += "<div>";
  for (int i = 0; i < 3000; ++i) amplifier += "<b id=" + std::to_string(i) + ">";
  for (int i = 0; i < 3000; ++i) amplifier += "</div>x";
  const std::vector<std::string> inputs = {
      amplifier,
      repeat("<div>", 50000),
      repeat("<ul>", 50000),
      repeat("<i><b>", 25000),
      repeat("<b><div></b>", 20000),
      repeat("<li><b><li>", 20000),
      repeat("<table><tr><td><p>", 10000),
      repeat("<svg><p>", 20000),
      repeat("<a href=https://x.example/><p>", 5000),
      repeat("<!--", 50000),
      repeat("<", 100000),
      "<a " + repeat("x=1 ", 50000) + ">",
      "<script>" + repeat("<!--<script>", 20000),
  };
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input.substr(0, 40));
    std::string out = Sanitized(input);
    EXPECT_LT(out.size(), 4 * input.size() + 64);
    std::string text = HtmlText(input);
    EXPECT_LE(text.size(), input.size());
  }
}

// The XSS corpus: each payload with its exact output.
TEST(HtmlSanitizerXss, Corpus) {
  ExpectCases({
      {"script", "<script>alert(1)</script>", ""},
      {"script upper", "<SCRIPT>alert(1)</SCRIPT>after", "after"},
      {"script mixed case", "<ScRiPt>alert(1)</sCrIpT>", ""},
      {"script with src", "<script src=\"https://evil.example/x.js\"></script>ok", "ok"},
      {"script broken", "<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"},
      {"script split end", "<script>a</scr</script>ipt>", "ipt&gt;"},
      {"script unclosed", "before<script>alert(1)", "before"},
      {"script end with attributes", "<script>x</script foo=\"a>b\">after", "after"},
      {"script in attribute text", "<p title=\"<script>alert(1)</script>\">t</p>", "<p>t</p>"},
      {"script escaped comment", "<script><!--<script></script>x</script>y", "y"},
      {"double open", "<<script>alert(1)//<</script>", "&lt;"},
      {"script in svg", "<svg><script>alert(1)</script></svg>", ""},
      {"script after p", "<p>a</p><script>document.cookie</script><p>b</p>", "<p>a</p><p>b</p>"},
      {"img onerror", "<img src=x onerror=alert(1)>", ""},
      {"img onerror spaced", "<img src = x  onerror = \"alert(1)\" >", ""},
      {"img slash separator", "<img/src=x/onerror=alert(1)>", ""},
      {"body onload", "<body onload=alert(1)>text", "text"},
      {"p onmouseover", "<p onmouseover=\"alert(1)\">x</p>", "<p>x</p>"},
      {"p onmouseover single quote", "<p ONMOUSEOVER='alert(1)'>x</p>", "<p>x</p>"},
      {"span onclick no space", "<span class=\"mention\"onclick=\"alert(1)\">x</span>",
       "<span class=\"mention\">x</span>"},
      {"a onclick backtick", "<a href=https://ok.example onclick=`alert(1)`>x</a>",
       "<a href=\"https://ok.example\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"a onfocus autofocus", "<a href=\"https://ok.example\" autofocus onfocus=\"alert(1)\">x</a>",
       "<a href=\"https://ok.example\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"on attribute newline", "<b\nonclick=alert(1)>x</b>", "<b>x</b>"},
      {"details ontoggle", "<details open ontoggle=alert(1)>x</details>", "x\n"},
      {"javascript href", "<a href=\"javascript:alert(1)\">x</a>", "x"},
      {"javascript upper", "<a href=\"JAVASCRIPT:alert(1)\">x</a>", "x"},
      {"javascript leading space", "<a href=\"  javascript:alert(1)\">x</a>", "x"},
      {"javascript leading control", "<a href=\"\001javascript:alert(1)\">x</a>", "x"},
      {"javascript tab", "<a href=\"java\tscript:alert(1)\">x</a>", "x"},
      {"javascript newline", "<a href=\"java\nscript:alert(1)\">x</a>", "x"},
      {"javascript tab entity", "<a href=\"java&Tab;script:alert(1)\">x</a>", "x"},
      {"javascript newline entity", "<a href=\"java&#10;script:alert(1)\">x</a>", "x"},
      {"javascript decimal entity", "<a href=\"&#106;avascript:alert(1)\">x</a>", "x"},
      {"javascript hex entity", "<a href=\"&#x6A;avascript:alert(1)\">x</a>", "x"},
      {"javascript padded entity", "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>", "x"},
      {"javascript all entities",
       "<a "
       "href=\"&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)\">x</a>",
       "x"},
      {"javascript colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>", "x"},
      {"javascript double encoded", "<a href=\"&amp;#106;avascript:alert(1)\">x</a>", "x"},
      {"javascript unquoted", "<a href=javascript:alert(1)>x</a>", "x"},
      {"javascript single quoted", "<a href='javascript:alert(1)'>x</a>", "x"},
      {"vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>", "x"},
      {"data html", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
       "x"},
      {"data upper", "<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>", "x"},
      {"duplicate href", "<a href=\"javascript:alert(1)\" href=\"https://ok.example\">x</a>", "x"},
      {"relative href", "<a href=\"/users/x\">x</a>", "x"},
      {"protocol relative href", "<a href=\"//evil.example/x\">x</a>", "x"},
      {"file href", "<a href=\"file:///etc/passwd\">x</a>", "x"},
      {"a without href", "<a name=\"x\">anchor</a>", "anchor"},
      {"svg onload", "<svg onload=alert(1)>", ""},
      {"svg animate", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", ""},
      {"svg use data",
       "<svg><use href=\"data:image/svg+xml,<svg id=x><script>alert(1)</script></svg>#x\"/></svg>",
       ""},
      {"svg a xlink",
       "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
       ""},
      {"svg breakout", "<svg><p>out</p>", "<p>out</p>"},
      {"svg style breakout", "<svg><style><img src=x onerror=alert(1)></style></svg>", ""},
      {"svg foreignobject",
       "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>after",
       "after"},
      {"math", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", ""},
      {"math mglyph style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""},
      {"math annotation",
       "<math><annotation-xml "
       "encoding=\"text/html\"><script>alert(1)</script></annotation-xml></math>",
       ""},
      {"style element", "<style>body{background:url(javascript:alert(1))}</style>text", "text"},
      {"style attribute", "<p style=\"background:url(javascript:alert(1))\">x</p>", "<p>x</p>"},
      {"css expression", "<span style=\"width: expression(alert(1))\">x</span>", "<span>x</span>"},
      {"style import", "<style>@import 'https://evil.example/x.css';</style>", ""},
      {"iframe", "<iframe src=\"https://evil.example\"></iframe>after", "after"},
      {"iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\">fallback</iframe>", ""},
      {"object", "<object data=\"javascript:alert(1)\"><p>fallback</p></object>after", "after"},
      {"embed", "<embed src=\"javascript:alert(1)\">after", "after"},
      {"form input",
       "<form action=\"javascript:alert(1)\"><input type=submit value=go><button "
       "formaction=javascript:alert(1)>b</button></form>",
       "b\n"},
      {"textarea", "<textarea><script>alert(1)</script></textarea>after", "after"},
      {"select", "<select><option>a</option><script>alert(1)</script></select>after", "after"},
      {"meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">after",
       "after"},
      {"base href", "<base href=\"javascript:alert(1)//\"><a href=\"/x\">x</a>", "x"},
      {"link stylesheet", "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">after",
       "after"},
      {"title", "<title></title><script>alert(1)</script>", ""},
      {"template", "<template><script>alert(1)</script><p>hidden</p></template>after", "after"},
      {"noscript mxss", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
       "&quot;&gt;"},
      {"noembed mxss", "<noembed><img title=\"</noembed><img src onerror=alert(1)>\"></noembed>",
       "&quot;&gt;"},
      {"xmp", "<xmp><script>alert(1)</script></xmp>", "&lt;script&gt;alert(1)&lt;/script&gt;\n"},
      {"plaintext", "<plaintext><script>alert(1)</script>",
       "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"comment", "<!-- <script>alert(1)</script> -->after", "after"},
      {"comment hides tag", "a<!--<img src=x onerror=alert(1)>-->b", "ab"},
      {"comment bang end", "a<!-- x --!><b>b</b>", "a<b>b</b>"},
      {"comment abrupt", "a<!--><b>b</b>", "a<b>b</b>"},
      {"comment unclosed", "a<!-- <script>alert(1)</script>", "a"},
      {"comment in attribute", "<p title=\"<!--\">x</p>--><b>y</b>", "<p>x</p>--&gt;<b>y</b>"},
      {"conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]-->after", "after"},
      {"cdata", "<![CDATA[<script>alert(1)</script>]]>", "alert(1)]]&gt;"},
      {"cdata in svg", "<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>after", "after"},
      {"processing instruction", "<?xml version=\"1.0\"?><p>x</p>", "<p>x</p>"},
      {"doctype", "<!DOCTYPE html><p>x</p>", "<p>x</p>"},
      {"unclosed tag", "<p>a <b>bold <a href=\"https://ok.example\">link",
       "<p>a <b>bold <a href=\"https://ok.example\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">link</a></b></p>"},
      {"unclosed attribute", "<img src=\"x onerror=alert(1)//", ""},
      {"eof in tag", "text <img src=x onerror=alert(1)", "text "},
      {"unquoted attribute", "<a href=https://ok.example/?a=1&b=2 class=mention>x</a>",
       "<a href=\"https://ok.example/?a=1&amp;b=2\" class=\"mention\" rel=\"nofollow noopener "
       "noreferrer ugc\" target=\"_blank\">x</a>"},
      {"attribute without value", "<p hidden class>x</p>", "<p>x</p>"},
      {"weird attribute names", "<p \"onclick\"=alert(1) =onclick=alert(1)>x</p>", "<p>x</p>"},
      {"nested encodings in text", "&lt;script&gt;alert(1)&lt;/script&gt;",
       "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"double escaped text", "&amp;lt;script&amp;gt;", "&amp;lt;script&amp;gt;"},
      {"entity gluing", "&am<i-dropped>p;lt;", "&amp;amp;lt;"},
      {"html and body",
       "<html><head><script>alert(1)</script></head><body onload=alert(1)><p>x</p></body></html>",
       "<p>x</p>"},
      {"frameset", "<frameset><frame src=\"javascript:alert(1)\"></frameset>", ""},
      {"marquee", "<marquee onstart=alert(1)>x</marquee>", "x"},
      {"applet", "<applet code=\"x\"><p>fallback</p></applet>after", "after"},
      {"audio video",
       "<video src=x onerror=alert(1)><source src=y onerror=alert(1)>fallback</video>", "fallback"},
      {"isindex", "<isindex action=\"javascript:alert(1)\" type=image>", ""},
      {"button formaction", "<button formaction=\"javascript:alert(1)\">b</button>", "b"},
      {"misnested formatting", "<b>1<i>2</b>3</i>", "<b>1<i>2</i></b>3"},
      {"link in link", "<a href=\"https://a.example\">a<a href=\"https://b.example\">b</a></a>",
       "<a href=\"https://a.example\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">a</a><a href=\"https://b.example\" rel=\"nofollow noopener noreferrer "
       "ugc\" target=\"_blank\">b</a>"},
      {"p in p", "<p>a<p>b</p></p>", "<p>a</p><p>b</p>"},
      {"div in p", "<p>a<div>b</div>c</p>", "<p>a</p>\nb\nc"},
      {"table", "<table><tr><td>a</td><td>b</td></tr></table>", "a\nb\n"},
      {"table foster", "<table><b>x</b><tr><td>y</td></tr></table>", "<b>x</b>\ny\n"},
      {"li outside list", "<li>a</li><p><li>b</p>", "a<p></p>b"},
      {"heading in paragraph", "<p>a<h2>b</h2>c", "<p>a</p><p><strong>b</strong></p>c"},
      {"ul in heading", "<h1>t<ul><li>x</li></ul></h1>", "<p><strong>tx</strong></p>"},
      {"id and name", "<p id=\"x\" name=\"y\" data-x=\"z\" dir=\"rtl\" lang=\"fr\">x</p>",
       "<p>x</p>"},
      {"class spoofing",
       "<span class=\"h-card mention invisible quote-inline status__content\">x</span>",
       "<span class=\"h-card mention invisible quote-inline\">x</span>"},
      {"translate", "<span translate=\"NO\">x</span><span translate=\"maybe\">y</span>",
       "<span translate=\"no\">x</span><span>y</span>"},
      {"ol start",
       "<ol start=\"3x\"><li value=\"abc\">a</li></ol><ol start=\"-2\"><li "
       "value=\"+5\">b</li></ol>",
       "<ol><li>a</li></ol><ol start=\"-2\"><li value=\"5\">b</li></ol>"},
      {"rel spoof", "<a href=\"https://ok.example\" rel=\"opener\" target=\"_self\">x</a>",
       "<a href=\"https://ok.example\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"quotes in href", "<a href='https://ok.example/\"onmouseover=\"alert(1)'>x</a>",
       "<a href=\"https://ok.example/&quot;onmouseover=&quot;alert(1)\" rel=\"nofollow noopener "
       "noreferrer ugc\" target=\"_blank\">x</a>"},
      {"angle in href", "<a href=\"https://ok.example/<script>\">x</a>",
       "<a href=\"https://ok.example/&lt;script&gt;\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"quote in text", "O'Reilly \"quoted\" <b>&gt;</b>",
       "O&#39;Reilly &quot;quoted&quot; <b>&gt;</b>"},
      {"mailto", "<a href=\"mailto:someone@example.org\">mail</a>",
       "<a href=\"mailto:someone@example.org\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">mail</a>"},
      {"uppercase scheme", "<a href=\"HTTPS://ok.example/\">x</a>",
       "<a href=\"HTTPS://ok.example/\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"scheme with whitespace", "<a href=\" https://ok.example/ \">x</a>",
       "<a href=\"https://ok.example/\" rel=\"nofollow noopener noreferrer ugc\" "
       "target=\"_blank\">x</a>"},
      {"nul in scheme", "<a href=\"java\000script:alert(1)\">x</a>"s, "x"},
      {"nul in tag name", "<scr\000ipt>alert(1)</scr\000ipt>"s, ""},
      {"nul in text", "a\000b<p>c\000</p>"s, "ab<p>c</p>"},
      {"invalid utf8 in tag name", "<p\377 onclick=alert(1)>x</p>", "x"},
      {"entity-encoded tags", "&#60;script&#62;alert(1)&#60;/script&#62;",
       "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"entity-encoded tags hex no semicolon", "&#x3c;img src=x onerror=alert(1)&#x3e",
       "&lt;img src=x onerror=alert(1)&gt;"},
      {"named entities", "&lt;&LT;&gt&amp&quot;&apos;&nbsp;&NotANamedEntity;",
       "&lt;&lt;&gt;&amp;&quot;&#39;\302\240&amp;NotANamedEntity;"},
      {"numeric nul and surrogate", "&#0;&#xD800;&#x110000;",
       "\357\277\275\357\277\275\357\277\275"},
      {"javascript in text is only text", "<p>javascript:alert(1)</p>",
       "<p>javascript:alert(1)</p>"},
  });
}

// Post content as each server sends it keeps its mentions, hashtags, links
// and paragraphs, with their classes.
TEST(HtmlSanitizerFixtures, FediverseContentKeepsItsShape) {
  struct Fixture {
    const char* file;
    std::vector<const char*> path;
    std::string expected;
  };
  const std::string mention_camille =
      "<span class=\"h-card\" translate=\"no\"><a href=\"https://parvis.example/@camille\" "
      "class=\"u-url mention\" "s +
      kRel + ">@<span>camille</span></a></span>";
  const std::string hashtag_quartier =
      "<a href=\"https://mastodon.example/tags/quartier\" class=\"mention hashtag\" "s + kTagRel +
      ">#<span>quartier</span></a>";
  const std::vector<Fixture> fixtures = {
      {"activities/mastodon-create-note.json",
       {"object", "content"},
       "<p>Le marché de la place rouvre samedi, " + mention_camille +
           " tu tiens le stand ? :parvis: " + hashtag_quartier + "</p>"},
      {"activities/mastodon-create-quote.json",
       {"object", "content"},
       "<p class=\"quote-inline\">RE: <a href=\"https://parvis.example/users/camille/notes/"
       "01JPB7Z3K4M5N6P7Q8R9S0T1V2\" "s +
           kRel +
           ">parvis.example/users/camille/notes/01JPB7Z3K4M5N6P7Q8R9S0T1V2</a></p><p>Tout à "
           "fait d&#39;accord avec ça.</p>"},
      {"activities/actor-mastodon-person.json",
       {"summary"},
       "<p>Maraîchère, conseil de quartier Croix-Rousse. " + hashtag_quartier + "</p>"},
      {"activities/gts-create-note.json",
       {"object", "content"},
       "<p><span class=\"h-card\"><a href=\"https://parvis.example/@camille\" class=\"u-url "
       "mention\" "s +
           kRel +
           ">@<span>camille</span></a></span> chute sans gravité au carrefour des Lilas, les "
           "bandes cyclables ont encore disparu sous les travaux.</p>"},
      {"activities/misskey-create-note-quote.json",
       {"object", "content"},
       "<p><span>今夜は <a href=\"https://misskey.example/tags/%E3%83%91%E3%83%B3\" "s + kTagRel +
           ">#パン</a> を焼きます :blobcat:<br><br>RE: <a "
           "href=\"https://mastodon.example/users/alice/statuses/113987654321012345\" " +
           kRel +
           ">https://mastodon.example/users/alice/statuses/113987654321012345</a></span></p>"},
      {"activities/lemmy-announce-create-page.json",
       {"object", "object", "content"},
       "<p>Retour d&#39;expérience après six mois : <a href=\"https://velo.example/sixmois\" "s +
           kRel + ">l&#39;article complet</a>.</p>\n<p><strong>Verdict</strong> : ça tient.</p>\n"},
      {"activities/fedify-create-note.json",
       {"object", "content"},
       "<p>Plan des nouvelles pistes cyclables du 3e, merci <a "
       "href=\"https://parvis.example/@camille\" class=\"mention\" "s +
           kRel +
           ">@camille@parvis.example</a> pour la carte <a "
           "href=\"https://fedify.example/tags/velo\" class=\"hashtag\" " +
           kRel + ">#velo</a></p>"},
      {"activities/friendica-create-note.json",
       {"object", "content"},
       "Dimanche, <strong>vide-grenier</strong> solidaire place Sathonay ! <a "
       "href=\"https://parvis.example/@camille\" class=\"u-url mention\" "s +
           kRel + ">@<span>camille</span></a> tu passes ?"},
      {"activities/pleroma-create-chatmessage.json",
       {"object", "content"},
       "Salut ! On se voit au marché samedi ? :)"},
      {"activities/actor-misskey-person.json",
       {"summary"},
       "<p><span>パンと猫。<br>Lyon / 京都</span></p>"},
  };
  for (const Fixture& fixture : fixtures) {
    SCOPED_TRACE(fixture.file);
    rapidjson::Document doc = testing::LoadFixtureJson(fixture.file);
    const rapidjson::Value* value = &doc;
    for (const char* key : fixture.path) {
      ASSERT_TRUE(value->IsObject() && value->HasMember(key)) << key;
      value = &(*value)[key];
    }
    ASSERT_TRUE(value->IsString());
    EXPECT_EQ(Sanitized(std::string_view(value->GetString(), value->GetStringLength())),
              fixture.expected);
  }
}

// Every content and summary in the shared corpus is safe and stable.
TEST(HtmlSanitizerFixtures, EveryFixtureContentIsSafe) {
  rapidjson::Document index = testing::LoadFixtureJson("activities/index.json");
  std::vector<std::string> files;
  auto collect = [&](const rapidjson::Value& value, auto&& self) -> void {
    if (value.IsString()) {
      std::string_view text(value.GetString(), value.GetStringLength());
      if (text.ends_with(".json") && text.find('/') == std::string_view::npos) {
        files.emplace_back(text);
      }
    } else if (value.IsObject()) {
      for (const auto& member : value.GetObject()) self(member.value, self);
    } else if (value.IsArray()) {
      for (const auto& item : value.GetArray()) self(item, self);
    }
  };
  collect(index, collect);
  ASSERT_GE(files.size(), 30u);
  int checked = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    rapidjson::Document doc = testing::LoadFixtureJson("activities/" + file);
    auto visit = [&](const rapidjson::Value& value, auto&& self) -> void {
      if (value.IsObject()) {
        for (const auto& member : value.GetObject()) {
          std::string_view key(member.name.GetString(), member.name.GetStringLength());
          if ((key == "content" || key == "summary") && member.value.IsString()) {
            Sanitized(std::string_view(member.value.GetString(), member.value.GetStringLength()));
            ++checked;
          }
          self(member.value, self);
        }
      } else if (value.IsArray()) {
        for (const auto& item : value.GetArray()) self(item, self);
      }
    };
    visit(doc, visit);
  }
  EXPECT_GE(checked, 20);
}

// Random tag soup from the pieces attackers and broken servers use: every
// output is safe and idempotent, and HtmlText never fails.
TEST(HtmlSanitizer, RandomSoupIsSafeAndStable) {
  const std::vector<std::string> pieces = {
      "<p>",
      "</p>",
      "<b>",
      "</b>",
      "<i>",
      "</i>",
      "<a href=\"https://x.example/\">",
      "<a href=javascript:alert(1)>",
      "</a>",
      "<span class=\"h-card mention\">",
      "</span>",
      "<ul>",
      "</ul>",
      "<ol start=2>",
      "</ol>",
      "<li>",
      "</li>",
      "<blockquote>",
      "</blockquote>",
      "<pre>",
      "</pre>",
      "<code>",
      "</code>",
      "<h1>",
      "</h2>",
      "<br>",
      "</br>",
      "<div>",
      "</div>",
      "<table>",
      "<tr>",
      "<td>",
      "</table>",
      "<script>",
      "</script>",
      "<style>",
      "</style>",
      "<svg>",
      "</svg>",
      "<math>",
      "<template>",
      "</template>",
      "<select>",
      "<object>",
      "</object>",
      "<textarea>",
      "</textarea>",
      "<noscript>",
      "</noscript>",
      "<xmp>",
      "</xmp>",
      "<!--",
      "-->",
      "--!>",
      "<![CDATA[",
      "]]>",
      "<!DOCTYPE html>",
      "<?php ?>",
      "<img src=x onerror=alert(1)>",
      "<p title=\"",
      "\">",
      "'",
      "\"",
      "<",
      ">",
      "&",
      "&amp;",
      "&lt;",
      "&#106;",
      "&#x",
      ";",
      "\n",
      " ",
      "\t",
      "text",
      "é",
      "\xff",
      "\xe2\x82",
      std::string(1, '\0'),
      "</",
      "<p/",
      "<a",
      " onclick=alert(1)",
      "=",
      "<font color=red>",
      "<plaintext>",
      "<iframe>",
      "</iframe>",
  };
  std::mt19937 random(20240601);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 60);
  for (int round = 0; round < 3000; ++round) {
    std::string html;
    for (int n = length(random); n > 0; --n) html += pieces[pick(random)];
    SCOPED_TRACE(html);
    Sanitized(html);
    Sanitized(html, SanitizeOptions{.max_input_bytes = 1 << 20, .max_depth = 3});
    EXPECT_TRUE(IsValidUtf8(HtmlText(html)));
  }
}

TEST(HtmlSanitizerText, VisibleText) {
  const std::vector<Case> cases = {
      {"tags dropped, references decoded", "<p>caf&eacute; <b>&amp;</b> &lt;3</p>", "café & <3"},
      {"paragraphs and breaks", "<p>one<br>two</p><p>three</p>", "one\ntwo\nthree"},
      {"source newlines collapse", "<p>a</p>\n<p>b\n  c</p>\n", "a\nb c"},
      {"lists", "<ul><li>a</li><li>b</li></ul>", "a\nb"},
      {"headings and quotes", "<h1>T</h1><blockquote>q</blockquote>x", "T\nq\nx"},
      {"blocks", "<div>a</div><div>b</div><table><tr><td>c</td><td>d</td></tr></table>",
       "a\nb\nc\nd"},
      {"pre keeps whitespace", "<pre>a\n  b</pre>c", "a\n  b\nc"},
      {"no script or style text", "a<script>x()</script><style>p{}</style>b", "ab"},
      {"no hidden containers", "a<template>t</template><svg><text>s</text></svg>b", "ab"},
      {"comments dropped", "a<!-- c -->b", "ab"},
      {"mention",
       "<span class=\"h-card\"><a href=\"https://x.example/@a\">@<span>a</span></a></span> hi",
       "@a hi"},
      {"trimmed", "  <p> a </p>  ", "a"},
      {"double break", "a<br><br>b", "a\n\nb"},
      {"invalid utf8 and nul", "a\xff\0b"s, "a\uFFFDb"},
      {"empty", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(HtmlText(c.input), c.expected);
  }
}

TEST(HtmlSanitizerText, ReadsOnlyUpToTheLimit) {
  SanitizeOptions options;
  options.max_input_bytes = 6;
  EXPECT_EQ(HtmlText("<b>abcdef</b>", options), "abc");
  // The cut does not split "é".
  EXPECT_EQ(HtmlText("abcde\xc3\xa9z", options), "abcde");
  options.max_input_bytes = 7;
  EXPECT_EQ(HtmlText("abcde\xc3\xa9z", options), "abcdeé");
}

}  // namespace
}  // namespace parvis::protocol
