#include "parvis/protocol/json.h"

#include <charconv>
#include <cstdint>
#include <system_error>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace parvis::protocol {
namespace {

// Whether a number's magnitude is below one: the decimal order of its first
// significant digit, plus its exponent, is negative. `text` is a valid JSON
// number (RapidJSON checked its syntax) that is not zero.
bool BelowOne(std::string_view text) {
  size_t i = text.starts_with('-') ? 1 : 0;
  long order = 0;
  bool significant = false;
  if (text[i] != '0') {
    significant = true;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ++order;
    --order;  // "5" is order 0
  } else {
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (significant) continue;
      --order;
      if (text[i] != '0') significant = true;
    }
  }
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    // Far past both ends of the double range; the cap keeps the sum from overflowing.
    for (; i < text.size(); ++i) {
      if (exponent < 1'000'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return order + exponent < 0;
}

// Forwards SAX events to a Document while counting nesting; stops the
// reader (by returning false) one level past the limit, or at a number
// beyond the double range.
//
// Numbers arrive as text (kParseNumbersAsStringsFlag) and are converted here
// with std::from_chars, which rounds correctly: RapidJSON 1.1's own
// full-precision reader reads out of bounds on some decimals (tests/fuzz/
// regressions/activity_json) and its normal-precision reader is off by a
// unit in the last place on others, and a Data Integrity (JCS) proof needs
// the sender's exact doubles. Integers without fraction or exponent that fit
// 64 bits stay integers, as RapidJSON reads them.
class DocumentHandler {
 public:
  DocumentHandler(rapidjson::Document& doc, unsigned max_depth)
      : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  // The reader calls only RawNumber with kParseNumbersAsStringsFlag.
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    return Number(std::string_view(s, n));
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { --depth_; return doc_.EndObject(n); }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { --depth_; return doc_.EndArray(n); }

  bool too_deep() const { return too_deep_; }
  bool number_out_of_range() const { return number_out_of_range_; }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  bool Number(std::string_view text) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      if (text.starts_with('-')) {
        int64_t value = 0;
        auto [rest, error] = std::from_chars(begin, end, value);
        if (error == std::errc() && rest == end) return doc_.Int64(value);
      } else {
        uint64_t value = 0;
        auto [rest, error] = std::from_chars(begin, end, value);
        if (error == std::errc() && rest == end) return doc_.Uint64(value);
      }
      // Beyond 64 bits: the nearest double, as RapidJSON and JSON.parse read it.
    }
    double value = 0;
    auto [rest, error] = std::from_chars(begin, end, value);
    if (error == std::errc::result_out_of_range) {
      // Above the largest double there is no finite value to hold.
      if (!BelowOne(text)) {
        number_out_of_range_ = true;
        return false;
      }
      // Below half the smallest subnormal the nearest double is a zero, and
      // JSON.parse reads it so too: a signer's JCS form stays the same.
      value = text.starts_with('-') ? -0.0 : 0.0;
    } else if (error != std::errc() || rest != end) {
      return false;  // not reached: the reader checked the syntax
    }
    return doc_.Double(value);
  }

  rapidjson::Document& doc_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
  bool number_out_of_range_ = false;
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
  bool too_deep = false;
  bool number_out_of_range = false;
  // Populate moves the parsed root from the document's stack into place.
  auto generate = [&](rapidjson::Document& target) {
    DocumentHandler handler(target, limits.max_depth);
    rapidjson::Reader reader;
    // Iterative parsing keeps the parser's own stack on the heap.
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                                rapidjson::kParseStopWhenDoneFlag |
                                rapidjson::kParseNumbersAsStringsFlag;
    result = reader.Parse<kFlags>(stream, handler);
    too_deep = handler.too_deep();
    number_out_of_range = handler.number_out_of_range();
    return !result.IsError();
  };
  doc.Populate(generate);
  if (too_deep) {
    return Fail(ErrorCode::kLimitExceeded, "JSON nested deeper than " +
                                               std::to_string(limits.max_depth) +
                                               " levels at byte " +
                                               std::to_string(result.Offset()));
  }
  if (number_out_of_range) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid JSON at byte " + std::to_string(result.Offset()) +
                    ": number beyond the range of a double (about 1.8e308)");
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

namespace {

// An output stream for RapidJSON's writer that only counts what it puts.
struct CountingStream {
  using Ch = char;
  size_t count = 0;
  void Put(char) { ++count; }
  void Flush() {}
};

}  // namespace

size_t WrittenJsonSize(const rapidjson::Value& value) {
  CountingStream counter;
  rapidjson::Writer<CountingStream> writer(counter);
  value.Accept(writer);
  return counter.count;
}

}  // namespace parvis::protocol
