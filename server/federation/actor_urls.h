// The URLs of local actors and their collections, from the node's base URL.
// One place, so ids never drift between documents.
#ifndef PARVIS_SERVER_FEDERATION_ACTOR_URLS_H_
#define PARVIS_SERVER_FEDERATION_ACTOR_URLS_H_

#include <optional>
#include <string>
#include <string_view>

namespace parvis::federation {

class ActorUrls {
 public:
  explicit ActorUrls(std::string base_url) : base_(std::move(base_url)) {}

  std::string Actor(std::string_view name) const { return base_ + "/users/" + std::string(name); }
  std::string Profile(std::string_view name) const { return base_ + "/@" + std::string(name); }
  std::string Inbox(std::string_view name) const { return Actor(name) + "/inbox"; }
  std::string Outbox(std::string_view name) const { return Actor(name) + "/outbox"; }
  std::string Followers(std::string_view name) const { return Actor(name) + "/followers"; }
  std::string Following(std::string_view name) const { return Actor(name) + "/following"; }
  std::string Featured(std::string_view name) const { return Actor(name) + "/collections/featured"; }
  std::string RsaKey(std::string_view name) const { return Actor(name) + "#main-key"; }
  std::string Ed25519Key(std::string_view name) const { return Actor(name) + "#ed25519-key"; }
  // The avatar's URL; `version` changes with each new image, so caches can
  // keep one for long.
  std::string Avatar(std::string_view name, int64_t version) const {
    return base_ + "/media/avatars/" + std::string(name) + "?v=" + std::to_string(version);
  }
  // The key directory of confidential messaging (docs/e2ee.md).
  std::string E2eeKeys(std::string_view name) const { return Actor(name) + "/e2ee"; }
  std::string SharedInbox() const { return base_ + "/inbox"; }
  std::string InstanceActor() const { return base_ + "/actor"; }
  std::string InstanceRsaKey() const { return InstanceActor() + "#main-key"; }
  std::string InstanceEd25519Key() const { return InstanceActor() + "#ed25519-key"; }
  // Where the direct notes that tell another server's account of a
  // moderation decision live; a reply to one is an appeal.
  std::string ModerationNotices() const { return base_ + "/moderation/notices/"; }

  // The account name in one of our actor or profile URLs, if it is one.
  std::optional<std::string> NameFromUrl(std::string_view url) const {
    for (std::string_view prefix : {std::string_view("/users/"), std::string_view("/@")}) {
      std::string full = base_ + std::string(prefix);
      if (url.size() > full.size() && url.substr(0, full.size()) == full) {
        std::string_view rest = url.substr(full.size());
        if (rest.find('/') == std::string_view::npos && rest.find('#') == std::string_view::npos &&
            rest.find('?') == std::string_view::npos) {
          return std::string(rest);
        }
      }
    }
    return std::nullopt;
  }

  const std::string& base() const { return base_; }

 private:
  std::string base_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_ACTOR_URLS_H_
