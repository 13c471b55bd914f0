#include "parvis/protocol/structured_fields.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "parvis/protocol/base64.h"

namespace parvis::protocol::sf {
namespace {

constexpr int64_t kMaxInteger = 999'999'999'999'999;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return IsLcAlpha(c) || (c >= 'A' && c <= 'Z'); }

bool IsTchar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsKeyChar(char c) {
  return IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

bool IsBase64Char(char c) { return IsAlpha(c) || IsDigit(c) || c == '+' || c == '/' || c == '='; }

// One parse over one field value; `pos_` only moves forward.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // Checks the input as a whole and skips leading spaces (RFC 8941 §4.2 steps 1-2).
  Status Begin() {
    if (text_.size() > kMaxStructuredFieldBytes) {
      return Fail(ErrorCode::kLimitExceeded, "structured field is " + std::to_string(text_.size()) +
                                                 " bytes, more than the limit of " +
                                                 std::to_string(kMaxStructuredFieldBytes));
    }
    for (size_t i = 0; i < text_.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text_[i]);
      if (c > 0x7e || (c < 0x20 && c != '\t')) return Bad(i, "non-ASCII or control character");
    }
    SkipSpaces();
    return Ok();
  }

  // Skips trailing spaces and requires the end of input (§4.2 steps 6-7).
  Status End() {
    SkipSpaces();
    if (!AtEnd()) return Bad(pos_, "unexpected character after the value");
    return Ok();
  }

  Result<List> ParseList() {
    List list;
    while (!AtEnd()) {
      auto member = ParseItemOrInnerList();
      if (!member) return std::unexpected(member.error());
      list.push_back(std::move(*member));
      if (auto st = CountMember(); !st) return std::unexpected(st.error());
      if (auto st = AfterMember(); !st) return std::unexpected(st.error());
    }
    return list;
  }

  Result<Dictionary> ParseDictionary() {
    Dictionary dict;
    while (!AtEnd()) {
      auto key = ParseKey();
      if (!key) return std::unexpected(key.error());
      ListMember member;
      if (Peek() == '=') {
        ++pos_;
        auto value = ParseItemOrInnerList();
        if (!value) return std::unexpected(value.error());
        member = std::move(*value);
      } else {
        auto params = ParseParameters();
        if (!params) return std::unexpected(params.error());
        member = Item{true, std::move(*params)};
      }
      if (auto st = CountMember(); !st) return std::unexpected(st.error());
      Upsert(dict, std::move(*key), std::move(member));
      if (auto st = AfterMember(); !st) return std::unexpected(st.error());
    }
    return dict;
  }

