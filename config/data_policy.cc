#include "parvis/data_policy.h"

namespace parvis {

const char* KeepName(Keep keep) {
  switch (keep) {
    case Keep::kFor:
      return "for";
    case Keep::kWhileAccount:
      return "while-account";
    case Keep::kUntilDelivered:
      return "until-delivered";
    case Keep::kNever:
      return "never";
  }
  return "unknown";
}

}  // namespace parvis
