#include "parvis/protocol/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {
namespace {

// RapidJSON's full-precision number reader (1.1.0, as Debian ships it) reads
// out of bounds and calls __builtin_clzll(0) on some decimals: a zero with a
// fraction or an exponent ("0.000", "0e40"), and numbers with many digits or
// far exponents ("1.2345678901234567890123e-330"); found by fuzzing
// (tests/fuzz/regressions/activity_json). Text holding such a number is read
// with the normal-precision reader instead, which handles them.
bool HasRiskyNumber(std::string_view text) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    size_t significant = 0, digits = 0;
    bool decimal = false, nonzero = false;
    long exponent = 0;
    size_t j = i + (c == '-' ? 1 : 0);
    for (; j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.'); ++j) {
      if (text[j] == '.') {
        decimal = true;
        continue;
      }
      ++digits;
      if (text[j] != '0') nonzero = true;
      if (nonzero) ++significant;
    }
    if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
      decimal = true;
      ++j;
      bool negative = j < text.size() && text[j] == '-';
      if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
      for (; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j) {
        if (exponent < 100000) exponent = exponent * 10 + (text[j] - '0');
      }
      if (negative) exponent = -exponent;
    }
    if (decimal && (!nonzero || significant > 19 || digits > 40 || exponent > 300 || exponent < -300)) {
      return true;
    }
    i = j > i ? j - 1 : i;
  }
  return false;
}


// Forwards SAX events to a Document while counting nesting; stops the
// reader (by returning false) one level past the limit.
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document& doc, unsigned max_depth)
      : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { --depth_; return doc_.EndObject(n); }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { --depth_; return doc_.EndArray(n); }

  bool too_deep() const { return too_deep_; }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  rapidjson::Document& doc_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

Result<rapidjson::Document> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Fail(ErrorCode::kLimitExceeded, "JSON is " + std::to_string(text.size()) +
                                               " bytes, more than the limit of " +
                                               std::to_string(limits.max_bytes));
  }
  rapidjson::Document doc;
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::ParseResult result;
  const bool full_precision = !HasRiskyNumber(text);
  bool too_deep = false;
  // Populate moves the parsed root from the document's stack into place.
  auto generate = [&](rapidjson::Document& target) {
    DepthLimitedHandler handler(target, limits.max_depth);
    rapidjson::Reader reader;
    // Iterative parsing keeps the parser's own stack on the heap.
    // Full precision: numbers must round-trip exactly for JCS proofs.
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    result = full_precision
                 ? reader.Parse<kFlags | rapidjson::kParseFullPrecisionFlag>(stream, handler)
                 : reader.Parse<kFlags>(stream, handler);
    too_deep = handler.too_deep();
    return !result.IsError();
  };
  doc.Populate(generate);
  if (too_deep) {
    return Fail(ErrorCode::kLimitExceeded, "JSON nested deeper than " +
                                               std::to_string(limits.max_depth) +
                                               " levels at byte " +
                                               std::to_string(result.Offset()));
  }
  if (result.IsError()) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid JSON at byte " + std::to_string(result.Offset()) + ": " +
                    rapidjson::GetParseError_En(result.Code()));
  }
  // Only whitespace may follow the root value.
  for (size_t i = stream.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid JSON at byte " + std::to_string(i) + ": text after the root value");
    }
  }
  return doc;
}

std::optional<std::string> StringMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return std::nullopt;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string WriteJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace parvis::protocol
