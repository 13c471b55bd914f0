// What admins may change about the node from the admin page: its name,
// description, rules, responsible editor and registration mode. Stored in
// Family::kMeta under "node_settings" (JSON); what was never set there comes
// from the configuration, so a fresh node shows its configured values.
#ifndef PARVIS_SERVER_ACCOUNTS_NODE_SETTINGS_H_
#define PARVIS_SERVER_ACCOUNTS_NODE_SETTINGS_H_

#include <string>

#include "parvis/config.h"
#include "parvis/result.h"
#include "parvis/storage.h"

namespace parvis::accounts {

struct NodeSettings {
  std::string node_name;       // 1 to 100 characters
  std::string description;     // at most 2000
  std::string rules;           // at most 5000; plain text, shown on the about page
  std::string editor_name;     // at most 200
  std::string editor_contact;  // at most 200
  RegistrationMode registration = RegistrationMode::kApproval;
};

// The settings in force: stored values over the configuration's. Storage
// errors give the configuration's values.
NodeSettings LoadNodeSettings(const storage::Store& store, const Config& config);

// Validates and stores all of `settings`; kInvalidArgument names the field.
Status SaveNodeSettings(storage::Store& store, const NodeSettings& settings);

}  // namespace parvis::accounts

#endif  // PARVIS_SERVER_ACCOUNTS_NODE_SETTINGS_H_
