#include "parvis/protocol/html_sanitizer.h"

#include "parvis/protocol/html_escape.h"

#include <gumbo.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

// How it works, and why in two steps.
//
// gumbo 0.10.1 is a faithful HTML5 parser, but its tree builder is quadratic
// in nesting depth (50,000 nested <div>: 4 s) and lets hostile input multiply
// reconstructed formatting elements (68 KB of <div> and <b id=n>: 9 million
// nodes, 13 s). So it never sees the raw input. A TagStream first reads the
// input with the HTML tokenizer's rules (tags, attributes, comments, raw
// text) and writes a new, balanced document for gumbo: only the allowlisted
// elements, only the attributes that may survive, every end tag closing the
// innermost open element, nesting bounded by max_depth, and the parser's own
// implied closings (<p>, <li>, headings, <a>) made explicit. gumbo's stack of
// open elements then mirrors the TagStream's, so each token costs at most
// max_depth steps. gumbo decodes character references (all 2,231 names) and
// builds the tree; the Serializer walks it without recursion, checks every
// attribute value and keeps the output stable under a second parse (no <p>
// inside <p>, no <a> inside <a>, <li> only in a list).
//
// Safety never depends on the two readings agreeing: whatever the tree, only
// allowlisted elements are written, with checked attributes, and all text is
// escaped.

