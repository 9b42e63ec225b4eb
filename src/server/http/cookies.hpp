// Cookies (RFC 6265): reading a request's Cookie header and writing Set-Cookie.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server::http {

// The value of the first cookie called `name` in the request's Cookie header(s).
std::optional<std::string_view> find_cookie(const Request& request, std::string_view name);

struct CookieOptions {
    bool http_only = true;
    bool secure = false;        // set under TLS
    std::int64_t max_age = -1;  // seconds; -1: a session cookie; 0: delete it now
    std::string_view path = "/";
    std::string_view same_site = "Lax";
};

// "name=value; Path=/; Max-Age=...; HttpOnly; SameSite=Lax[; Secure]"
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

}  // namespace signet::server::http
