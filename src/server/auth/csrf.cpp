// CSRF checks.
#include "server/auth/csrf.hpp"

#include <sodium.h>

#include <boost/beast/http/field.hpp>

#include "server/http/cookies.hpp"

namespace signet::server {

namespace bhttp = boost::beast::http;

std::string origin_of(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
    std::size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    std::string origin(url.substr(0, authority_end));
    if (origin.size() == scheme_end + 3) return {};  // no host
    for (char& c : origin) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    // Default ports are not part of a serialized origin (RFC 6454 §6.2).
    if (origin.starts_with("http://") && origin.ends_with(":80")) origin.resize(origin.size() - 3);
    if (origin.starts_with("https://") && origin.ends_with(":443")) {
        origin.resize(origin.size() - 4);
    }
    return origin;
}

CsrfVerdict check_csrf(const http::Request& request, std::string_view issuer_origin,
                       std::string_view csrf_cookie) {
    const auto origin = request.find(bhttp::field::origin);
    if (origin != request.end()) {
        // "null" (a sandboxed or privacy-sensitive context) is never our origin.
        return origin_of(origin->value()) == issuer_origin ? CsrfVerdict::same_origin
                                                           : CsrfVerdict::foreign_origin;
    }
    const auto referer = request.find(bhttp::field::referer);
    if (referer != request.end() && origin_of(referer->value()) == issuer_origin) {
        return CsrfVerdict::same_origin;
    }
    const auto header = request.find("X-CSRF-Token");
    if (header != request.end() && csrf_token_matches(request, csrf_cookie, header->value())) {
        return CsrfVerdict::token_matches;
    }
    return CsrfVerdict::no_evidence;
}

bool csrf_token_matches(const http::Request& request, std::string_view csrf_cookie,
                        std::string_view token) {
    const auto cookie = http::find_cookie(request, csrf_cookie);
    return cookie && !cookie->empty() && token.size() == cookie->size() &&
           sodium_memcmp(token.data(), cookie->data(), cookie->size()) == 0;
}

}  // namespace signet::server
