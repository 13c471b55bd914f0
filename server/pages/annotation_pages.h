// What pages show of annotations/ (right of reply, context notes) and the
// forms that write them:
//   POST /right-of-reply          post, content: the signed-in person, named in the post, replies as such
//   POST /context-notes           post, content, source: an admin or fact-checker attaches a context note
//   POST /context-notes/delete    id: removes a context note written here
// Every form passes the anti-forgery check (web_forms.h).
#ifndef PARVIS_SERVER_PAGES_ANNOTATION_PAGES_H_
#define PARVIS_SERVER_PAGES_ANNOTATION_PAGES_H_

#include <set>
#include <string>

#include <kainjow/mustache.hpp>

#include "server/federation/object_record.h"
#include "server/http/router.h"
#include "server/pages/page_renderer.h"

namespace parvis::annotations {
class AnnotationService;
}

namespace parvis::pages {

// Sets "context_notes" on a post card's data when the post has some: each
// with "cn_from" ("Context note from HOST"), "cn_text", "cn_source" and,
// for the visitor who may remove it, "cn_remove" (its id).
void SetContextNotes(kainjow::mustache::data& view, const PagesContext& context, const Visitor& visitor,
                     const std::string& id);

// On the thread of `id`: "rights_of_reply" ("cards", shown above ordinary
// replies), "reply_as_named" (the form, when the post names the visitor)
// and "context_note_form" (for admins and fact-checkers). Returns the ids of
// the replies shown as rights of reply, which the ordinary list leaves out.
std::set<std::string> AddThreadAnnotations(kainjow::mustache::data& data, const PagesContext& context,
                                           const Visitor& visitor, const std::string& id,
                                           const federation::StoredObject& post);

void AddAnnotationPages(http::Router& router, const PagesContext& context, annotations::AnnotationService* service);

}  // namespace parvis::pages

#endif  // PARVIS_SERVER_PAGES_ANNOTATION_PAGES_H_
