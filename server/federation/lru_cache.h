// A bounded map that forgets its least recently used entry when full. Safe
// to use from several threads at once. Values are returned by copy, so keep
// them cheap to copy (the key types of protocol/keys.h share their material).
#ifndef PARVIS_SERVER_FEDERATION_LRU_CACHE_H_
#define PARVIS_SERVER_FEDERATION_LRU_CACHE_H_

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace parvis::federation {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruCache {
 public:
  // `capacity` must be at least 1.
  explicit LruCache(size_t capacity) : capacity_(capacity) {}

  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value kept for `key`, now the most recently used; nullopt if none.
  std::optional<Value> Find(const Key& key) {
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->second;
  }

  // Keeps `value` for `key` (replacing what was kept), forgetting the least
  // recently used entry if that makes one too many.
  void Put(const Key& key, Value value) {
    std::lock_guard lock(mutex_);
    if (auto found = index_.find(key); found != index_.end()) {
      found->second->second = std::move(value);
      entries_.splice(entries_.begin(), entries_, found->second);
      return;
    }
    entries_.emplace_front(key, std::move(value));
    index_.emplace(key, entries_.begin());
    if (entries_.size() > capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
  }

  void Erase(const Key& key) {
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) return;
    entries_.erase(found->second);
    index_.erase(found);
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  using Entries = std::list<std::pair<Key, Value>>;

  const size_t capacity_;
  mutable std::mutex mutex_;
  Entries entries_;  // most recently used first; guarded by mutex_
  std::unordered_map<Key, typename Entries::iterator, Hash> index_;  // guarded by mutex_
};

// Values derived from bytes read elsewhere (a record decoded, a text
// sanitised), kept per key with a hash of the bytes they came from: Find
// gives the value only while the bytes are the same (by hash and length),
// so a changed source is never served stale and no writer has to tell the
// cache. Safe to use from several threads at once.
template <typename Value>
class DerivedCache {
 public:
  explicit DerivedCache(size_t capacity) : kept_(capacity) {}

  std::optional<Value> Find(const std::string& key, std::string_view bytes) {
    std::optional<Entry> entry = kept_.Find(key);
    if (!entry || entry->size != bytes.size() || entry->hash != std::hash<std::string_view>{}(bytes)) {
      return std::nullopt;
    }
    return std::move(entry->value);
  }

  void Put(const std::string& key, std::string_view bytes, Value value) {
    kept_.Put(key, Entry{std::hash<std::string_view>{}(bytes), bytes.size(), std::move(value)});
  }

 private:
  struct Entry {
    size_t hash = 0;
    size_t size = 0;
    Value value;
  };
  LruCache<std::string, Entry> kept_;
};

}  // namespace parvis::federation

#endif  // PARVIS_SERVER_FEDERATION_LRU_CACHE_H_
