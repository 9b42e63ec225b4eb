// The URLs a remote key source fetches: absolute http(s) URLs, parsed once (Boost.URL).
#pragma once

#include <string>
#include <string_view>

#include "signet/error.hpp"

namespace signet::jwks_client {

struct HttpUrl {
    bool tls = false;    // https
    std::string host;    // without brackets for IPv6 literals
    std::string port;    // explicit, or the scheme's default
    std::string target;  // path and query, "/" when empty
    std::string text;    // the URL as given, normalised
};

// An absolute https:// URL (http:// only with allow_http), with a host, no user info and no
// fragment. `what` names the URL in the error ("jwks_uri", "issuer", ...).
Result<HttpUrl> parse_http_url(std::string_view url, bool allow_http, std::string_view what);

// `reference` (a Location header) resolved against `base` (RFC 3986 §5.2).
Result<HttpUrl> resolve_http_url(const HttpUrl& base, std::string_view reference, bool allow_http);

}  // namespace signet::jwks_client
