// Petition documents and the activities around them (docs/protocol.md).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "civic_article.h"
#include "parvis/protocol/html_escape.h"
#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Writer = CivicWriter;

constexpr std::string_view kContext = R"j(["https://www.w3.org/ns/activitystreams",{"parvis":"https://parvis.org/ns#","sector":"parvis:sector","Petition":"parvis:Petition","petition":"parvis:petition","Sign":"parvis:Sign","signatureCount":{"@id":"parvis:signatureCount","@type":"http://www.w3.org/2001/XMLSchema#nonNegativeInteger"},"threshold":{"@id":"parvis:threshold","@type":"http://www.w3.org/2001/XMLSchema#nonNegativeInteger"},"petitionState":"parvis:petitionState","addressee":"parvis:addressee","showsNames":"parvis:showsNames","signatureLog":{"@id":"parvis:signatureLog","@type":"@id"},"logHead":"parvis:logHead","logEntries":"parvis:logEntries","anonymous":"parvis:anonymous","receipt":"parvis:receipt","officialAnswer":"parvis:officialAnswer","Consultation":"parvis:Consultation","consultation":"parvis:consultation","Vote":"parvis:Vote","choice":"parvis:choice","proposer":{"@id":"parvis:proposer","@type":"@id"},"participation":"parvis:participation","proposals":"parvis:proposals","votesFor":"parvis:votesFor","votesAgainst":"parvis:votesAgainst","votesAbstain":"parvis:votesAbstain","commentCount":"parvis:commentCount","consultationState":"parvis:consultationState"}])j";

void Member(Writer& writer, const char* key, std::string_view value) { WriteMember(writer, key, value); }
void Context(Writer& writer) { WriteCivicContext(writer); }

constexpr const char* kStateNames[] = {"draft", "open", "successful", "expired", "withdrawn", "answered"};

// The line every reader shows under the text, Mastodon included.
std::string StatusLine(const PetitionDocument& petition) {
  std::string html = "<p><strong>Petition</strong>";
  if (!petition.addressee.empty()) {
    html += " to ";
    AppendHtmlEscaped(html, petition.addressee);
  }
  html += " · " + std::to_string(petition.count) + " of " + std::to_string(petition.threshold) +
          " signatures · " + PetitionStateName(petition.state);
  if (petition.deadline != 0) html += " · closes " + FormatRfc3339Utc(petition.deadline).substr(0, 10);
  html += " · <a href=\"";
  AppendHtmlEscaped(html, petition.id);
  html += "\">sign or read it on its home node</a></p>";
  return html;
}

}  // namespace

std::string_view CivicContextJson() { return kContext; }

const char* PetitionStateName(PetitionState state) {
  return kStateNames[static_cast<int>(state)];
}

std::optional<PetitionState> ParsePetitionState(std::string_view name) {
  for (int i = 0; i < 6; ++i) {
    if (name == kStateNames[i]) return static_cast<PetitionState>(i);
  }
  return std::nullopt;
}

std::string PetitionArticleJson(const PetitionDocument& petition) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  std::string content = petition.content + StatusLine(petition);
  WriteCivicArticleHead(writer, {.id = petition.id,
                                 .organiser = petition.organiser,
                                 .followers = petition.followers,
                                 .title = petition.title,
                                 .content = content,
                                 .published = petition.published,
                                 .updated = petition.updated});
  writer.Key("petition");
  writer.StartObject();
  Member(writer, "type", "Petition");
  Member(writer, "petitionState", PetitionStateName(petition.state));
  Member(writer, "addressee", petition.addressee);
  writer.Key("threshold");
  writer.Uint64(petition.threshold);
  if (petition.deadline != 0) Member(writer, "endTime", FormatRfc3339Utc(petition.deadline));
  writer.Key("showsNames");
  writer.Bool(petition.shows_names);
  writer.Key("signatureCount");
  writer.Uint64(petition.count);
  Member(writer, "signatureLog", petition.id + "/log");
  writer.Key("logEntries");
  writer.Uint64(petition.entries);
  Member(writer, "logHead", petition.head);
  if (!petition.answer.empty()) {
    writer.Key("officialAnswer");
    writer.StartObject();
    Member(writer, "type", "Note");
    Member(writer, "content", petition.answer);
    Member(writer, "published", FormatRfc3339Utc(petition.answered));
    writer.EndObject();
  }
  writer.EndObject();
  writer.EndObject();
  return buffer.GetString();
}

