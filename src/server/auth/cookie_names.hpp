// The names of the auth cookies, and the refresh cookie's path (RFC 6265). When cookies are
// Secure the names carry the prefixes of RFC 6265bis §4.1.3, whose rules browsers enforce.
#pragma once

#include <string_view>

namespace signet::server {

// The refresh token travels only to the routes that read it, POST /v1/token/refresh and
// POST /v1/logout (which ends its family). One Path covers both only as their common prefix.
inline constexpr std::string_view kRefreshTokenCookiePath = "/v1";

struct AuthCookieNames {
    std::string_view access_token;   // the JWT, HttpOnly
    std::string_view refresh_token;  // HttpOnly, Path=kRefreshTokenCookiePath
    std::string_view session;        // the session id, HttpOnly
    std::string_view csrf;           // the double-submit token, which the page reads
};

// Under Secure cookies only the prefixed names are set and read: a cookie still accepted under
// the plain name could be planted by a plain-HTTP page or a sibling subdomain, voiding the prefix.
constexpr AuthCookieNames auth_cookie_names(bool secure) {
    if (!secure) return {"signet_at", "signet_rt", "signet_sid", "signet_csrf"};
    // "__Host-" (§4.1.3.2): Secure, Path=/ and no Domain, so no subdomain can set or shadow it.
    // It requires Path=/, which the refresh cookie's narrower path rules out: that one is
    // "__Secure-" (§4.1.3.1), set only over HTTPS with Secure.
    return {"__Host-signet_at", "__Secure-signet_rt", "__Host-signet_sid", "__Host-signet_csrf"};
}

}  // namespace signet::server
