// CSRF defence for cookie-authenticated state changes (OWASP CSRF Prevention Cheat Sheet): the
// request's Origin (else Referer) must be the issuer's origin, or it must carry X-CSRF-Token equal
// to the CSRF cookie (double submit). A foreign Origin is always refused.
#pragma once

#include <string>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server {

// "scheme://host[:port]" of an absolute URL, lower-cased (RFC 6454 §4); "" when not a URL.
std::string origin_of(std::string_view url);

enum class CsrfVerdict { same_origin, token_matches, no_evidence, foreign_origin };

// `csrf_cookie`: the name of the cookie the X-CSRF-Token header must equal.
CsrfVerdict check_csrf(const http::Request& request, std::string_view issuer_origin,
                       std::string_view csrf_cookie);

inline bool csrf_passes(CsrfVerdict verdict) {
    return verdict == CsrfVerdict::same_origin || verdict == CsrfVerdict::token_matches;
}

}  // namespace signet::server