Result<PetitionDocument> ReadPetitionArticle(const rapidjson::Value& article) {
  auto invalid = [](std::string why) -> Result<PetitionDocument> {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "petition: " + why});
  };
  if (!article.IsObject()) return invalid("not an object");
  auto extension = article.FindMember("petition");
  if (extension == article.MemberEnd() || !extension->value.IsObject()) {
    return invalid("no petition object");
  }
  const rapidjson::Value& p = extension->value;
  PetitionDocument doc;
  doc.id = StringMember(article, "id").value_or("");
  if (auto it = article.FindMember("attributedTo"); it != article.MemberEnd()) {
    doc.organiser = FirstId(it->value).value_or("");
  }
  if (doc.id.empty() || doc.organiser.empty()) return invalid("id or attributedTo missing");
  doc.title = StringMember(article, "name").value_or("");
  doc.content = StringMember(article, "content").value_or("");
  std::optional<PetitionState> state = ParsePetitionState(StringMember(p, "petitionState").value_or(""));
  if (!state) return invalid("petitionState is not one of the known states");
  doc.state = *state;
  doc.addressee = StringMember(p, "addressee").value_or("");
  bool ok = true;
  doc.threshold = ReadUintMember(p, "threshold", ok);
  doc.count = ReadUintMember(p, "signatureCount", ok);
  doc.entries = ReadUintMember(p, "logEntries", ok);
  if (!ok) return invalid("threshold, signatureCount or logEntries is not a whole number");
  if (std::optional<std::string> end = StringMember(p, "endTime")) {
    Result<int64_t> seconds = ParseRfc3339(*end);
    if (!seconds) return invalid("endTime is not an RFC 3339 date");
    doc.deadline = *seconds;
  }
  if (auto it = p.FindMember("showsNames"); it != p.MemberEnd()) {
    if (!it->value.IsBool()) return invalid("showsNames is not a boolean");
    doc.shows_names = it->value.GetBool();
  }
  doc.head = StringMember(p, "logHead").value_or("");
  if (auto it = p.FindMember("officialAnswer"); it != p.MemberEnd() && it->value.IsObject()) {
    doc.answer = StringMember(it->value, "content").value_or("");
  }
  return doc;
}

std::string SignActivityJson(std::string_view id, std::string_view actor,
                             std::string_view petition_id, std::string_view organiser,
                             bool anonymous) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  Member(writer, "id", id);
  Member(writer, "type", "Sign");
  Member(writer, "actor", actor);
  Member(writer, "object", petition_id);
  writer.Key("to");
  writer.StartArray();
  writer.String(organiser.data(), static_cast<rapidjson::SizeType>(organiser.size()));
  writer.EndArray();
  writer.Key("anonymous");
  writer.Bool(anonymous);
  writer.EndObject();
  return buffer.GetString();
}

std::string SignatureAnswerJson(std::string_view id, std::string_view organiser,
                                std::string_view signer, const rapidjson::Value& answered,
                                const SignatureReceipt* receipt, std::string_view refusal) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  WriteCivicAnswerHead(writer, receipt != nullptr ? "Accept" : "Reject", id, organiser, signer, answered,
                       {"id", "type", "actor", "object"});
  if (receipt != nullptr) {
    writer.Key("receipt");
    writer.StartObject();
    Member(writer, "petition", receipt->petition);
    writer.Key("index");
    writer.Uint64(receipt->index);
    Member(writer, "hash", receipt->hash);
    writer.Key("signatureCount");
    writer.Uint64(receipt->count);
    writer.EndObject();
  } else {
    Member(writer, "summary", refusal);
  }
  writer.EndObject();
  return buffer.GetString();
}

std::optional<SignatureReceipt> ReadSignatureReceipt(const rapidjson::Value& accept) {
  if (!accept.IsObject()) return std::nullopt;
  auto it = accept.FindMember("receipt");
  if (it == accept.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  const rapidjson::Value& r = it->value;
  SignatureReceipt receipt;
  receipt.petition = StringMember(r, "petition").value_or("");
  receipt.hash = StringMember(r, "hash").value_or("");
  bool ok = true;
  receipt.index = ReadUintMember(r, "index", ok);
  receipt.count = ReadUintMember(r, "signatureCount", ok);
  if (!ok || receipt.petition.empty() || receipt.hash.size() != 64) return std::nullopt;
  return receipt;
}

}  // namespace parvis::protocol
