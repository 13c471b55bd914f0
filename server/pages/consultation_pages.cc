#include "server/pages/consultation_pages.h"

#include <charconv>

#include "parvis/protocol/html_sanitizer.h"
#include "parvis/protocol/timestamps.h"
#include "server/civic/consultation_routes.h"
#include "server/federation/post_service.h"
#include "server/civic/civic_rules.h"
#include "server/pages/note_view.h"
#include "server/pages/web_forms.h"

namespace parvis::pages {
namespace {

namespace mustache = kainjow::mustache;
using civic::Consultation;
using civic::ConsultationService;

struct ConsultationPagesContext {
  PagesContext pages;
  ConsultationService* consultations;
};


std::string Day(int64_t seconds) { return protocol::FormatRfc3339Utc(seconds).substr(0, 10); }

std::string PagePath(const ConsultationService& consultations, const std::string& id) {
  if (std::optional<uint64_t> n = consultations.NumberFromId(id)) return "/consultations/" + std::to_string(*n);
  return "/consultations/remote?id=" + UrlEncode(id);
}

// The page of a consultation, from its document (here or a remote copy).
http::Response Render(const ConsultationPagesContext& c, const Visitor& visitor, const protocol::ConsultationDocument& doc,
                      bool remote, bool done, bool sanitise) {
  mustache::data data;
  data.set("id", doc.id);
  data.set("title", doc.title);
  data.set("organiser", ActorLabel(c.pages, doc.organiser));
  data.set("state", T(visitor, doc.open ? "consultation_open" : "consultation_closed"));
  data.set("deadline", doc.deadline != 0 ? Day(doc.deadline) : "");
  data.set("participation", T(visitor, doc.participation == "members" ? "consultation_members" : "consultation_anyone"));
  data.set("content", sanitise ? protocol::SanitizeHtml(doc.content).value_or("") : doc.content);
  mustache::data list(mustache::data::type::list);
  for (size_t i = 0; i < doc.proposals.size(); ++i) {
    const protocol::ProposalDocument& p = doc.proposals[i];
    mustache::data item;
    item.set("id", p.id);
    item.set("number", std::to_string(i + 1));
    item.set("proposer", ActorLabel(c.pages, p.proposer));
    item.set("content", sanitise ? protocol::SanitizeHtml(p.content).value_or("") : p.content);
    item.set("for", std::to_string(p.votes.for_votes));
    item.set("against", std::to_string(p.votes.against));
    item.set("abstain", std::to_string(p.votes.abstain));
    if (visitor.account) {
      Result<std::optional<civic::MyVote>> mine = c.consultations->Mine(visitor.account->id, p.id);
      if (mine && mine->has_value() && (*mine)->state != "withdrawn") {
        item.set("mine", T(visitor, std::string("vote_") + protocol::VoteChoiceName((*mine)->choice)) + " (" +
                             T(visitor, "vote_state_" + (*mine)->state) + ")");
      }
    }
    if (std::optional<std::pair<uint64_t, uint64_t>> here = c.consultations->ProposalFromId(p.id)) {
      Result<std::vector<civic::ProposalComment>> comments = c.consultations->Comments(here->first, here->second);
      mustache::data shown(mustache::data::type::list);
      for (const civic::ProposalComment& comment : comments ? *comments : std::vector<civic::ProposalComment>{}) {
        mustache::data entry;
        entry.set("author", ActorLabel(c.pages, comment.author));
        entry.set("content", comment.content);
        shown.push_back(entry);
      }
      if (comments && !comments->empty()) {
        item.set("comments_shown", true);
        item.set("comments", shown);
      }
    }
    list.push_back(item);
  }
  data.set("proposals", list);
  if (doc.proposals.empty()) data.set("no_proposals", true);
  if (doc.open && visitor.account) {
    data.set("can_vote", true);
    data.set("can_propose", true);
  }
  if (doc.open && !visitor.account) data.set("sign_in", true);
  if (remote) data.set("remote", true);
  if (done) data.set("notice", T(visitor, "petition_done"));
  return RenderPage(c.pages, visitor, "consultation", doc.title, std::move(data));
}

http::Response List(const ConsultationPagesContext& c, const http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  Result<std::vector<Consultation>> all = c.consultations->List();
  if (!all) return MessagePage(c.pages, visitor, 503, T(visitor, "error_title"), T(visitor, "error_storage"));
  int64_t now = c.pages.now();
  mustache::data list(mustache::data::type::list);
  for (const Consultation& item : *all) {
    mustache::data entry;
    entry.set("url", "/consultations/" + std::to_string(item.number));
    entry.set("title", item.title);
    entry.set("organiser", item.organiser_name);
    entry.set("proposals", std::to_string(item.proposals));
    entry.set("state", T(visitor, item.Open(now) ? "consultation_open" : "consultation_closed"));
    entry.set("deadline", Day(item.deadline));
    list.push_back(entry);
  }
  mustache::data data;
  data.set("consultations", list);
  if (all->empty()) data.set("none", true);
  if (visitor.account && civic::MayOrganise(visitor.account->kind)) {
    data.set("can_create", true);
  }
  return RenderPage(c.pages, visitor, "consultations", T(visitor, "consultations"), std::move(data));
}

http::Response NewForm(const ConsultationPagesContext& c, const http::Request& request, const std::string& error = "",
                       const Form& form = {}) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) return Redirect("/login");
  mustache::data data;
  for (const char* key : {"question", "text", "deadline"}) data.set(key, Field(form, key));
  if (!error.empty()) data.set("error", error);
  return RenderPage(c.pages, visitor, "consultation_new", T(visitor, "consultation_start"), std::move(data),
                    error.empty() ? 200 : 400);
}

