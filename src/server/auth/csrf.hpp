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

// `token` is the value of the request's cookie `csrf_cookie` (compared in constant time): the
// double submit, by header (X-CSRF-Token) or by a form field.
bool csrf_token_matches(const http::Request& request, std::string_view csrf_cookie,
                        std::string_view token);

// A form post from one of the issuer's own HTML pages: no foreign Origin, and the form's CSRF field
// equal to the CSRF cookie. Both, since a page cannot add X-CSRF-Token to a form post.
inline bool form_csrf_passes(const http::Request& request, std::string_view issuer_origin,
                             std::string_view csrf_cookie, std::string_view form_token) {
    return check_csrf(request, issuer_origin, csrf_cookie) != CsrfVerdict::foreign_origin &&
           csrf_token_matches(request, csrf_cookie, form_token);
}

}  // namespace signet::server