namespace parvis::protocol {
namespace {

// ---------------------------------------------------------------------------
// What each element becomes.

enum class Role : uint8_t {
  kKeep,       // shown to the parser; the serializer keeps it where its place allows
  kBreak,      // <br> (and </br>, which HTML reads as <br>)
  kBlock,      // tags dropped, text kept, a newline in their place
  kUnwrap,     // tags dropped, text kept: unknown and presentational elements
  kVoid,       // has no content; dropped (img, input, meta, embed...)
  kRawDrop,    // raw-text content, dropped with it (script, style, title...)
  kRawText,    // raw-text content kept as text (xmp)
  kPlaintext,  // everything after it is text
  kSkip,       // dropped with all it contains (template, object, select...)
  kForeign,    // svg and math: dropped with their content until HTML resumes
  kIgnore,     // html, head, body: a fragment has them already
};

struct ElementRule {
  Role role = Role::kUnwrap;
  bool closes_p = false;  // its start tag closes an open <p> ("close a p element")
  bool heading = false;
  bool is_void = false;                          // kBlock only: <hr>
  std::array<std::string_view, 3> attributes{};  // passed to the parser (kKeep only)
};

using RuleTable = std::unordered_map<std::string_view, ElementRule>;

const RuleTable& Rules() {
  static const RuleTable* rules = [] {
    auto* table = new RuleTable;
    auto add = [&](std::initializer_list<std::string_view> names, ElementRule rule) {
      for (std::string_view name : names) (*table)[name] = rule;
    };
    add({"b", "code", "del", "em", "i", "s", "small", "strong", "sub", "sup", "u"},
        {.role = Role::kKeep});
    add({"a"}, {.role = Role::kKeep, .attributes = {"href", "class", "rel"}});
    add({"span"}, {.role = Role::kKeep, .attributes = {"class", "translate"}});
    add({"p"}, {.role = Role::kKeep, .closes_p = true, .attributes = {"class"}});
    add({"pre", "blockquote", "ul"}, {.role = Role::kKeep, .closes_p = true});
    add({"ol"}, {.role = Role::kKeep, .closes_p = true, .attributes = {"start"}});
    add({"li"}, {.role = Role::kKeep, .closes_p = true, .attributes = {"value"}});
    add({"h1", "h2", "h3", "h4", "h5", "h6"},
        {.role = Role::kKeep, .closes_p = true, .heading = true});
    add({"br"}, {.role = Role::kBreak});
    add({"address", "article", "aside",   "center", "dd",       "details",    "dialog",
         "dir",     "div",     "dl",      "dt",     "fieldset", "figcaption", "figure",
         "footer",  "form",    "header",  "hgroup", "main",     "menu",       "nav",
         "search",  "section", "summary", "table",  "listing"},
        {.role = Role::kBlock, .closes_p = true});
    add({"hr"}, {.role = Role::kBlock, .closes_p = true, .is_void = true});
    add({"caption", "colgroup", "legend", "tbody", "td", "tfoot", "th", "thead", "tr"},
        {.role = Role::kBlock});
    add({"area", "base", "basefont", "bgsound", "col", "embed", "frame", "image", "img", "input",
         "keygen", "link", "meta", "param", "source", "track", "wbr"},
        {.role = Role::kVoid});
    add({"script", "style", "title", "textarea", "iframe", "noembed", "noframes", "noscript"},
        {.role = Role::kRawDrop});
    add({"xmp"}, {.role = Role::kRawText, .closes_p = true});
    add({"plaintext"}, {.role = Role::kPlaintext, .closes_p = true});
    add({"template", "object", "applet", "select"}, {.role = Role::kSkip});
    add({"svg", "math"}, {.role = Role::kForeign});
    add({"html", "head", "body", "frameset"}, {.role = Role::kIgnore});
    return table;
  }();
  return *rules;
}

// The rule for a lower-case tag name, and the name as a view into the table
// (so that stacks can hold it without copying).
std::pair<std::string_view, const ElementRule*> RuleFor(std::string_view name) {
  static const ElementRule kUnknown;
  auto found = Rules().find(name);
  if (found == Rules().end()) return {{}, &kUnknown};
  return {found->first, &found->second};
}

// Start tags that end svg or math content (the HTML "breakout" list).
bool BreaksOutOfForeign(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
      "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
      "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
      "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strong",
      "strike", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var"};
  for (std::string_view candidate : kNames) {
    if (candidate == name) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Input bytes as the HTML tokenizer expects them.


// The UTF-8 sequence that starts at in[i]: its length if it is valid (one
// for ASCII), else the length of its maximal invalid subpart, which the
// WHATWG decoder turns into one U+FFFD.
struct Utf8Sequence {
  size_t length;
  bool valid;
};
Utf8Sequence ReadUtf8Sequence(std::string_view in, size_t i) {
  auto byte = static_cast<unsigned char>(in[i]);
  if (byte < 0x80) return {1, true};
  size_t needed = 0;
  unsigned char lower = 0x80, upper = 0xBF;
  if (byte >= 0xC2 && byte <= 0xDF) {
    needed = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    needed = 2;
    if (byte == 0xE0) lower = 0xA0;
    if (byte == 0xED) upper = 0x9F;  // no surrogates
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    needed = 3;
    if (byte == 0xF0) lower = 0x90;
    if (byte == 0xF4) upper = 0x8F;  // nothing above U+10FFFF
  }
  size_t length = 1;
  bool valid = needed > 0;
  for (size_t k = 1; valid && k <= needed; ++k) {
    auto next = i + k < in.size() ? static_cast<unsigned char>(in[i + k]) : 0;
    if (next < lower || next > upper) {
      valid = false;
      break;
    }
    lower = 0x80, upper = 0xBF;
    length = k + 1;
  }
  return {length, valid};
}

// Valid UTF-8 without NUL and with LF line ends: the WHATWG decoder (one
// U+FFFD per maximal invalid subpart), NUL removed, CR LF and CR as LF.
std::string CleanInput(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    auto byte = static_cast<unsigned char>(in[i]);
    if (byte < 0x80) {
      if (byte == '\r') {
        out += '\n';
        if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
      } else if (byte != 0) {
        out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    Utf8Sequence sequence = ReadUtf8Sequence(in, i);
    if (sequence.valid) {
      out.append(in.substr(i, sequence.length));
    } else {
      AppendUtf8(out, 0xFFFD);
    }
    i += sequence.length;
  }
  return out;
}

// At most `limit` bytes of `in`, not cutting a UTF-8 sequence.
std::string_view PrefixAtCharacter(std::string_view in, size_t limit) {
  if (in.size() <= limit) return in;
  size_t end = limit;
  for (int k = 0; k < 3 && end > 0 && (static_cast<unsigned char>(in[end]) & 0xC0) == 0x80; ++k) {
    --end;
  }
  return in.substr(0, end);
}

// ---------------------------------------------------------------------------
// The tokenizer's view of tags.

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
bool IsTagSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f'; }
char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

struct RawAttribute {
  std::string name;        // lower-case
  std::string_view value;  // as written, character references not decoded
};

struct RawTag {
  std::string name;  // lower-case
  bool self_closing = false;
  std::vector<RawAttribute> attributes;

  // The first attribute called `name` (later duplicates do not count in HTML).
  const RawAttribute* Find(std::string_view wanted) const {
    for (const RawAttribute& attribute : attributes) {
      if (attribute.name == wanted) return &attribute;
    }
    return nullptr;
  }
};

// Reads a tag whose name starts at `at` (just after "<" or "</"), following
// the tokenizer's tag and attribute states. Returns the offset after its
// '>', or npos when the input ends inside the tag (which drops the tag).
size_t ReadTag(std::string_view in, size_t at, RawTag& tag) {
  tag.name.clear();
  tag.self_closing = false;
  tag.attributes.clear();
  size_t p = at;
  while (p < in.size() && !IsTagSpace(in[p]) && in[p] != '/' && in[p] != '>') {
    tag.name += LowerChar(in[p++]);
  }
  while (true) {
    while (p < in.size() && IsTagSpace(in[p])) ++p;
    if (p >= in.size()) return std::string_view::npos;
    if (in[p] == '>') return p + 1;
    if (in[p] == '/') {
      ++p;
      if (p < in.size() && in[p] == '>') {
        tag.self_closing = true;
        return p + 1;
      }
      continue;
    }
    // The first character, even '=', belongs to the name.
    size_t name_start = p++;
    while (p < in.size() && !IsTagSpace(in[p]) && in[p] != '/' && in[p] != '>' && in[p] != '=') {
      ++p;
    }
    RawAttribute attribute;
    for (char c : in.substr(name_start, p - name_start)) attribute.name += LowerChar(c);
    while (p < in.size() && IsTagSpace(in[p])) ++p;
    if (p < in.size() && in[p] == '=') {
      ++p;
      while (p < in.size() && IsTagSpace(in[p])) ++p;
      if (p >= in.size()) return std::string_view::npos;
      if (in[p] == '"' || in[p] == '\'') {
        size_t close = in.find(in[p], p + 1);
        if (close == std::string_view::npos) return std::string_view::npos;
        attribute.value = in.substr(p + 1, close - p - 1);
        p = close + 1;
      } else if (in[p] != '>') {
        size_t start = p;
        while (p < in.size() && !IsTagSpace(in[p]) && in[p] != '>') ++p;
        attribute.value = in.substr(start, p - start);
      }
    }
    tag.attributes.push_back(std::move(attribute));
  }
}

bool IsHeadingName(std::string_view name) {
  return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

// "special" elements, other than address, div and p, that end HTML's search
// for an open <li> (among the elements a TagStream keeps open).
bool StopsLi(std::string_view name) {
  return name == "ul" || name == "ol" || name == "pre" || name == "blockquote" ||
         IsHeadingName(name);
}

// ---------------------------------------------------------------------------
// TagStream: raw input -> the balanced, bounded document gumbo parses.

enum class Purpose { kSanitize, kText };

class TagStream {
 public:
  // `in` is CleanInput's output and must outlive the TagStream.
  TagStream(std::string_view in, unsigned max_depth, Purpose purpose)
      : in_(in), max_depth_(max_depth), purpose_(purpose) {
    out_.reserve(in.size() + in.size() / 8 + 16);
  }

  std::string Run() && {
    while (pos_ < in_.size()) {
      size_t lt = in_.find('<', pos_);
      if (!skip_) EmitText(in_.substr(pos_, lt == std::string_view::npos ? lt : lt - pos_));
      if (lt == std::string_view::npos) break;
      pos_ = ReadMarkup(lt);
    }
    return std::move(out_);
  }

 private:
  // An element being dropped with everything inside it.
  struct Skip {
    std::string_view name;
    bool foreign = false;  // svg or math: no raw text, CDATA sections, breakout tags
    size_t depth = 1;      // open elements of that name
  };

  // Handles the markup at `lt` (a '<'); returns where reading resumes.
  size_t ReadMarkup(size_t lt) {
    const char next = lt + 1 < in_.size() ? in_[lt + 1] : '\0';
    if (IsAsciiAlpha(next)) {
      size_t end = ReadTag(in_, lt + 1, tag_);
      if (end == std::string_view::npos) return in_.size();
      pos_ = end;
      StartTag();
      return pos_;
    }
    if (next == '/') {
      const char after = lt + 2 < in_.size() ? in_[lt + 2] : '\0';
      if (IsAsciiAlpha(after)) {
        size_t end = ReadTag(in_, lt + 2, tag_);
        if (end == std::string_view::npos) return in_.size();
        pos_ = end;
        EndTag();
        return pos_;
      }
      if (lt + 2 >= in_.size()) {
        if (!skip_) EmitText("</");
        return in_.size();
      }
      Dropped();
      return after == '>' ? lt + 3 : PastBogusComment(lt + 2);
    }
    if (next == '!') {
      Dropped();
      std::string_view rest = in_.substr(lt + 2);
      if (rest.starts_with("--")) return PastComment(lt + 4);
      if (skip_ && skip_->foreign && rest.starts_with("[CDATA[")) {
        size_t end = in_.find("]]>", lt + 9);
        return end == std::string_view::npos ? in_.size() : end + 3;
      }
      return PastBogusComment(lt + 2);  // doctypes, and CDATA outside svg and math
    }
    if (next == '?') {
      Dropped();
      return PastBogusComment(lt + 2);
    }
    if (!skip_) EmitText("<");
    return lt + 1;
  }

  size_t PastBogusComment(size_t from) const {
    size_t end = in_.find('>', from);
    return end == std::string_view::npos ? in_.size() : end + 1;
  }

  // `from` is just after "<!--". Ends at "-->" or "--!>"; "<!-->" and "<!--->" are empty.
  size_t PastComment(size_t from) const {
    std::string_view rest = in_.substr(from);
    if (rest.starts_with(">")) return from + 1;
    if (rest.starts_with("->")) return from + 2;
    for (size_t p = from;;) {
      size_t dashes = in_.find("--", p);
      if (dashes == std::string_view::npos) return in_.size();
      if (dashes + 2 < in_.size() && in_[dashes + 2] == '>') return dashes + 3;
      if (in_.substr(dashes + 2).starts_with("!>")) return dashes + 4;
      p = dashes + 1;
    }
  }

  // Where the raw text of `name` (script, style, xmp...) ends: the '<' of
  // "</name" followed by a space, '/' or '>'; npos if it runs to the end.
  size_t RawTextEnd(std::string_view name) const {
    for (size_t p = pos_;;) {
      size_t lt = in_.find("</", p);
      if (lt == std::string_view::npos) return lt;
      if (NamedAt(lt + 2, name)) return lt;
      p = lt + 2;
    }
  }

  // Whether `name` is written at `at` (any case) and followed by a space, '/' or '>'.
  bool NamedAt(size_t at, std::string_view name) const {
    size_t after = at + name.size();
    return after < in_.size() && EqualsIgnoringCase(in_.substr(at, name.size()), name) &&
           (IsTagSpace(in_[after]) || in_[after] == '/' || in_[after] == '>');
  }

  // Where a script's text ends. Unlike other raw text, "<!--" and a nested
  // "<script>" hide a "</script>" (the tokenizer's escaped and double-escaped
  // script data states); "-->" ends both.
  size_t ScriptEnd() const {
    enum class State { kData, kEscaped, kDoubleEscaped } state = State::kData;
    for (size_t p = pos_;;) {
      size_t at = in_.find_first_of("<-", p);
      if (at == std::string_view::npos) return at;
      std::string_view rest = in_.substr(at);
      p = at + 1;
      if (rest.front() == '-') {
        if (state != State::kData && rest.starts_with("-->")) state = State::kData;
      } else if (state == State::kData && rest.starts_with("<!--")) {
        state = State::kEscaped;
        p = at + 2;  // its dashes may end it at once ("<!-->")
      } else if (rest.starts_with("</") && NamedAt(at + 2, "script")) {
        if (state != State::kDoubleEscaped) return at;
        state = State::kEscaped;
      } else if (state == State::kEscaped && NamedAt(at + 1, "script")) {
        state = State::kDoubleEscaped;
      }
    }
  }

  // Consumes raw text and its end tag; returns the text.
  std::string_view TakeRawText(std::string_view name) {
    size_t end = name == "script" ? ScriptEnd() : RawTextEnd(name);
    std::string_view text = in_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
    if (end == std::string_view::npos) {
      pos_ = in_.size();
    } else {
      RawTag closing;
      size_t past = ReadTag(in_, end + 2, closing);
      pos_ = past == std::string_view::npos ? in_.size() : past;
    }
    return text;
  }

  void StartTag() {
    auto [name, rule] = RuleFor(tag_.name);
    if (skip_) return SkippedStartTag(name, *rule);
    switch (rule->role) {
      case Role::kKeep:
        return Open(name, *rule);
      case Role::kBreak:
        return EmitRaw("<br>");
      case Role::kBlock:
        if (rule->closes_p) CloseP();
        if (purpose_ == Purpose::kText) {
          // Text keeps blocks apart with line breaks, so the parser sees them.
          if (rule->is_void) return EmitRaw("<div></div>");
          auto [div, div_rule] = RuleFor("div");
          return Open(div, *div_rule);
        }
        Dropped();
        return EmitSeparator();
      case Role::kRawDrop:
        TakeRawText(name);
        return Dropped();
      case Role::kRawText:
        CloseP();
        Dropped();
        EmitSeparator();
        EmitEscapedText(TakeRawText(name));
        return EmitSeparator();
      case Role::kPlaintext:
        CloseP();
        Dropped();
        EmitSeparator();
        EmitEscapedText(in_.substr(pos_));
        pos_ = in_.size();
        return;
      case Role::kSkip:
        skip_ = Skip{name};
        return Dropped();
      case Role::kForeign:
        if (!tag_.self_closing) skip_ = Skip{name, true};
        return Dropped();
      case Role::kUnwrap:
      case Role::kVoid:
      case Role::kIgnore:
        return Dropped();
    }
  }

  void EndTag() {
    auto [name, rule] = RuleFor(tag_.name);
    if (skip_) return SkippedEndTag(name);
    switch (rule->role) {
      case Role::kKeep:
        return Close(name);
      case Role::kBreak:
        return EmitRaw("<br>");
      case Role::kBlock:
        if (purpose_ == Purpose::kText) return rule->is_void ? Dropped() : Close("div");
        // A block's end closes the paragraphs opened inside it.
        if (rule->closes_p) CloseP();
        Dropped();
        return EmitSeparator();
      default:
        return Dropped();
    }
  }

  void SkippedStartTag(std::string_view name, const ElementRule& rule) {
    Dropped();
    if (skip_->foreign) {
      bool font_breaks_out =
          tag_.name == "font" && (tag_.Find("color") || tag_.Find("face") || tag_.Find("size"));
      if (BreaksOutOfForeign(tag_.name) || font_breaks_out) {
        skip_.reset();
        return StartTag();
      }
      if (name == skip_->name && !tag_.self_closing) ++skip_->depth;
      return;
    }
    if (skip_->name == "select") {
      if (name == "select") return skip_.reset();
      if (name == "input" || name == "keygen" || name == "textarea") {
        skip_.reset();
        return StartTag();
      }
    }
    if (rule.role == Role::kRawDrop || rule.role == Role::kRawText) TakeRawText(name);
    if (rule.role == Role::kPlaintext) pos_ = in_.size();
    if (name == skip_->name) ++skip_->depth;
  }

  void SkippedEndTag(std::string_view name) {
    Dropped();
    if (skip_->foreign && (tag_.name == "p" || tag_.name == "br")) {
      skip_.reset();
      return EndTag();
    }
    if (name == skip_->name && --skip_->depth == 0) skip_.reset();
  }

  // The parser's implied closings, made explicit so that its stack of open
  // elements stays the same as open_.
  void Open(std::string_view name, const ElementRule& rule) {
    if (name == "li") {
      for (size_t i = open_.size(); i-- > 0;) {
        if (open_[i] == "li") {
          CloseThrough(i);
          break;
        }
        if (StopsLi(open_[i])) break;
      }
    }
    if (rule.closes_p) CloseP();
    if (rule.heading && !open_.empty() && IsHeadingName(open_.back())) {
      CloseThrough(open_.size() - 1);
    }
    if (name == "a") {
      for (size_t i = open_.size(); i-- > 0;) {
        if (open_[i] == "a") {
          CloseThrough(i);
          break;
        }
      }
    }
    if (open_.size() >= max_depth_) {
      // Too deep: the tag goes, its text stays. Its end tag is matched here.
      too_deep_.push_back(name);
      return Dropped();
    }
    open_.push_back(name);
    out_ += '<';
    out_ += name;
    if (purpose_ == Purpose::kSanitize) {
      for (std::string_view wanted : rule.attributes) {
        const RawAttribute* attribute = wanted.empty() ? nullptr : tag_.Find(wanted);
        if (attribute == nullptr) continue;
        out_ += ' ';
        out_ += wanted;
        out_ += "=\"";
        for (char c : attribute->value) {
          if (c == '"') {
            out_ += "&quot;";
          } else {
            out_ += c;
          }
        }
        out_ += '"';
      }
    }
    out_ += '>';
    dropped_ = false;
    after_pre_ = name == "pre";
  }

  void Close(std::string_view name) {
    // </h2> closes an open <h1>, as in HTML.
    const bool heading = IsHeadingName(name);
    auto closes = [&](std::string_view open) {
      return open == name || (heading && IsHeadingName(open));
    };
    if (!too_deep_.empty() && closes(too_deep_.back())) {
      too_deep_.pop_back();
      return Dropped();
    }
    for (size_t i = open_.size(); i-- > 0;) {
      if (closes(open_[i])) return CloseThrough(i);
    }
    Dropped();  // nothing to close: HTML would ignore it (or add an empty <p>)
  }

  void CloseP() {
    for (size_t i = open_.size(); i-- > 0;) {
      if (open_[i] == "p") return CloseThrough(i);
    }
  }

  void CloseThrough(size_t index) {
    while (open_.size() > index) {
      out_ += "</";
      out_ += open_.back();
      out_ += '>';
      open_.pop_back();
    }
    // Elements dropped for depth were inside what just closed.
    too_deep_.clear();
    dropped_ = false;
    after_pre_ = false;
  }

  // Something between two runs of text was removed. The runs must not join
  // into a character reference that was not there ("&am" + "p;").
  void Dropped() { dropped_ = true; }

  void EmitRaw(std::string_view markup) {
    out_ += markup;
    dropped_ = false;
    after_pre_ = false;
  }

  // Where a block element lost its tags: a newline keeps the words on either
  // side apart (one is enough, and none is needed at the start).
  void EmitSeparator() {
    if (!out_.empty() && out_.back() != '\n') EmitText("\n");
  }

  // Text as written: the parser decodes its character references.
  void EmitText(std::string_view text) {
    if (text.empty()) return;
    if (dropped_ && !out_.empty() &&
        (IsAsciiAlnum(out_.back()) || out_.back() == '#' || out_.back() == '&') &&
        (IsAsciiAlnum(text[0]) || text[0] == '#' || text[0] == ';')) {
      out_ += "<!---->";
    }
    // The parser drops a newline right after <pre>; in the input this one was
    // not right after it, so it must stay.
    if (after_pre_ && dropped_ && text[0] == '\n') out_ += '\n';
    dropped_ = false;
    after_pre_ = false;
    for (char c : text) {
      if (c == '<') {
        out_ += "&lt;";
      } else {
        out_ += c;
      }
    }
  }

  // Raw text (xmp, plaintext) is not decoded: '&' stays '&'.
  void EmitEscapedText(std::string_view text) {
    if (after_pre_ && !text.empty() && text[0] == '\n') out_ += '\n';
    dropped_ = false;
    after_pre_ = false;
    for (char c : text) {
      if (c == '<') {
        out_ += "&lt;";
      } else if (c == '&') {
        out_ += "&amp;";
      } else {
        out_ += c;
      }
    }
  }

  std::string_view in_;
  unsigned max_depth_;
  Purpose purpose_;
  size_t pos_ = 0;
  std::string out_;
  RawTag tag_;  // the tag being handled
  std::optional<Skip> skip_;
  std::vector<std::string_view> open_;      // elements open in out_, outermost first
  std::vector<std::string_view> too_deep_;  // start tags dropped for depth, unmatched yet
  bool dropped_ = false;
  bool after_pre_ = false;  // nothing but dropped markup written since a <pre> start tag
};

// ---------------------------------------------------------------------------
// gumbo.

struct GumboOutputDeleter {
  void operator()(GumboOutput* output) const {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  }
};
using GumboTree = std::unique_ptr<GumboOutput, GumboOutputDeleter>;

GumboTree ParseFragment(const std::string& html) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // the error list would only cost memory
  options.fragment_context = GUMBO_TAG_BODY;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  return GumboTree(gumbo_parse_with_options(&options, html.data(), html.size()));
}

// Calls `visit(node, entering)` for each node below the fragment's root, in
// document order, without recursion; `visit` returns false to skip children.
template <typename Visit>
void Walk(const GumboOutput& tree, Visit&& visit) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
  };
  std::vector<Frame> stack{{tree.root, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector& children = frame.node->v.element.children;
    if (frame.next == children.length) {
      if (stack.size() > 1) visit(frame.node, false);
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
    if (child->type != GUMBO_NODE_ELEMENT) {
      visit(child, true);
    } else if (visit(child, true)) {
      stack.push_back({child, 0});
    } else {
      visit(child, false);
    }
  }
}

std::string_view Attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&node->v.element.attributes, name);
  return attribute == nullptr ? std::string_view() : std::string_view(attribute->value);
}

bool IsHeading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

// ---------------------------------------------------------------------------
// Attribute values.

bool IsAsciiSpace(char c) { return IsTagSpace(c) || c == '\r'; }

// The link a browser would follow, if its scheme is http, https or mailto:
// C0 controls and spaces trimmed, tabs and newlines removed (URL parsing
// ignores them, so "java\tscript:" is javascript:).
std::optional<std::string> SafeHref(std::string_view decoded) {
  auto is_trimmed = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!decoded.empty() && is_trimmed(decoded.front())) decoded.remove_prefix(1);
  while (!decoded.empty() && is_trimmed(decoded.back())) decoded.remove_suffix(1);
  std::string url;
  for (char c : decoded) {
    if (c != '\t' && c != '\n' && c != '\r') url += c;
  }
  size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0 || !IsAsciiAlpha(url[0])) return std::nullopt;
  std::string scheme;
  for (char c : std::string_view(url).substr(0, colon)) {
    if (!IsAsciiAlnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
    scheme += LowerChar(c);
  }
  if (scheme != "http" && scheme != "https" && scheme != "mailto") return std::nullopt;
  return url;
}

// The allowlisted classes of `value`, each once, in their order.
std::string FilterClasses(std::string_view value) {
  static constexpr std::string_view kAllowed[] = {"h-card",    "u-url",    "mention",     "hashtag",
                                                  "invisible", "ellipsis", "quote-inline"};
  std::string kept;
  size_t p = 0;
  while (p < value.size()) {
    while (p < value.size() && IsAsciiSpace(value[p])) ++p;
    size_t start = p;
    while (p < value.size() && !IsAsciiSpace(value[p])) ++p;
    std::string_view word = value.substr(start, p - start);
    bool allowed = false;
    for (std::string_view candidate : kAllowed) allowed = allowed || candidate == word;
    if (!allowed) continue;
    bool seen = false;
    for (size_t q = 0; q < kept.size();) {
      size_t end = kept.find(' ', q);
      if (end == std::string::npos) end = kept.size();
      seen = seen || std::string_view(kept).substr(q, end - q) == word;
      q = end + 1;
    }
    if (seen) continue;
    if (!kept.empty()) kept += ' ';
    kept += word;
  }
  return kept;
}

// An integer attribute (ol[start], li[value]) in canonical form, if it is one.
std::optional<std::string> CanonicalInteger(std::string_view value) {
  while (!value.empty() && IsAsciiSpace(value.front())) value.remove_prefix(1);
  while (!value.empty() && IsAsciiSpace(value.back())) value.remove_suffix(1);
  if (!value.empty() && value.front() == '+') value.remove_prefix(1);
  bool negative = !value.empty() && value.front() == '-';
  std::string_view digits = value.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return std::to_string(negative ? -number : number);
}

bool HasRelTag(std::string_view rel) {
  size_t p = 0;
  while (p < rel.size()) {
    while (p < rel.size() && IsAsciiSpace(rel[p])) ++p;
    size_t start = p;
    while (p < rel.size() && !IsAsciiSpace(rel[p])) ++p;
    if (EqualsIgnoringCase(rel.substr(start, p - start), "tag")) return true;
  }
  return false;
}

// Code points a parser replaces with U+FFFD when it reads them raw: controls
// other than tab, newline, form feed and CR, and noncharacters. Character
// references still produce them, so output replaces them itself.
bool ReplacedWhenRead(uint32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f' && cp != '\r') ||
         (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

// Appends decoded text (UTF-8 from the parser) as a parser would read it
// back: CR as LF, ReplacedWhenRead code points as U+FFFD; when `escape`,
// & < > " ' as character references.
void AppendText(std::string& out, std::string_view text, bool escape) {
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    // gumbo 0.10.1 can write invalid UTF-8: a numeric character reference
    // past INT_MAX (&#xEbbbbbbbb91;) overflows to a negative code point,
    // written as its low byte alone. The standard reads it as U+FFFD.
    auto [length, valid] = ReadUtf8Sequence(text, i);
    if (!valid) {
      AppendUtf8(out, 0xFFFD);
      i += length;
      continue;
    }
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
    if (cp == '\r') {
      out += '\n';
    } else if (ReplacedWhenRead(cp)) {
      AppendUtf8(out, 0xFFFD);
    } else if (escape && length == 1 &&
               std::string_view("&<>\"'").find(lead) != std::string_view::npos) {
      switch (lead) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        default:
          out += "&#39;";
          break;
      }
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
}

// ---------------------------------------------------------------------------
// The tree, written as safe HTML.

class Serializer {
 public:
  explicit Serializer(unsigned max_depth) : max_depth_(max_depth) {}

  std::string Write(const GumboOutput& tree) && {
    Walk(tree, [this](const GumboNode* node, bool entering) {
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
        Text(node->v.text.text);
        return false;
      }
      if (node->type != GUMBO_NODE_ELEMENT) return false;
      if (entering) {
        opened_.push_back(Enter(node));
        return node->v.element.tag != GUMBO_TAG_BR;
      }
      for (unsigned n = opened_.back(); n > 0; --n) End();
      opened_.pop_back();
      return false;
    });
    return std::move(out_);
  }

 private:
  // Writes the start tags `node` becomes; returns how many (0 when unwrapped).
  unsigned Enter(const GumboNode* node) {
    const GumboTag tag = node->v.element.tag;
    const size_t room = max_depth_ > open_.size() ? max_depth_ - open_.size() : 0;
    if (tag == GUMBO_TAG_BR) {
      out_ += "<br>";
      after_pre_ = false;
      return 0;
    }
    if (IsHeading(tag)) {
      // As Mastodon does: clients style few headings, all show bold.
      if (in_p_ > 0) {
        if (room < 1) return 0;
        Start("strong");
        return 1;
      }
      if (room < 2) return 0;
      Start("p");
      Start("strong");
      return 2;
    }
    if (room == 0) return 0;
    switch (tag) {
      case GUMBO_TAG_P:
        if (in_p_ > 0) return 0;
        StartWithClass("p", node);
        return 1;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_BLOCKQUOTE:
      case GUMBO_TAG_UL:
        if (in_p_ > 0) return 0;
        Start(gumbo_normalized_tagname(tag));
        return 1;
      case GUMBO_TAG_OL: {
        if (in_p_ > 0) return 0;
        out_ += "<ol";
        if (auto start = CanonicalInteger(Attribute(node, "start")))
          out_ += " start=\"" + *start + '"';
        Opened("ol");
        return 1;
      }
      case GUMBO_TAG_LI: {
        if (open_.empty() || (open_.back() != "ul" && open_.back() != "ol")) return 0;
        out_ += "<li";
        if (auto value = CanonicalInteger(Attribute(node, "value")))
          out_ += " value=\"" + *value + '"';
        Opened("li");
        return 1;
      }
      case GUMBO_TAG_A: {
        if (in_a_ > 0) return 0;
        std::optional<std::string> href = SafeHref(Attribute(node, "href"));
        if (!href) return 0;
        out_ += "<a href=\"";
        AppendText(out_, *href, true);
        out_ += '"';
        AppendClass(node);
        out_ += HasRelTag(Attribute(node, "rel")) ? " rel=\"tag nofollow noopener noreferrer ugc\""
                                                  : " rel=\"nofollow noopener noreferrer ugc\"";
        out_ += " target=\"_blank\"";
        Opened("a");
        return 1;
      }
      case GUMBO_TAG_SPAN: {
        out_ += "<span";
        AppendClass(node);
        std::string translate;
        for (char c : Attribute(node, "translate")) translate += LowerChar(c);
        if (translate == "no" || translate == "yes") out_ += " translate=\"" + translate + '"';
        Opened("span");
        return 1;
      }
      case GUMBO_TAG_B:
      case GUMBO_TAG_CODE:
      case GUMBO_TAG_DEL:
      case GUMBO_TAG_EM:
      case GUMBO_TAG_I:
      case GUMBO_TAG_S:
      case GUMBO_TAG_SMALL:
      case GUMBO_TAG_STRONG:
      case GUMBO_TAG_SUB:
      case GUMBO_TAG_SUP:
      case GUMBO_TAG_U:
        Start(gumbo_normalized_tagname(tag));
        return 1;
      default:
        return 0;
    }
  }

  void Start(std::string_view name) {
    out_ += '<';
    out_ += name;
    Opened(name);
  }

  void StartWithClass(std::string_view name, const GumboNode* node) {
    out_ += '<';
    out_ += name;
    AppendClass(node);
    Opened(name);
  }

  void AppendClass(const GumboNode* node) {
    std::string classes = FilterClasses(Attribute(node, "class"));
    if (!classes.empty()) out_ += " class=\"" + classes + '"';
  }

  // Ends the start tag whose name and attributes are written.
  void Opened(std::string_view name) {
    out_ += '>';
    open_.push_back(name);
    in_p_ += name == "p";
    in_a_ += name == "a";
    after_pre_ = name == "pre";
  }

  void End() {
    std::string_view name = open_.back();
    out_ += "</";
    out_ += name;
    out_ += '>';
    open_.pop_back();
    in_p_ -= name == "p";
    in_a_ -= name == "a";
    after_pre_ = false;
  }

  void Text(std::string_view text) {
    if (text.empty()) return;
    // A parser drops the newline just after <pre>; a second one keeps the first.
    // A carriage return is written as a newline (AppendText), so it counts too
    // (found by the html_sanitizer fuzz target: "<pre>&#xD..." lost a line).
    if (after_pre_ && (text.front() == '\n' || text.front() == '\r')) out_ += '\n';
    after_pre_ = false;
    AppendText(out_, text, true);
  }

  unsigned max_depth_;
  std::string out_;
  std::vector<std::string_view> open_;  // elements open in out_, outermost first
  std::vector<unsigned> opened_;        // per element being walked: start tags written
  int in_p_ = 0;
  int in_a_ = 0;
  bool after_pre_ = false;
};

// ---------------------------------------------------------------------------
// The tree, as visible text.

class TextWriter {
 public:
  std::string Write(const GumboOutput& tree) && {
    Walk(tree, [this](const GumboNode* node, bool entering) {
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
        Text(node->v.text.text);
        return false;
      }
      if (node->type != GUMBO_NODE_ELEMENT) return false;
      const GumboTag tag = node->v.element.tag;
      if (tag == GUMBO_TAG_BR) {
        if (entering) LineBreak();
        return false;
      }
      if (tag == GUMBO_TAG_PRE) pre_depth_ += entering ? 1 : -1;
      if (IsBlock(tag)) BlockEdge();
      return true;
    });
    size_t start = 0;
    while (start < out_.size() && IsAsciiSpace(out_[start])) ++start;
    size_t end = out_.size();
    while (end > start && IsAsciiSpace(out_[end - 1])) --end;
    return out_.substr(start, end - start);
  }

 private:
  static bool IsBlock(GumboTag tag) {
    switch (tag) {
      case GUMBO_TAG_P:
      case GUMBO_TAG_DIV:
      case GUMBO_TAG_LI:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_BLOCKQUOTE:
      case GUMBO_TAG_PRE:
        return true;
      default:
        return IsHeading(tag);
    }
  }

  void Text(std::string_view raw) {
    std::string text;
    AppendText(text, raw, false);
    if (pre_depth_ > 0) {
      if (pending_space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
      pending_space_ = false;
      out_ += text;
      return;
    }
    for (char c : text) {
      if (IsAsciiSpace(c)) {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
      pending_space_ = false;
      out_ += c;
    }
  }

  void LineBreak() {
    pending_space_ = false;
    out_ += '\n';
  }

  void BlockEdge() {
    pending_space_ = false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }

  std::string out_;
  bool pending_space_ = false;
  int pre_depth_ = 0;
};

}  // namespace

Result<std::string> SanitizeHtml(std::string_view html, const SanitizeOptions& options) {
  if (html.size() > options.max_input_bytes) {
    return Fail(ErrorCode::kLimitExceeded, "HTML is " + std::to_string(html.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(options.max_input_bytes));
  }
  const std::string clean = CleanInput(html);
  const std::string balanced = TagStream(clean, options.max_depth, Purpose::kSanitize).Run();
  GumboTree tree = ParseFragment(balanced);
  if (!tree) return Fail(ErrorCode::kInvalidArgument, "the HTML parser returned no tree");
  return Serializer(options.max_depth).Write(*tree);
}

std::string HtmlText(std::string_view html, const SanitizeOptions& options) {
  const std::string clean = CleanInput(PrefixAtCharacter(html, options.max_input_bytes));
  const std::string balanced = TagStream(clean, options.max_depth, Purpose::kText).Run();
  GumboTree tree = ParseFragment(balanced);
  if (!tree) return {};
  return TextWriter().Write(*tree);
}

}  // namespace parvis::protocol