  Result<Item> ParseItem() {
    auto bare = ParseBareItem();
    if (!bare) return std::unexpected(bare.error());
    auto params = ParseParameters();
    if (!params) return std::unexpected(params.error());
    if (auto st = CountMember(); !st) return std::unexpected(st.error());
    return Item{std::move(*bare), std::move(*params)};
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpaces() {
    while (!AtEnd() && text_[pos_] == ' ') ++pos_;
  }
  void SkipOws() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  std::unexpected<parvis::Error> Bad(size_t at, std::string_view what) const {
    return Fail(ErrorCode::kInvalidArgument, "invalid structured field at byte " +
                                                 std::to_string(at) + ": " + std::string(what));
  }

  Status CountMember() {
    if (++members_ > kMaxStructuredFieldMembers) {
      return Fail(ErrorCode::kLimitExceeded, "structured field has more than " +
                                                 std::to_string(kMaxStructuredFieldMembers) +
                                                 " members");
    }
    return Ok();
  }

  // Between list or dictionary members: OWS, then a comma and more, or the end.
  Status AfterMember() {
    SkipOws();
    if (AtEnd()) return Ok();
    if (text_[pos_] != ',') return Bad(pos_, "expected ',' between members");
    ++pos_;
    SkipOws();
    if (AtEnd()) return Bad(pos_, "trailing ','");
    return Ok();
  }

  template <typename Map, typename Value>
  static void Upsert(Map& map, std::string key, Value value) {
    for (auto& [existing, old] : map) {
      if (existing == key) {
        old = std::move(value);
        return;
      }
    }
    map.emplace_back(std::move(key), std::move(value));
  }

  Result<ListMember> ParseItemOrInnerList() {
    if (Peek() == '(') {
      auto inner = ParseInnerList();
      if (!inner) return std::unexpected(inner.error());
      return ListMember{std::move(*inner)};
    }
    auto item = ParseItem();
    if (!item) return std::unexpected(item.error());
    return ListMember{std::move(*item)};
  }

  Result<InnerList> ParseInnerList() {
    ++pos_;  // '('
    InnerList list;
    while (!AtEnd()) {
      SkipSpaces();
      if (Peek() == ')') {
        ++pos_;
        auto params = ParseParameters();
        if (!params) return std::unexpected(params.error());
        list.params = std::move(*params);
        return list;
      }
      auto item = ParseItem();
      if (!item) return std::unexpected(item.error());
      list.items.push_back(std::move(*item));
      if (Peek() != ' ' && Peek() != ')') return Bad(pos_, "expected ' ' or ')' in inner list");
    }
    return Bad(pos_, "unterminated inner list");
  }

  Result<Parameters> ParseParameters() {
    Parameters params;
    while (Peek() == ';') {
      ++pos_;
      SkipSpaces();
      auto key = ParseKey();
      if (!key) return std::unexpected(key.error());
      BareItem value = true;
      if (Peek() == '=') {
        ++pos_;
        auto bare = ParseBareItem();
        if (!bare) return std::unexpected(bare.error());
        value = std::move(*bare);
      }
      if (auto st = CountMember(); !st) return std::unexpected(st.error());
      Upsert(params, std::move(*key), std::move(value));
    }
    return params;
  }

  Result<std::string> ParseKey() {
    const char first = Peek();
    if (!IsLcAlpha(first) && first != '*') return Bad(pos_, "expected a key");
    const size_t start = pos_;
    while (!AtEnd() && IsKeyChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<BareItem> ParseBareItem() {
    const char c = Peek();
    if (c == '-' || IsDigit(c)) return ParseNumber();
    if (c == '"') return ParseString();
    if (IsAlpha(c) || c == '*') return ParseToken();
    if (c == ':') return ParseByteSequence();
    if (c == '?') return ParseBoolean();
    if (AtEnd()) return Bad(pos_, "expected a value, found the end");
    return Bad(pos_, "expected a value");
  }

  Result<BareItem> ParseNumber() {
    const size_t start = pos_;
    bool negative = false;
    if (Peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (!IsDigit(Peek())) return Bad(pos_, "expected a digit");
    std::string digits;
    bool decimal = false;
    while (!AtEnd()) {
      const char c = text_[pos_];
      if (IsDigit(c)) {
        digits.push_back(c);
      } else if (!decimal && c == '.') {
        if (digits.size() > 12) return Bad(start, "decimal with more than 12 integer digits");
        digits.push_back(c);
        decimal = true;
      } else {
        break;
      }
      ++pos_;
      if (!decimal && digits.size() > 15) return Bad(start, "integer with more than 15 digits");
      if (decimal && digits.size() > 16) return Bad(start, "decimal with more than 16 characters");
    }
    if (!decimal) {
      int64_t value = 0;
      for (char d : digits) value = value * 10 + (d - '0');
      return BareItem{negative ? -value : value};
    }
    if (digits.back() == '.') return Bad(start, "decimal ends with '.'");
    if (digits.size() - digits.find('.') - 1 > 3) {
      return Bad(start, "decimal with more than 3 fractional digits");
    }
    double value = 0;
    // from_chars ignores the C locale, unlike strtod.
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return BareItem{negative ? -value : value};
  }

  Result<BareItem> ParseString() {
    const size_t start = pos_;
    ++pos_;  // '"'
    std::string out;
    while (!AtEnd()) {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (AtEnd()) break;
        const char next = text_[pos_++];
        if (next != '"' && next != '\\') return Bad(pos_ - 1, "invalid escape in string");
        out.push_back(next);
      } else if (c == '"') {
        return BareItem{std::move(out)};
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        return Bad(pos_ - 1, "control character in string");
      } else {
        out.push_back(c);
      }
    }
    return Bad(start, "unterminated string");
  }

  Result<BareItem> ParseToken() {
    const size_t start = pos_;
    ++pos_;
    while (!AtEnd() && (IsTchar(text_[pos_]) || text_[pos_] == ':' || text_[pos_] == '/')) ++pos_;
    return BareItem{Token{std::string(text_.substr(start, pos_ - start))}};
  }

  Result<BareItem> ParseByteSequence() {
    const size_t start = pos_;
    ++pos_;  // ':'
    const size_t close = text_.find(':', pos_);
    if (close == std::string_view::npos) return Bad(start, "unterminated byte sequence");
    const std::string_view b64 = text_.substr(pos_, close - pos_);
    for (size_t i = 0; i < b64.size(); ++i) {
      if (!IsBase64Char(b64[i])) return Bad(pos_ + i, "invalid character in byte sequence");
    }
    // RFC 8941 §4.2.7: parsers should not fail when '=' padding is absent.
    auto bytes = DecodeBase64AllowingMissingPadding(b64);
    if (!bytes) return Bad(start, "byte sequence is not valid base64");
    pos_ = close + 1;
    return BareItem{ByteSequence{std::move(*bytes)}};
  }

  Result<BareItem> ParseBoolean() {
    ++pos_;  // '?'
    const char c = Peek();
    if (c != '0' && c != '1') return Bad(pos_, "expected ?0 or ?1");
    ++pos_;
    return BareItem{c == '1'};
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t members_ = 0;
};

template <typename T, typename ParseFn>
Result<T> ParseWhole(std::string_view text, ParseFn parse) {
  Parser parser(text);
  if (auto st = parser.Begin(); !st) return std::unexpected(st.error());
  Result<T> value = parse(parser);
  if (!value) return value;
  if (auto st = parser.End(); !st) return std::unexpected(st.error());
  return value;
}

std::unexpected<parvis::Error> Unserializable(std::string what) {
  return Fail(ErrorCode::kInvalidArgument, "cannot serialize structured field: " + what);
}

Result<std::string> SerializeKey(std::string_view key) {
  if (key.empty() || (!IsLcAlpha(key[0]) && key[0] != '*')) {
    return Unserializable("invalid key \"" + std::string(key) + "\"");
  }
  for (char c : key) {
    if (!IsKeyChar(c)) return Unserializable("invalid key \"" + std::string(key) + "\"");
  }
  return std::string(key);
}

Result<std::string> SerializeDecimal(double value) {
  if (!std::isfinite(value)) return Unserializable("decimal is not finite");
  // Round half to even at three fractional digits (nearbyint's default mode).
  const double thousandths = std::nearbyint(value * 1000.0);
  if (std::fabs(thousandths) >= 1e15)
    return Unserializable("decimal has more than 12 integer digits");
  const int64_t scaled = static_cast<int64_t>(thousandths);
  const int64_t magnitude = scaled < 0 ? -scaled : scaled;
  std::string out = scaled < 0 ? "-" : "";
  out += std::to_string(magnitude / 1000);
  std::string fraction = std::to_string(1000 + magnitude % 1000).substr(1);
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  return out + "." + fraction;
}

}  // namespace

Result<Item> ParseItem(std::string_view text) {
  return ParseWhole<Item>(text, [](Parser& p) { return p.ParseItem(); });
}

Result<List> ParseList(std::string_view text) {
  return ParseWhole<List>(text, [](Parser& p) { return p.ParseList(); });
}

Result<Dictionary> ParseDictionary(std::string_view text) {
  return ParseWhole<Dictionary>(text, [](Parser& p) { return p.ParseDictionary(); });
}

Result<std::string> SerializeBareItem(const BareItem& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    if (*integer > kMaxInteger || *integer < -kMaxInteger) {
      return Unserializable("integer " + std::to_string(*integer) + " has more than 15 digits");
    }
    return std::to_string(*integer);
  }
  if (const auto* decimal = std::get_if<double>(&value)) return SerializeDecimal(*decimal);
  if (const auto* string = std::get_if<std::string>(&value)) {
    std::string out = "\"";
    for (char c : *string) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        return Unserializable("string contains a character outside printable ASCII");
      }
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + "\"";
  }
  if (const auto* token = std::get_if<Token>(&value)) {
    const std::string& t = token->value;
    bool valid = !t.empty() && (IsAlpha(t[0]) || t[0] == '*');
    for (size_t i = 1; valid && i < t.size(); ++i) {
      valid = IsTchar(t[i]) || t[i] == ':' || t[i] == '/';
    }
    if (!valid) return Unserializable("invalid token \"" + t + "\"");
    return t;
  }
  if (const auto* bytes = std::get_if<ByteSequence>(&value)) {
    return ":" + EncodeBase64(bytes->bytes) + ":";
  }
  return std::string(std::get<bool>(value) ? "?1" : "?0");
}

Result<std::string> SerializeParameters(const Parameters& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    auto k = SerializeKey(key);
    if (!k) return k;
    out += ";" + *k;
    if (const bool* flag = std::get_if<bool>(&value); flag && *flag) continue;
    auto v = SerializeBareItem(value);
    if (!v) return v;
    out += "=" + *v;
  }
  return out;
}

