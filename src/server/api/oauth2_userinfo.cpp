// The UserInfo endpoint, GET/POST /oauth2/userinfo (OIDC Core §5.3): a Bearer access token
// (RFC 6750 §2.1) granted "openid"; "sub" and the claims of the granted scopes.
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/oauth2_support.hpp"
#include "server/auth/scopes.hpp"
#include "server/http/response.hpp"
#include "server/http/text.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

http::Response bearer_error(const http::Request& request, http::Status status,
                            std::string_view error, std::string_view description) {
    http::Response response = http::error_response(request, status, error, description);
    std::string challenge = R"(Bearer realm="signet")";
    if (!error.empty()) {
        challenge += R"(, error=")" + std::string(error) + R"(", error_description=")" +
                     std::string(description) + "\"";
    }
    response.set(bhttp::field::www_authenticate, challenge);
    return response;
}

http::Response userinfo(Services& services, const http::Request& request,
                        const http::RequestContext&) {
    const auto header = request.find(bhttp::field::authorization);
    constexpr std::string_view kScheme = "bearer ";
    if (header == request.end() ||
        !http::iequals_ascii(header->value().substr(0, kScheme.size()), kScheme)) {
        // RFC 6750 §3.1: a request without credentials gets the challenge without an error code.
        return bearer_error(request, http::Status::unauthorized, {}, {});
    }
    const std::string_view token = header->value().substr(kScheme.size());
    const std::int64_t now = unix_now();
    AuthOutcome outcome;
    const std::optional<Claims> claims =
        services.authenticator.verify_access_token(token, now, outcome);
    if (!claims) {
        return bearer_error(request, http::Status::unauthorized, "invalid_token",
                            "The access token is invalid, expired or revoked.");
    }
    const std::string_view scope = claims->get_string("scope").value_or("");
    if (!has_scope(scope, "openid")) {
        return bearer_error(request, http::Status::forbidden, "insufficient_scope",
                            "The access token was not granted the openid scope.");
    }
    const std::optional<User> user =
        services.stores.users->find_by_id(std::string(claims->subject().value_or("")));
    if (!user || user->disabled) {
        return bearer_error(request, http::Status::unauthorized, "invalid_token",
                            "The access token's user is unknown or disabled.");
    }
    boost::json::object body{{"sub", user->id}};
    if (has_scope(scope, "email")) {
        body["email"] = user->email;
        body["email_verified"] = false;  // Signet does not prove address ownership
    }
    return http::json_response(request, http::Status::ok, body);
}

}  // namespace

void add_userinfo_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::get, "/oauth2/userinfo", userinfo, true);
    add_route(router, services, http::Verb::post, "/oauth2/userinfo", userinfo, true);
}

}  // namespace signet::server::api
