#include "parvis/protocol/markdown.h"

#include "parvis/protocol/html_escape.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// Choices, and why:
// - We walk cmark's tree and write the HTML ourselves rather than calling
//   cmark_render_html: only the elements listed in markdown.h can come out
//   (an unexpected node type shows its content, never its own markup), and
//   plain text comes out byte for byte as RenderPlainText writes it
//   ("<p>a<br>b</p>", no newlines between tags, the same link attributes).
// - Raw HTML (html_inline, html_block nodes) is written as escaped text,
//   not dropped as CMARK_OPT_SAFE would: the reader sees what was typed.
// - Text outside links and code goes through RenderPlainText itself, so
//   mentions, hashtags and bare URLs follow exactly its rules and markup.

namespace parvis::protocol {
namespace {

// Deeper block quotes and lists, and deeper emphasis and links, are written
// without their own markup: a hostile post cannot make readers' browsers
// (or the sanitiser after us) build thousands of nested elements.
constexpr int kMaxBlockDepth = 8;
constexpr int kMaxInlineDepth = 8;

// Headings and thematic breaks are not shown by Mastodon; these stand in.
constexpr std::string_view kHeadingOpen = "<p><strong>";
constexpr std::string_view kHeadingClose = "</strong></p>";
constexpr std::string_view kThematicBreak = "<p>\u2014</p>";

constexpr std::string_view kLinkAttributes =
    "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">";

struct Extensions {
  cmark_syntax_extension* autolink;
  cmark_syntax_extension* strikethrough;
};

const Extensions& CoreExtensions() {
  static const Extensions extensions = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return Extensions{cmark_find_syntax_extension("autolink"),
                      cmark_find_syntax_extension("strikethrough")};
  }();
  return extensions;
}

// cmark-gfm 0.29 turns its extensions' special characters on and off in a
// process-wide table around each parse, so two parses must not overlap.
std::mutex& ParseMutex() {
  static std::mutex mutex;
  return mutex;
}

struct NodeFree {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct ParserFree {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
using Document = std::unique_ptr<cmark_node, NodeFree>;

// Known flaw of cmark-gfm before 0.29.0.gfm.7 (GHSA-c944-cv5f-hpvr): its
// autolink extension may read one byte before a text that starts with
// "mailto:"; it only changes whether that address is linked.
Document Parse(std::string_view text) {
  const Extensions& extensions = CoreExtensions();
  // Single '~' is common in French ("~20 personnes"); only "~~" strikes.
  int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
  std::lock_guard lock(ParseMutex());
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(options));
  if (extensions.autolink != nullptr) {
    cmark_parser_attach_syntax_extension(parser.get(), extensions.autolink);
  }
  if (extensions.strikethrough != nullptr) {
    cmark_parser_attach_syntax_extension(parser.get(), extensions.strikethrough);
  }
  cmark_parser_feed(parser.get(), text.data(), text.size());
  return Document(cmark_parser_finish(parser.get()));
}

std::string_view Literal(cmark_node* node) {
  const char* literal = cmark_node_get_literal(node);
  return literal == nullptr ? std::string_view() : std::string_view(literal);
}

std::string_view Url(cmark_node* node) {
  const char* url = cmark_node_get_url(node);
  return url == nullptr ? std::string_view() : std::string_view(url);
}

// The autolink extension links bare addresses ("bob@host" -> mailto:), and
// so takes "bob@host" out of the mention "@bob@host". Such links become
// text again, as RenderPlainText leaves addresses; [x](mailto:…) stays.
void UnlinkBareAddresses(cmark_node* root) {
  std::vector<cmark_node*> bare;
  cmark_iter* iter = cmark_iter_new(root);
  while (cmark_iter_next(iter) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (cmark_iter_get_event_type(iter) != CMARK_EVENT_ENTER ||
        cmark_node_get_type(node) != CMARK_NODE_LINK) {
      continue;
    }
    cmark_node* child = cmark_node_first_child(node);
    std::string_view url = Url(node);
    if (child != nullptr && child == cmark_node_last_child(node) &&
        cmark_node_get_type(child) == CMARK_NODE_TEXT && url.starts_with("mailto:") &&
        url.substr(7) == Literal(child)) {
      bare.push_back(node);
    }
  }
  cmark_iter_free(iter);
  if (bare.empty()) return;
  for (cmark_node* link : bare) {
    cmark_node_insert_before(link, cmark_node_first_child(link));
    cmark_node_free(link);
  }
  cmark_consolidate_text_nodes(root);
}


// An href attribute value: escaped, with spaces and control characters
// percent-encoded (cmark keeps them from "<a b>" destinations and entities).
void AppendUrl(std::string& out, std::string_view url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : url) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7F) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      AppendHtmlEscaped(out, std::string_view(&c, 1));
    }
  }
}

