// GET /v1/me: the protected resource. It answers whoever the authentication middleware found: a
// JWT on the I/O thread (no store involved), a session on the worker pool.
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <string>
#include <string_view>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

namespace {

// A JSON string (RFC 8259 §7) of valid UTF-8 text: quote, backslash and control characters
// escaped, the rest as it is, which is what Boost.JSON's serializer writes.
void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20) {
            out.append("\\u00");
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

}  // namespace

// The hot path of a resource server: written straight into the body rather than built as a
// JSON document and serialized.
http::Response me_response(const http::Request& request, const AuthOutcome& outcome) {
    if (!outcome.principal) return unauthorized(request, outcome);
    const Principal& principal = *outcome.principal;
    http::Response response = http::empty_response(request, http::Status::ok);
    response.set(boost::beast::http::field::content_type, "application/json");
    std::string& body = response.body();
    body.reserve(64 + principal.user_id.size() + principal.email.size());
    body.append(R"({"sub":)");
    append_json_string(body, principal.user_id);
    body.append(R"(,"email":)");
    append_json_string(body, principal.email);
    body.append(principal.method == AuthMethod::jwt ? R"(,"auth":"jwt")" : R"(,"auth":"session")");
    body.append(R"(,"expires_at":)");
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, principal.expires_at);
    (void)ec;
    body.append(digits, end);
    body.push_back('}');
    return response;
}

namespace {

std::optional<http::Response> me_without_store(Services& services, const http::Request& request,
                                               const http::RequestContext&) {
    auto outcome = services.authenticator.authenticate_without_store(request, unix_now());
    if (!outcome) return std::nullopt;
    return me_response(request, *outcome);
}

http::Response me(Services& services, const http::Request& request, const http::RequestContext&) {
    return me_response(request, services.authenticator.authenticate(request, unix_now()));
}

}  // namespace

void add_me_routes(http::Router& router, Services& services) {
    add_split_route(router, services, http::Verb::get, "/v1/me", me_without_store, me);
}

}  // namespace signet::server::api