Result<std::string> SerializeItem(const Item& item) {
  auto value = SerializeBareItem(item.value);
  if (!value) return value;
  auto params = SerializeParameters(item.params);
  if (!params) return params;
  return *value + *params;
}

Result<std::string> SerializeInnerList(const InnerList& list) {
  std::string out = "(";
  for (size_t i = 0; i < list.items.size(); ++i) {
    auto item = SerializeItem(list.items[i]);
    if (!item) return item;
    if (i > 0) out.push_back(' ');
    out += *item;
  }
  auto params = SerializeParameters(list.params);
  if (!params) return params;
  return out + ")" + *params;
}

Result<std::string> SerializeListMember(const ListMember& member) {
  if (const auto* item = std::get_if<Item>(&member)) return SerializeItem(*item);
  return SerializeInnerList(std::get<InnerList>(member));
}

Result<std::string> SerializeList(const List& list) {
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    auto member = SerializeListMember(list[i]);
    if (!member) return member;
    if (i > 0) out += ", ";
    out += *member;
  }
  return out;
}

Result<std::string> SerializeDictionary(const Dictionary& dictionary) {
  std::string out;
  for (size_t i = 0; i < dictionary.size(); ++i) {
    const auto& [key, member] = dictionary[i];
    auto k = SerializeKey(key);
    if (!k) return k;
    if (i > 0) out += ", ";
    out += *k;
    // A true Boolean item is written as the bare key plus its parameters.
    const Item* item = std::get_if<Item>(&member);
    const bool* flag = item ? std::get_if<bool>(&item->value) : nullptr;
    if (flag && *flag) {
      auto params = SerializeParameters(item->params);
      if (!params) return params;
      out += *params;
      continue;
    }
    auto value = SerializeListMember(member);
    if (!value) return value;
    out += "=" + *value;
  }
  return out;
}

const BareItem* FindParameter(const Parameters& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

const ListMember* FindMember(const Dictionary& dictionary, std::string_view key) {
  for (const auto& [k, v] : dictionary) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace parvis::protocol::sf