// http:, https: and mailto: only; relative URLs have no meaning in a note
// read elsewhere, and every other scheme is a way to run or fetch things.
bool IsSafeUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://", "mailto:"}) {
    if (url.size() > scheme.size() && LowerAscii(url.substr(0, scheme.size())) == scheme) {
      return true;
    }
  }
  return false;
}

class HtmlWriter {
 public:
  HtmlWriter(const TextLinks& links, cmark_syntax_extension* strikethrough)
      : links_(links), strikethrough_(strikethrough) {}

  std::string Write(cmark_node* root) {
    cmark_iter* iter = cmark_iter_new(root);
    cmark_event_type event;
    while ((event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
      cmark_node* node = cmark_iter_get_node(iter);
      if (event == CMARK_EVENT_ENTER) {
        Enter(node);
      } else if (event == CMARK_EVENT_EXIT) {
        Exit(node);
      }
    }
    cmark_iter_free(iter);
    return std::move(out_);
  }

 private:
  // Which depth an open element counts towards.
  enum class Kind { kNone, kQuote, kList, kItem, kInline, kLink };

  // What entering a container wrote, so that leaving it closes the same.
  struct Open {
    Kind kind;
    std::string_view close;
  };

  void Enter(cmark_node* node) {
    switch (cmark_node_get_type(node)) {
      // Leaves: cmark's iterator enters them and never exits.
      case CMARK_NODE_TEXT:
      case CMARK_NODE_HTML_INLINE: AppendText(Literal(node)); return;
      case CMARK_NODE_HTML_BLOCK: {
        std::string_view html = Literal(node);
        while (!html.empty() && (html.back() == '\n' || html.back() == '\r')) html.remove_suffix(1);
        out_ += "<p>";
        AppendText(html);
        out_ += "</p>";
        return;
      }
      case CMARK_NODE_CODE:
        out_ += "<code>";
        AppendHtmlEscaped(out_, Literal(node));
        out_ += "</code>";
        return;
      case CMARK_NODE_CODE_BLOCK:
        out_ += "<pre><code>";
        AppendHtmlEscaped(out_, Literal(node));
        out_ += "</code></pre>";
        return;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: out_ += "<br>"; return;
      case CMARK_NODE_THEMATIC_BREAK: out_ += kThematicBreak; return;

      // Containers.
      case CMARK_NODE_PARAGRAPH:
        // A tight list's items hold their text without <p>, as cmark writes them.
        if (InTightItem(node)) return Push(Kind::kNone, "", "");
        return Push(Kind::kNone, "<p>", "</p>");
      case CMARK_NODE_HEADING: return Push(Kind::kNone, kHeadingOpen, kHeadingClose);
      case CMARK_NODE_BLOCK_QUOTE:
        if (block_depth_ >= kMaxBlockDepth) return Push(Kind::kNone, "", "");
        return Push(Kind::kQuote, "<blockquote>", "</blockquote>");
      case CMARK_NODE_LIST: return EnterList(node);
      case CMARK_NODE_ITEM:
        // An item is written when its list is (the list is the innermost open).
        if (open_.empty() || open_.back().kind != Kind::kList) return Push(Kind::kNone, "", "");
        return Push(Kind::kItem, "<li>", "</li>");
      case CMARK_NODE_EMPH: return PushInline("<em>", "</em>");
      case CMARK_NODE_STRONG: return PushInline("<strong>", "</strong>");
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE: return EnterLink(node);
      default:
        if (strikethrough_ != nullptr && cmark_node_get_syntax_extension(node) == strikethrough_) {
          return PushInline("<del>", "</del>");
        }
        // The document, and anything we do not know: its content only.
        return Push(Kind::kNone, "", "");
    }
  }

  void Exit(cmark_node*) {
    if (open_.empty()) return;
    Open open = open_.back();
    open_.pop_back();
    out_ += open.close;
    if (open.kind == Kind::kQuote || open.kind == Kind::kList) --block_depth_;
    if (open.kind == Kind::kInline || open.kind == Kind::kLink) --inline_depth_;
    if (open.kind == Kind::kLink) --link_depth_;
  }

  void Push(Kind kind, std::string_view open, std::string_view close) {
    out_ += open;
    open_.push_back({kind, close});
    if (kind == Kind::kQuote || kind == Kind::kList) ++block_depth_;
    if (kind == Kind::kInline || kind == Kind::kLink) ++inline_depth_;
    if (kind == Kind::kLink) ++link_depth_;
  }

  void PushInline(std::string_view open, std::string_view close) {
    if (inline_depth_ >= kMaxInlineDepth) return Push(Kind::kNone, "", "");
    Push(Kind::kInline, open, close);
  }

  void EnterList(cmark_node* list) {
    if (block_depth_ >= kMaxBlockDepth) return Push(Kind::kNone, "", "");
    if (cmark_node_get_list_type(list) != CMARK_ORDERED_LIST) {
      return Push(Kind::kList, "<ul>", "</ul>");
    }
    int start = cmark_node_get_list_start(list);
    if (start == 1) return Push(Kind::kList, "<ol>", "</ol>");
    out_ += "<ol start=\"" + std::to_string(start) + "\">";
    Push(Kind::kList, "", "</ol>");
  }

  // A link to a safe URL, outside any other link; otherwise its content only.
  // An image is the same link, its description as text (its URL if none).
  void EnterLink(cmark_node* node) {
    std::string_view url = Url(node);
    if (link_depth_ > 0 || inline_depth_ >= kMaxInlineDepth || !IsSafeUrl(url)) {
      return Push(Kind::kNone, "", "");
    }
    out_ += "<a href=\"";
    AppendUrl(out_, url);
    out_ += kLinkAttributes;
    if (cmark_node_first_child(node) == nullptr) AppendHtmlEscaped(out_, url);
    Push(Kind::kLink, "", "</a>");
  }

  bool InTightItem(cmark_node* paragraph) const {
    cmark_node* item = cmark_node_parent(paragraph);
    if (item == nullptr || cmark_node_get_type(item) != CMARK_NODE_ITEM) return false;
    // Only when the item itself was written as <li>.
    if (open_.empty() || open_.back().kind != Kind::kItem) return false;
    cmark_node* list = cmark_node_parent(item);
    return list != nullptr && cmark_node_get_list_tight(list) != 0;
  }

  // Text as RenderPlainText writes it (URLs, mentions, hashtags linked),
  // or only escaped inside a link. Line ends (raw HTML keeps them) are <br>.
  void AppendText(std::string_view text) {
    for (size_t start = 0;;) {
      size_t end = text.find_first_of("\r\n", start);
      std::string_view line = text.substr(start, end - start);
      if (link_depth_ > 0) {
        AppendHtmlEscaped(out_, line);
      } else if (!line.empty()) {
        // One line renders as "<p>…</p>": only the middle is ours.
        std::string html = RenderPlainText(line, links_);
        out_.append(html, 3, html.size() - 7);
      }
      if (end == std::string_view::npos) return;
      out_ += "<br>";
      start = end + (text.substr(end, 2) == "\r\n" ? 2 : 1);
    }
  }

  const TextLinks& links_;
  cmark_syntax_extension* strikethrough_;
  std::string out_;
  std::vector<Open> open_;
  int block_depth_ = 0;
  int inline_depth_ = 0;
  int link_depth_ = 0;
};

}  // namespace

std::string RenderMarkdown(std::string_view text, const TextLinks& links) {
  Document document = Parse(text);
  if (document == nullptr) return "<p></p>";
  UnlinkBareAddresses(document.get());
  std::string html = HtmlWriter(links, CoreExtensions().strikethrough).Write(document.get());
  // An empty post is an empty paragraph, as RenderPlainText writes it.
  return html.empty() ? "<p></p>" : html;
}

}  // namespace parvis::protocol
