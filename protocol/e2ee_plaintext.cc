// The plaintext JSON of one message and its padding (docs/e2ee.md §6).
#include <sodium.h>

#include "e2ee_bytes.h"
#include "e2ee_json_fields.h"
#include "parvis/protocol/e2ee.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol::e2ee {

using internal::AsView;
using internal::CountCodePoints;
using internal::Draw;
using internal::IsValidUtf8;

namespace {

constexpr size_t kMessageIdBytes = 16;

Status CheckPlaintext(const MessagePlaintext& message) {
  auto id = DecodeBase64Url(message.id);
  if (!id || id->size() != kMessageIdBytes) {
    return Fail(ErrorCode::kInvalidArgument, "message id is not 16 bytes of base64url");
  }
  if (message.from.empty() || !IsValidUtf8(message.from)) {
    return Fail(ErrorCode::kInvalidArgument, "message \"from\" is empty or not UTF-8");
  }
  if (message.to.empty()) return Fail(ErrorCode::kInvalidArgument, "message \"to\" is empty");
  if (message.to.size() > kMaxEntries) {
    return Fail(ErrorCode::kLimitExceeded, "message \"to\" names more than 64 actors");
  }
  for (const auto& actor : message.to) {
    if (actor.empty() || !IsValidUtf8(actor)) {
      return Fail(ErrorCode::kInvalidArgument, "a message recipient is empty or not UTF-8");
    }
  }
  if (!ParseRfc3339(message.sent)) {
    return Fail(ErrorCode::kInvalidArgument, "message \"sent\" is not an RFC 3339 date-time");
  }
  if (!IsValidUtf8(message.content)) {
    return Fail(ErrorCode::kInvalidArgument, "message content is not UTF-8");
  }
  if (CountCodePoints(message.content) > kMaxContentChars) {
    return Fail(ErrorCode::kLimitExceeded, "message content is over 5000 characters");
  }
  return Ok();
}

}  // namespace

std::string GenerateMessageId(const RandomSource& random) {
  return EncodeBase64Url(AsView(Draw<kMessageIdBytes>(random)));
}

Result<std::string> WriteMessagePlaintext(const MessagePlaintext& message) {
  if (auto status = CheckPlaintext(message); !status) return std::unexpected(status.error());
  rapidjson::StringBuffer buffer;
  internal::JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("id");
  internal::WriteString(writer, message.id);
  writer.Key("from");
  internal::WriteString(writer, message.from);
  writer.Key("to");
  writer.StartArray();
  for (const auto& actor : message.to) internal::WriteString(writer, actor);
  writer.EndArray();
  writer.Key("sent");
  internal::WriteString(writer, message.sent);
  writer.Key("content");
  internal::WriteString(writer, message.content);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<MessagePlaintext> ParseMessagePlaintext(std::string_view json) {
  auto document = internal::ParseObject(json, "the message plaintext");
  if (!document) return std::unexpected(document.error());
  MessagePlaintext message;
  const std::string where = "message";
  auto id = internal::StringMember(*document, "id", where);
  if (!id) return std::unexpected(id.error());
  message.id = *id;
  auto from = internal::StringMember(*document, "from", where);
  if (!from) return std::unexpected(from.error());
  message.from = *from;
  auto to = internal::ArrayMember(*document, "to", where, kMaxEntries);
  if (!to) return std::unexpected(to.error());
  for (const auto& actor : (*to)->GetArray()) {
    if (!actor.IsString())
      return Fail(ErrorCode::kInvalidArgument, "message.to holds a non-string");
    message.to.emplace_back(actor.GetString(), actor.GetStringLength());
  }
  auto sent = internal::StringMember(*document, "sent", where);
  if (!sent) return std::unexpected(sent.error());
  message.sent = *sent;
  auto content = internal::StringMember(*document, "content", where);
  if (!content) return std::unexpected(content.error());
  message.content = *content;
  if (auto status = CheckPlaintext(message); !status) return std::unexpected(status.error());
  return message;
}

std::string PadPlaintext(std::string_view bytes) {
  EnsureSodium();
  std::string out(bytes);
  out.resize((bytes.size() / kPaddingBlock + 1) * kPaddingBlock);
  size_t padded = 0;
  sodium_pad(&padded, reinterpret_cast<unsigned char*>(out.data()), bytes.size(), kPaddingBlock,
             out.size());
  out.resize(padded);
  return out;
}

Result<std::string> UnpadPlaintext(std::string_view padded) {
  EnsureSodium();
  size_t length = 0;
  if (padded.empty() || padded.size() % kPaddingBlock != 0 ||
      sodium_unpad(&length, internal::Uc(padded), padded.size(), kPaddingBlock) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "the plaintext padding is malformed");
  }
  return std::string(padded.substr(0, length));
}

}  // namespace parvis::protocol::e2ee
