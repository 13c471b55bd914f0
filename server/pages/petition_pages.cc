#include "server/pages/petition_pages.h"

#include <charconv>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/petition_routes.h"
#include "server/federation/post_service.h"
#include "server/civic/civic_rules.h"
#include "server/pages/note_view.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using civic::MySignature;
using civic::MySignatureState;
using civic::Petition;
using civic::PetitionService;
using protocol::PetitionState;

constexpr size_t kPerPage = 20;

struct PetitionPagesContext {
  PagesContext pages;
  PetitionService* petitions;
};



// Where a petition's page is: here, or the copy of one elsewhere.
std::string PagePath(const PetitionService& petitions, const std::string& id) {
  if (std::optional<uint64_t> number = petitions.NumberFromId(id)) return "/petitions/" + std::to_string(*number);
  return "/petitions/remote?id=" + UrlEncode(id);
}

std::string StateText(const Visitor& visitor, PetitionState state) {
  return T(visitor, std::string("petition_state_") + protocol::PetitionStateName(state));
}

std::string Day(int64_t seconds) { return protocol::FormatRfc3339Utc(seconds).substr(0, 10); }

void SetProgress(mustache::data& data, uint64_t count, uint64_t threshold) {
  data.set("count", std::to_string(count));
  data.set("threshold", std::to_string(threshold));
  data.set("progress", std::to_string(std::min(count, threshold)));
}

void SetMine(mustache::data& data, const Visitor& visitor, const std::optional<MySignature>& mine,
             bool open) {
  bool signed_now = mine && (mine->state == MySignatureState::kSigned || mine->state == MySignatureState::kPending ||
                             mine->state == MySignatureState::kWithdrawing);
  if (mine) {
    data.set("mine", true);
    data.set("mine_state", T(visitor, std::string("petition_mine_") + civic::MySignatureStateName(mine->state)));
    if (!mine->hash.empty()) {
      mustache::data receipt;
      receipt.set("index", std::to_string(mine->index));
      receipt.set("hash", mine->hash);
      data.set("receipt", receipt);
    }
    if (!mine->refusal.empty()) data.set("refusal", mine->refusal);
  }
  if (!visitor.account) {
    if (open) data.set("sign_in", true);
    return;
  }
  if (open && !signed_now) data.set("can_sign", true);
  if (open && mine && mine->state == MySignatureState::kSigned) data.set("can_unsign", true);
}

