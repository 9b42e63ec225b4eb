// The access token of a request.
#include "server/auth/access_token_credential.hpp"
#include "server/http/text.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "server/http/cookies.hpp"

namespace signet::server {
namespace {

// RFC 6750 §2.1: "Bearer" is case-insensitive (RFC 7235 §2.1), one space, then the token. Another
// scheme (Basic, ...) carries no Bearer credentials and is ignored (§3.1).
std::optional<std::string_view> bearer_token(const http::Request& request) {
    const auto authorization = request.find(boost::beast::http::field::authorization);
    if (authorization == request.end()) return std::nullopt;
    const std::string_view value = authorization->value();
    constexpr std::string_view kScheme = "bearer ";
    if (!http::iequals_ascii(value.substr(0, kScheme.size()), kScheme)) return std::nullopt;
    return value.substr(kScheme.size());
}

}  // namespace

std::optional<AccessTokenCredential> access_token_credential(const http::Request& request,
                                                             std::string_view cookie_name) {
    if (const auto token = bearer_token(request)) return AccessTokenCredential{*token, false};
    if (const auto token = http::find_cookie(request, cookie_name)) {
        return AccessTokenCredential{*token, true};
    }
    return std::nullopt;
}

}  // namespace signet::server
