#include "server/pages/annotation_pages.h"

#include <memory>
#include <variant>

#include "server/annotations/annotation_service.h"
#include "server/federation/domain_policy.h"
#include "server/federation/post_service.h"
#include "server/pages/note_view.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;

struct Pages {
  PagesContext context;
  annotations::AnnotationService* service;
};

// The page after a form: an error message, or back to the thread.
http::Response Refused(const Pages& pages, const Visitor& visitor, const Error& error) {
  int status = http::StatusForErrorCode(error.code);
  std::string message = error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kNotFound
                            ? error.message
                            : T(visitor, "error_storage");
  return MessagePage(pages.context, visitor, status, T(visitor, "error_title"), message);
}

// A signed-in visitor's posted form that passed the anti-forgery check,
// or the response that refuses it (to the login page; 400; 403, also for
// others than admins and fact-checkers when `moderators_only`).
struct Posted {
  Visitor visitor;
  Form form;
};

std::variant<Posted, http::Response> ReadPosted(const Pages& pages, const http::Request& request,
                                                bool moderators_only) {
  Visitor visitor = ReadVisitor(pages.context, request);
  if (!visitor.account) return Redirect("/login");
  auto read = ReadPostedForm(pages.context, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) return std::move(*refused);
  if (moderators_only && !annotations::MayWriteContextNotes(*visitor.account)) {
    return MessagePage(pages.context, visitor, 403, T(visitor, "error_title"), T(visitor, "context_note_not_allowed"));
  }
  return Posted{std::move(visitor), std::get<Form>(std::move(read))};
}

boost::asio::awaitable<http::Response> ReplyAsNamed(const Pages* pages, const http::Request& request) {
  auto read = ReadPosted(*pages, request, false);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Visitor& visitor = std::get<Posted>(read).visitor;
  const Form& form = std::get<Posted>(read).form;
  std::string post = Field(form, "post");
  Result<bool> named = co_await pages->service->NamedIn(*visitor.account, post);
  if (!named) co_return Refused(*pages, visitor, named.error());
  if (!*named) {
    co_return MessagePage(pages->context, visitor, 403, T(visitor, "error_title"), T(visitor, "right_of_reply_not_named"));
  }
  Result<annotations::RightOfReply> attached =
      co_await pages->service->ReplyAsNamed(*visitor.account, post, Field(form, "content"));
  if (!attached) co_return Refused(*pages, visitor, attached.error());
  co_return Redirect(ThreadPath(post));
}

boost::asio::awaitable<http::Response> AddContextNote(const Pages* pages, const http::Request& request) {
  auto read = ReadPosted(*pages, request, true);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Visitor& visitor = std::get<Posted>(read).visitor;
  const Form& form = std::get<Posted>(read).form;
  std::string post = Field(form, "post");
  Result<annotations::ContextNote> note =
      co_await pages->service->AddContextNote(*visitor.account, post, Field(form, "content"), Field(form, "source"));
  if (!note) co_return Refused(*pages, visitor, note.error());
  co_return Redirect(ThreadPath(post));
}

boost::asio::awaitable<http::Response> RemoveContextNote(const Pages* pages, const http::Request& request) {
  auto read = ReadPosted(*pages, request, true);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Visitor& visitor = std::get<Posted>(read).visitor;
  const Form& form = std::get<Posted>(read).form;
  std::string id = Field(form, "id");
  Result<std::optional<annotations::ContextNote>> note = pages->service->store().ContextNoteById(id);
  Status removed = co_await pages->service->RemoveContextNote(*visitor.account, id);
  if (!removed) co_return Refused(*pages, visitor, removed.error());
  co_return Redirect(note && note->has_value() ? ThreadPath((*note)->post) : "/home");
}

}  // namespace

void SetContextNotes(mustache::data& view, const PagesContext& context, const Visitor& visitor, const std::string& id) {
  Result<std::vector<annotations::ContextNote>> notes = annotations::AnnotationStore(*context.store).ContextNotes(id);
  if (!notes || notes->empty()) return;
  bool may_remove = visitor.account && annotations::MayWriteContextNotes(*visitor.account);
  mustache::data list(mustache::data::type::list);
  for (const annotations::ContextNote& note : *notes) {
    mustache::data entry;
    std::string host = note.origin.empty() ? federation::AuthorityOf(context.config->base_url).value_or("") : note.origin;
    entry.set("cn_from", T(visitor, "context_note_from") + " " + host);
    entry.set("cn_text", note.text);
    if (!note.source.empty()) entry.set("cn_source", note.source);
    if (may_remove && note.origin.empty()) entry.set("cn_remove", note.id);
    list.push_back(entry);
  }
  view.set("context_notes", list);
}

std::set<std::string> AddThreadAnnotations(mustache::data& data, const PagesContext& context, const Visitor& visitor,
                                           const std::string& id, const federation::StoredObject& post) {
  std::set<std::string> shown;
  Result<std::vector<annotations::RightOfReply>> records = annotations::AnnotationStore(*context.store).RightsOfReply(id);
  mustache::data cards(mustache::data::type::list);
  for (const annotations::RightOfReply& record : records ? *records : std::vector<annotations::RightOfReply>{}) {
    Result<std::optional<federation::StoredObject>> reply = context.posts->Get(record.reply);
    if (!reply || !reply->has_value() || (*reply)->author != record.author) continue;
    std::optional<mustache::data> view = NoteView(context, visitor, record.reply, **reply);
    if (!view) continue;
    cards.push_back(*view);
    shown.insert(record.reply);
  }
  if (!shown.empty()) {
    mustache::data section;
    section.set("cards", cards);
    data.set("rights_of_reply", section);
  }
  if (!visitor.account) return shown;
  if (annotations::NamesAccount(context.config->base_url, post, *visitor.account)) {
    mustache::data form;
    form.set("post", id);
    data.set("reply_as_named", form);
  }
  if (annotations::MayWriteContextNotes(*visitor.account)) {
    mustache::data form;
    form.set("post", id);
    data.set("context_note_form", form);
  }
  return shown;
}

void AddAnnotationPages(http::Router& router, const PagesContext& context, annotations::AnnotationService* service) {
  auto pages = std::make_shared<Pages>(Pages{context, service});
  router.AddAsync("POST", "/right-of-reply", [pages](http::Request& r) { return ReplyAsNamed(pages.get(), r); });
  router.AddAsync("POST", "/context-notes", [pages](http::Request& r) { return AddContextNote(pages.get(), r); });
  router.AddAsync("POST", "/context-notes/delete",
                  [pages](http::Request& r) { return RemoveContextNote(pages.get(), r); });
}

}  // namespace parvis::pages