http::Response List(const PetitionPagesContext& c, const http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  Result<std::vector<Petition>> all = c.petitions->List(visitor.account ? visitor.account->id : 0);
  if (!all) return MessagePage(c.pages, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  size_t page = civic::ParseDecimal(request.QueryParam("page").value_or("0")).value_or(0);
  int64_t now = c.pages.now();
  mustache::data list(mustache::data::type::list);
  for (size_t i = page * kPerPage; i < all->size() && i < (page + 1) * kPerPage; ++i) {
    const Petition& p = (*all)[i];
    mustache::data item;
    item.set("url", "/petitions/" + std::to_string(p.number));
    item.set("title", p.title);
    item.set("organiser", p.organiser_name);
    item.set("addressee", p.addressee);
    item.set("state", StateText(visitor, p.State(now)));
    item.set("deadline", Day(p.deadline));
    SetProgress(item, p.count, p.threshold);
    list.push_back(item);
  }
  mustache::data data;
  data.set("petitions", list);
  if (all->empty()) data.set("none", true);
  if (page > 0) data.set("newer", "/petitions?page=" + std::to_string(page - 1));
  if ((page + 1) * kPerPage < all->size()) data.set("older", "/petitions?page=" + std::to_string(page + 1));
  if (visitor.account) {
    if (civic::MayOrganise(visitor.account->kind)) data.set("can_create", true);
    Result<std::vector<MySignature>> mine = c.petitions->AllMine(visitor.account->id);
    mustache::data signed_list(mustache::data::type::list);
    for (const MySignature& m : mine ? *mine : std::vector<MySignature>{}) {
      mustache::data item;
      item.set("url", PagePath(*c.petitions, m.petition));
      item.set("label", m.petition);
      item.set("state", T(visitor, std::string("petition_mine_") + civic::MySignatureStateName(m.state)));
      if (!m.hash.empty()) {
        mustache::data receipt;
        receipt.set("index", std::to_string(m.index));
        receipt.set("hash", m.hash.substr(0, 16) + "…");
        item.set("receipt", receipt);
      }
      signed_list.push_back(item);
    }
    if (mine && !mine->empty()) {
      data.set("has_signed", true);
      data.set("signed", signed_list);
    }
  }
  return RenderPage(c.pages, visitor, "petitions", T(visitor, "petitions"), std::move(data));
}

http::Response NewForm(const PetitionPagesContext& c, const http::Request& request, const std::string& error = "",
                       const Form& form = {}) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) return Redirect("/login");
  if (!civic::MayOrganise(visitor.account->kind)) {
    return MessagePage(c.pages, visitor, 403, T(visitor, "error_title"), T(visitor, "petition_organisers_only"));
  }
  mustache::data data;
  // ("title" is the page's own title in the layout.)
  data.set("form_title", Field(form, "title"));
  for (const char* key : {"addressee", "text", "threshold", "deadline"}) data.set(key, Field(form, key));
  if (form.empty() || !Field(form, "shows_names").empty()) data.set("shows_names", true);
  if (!error.empty()) data.set("error", error);
  return RenderPage(c.pages, visitor, "petition_new", T(visitor, "petition_start"), std::move(data),
                    error.empty() ? 200 : 400);
}

