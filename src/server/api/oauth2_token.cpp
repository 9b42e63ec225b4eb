// The token endpoint, POST /oauth2/token (RFC 6749 §3.2): form-encoded, the client authenticated
// (§2.3.1) or identified as public, grants authorization_code (§4.1.3) and refresh_token (§6).
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/oauth2_support.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

// RFC 6749 §5.1, OIDC Core §3.1.3.3.
http::Response token_answer(const http::Request& request, const OAuthTokens& issued) {
    boost::json::object body{{"access_token", issued.tokens.access_token},
                             {"token_type", "Bearer"},
                             {"expires_in", issued.tokens.expires_in},
                             {"refresh_token", issued.tokens.refresh_token},
                             {"scope", issued.scope}};
    if (!issued.id_token.empty()) body["id_token"] = issued.id_token;
    http::Response response = http::json_response(request, http::Status::ok, body);
    response.set(bhttp::field::pragma, "no-cache");
    return response;
}

http::Response token(Services& services, const http::Request& request,
                     const http::RequestContext&) {
    auto parsed = client_request(services, request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const http::FormParams& params = std::get<ClientRequest>(parsed).params;
    const Client& client = std::get<ClientRequest>(parsed).client;
    const auto grant_type = params.find("grant_type");
    if (!grant_type) return oauth_error(request, "invalid_request", "\"grant_type\" is required.");
    const std::int64_t now = unix_now();
    GrantOutcome outcome;
    if (*grant_type == "authorization_code") {
        outcome = services.grants.exchange_code(client, params, now);
    } else if (*grant_type == "refresh_token") {
        outcome = services.grants.refresh(client, params, now);
    } else {
        return oauth_error(request, "unsupported_grant_type",
                           "Supported grant types: authorization_code, refresh_token.");
    }
    if (!outcome.tokens) return oauth_error(request, outcome.error, outcome.description);
    return token_answer(request, *outcome.tokens);
}

}  // namespace

void add_oauth_token_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/oauth2/token", token, true);
}

}  // namespace signet::server::api
