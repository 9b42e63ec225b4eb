// The request and response types every handler sees, and the per-request context the server fills.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>

namespace signet::server::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;

struct RequestContext {
    std::string client_address;  // the peer's IP address
    bool tls = false;            // the request came over HTTPS
    std::string request_id;      // also sent back as X-Request-Id
    std::string route;           // the matched route pattern ("/v1/me"), or "unmatched"
};

using Handler = std::function<Response(const Request&, RequestContext&)>;
using InlineHandler = std::function<std::optional<Response>(const Request&, RequestContext&)>;

}  // namespace signet::server::http