boost::asio::awaitable<http::Response> Create(PetitionPagesContext c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(c.pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  civic::PetitionDraft draft{.title = Field(form, "title"),
                             .text = Field(form, "text"),
                             .addressee = Field(form, "addressee"),
                             .shows_names = !Field(form, "shows_names").empty()};
  std::optional<uint64_t> threshold = civic::ParseDecimal(Field(form, "threshold"));
  Result<int64_t> deadline = protocol::ParseRfc3339(Field(form, "deadline") + "T23:59:59Z");
  if (!threshold) co_return NewForm(c, request, T(visitor, "petition_bad_threshold"), form);
  if (!deadline || Field(form, "deadline").size() != 10) co_return NewForm(c, request, T(visitor, "petition_bad_deadline"), form);
  draft.threshold = *threshold;
  draft.deadline = *deadline;
  Result<uint64_t> number = c.petitions->Create(*visitor.account, draft);
  if (!number) co_return NewForm(c, request, number.error().message, form);
  if (!Field(form, "open").empty()) {
    Status opened = co_await c.petitions->Open(*visitor.account, *number);
    if (!opened) co_return NewForm(c, request, opened.error().message, form);
  }
  co_return Redirect("/petitions/" + std::to_string(*number));
}

http::Response Show(const PetitionPagesContext& c, http::Request& request) {
  std::optional<uint64_t> number = civic::ParseDecimal(request.params["number"]);
  if (request.AcceptsActivityJson()) {
    if (!number) return http::Response::JsonError(404, "no such petition");
    return civic::PetitionJson(*c.petitions, *number);
  }
  Visitor visitor = ReadVisitor(c.pages, request);
  Result<std::optional<Petition>> found = number ? c.petitions->Get(*number) : Result<std::optional<Petition>>(std::nullopt);
  if (!found) return MessagePage(c.pages, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  bool organiser = found->has_value() && visitor.account && (*found)->account == visitor.account->id;
  if (!found->has_value() || ((*found)->stored_state == PetitionState::kDraft && !organiser)) {
    return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  }
  const Petition& p = **found;
  int64_t now = c.pages.now();
  std::string id = c.petitions->Id(p.number);
  mustache::data data;
  data.set("id", id);
  data.set("title", p.title);
  data.set("organiser", p.organiser_name);
  data.set("organiser_url", "/@" + p.organiser_name);
  data.set("addressee", p.addressee);
  data.set("state", StateText(visitor, p.State(now)));
  data.set("deadline", Day(p.deadline));
  data.set("content", p.content);
  if (!p.answer.empty()) data.set("answer", p.answer);
  SetProgress(data, p.count, p.threshold);
  data.set("local", true);
  data.set("log", id + "/log?from=0");
  data.set("entries", std::to_string(p.entries));
  data.set("head", p.head.substr(0, 16) + "…");
  std::optional<MySignature> mine;
  if (visitor.account) {
    Result<std::optional<MySignature>> stored = c.petitions->Mine(visitor.account->id, id);
    if (stored) mine = *stored;
  }
  SetMine(data, visitor, mine, p.TakesSignatures(now));
  if (organiser) {
    data.set("organiser_tools", true);
    if (p.stored_state == PetitionState::kDraft) data.set("can_open", true);
    if (p.TakesSignatures(now)) data.set("can_withdraw", true);
    PetitionState state = p.State(now);
    if (state == PetitionState::kSuccessful || state == PetitionState::kExpired) data.set("can_answer", true);
    std::string base = "/petitions/" + std::to_string(p.number) + "/export?format=";
    data.set("export_csv", base + "csv");
    data.set("export_json", base + "json");
  }
  if (!request.QueryParam("done").value_or("").empty()) data.set("notice", T(visitor, "petition_done"));
  return RenderPage(c.pages, visitor, "petition", p.title, std::move(data));
}

boost::asio::awaitable<http::Response> ShowRemote(PetitionPagesContext c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  std::string id = request.QueryParam("id").value_or("");
  if (c.petitions->NumberFromId(id)) co_return Redirect(PagePath(*c.petitions, id));
  // Only signed-in visitors make the node fetch what it does not know.
  Result<std::optional<federation::StoredObject>> object = c.pages.posts->Get(id);
  if (object && !object->has_value() && visitor.account && (id.starts_with("https://") || id.starts_with("http://"))) {
    object = co_await c.pages.posts->GetOrFetch(id);
  }
  if (!object || !object->has_value() || (*object)->local || (*object)->deleted != 0) {
    co_return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  }
  Result<protocol::PetitionDocument> p = protocol::ReadPetitionArticle((*object)->object);
  if (!p || p->organiser != (*object)->author) {
    co_return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  }
  mustache::data data;
  data.set("id", id);
  data.set("title", p->title);
  data.set("organiser", ActorLabel(c.pages, p->organiser));
  data.set("organiser_url", p->organiser);
  data.set("addressee", p->addressee);
  data.set("state", StateText(visitor, p->state));
  data.set("deadline", p->deadline != 0 ? Day(p->deadline) : "");
  // Remote HTML is sanitised again here, as every remote text.
  data.set("content", protocol::SanitizeHtml(p->content).value_or(""));
  if (!p->answer.empty()) data.set("answer", protocol::SanitizeHtml(p->answer).value_or(""));
  SetProgress(data, p->count, p->threshold);
  data.set("remote", true);
  std::optional<MySignature> mine;
  if (visitor.account) {
    Result<std::optional<MySignature>> stored = c.petitions->Mine(visitor.account->id, id);
    if (stored) mine = *stored;
  }
  bool open = (p->state == PetitionState::kOpen || p->state == PetitionState::kSuccessful) &&
              (p->deadline == 0 || p->deadline > c.pages.now());
  SetMine(data, visitor, mine, open);
  if (!request.QueryParam("done").value_or("").empty()) data.set("notice", T(visitor, "petition_done"));
  co_return RenderPage(c.pages, visitor, "petition", p->title, std::move(data));
}

boost::asio::awaitable<http::Response> SignOrUnsign(PetitionPagesContext c, http::Request& request, bool undo) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(c.pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string petition = Field(form, "petition");
  if (!(petition.starts_with("https://") || petition.starts_with("http://"))) {
    co_return MessagePage(c.pages, visitor, 400, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  }
  Result<MySignature> done = Fail(ErrorCode::kInvalidArgument, "");
  if (undo) {
    done = co_await c.petitions->Unsign(*visitor.account, petition);
  } else {
    done = co_await c.petitions->Sign(*visitor.account, petition, !Field(form, "anonymous").empty());
  }
  if (!done) {
    co_return MessagePage(c.pages, visitor, http::StatusForErrorCode(done.error().code), T(visitor, "error_title"),
                          done.error().message);
  }
  std::string path = PagePath(*c.petitions, petition);
  co_return Redirect(path + (path.find('?') == std::string::npos ? "?done=1" : "&done=1"));
}

boost::asio::awaitable<http::Response> Manage(PetitionPagesContext c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(c.pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::optional<uint64_t> number = c.petitions->NumberFromId(Field(form, "id"));
  std::string action = Field(form, "action");
  if (!number) co_return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  Status done = Fail(ErrorCode::kInvalidArgument, "unknown action");
  if (action == "open") {
    done = co_await c.petitions->Open(*visitor.account, *number);
  } else if (action == "withdraw") {
    done = co_await c.petitions->Withdraw(*visitor.account, *number);
  } else if (action == "answer") {
    done = co_await c.petitions->Answer(*visitor.account, *number, Field(form, "text"));
  }
  if (!done) {
    co_return MessagePage(c.pages, visitor, http::StatusForErrorCode(done.error().code), T(visitor, "error_title"),
                          done.error().message);
  }
  co_return Redirect("/petitions/" + std::to_string(*number) + "?done=1");
}

http::Response Export(const PetitionPagesContext& c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) return Redirect("/login");
  std::optional<uint64_t> number = civic::ParseDecimal(request.params["number"]);
  Result<std::optional<Petition>> found = number ? c.petitions->Get(*number) : Result<std::optional<Petition>>(std::nullopt);
  if (!found || !found->has_value() || (*found)->account != visitor.account->id) {
    return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "petition_not_found"));
  }
  Result<std::vector<civic::ExportedSignature>> signatures = c.petitions->Signatures(*number);
  if (!signatures) return MessagePage(c.pages, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  bool csv = request.QueryParam("format").value_or("csv") == "csv";
  http::Response response = csv ? http::Response::Text(200, civic::SignaturesCsv(*signatures))
                                : http::Response::Json(200, civic::SignaturesJson(*signatures));
  for (auto& [name, value] : response.headers) {
    if (name == "Content-Type" && csv) value = "text/csv; charset=utf-8";
  }
  response.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"petition-") +
                                                           std::to_string(*number) + "-signatures." +
                                                           (csv ? "csv" : "json") + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddPetitionPages(http::Router& router, const PagesContext& context, PetitionService* petitions) {
  PetitionPagesContext c{context, petitions};
  router.Add("GET", "/petitions", [c](http::Request& r) { return List(c, r); });
  router.Add("GET", "/petitions/new", [c](http::Request& r) { return NewForm(c, r); });
  router.AddAsync("POST", "/petitions/new", [c](http::Request& r) { return Create(c, r); });
  router.AddAsync("GET", "/petitions/remote", [c](http::Request& r) { return ShowRemote(c, r); });
  router.AddAsync("POST", "/petitions/sign", [c](http::Request& r) { return SignOrUnsign(c, r, false); });
  router.AddAsync("POST", "/petitions/unsign", [c](http::Request& r) { return SignOrUnsign(c, r, true); });
  router.AddAsync("POST", "/petitions/manage", [c](http::Request& r) { return Manage(c, r); });
  router.Add("GET", "/petitions/{number}", [c](http::Request& r) { return Show(c, r); });
  router.Add("GET", "/petitions/{number}/export", [c](http::Request& r) { return Export(c, r); });
}

}  // namespace parvis::pages
