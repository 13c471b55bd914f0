// Structured Field Values for HTTP (RFC 8941): the parser and serializer that
// Signature-Input, Signature and Content-Digest need.
//
// Parsing follows RFC 8941 §4.2 to the letter (strictness is what makes the
// re-serialized @signature-params line match the signer's). Nothing recurses
// on the input, and input longer than kMaxStructuredFieldBytes or with more
// than kMaxStructuredFieldMembers members is kLimitExceeded.
#ifndef PARVIS_PROTOCOL_STRUCTURED_FIELDS_H_
#define PARVIS_PROTOCOL_STRUCTURED_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parvis/result.h"

namespace parvis::protocol::sf {

inline constexpr size_t kMaxStructuredFieldBytes = 64 * 1024;
inline constexpr size_t kMaxStructuredFieldMembers = 1024;  // list/dict members, items, params

struct Token {
  std::string value;
  bool operator==(const Token&) const = default;
};

struct ByteSequence {
  std::string bytes;  // decoded
  bool operator==(const ByteSequence&) const = default;
};

// Integer, Decimal, String, Token, Byte Sequence, Boolean.
using BareItem = std::variant<int64_t, double, std::string, Token, ByteSequence, bool>;

// Ordered; keys are unique (a repeated key overwrites the earlier value in place).
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
};

struct InnerList {
  std::vector<Item> items;
  Parameters params;
};

using ListMember = std::variant<Item, InnerList>;
using List = std::vector<ListMember>;
// Ordered; keys are unique as for Parameters.
using Dictionary = std::vector<std::pair<std::string, ListMember>>;

// Parse a whole field value (all field lines already joined with ", ").
// Errors are kInvalidArgument and give the byte offset:
//   "invalid structured field at byte 7: unterminated string"
Result<Item> ParseItem(std::string_view text);
Result<List> ParseList(std::string_view text);
Result<Dictionary> ParseDictionary(std::string_view text);

// Serialize per RFC 8941 §4.1. A value that cannot be represented (integer
// beyond 15 digits, string with a non-printable character, invalid token or
// key) is kInvalidArgument.
Result<std::string> SerializeBareItem(const BareItem& value);
Result<std::string> SerializeParameters(const Parameters& params);
Result<std::string> SerializeItem(const Item& item);
Result<std::string> SerializeInnerList(const InnerList& list);
Result<std::string> SerializeListMember(const ListMember& member);
Result<std::string> SerializeList(const List& list);
Result<std::string> SerializeDictionary(const Dictionary& dictionary);

// The parameter named `key`, or nullptr.
const BareItem* FindParameter(const Parameters& params, std::string_view key);
// The dictionary member named `key`, or nullptr.
const ListMember* FindMember(const Dictionary& dictionary, std::string_view key);

}  // namespace parvis::protocol::sf

#endif  // PARVIS_PROTOCOL_STRUCTURED_FIELDS_H_
