// Checks on a request head before its body is read (RFC 9112): unambiguous message framing
// (§6.1, §6.3) and exactly one Host (§3.2); and the absolute-form target turned into origin form
// (§3.2.2), so routing sees a path either way.
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

// Rewrites "http://host:port/path?query" to "/path?query" and sets Host to "host:port" (the
// received Host is ignored, §3.2.2); leaves origin-form targets alone. False when the
// absolute-form target has no authority.
bool to_origin_form(Request& request);

}  // namespace signet::server::http
