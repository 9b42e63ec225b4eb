// Checks on a request head before its body is read (RFC 9112): unambiguous message framing
// (§6.1, §6.3).
#pragma once

#include <optional>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server::http {

struct HeadFault {
    Status status;                 // 400, or 501 for a transfer coding we do not implement
    std::string_view description;  // one sentence for error_description
};

// Why the head must be refused (and the connection closed), or nullopt when it is acceptable.
std::optional<HeadFault> check_request_head(const Request& head);

}  // namespace signet::server::http
