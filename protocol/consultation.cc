// Consultation documents and the activities around them (docs/protocol.md).
#include "parvis/protocol/consultation.h"

#include "civic_article.h"

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"
#include "parvis/protocol/petition.h"
#include "parvis/protocol/remote_actor.h"
#include "parvis/protocol/timestamps.h"

namespace parvis::protocol {
namespace {

using Writer = CivicWriter;

constexpr const char* kChoices[] = {"for", "against", "abstain"};

void Member(Writer& writer, const char* key, std::string_view value) { WriteMember(writer, key, value); }
void Context(Writer& writer) { WriteCivicContext(writer); }
void Audience(Writer& writer, const std::string& followers) { WriteCivicAudience(writer, followers); }

// The members of a proposal shared by its Note and its entry in the Article.
void ProposalMembers(Writer& writer, const ProposalDocument& p) {
  Member(writer, "id", p.id);
  Member(writer, "type", "Note");
  Member(writer, "proposer", p.proposer);
  Member(writer, "content", p.content);
  Member(writer, "published", FormatRfc3339Utc(p.published));
  writer.Key("votesFor");
  writer.Uint64(p.votes.for_votes);
  writer.Key("votesAgainst");
  writer.Uint64(p.votes.against);
  writer.Key("votesAbstain");
  writer.Uint64(p.votes.abstain);
  writer.Key("commentCount");
  writer.Uint64(p.comments);
}

// The line every reader shows under the text.
std::string StatusLine(const ConsultationDocument& c) {
  std::string html = "<p><strong>Consultation</strong> · " + std::to_string(c.proposals.size()) + " proposals · " +
                     (c.open ? "open" : "closed");
  if (c.deadline != 0) html += " until " + FormatRfc3339Utc(c.deadline).substr(0, 10);
  html += " · <a href=\"" + c.id + "\">propose, vote or read it on its home node</a></p>";
  return html;
}

}  // namespace

const char* VoteChoiceName(VoteChoice choice) { return kChoices[static_cast<int>(choice)]; }

std::optional<VoteChoice> ParseVoteChoice(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (name == kChoices[i]) return static_cast<VoteChoice>(i);
  }
  return std::nullopt;
}

std::string ConsultationArticleJson(const ConsultationDocument& c) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  std::string content = c.content + StatusLine(c);
  WriteCivicArticleHead(writer, {.id = c.id,
                                 .organiser = c.organiser,
                                 .followers = c.followers,
                                 .title = c.title,
                                 .content = content,
                                 .published = c.published,
                                 .updated = c.updated});
  writer.Key("consultation");
  writer.StartObject();
  Member(writer, "type", "Consultation");
  Member(writer, "consultationState", c.open ? "open" : "closed");
  Member(writer, "participation", c.participation);
  if (c.deadline != 0) Member(writer, "endTime", FormatRfc3339Utc(c.deadline));
  writer.Key("proposals");
  writer.StartArray();
  for (const ProposalDocument& p : c.proposals) {
    writer.StartObject();
    ProposalMembers(writer, p);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  writer.EndObject();
  return buffer.GetString();
}

std::string ProposalNoteJson(const ConsultationDocument& c, const ProposalDocument& p) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  ProposalMembers(writer, p);
  Member(writer, "attributedTo", c.organiser);
  Member(writer, "inReplyTo", c.id);
  Member(writer, "url", c.id);
  Audience(writer, c.followers);
  writer.EndObject();
  return buffer.GetString();
}

Result<ConsultationDocument> ReadConsultationArticle(const rapidjson::Value& article) {
  auto invalid = [](std::string why) -> Result<ConsultationDocument> {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "consultation: " + why});
  };
  if (!article.IsObject()) return invalid("not an object");
  auto extension = article.FindMember("consultation");
  if (extension == article.MemberEnd() || !extension->value.IsObject()) return invalid("no consultation object");
  const rapidjson::Value& x = extension->value;
  ConsultationDocument c;
  c.id = StringMember(article, "id").value_or("");
  if (auto it = article.FindMember("attributedTo"); it != article.MemberEnd()) {
    c.organiser = FirstId(it->value).value_or("");
  }
  if (c.id.empty() || c.organiser.empty()) return invalid("id or attributedTo missing");
  c.title = StringMember(article, "name").value_or("");
  c.content = StringMember(article, "content").value_or("");
  std::string state = StringMember(x, "consultationState").value_or("");
  if (state != "open" && state != "closed") return invalid("consultationState is not open or closed");
  c.open = state == "open";
  c.participation = StringMember(x, "participation").value_or("anyone");
  if (std::optional<std::string> end = StringMember(x, "endTime")) {
    Result<int64_t> seconds = ParseRfc3339(*end);
    if (!seconds) return invalid("endTime is not an RFC 3339 date");
    c.deadline = *seconds;
  }
  auto proposals = x.FindMember("proposals");
  if (proposals != x.MemberEnd()) {
    if (!proposals->value.IsArray()) return invalid("proposals is not an array");
    for (const auto& item : proposals->value.GetArray()) {
      if (!item.IsObject()) return invalid("a proposal is not an object");
      ProposalDocument p;
      p.id = StringMember(item, "id").value_or("");
      p.proposer = StringMember(item, "proposer").value_or("");
      p.content = StringMember(item, "content").value_or("");
      bool ok = true;
      p.votes = {ReadUintMember(item, "votesFor", ok), ReadUintMember(item, "votesAgainst", ok), ReadUintMember(item, "votesAbstain", ok)};
      p.comments = ReadUintMember(item, "commentCount", ok);
      if (!ok || p.id.empty()) return invalid("a proposal has no id or a count that is not a whole number");
      c.proposals.push_back(std::move(p));
    }
  }
  return c;
}

std::string OfferProposalJson(std::string_view id, std::string_view actor, std::string_view consultation,
                              std::string_view organiser, std::string_view text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  Member(writer, "id", id);
  Member(writer, "type", "Offer");
  Member(writer, "actor", actor);
  Member(writer, "target", consultation);
  writer.Key("to");
  writer.StartArray();
  writer.String(organiser.data(), static_cast<rapidjson::SizeType>(organiser.size()));
  writer.EndArray();
  writer.Key("object");
  writer.StartObject();
  Member(writer, "type", "Note");
  Member(writer, "attributedTo", actor);
  Member(writer, "content", text);
  writer.EndObject();
  writer.EndObject();
  return buffer.GetString();
}

std::string VoteActivityJson(std::string_view id, std::string_view actor, std::string_view proposal,
                             std::string_view organiser, VoteChoice choice) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  Context(writer);
  Member(writer, "id", id);
  Member(writer, "type", "Vote");
  Member(writer, "actor", actor);
  Member(writer, "object", proposal);
  Member(writer, "choice", VoteChoiceName(choice));
  writer.Key("to");
  writer.StartArray();
  writer.String(organiser.data(), static_cast<rapidjson::SizeType>(organiser.size()));
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

std::string ConsultationAnswerJson(std::string_view id, std::string_view organiser, std::string_view to,
                                   const rapidjson::Value& answered, bool accepted, std::string_view result) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  WriteCivicAnswerHead(writer, accepted ? "Accept" : "Reject", id, organiser, to, answered,
                       {"id", "type", "actor", "object", "target", "choice"});
  if (accepted && !result.empty()) Member(writer, "result", result);
  if (!accepted) Member(writer, "summary", result);
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace parvis::protocol