boost::asio::awaitable<http::Response> Create(ConsultationPagesContext c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(c.pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  Result<int64_t> deadline = protocol::ParseRfc3339(Field(form, "deadline") + "T23:59:59Z");
  if (!deadline || Field(form, "deadline").size() != 10) {
    co_return NewForm(c, request, T(visitor, "petition_bad_deadline"), form);
  }
  civic::ConsultationDraft draft{.title = Field(form, "question"),
                                 .text = Field(form, "text"),
                                 .deadline = *deadline,
                                 .participation = Field(form, "participation")};
  Result<uint64_t> number = co_await c.consultations->Create(*visitor.account, std::move(draft));
  if (!number) co_return NewForm(c, request, number.error().message, form);
  co_return Redirect("/consultations/" + std::to_string(*number));
}

http::Response Show(const ConsultationPagesContext& c, http::Request& request) {
  std::optional<uint64_t> number = civic::ParseDecimal(request.params["number"]);
  if (request.AcceptsActivityJson()) {
    if (!number) return http::Response::JsonError(404, "no such consultation");
    return civic::ConsultationJson(*c.consultations, *number);
  }
  Visitor visitor = ReadVisitor(c.pages, request);
  Result<std::optional<Consultation>> found =
      number ? c.consultations->Get(*number) : Result<std::optional<Consultation>>(std::nullopt);
  if (!found || !found->has_value()) {
    return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "consultation_not_found"));
  }
  return Render(c, visitor, c.consultations->Document(**found), false,
                !request.QueryParam("done").value_or("").empty(), false);
}

