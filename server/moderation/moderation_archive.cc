#include "server/moderation/moderation_archive.h"

#include "server/moderation/moderation_service.h"
#include "server/moderation/report_store.h"

namespace parvis::moderation {

accounts::ArchiveSection ModerationSection(storage::Store& store) {
  accounts::ArchiveSection section;
  section.files = {{"reports.json",
                    "reports you filed: the account and posts, the category, your comment, this node's "
                    "decision and, for a report forwarded to another server, that server's outcome"}};
  storage::Store* data = &store;
  section.write = [data](const accounts::Account& account, const std::string&, accounts::TarWriter& tar) -> Status {
    Result<std::vector<Report>> filed = ReportStore(*data).FiledBy(account.id);
    if (!filed) return std::unexpected(filed.error());
    std::string json = "[";
    for (size_t i = 0; i < filed->size(); ++i) json += (i ? "," : "") + ReportJson((*filed)[i]);
    return tar.Add("reports.json", json + "]");
  };
  return section;
}

}  // namespace parvis::moderation
