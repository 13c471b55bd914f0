#include "parvis/protocol/activities.h"

#include "parvis/protocol/json.h"
#include "parvis/protocol/note.h"

namespace parvis::protocol {
namespace {

rapidjson::Value Text(std::string_view text, rapidjson::Document::AllocatorType& allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

rapidjson::Document Envelope(std::string_view type, std::string_view id, std::string_view actor) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& allocator = doc.GetAllocator();
  doc.AddMember("@context", "https://www.w3.org/ns/activitystreams", allocator);
  doc.AddMember("id", Text(id, allocator), allocator);
  doc.AddMember("type", Text(type, allocator), allocator);
  doc.AddMember("actor", Text(actor, allocator), allocator);
  return doc;
}

std::string WithObject(std::string_view type, std::string_view id, std::string_view actor,
                       const rapidjson::Value& object) {
  rapidjson::Document doc = Envelope(type, id, actor);
  // Only what identifies the embedded activity, as Mastodon embeds it: its
  // signatures and proofs would not verify out of place, and our context
  // does not define them.
  rapidjson::Value copy(rapidjson::kObjectType);
  if (object.IsObject()) {
    for (const char* key : {"id", "type", "actor", "object"}) {
      auto it = object.FindMember(key);
      if (it != object.MemberEnd()) {
        copy.AddMember(rapidjson::StringRef(key), rapidjson::Value(it->value, doc.GetAllocator()),
                       doc.GetAllocator());
      }
    }
  }
  doc.AddMember("object", copy, doc.GetAllocator());
  return WriteJson(doc);
}

}  // namespace

std::string FollowActivity(std::string_view id, std::string_view actor, std::string_view object) {
  rapidjson::Document doc = Envelope("Follow", id, actor);
  doc.AddMember("object", Text(object, doc.GetAllocator()), doc.GetAllocator());
  return WriteJson(doc);
}

std::string AcceptActivity(std::string_view id, std::string_view actor,
                           const rapidjson::Value& follow) {
  return WithObject("Accept", id, actor, follow);
}

std::string RejectActivity(std::string_view id, std::string_view actor,
                           const rapidjson::Value& follow) {
  return WithObject("Reject", id, actor, follow);
}

std::string ReactionActivity(std::string_view type, std::string_view id, std::string_view actor,
                             std::string_view object, const std::vector<std::string>& to,
                             const std::vector<std::string>& cc) {
  rapidjson::Document doc = Envelope(type, id, actor);
  auto& allocator = doc.GetAllocator();
  doc.AddMember("object", Text(object, allocator), allocator);
  for (auto [key, list] : {std::pair{"to", &to}, std::pair{"cc", &cc}}) {
    rapidjson::Value values(rapidjson::kArrayType);
    for (const std::string& value : *list) values.PushBack(Text(value, allocator), allocator);
    doc.AddMember(rapidjson::StringRef(key), values, allocator);
  }
  return WriteJson(doc);
}

std::string UndoActivity(std::string_view id, std::string_view actor,
                         const rapidjson::Value& activity) {
  return WithObject("Undo", id, actor, activity);
}

std::string CollectionChangeActivity(std::string_view type, std::string_view id,
                                     std::string_view actor, std::string_view object,
                                     std::string_view target, std::string_view followers) {
  std::vector<std::string> to = {std::string(kPublicCollection)};
  std::vector<std::string> cc = {std::string(followers)};
  rapidjson::Document doc = rapidjson::Document();
  doc.Parse(ReactionActivity(type, id, actor, object, to, cc).c_str());
  doc.AddMember("target", Text(target, doc.GetAllocator()), doc.GetAllocator());
  return WriteJson(doc);
}

std::string GroupAnnounceActivity(std::string_view id, std::string_view group,
                                  std::string_view followers, const rapidjson::Value& activity) {
  rapidjson::Document doc = Envelope("Announce", id, group);
  auto& allocator = doc.GetAllocator();
  rapidjson::Value embedded(activity, allocator);
  // The embedded activity keeps its meaning without its own context.
  if (embedded.IsObject()) embedded.RemoveMember("@context");
  doc.AddMember("object", embedded, allocator);
  rapidjson::Value to(rapidjson::kArrayType);
  to.PushBack(Text(kPublicCollection, allocator), allocator);
  doc.AddMember("to", to, allocator);
  rapidjson::Value cc(rapidjson::kArrayType);
  cc.PushBack(Text(followers, allocator), allocator);
  doc.AddMember("cc", cc, allocator);
  return WriteJson(doc);
}

}  // namespace parvis::protocol
