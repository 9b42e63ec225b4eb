// Response helpers: JSON bodies, and the error shape {"error","error_description"} that every
// failure uses. Identical failures produce identical bodies, so responses reveal nothing by their
// differences.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server::http {

// `body` serialized, Content-Type application/json, Cache-Control no-store (RFC 6749 §5.1).
Response json_response(const Request& request, Status status, const boost::json::value& body);
Response error_response(const Request& request, Status status, std::string_view error,
                        std::string_view description);
Response empty_response(const Request& request, Status status);  // 204 and the like

}  // namespace signet::server::http
