// Component values for RFC 9421 signature bases (§2.1 fields, §2.2 derived
// components), for message_signature.cc only.
#ifndef PARVIS_PROTOCOL_MESSAGE_COMPONENTS_H_
#define PARVIS_PROTOCOL_MESSAGE_COMPONENTS_H_

#include <string>

#include "parvis/protocol/http_message.h"
#include "parvis/protocol/structured_fields.h"
#include "parvis/result.h"

namespace parvis::protocol {

// The value of the component `id` in `message` (or in `request` when `id`
// carries `req`). Errors name the component.
Result<std::string> ComponentValue(const HttpMessage& message, const sf::Item& id,
                                   const HttpMessage* request);

}  // namespace parvis::protocol

#endif  // PARVIS_PROTOCOL_MESSAGE_COMPONENTS_H_
