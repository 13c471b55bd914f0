#include "server/pages/template_cache.h"

#include "parvis/embedded.h"
#include "server/pages/translations.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

// Partials inside partials, at most: the templates use one level.
constexpr int kMaxPartialDepth = 4;
// Parsed copies kept per template: more than the node's worker threads.
constexpr size_t kMaxSpare = 8;

mustache::data LocaleData(std::string_view locale) {
  mustache::data strings{mustache::data::type::object};
  for (const auto& [key, value] : Strings(locale)) strings.set(key, value);
  mustache::data base{mustache::data::type::object};
  base.set("t", strings);
  return base;
}

Result<std::string> Expand(std::string_view name, int depth) {
  if (depth > kMaxPartialDepth) {
    return Fail(ErrorCode::kLimitExceeded, "template partials nest too deep at " + std::string(name));
  }
  std::optional<std::string_view> source = embedded::FindWebFile("templates/" + std::string(name) + ".html");
  if (!source) return Fail(ErrorCode::kNotFound, "template " + std::string(name) + " is missing from the build");
  std::string out;
  out.reserve(source->size());
  std::string_view rest = *source;
  for (size_t open = rest.find("{{>"); open != std::string_view::npos; open = rest.find("{{>")) {
    size_t close = rest.find("}}", open);
    if (close == std::string_view::npos) break;  // the parser will say what is wrong
    std::string_view partial = rest.substr(open + 3, close - open - 3);
    while (!partial.empty() && partial.front() == ' ') partial.remove_prefix(1);
    while (!partial.empty() && partial.back() == ' ') partial.remove_suffix(1);
    Result<std::string> inner = Expand(partial, depth + 1);
    if (!inner) return inner;
    out.append(rest.substr(0, open));
    out.append(*inner);
    rest.remove_prefix(close + 2);
  }
  out.append(rest);
  return out;
}

}  // namespace

TemplateCache::TemplateCache() : english_(LocaleData("en")), french_(LocaleData("fr")) {}

Result<std::string> TemplateCache::ExpandedSource(std::string_view name) { return Expand(name, 0); }

Result<TemplateCache::Parsed> TemplateCache::Take(std::string_view name) {
  std::string source;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it != entries_.end() && !it->second.spare.empty()) {
      Parsed parsed = std::move(it->second.spare.back());
      it->second.spare.pop_back();
      return parsed;
    }
    if (it != entries_.end()) source = it->second.source;
  }
  if (source.empty()) {
    Result<std::string> expanded = ExpandedSource(name);
    if (!expanded) return std::unexpected(expanded.error());
    source = *expanded;
    std::lock_guard lock(mutex_);
    entries_.try_emplace(std::string(name), Entry{source, {}});
  }
  auto parsed = std::make_unique<mustache::mustache>(source);
  if (!parsed->is_valid()) {
    return Fail(ErrorCode::kInvalidArgument, "template " + std::string(name) + ": " + parsed->error_message());
  }
  return parsed;
}

void TemplateCache::Give(std::string_view name, Parsed parsed) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second.spare.size() < kMaxSpare) it->second.spare.push_back(std::move(parsed));
}

Result<std::string> TemplateCache::Render(std::string_view name, std::string_view locale,
                                          const mustache::data& data) {
  Result<Parsed> parsed = Take(name);
  if (!parsed) return std::unexpected(parsed.error());
  mustache::context<std::string> context(locale == "fr" ? &french_ : &english_);
  context.push(&data);
  std::string out = (*parsed)->render(context);
  if (!(*parsed)->is_valid()) {
    // A render error sticks to the parsed copy: it is not given back.
    return Fail(ErrorCode::kInvalidArgument, "template " + std::string(name) + ": " + (*parsed)->error_message());
  }
  Give(name, std::move(*parsed));
  return out;
}

}  // namespace parvis::pages