boost::asio::awaitable<http::Response> ShowRemote(ConsultationPagesContext c, http::Request& request) {
  Visitor visitor = ReadVisitor(c.pages, request);
  std::string id = request.QueryParam("id").value_or("");
  if (c.consultations->NumberFromId(id)) co_return Redirect(PagePath(*c.consultations, id));
  Result<std::optional<federation::StoredObject>> object = c.pages.posts->Get(id);
  if (object && !object->has_value() && visitor.account && (id.starts_with("https://") || id.starts_with("http://"))) {
    object = co_await c.pages.posts->GetOrFetch(id);
  }
  Result<protocol::ConsultationDocument> doc =
      object && object->has_value() && !(*object)->local && (*object)->deleted == 0
          ? protocol::ReadConsultationArticle((*object)->object)
          : Result<protocol::ConsultationDocument>(Fail(ErrorCode::kNotFound, ""));
  if (!doc || doc->organiser != (*object)->author) {
    co_return MessagePage(c.pages, visitor, 404, T(visitor, "error_title"), T(visitor, "consultation_not_found"));
  }
  if (doc->deadline != 0 && doc->deadline <= c.pages.now()) doc->open = false;
  co_return Render(c, visitor, *doc, true, !request.QueryParam("done").value_or("").empty(), true);
}

enum class Action { kPropose, kVote, kComment };

boost::asio::awaitable<http::Response> Act(ConsultationPagesContext c, http::Request& request, Action action) {
  Visitor visitor = ReadVisitor(c.pages, request);
  if (!visitor.account) co_return Redirect("/login");
  auto read = ReadPostedForm(c.pages, visitor, request);
  if (auto* refused = std::get_if<http::Response>(&read)) co_return std::move(*refused);
  const Form& form = std::get<Form>(read);
  std::string target = Field(form, action == Action::kPropose ? "consultation" : "proposal");
  if (!(target.starts_with("https://") || target.starts_with("http://"))) {
    co_return MessagePage(c.pages, visitor, 400, T(visitor, "error_title"), T(visitor, "consultation_not_found"));
  }
  std::string consultation = action == Action::kPropose ? target : target.substr(0, target.find("/proposals/"));
  Status done = Ok();
  if (action == Action::kPropose) {
    Result<std::string> id = co_await c.consultations->Propose(*visitor.account, target, Field(form, "text"));
    if (!id) done = std::unexpected(id.error());
  } else if (action == Action::kVote) {
    std::optional<protocol::VoteChoice> choice = protocol::ParseVoteChoice(Field(form, "choice"));
    if (!choice && Field(form, "choice") != "withdraw") {
      co_return MessagePage(c.pages, visitor, 400, T(visitor, "error_title"), T(visitor, "consultation_choose"));
    }
    done = co_await c.consultations->Vote(*visitor.account, target, choice);
  } else {
    done = co_await c.consultations->Comment(*visitor.account, target, Field(form, "text"));
  }
  if (!done) {
    co_return MessagePage(c.pages, visitor, http::StatusForErrorCode(done.error().code), T(visitor, "error_title"),
                          done.error().message);
  }
  std::string path = PagePath(*c.consultations, consultation);
  co_return Redirect(path + (path.find('?') == std::string::npos ? "?done=1" : "&done=1"));
}

}  // namespace

void AddConsultationPages(http::Router& router, const PagesContext& context, ConsultationService* consultations) {
  ConsultationPagesContext c{context, consultations};
  router.Add("GET", "/consultations", [c](http::Request& r) { return List(c, r); });
  router.Add("GET", "/consultations/new", [c](http::Request& r) { return NewForm(c, r); });
  router.AddAsync("POST", "/consultations/new", [c](http::Request& r) { return Create(c, r); });
  router.AddAsync("GET", "/consultations/remote", [c](http::Request& r) { return ShowRemote(c, r); });
  router.AddAsync("POST", "/consultations/propose", [c](http::Request& r) { return Act(c, r, Action::kPropose); });
  router.AddAsync("POST", "/consultations/vote", [c](http::Request& r) { return Act(c, r, Action::kVote); });
  router.AddAsync("POST", "/consultations/comment", [c](http::Request& r) { return Act(c, r, Action::kComment); });
  router.Add("GET", "/consultations/{number}", [c](http::Request& r) { return Show(c, r); });
}

}  // namespace parvis::pages
