// Token introspection, POST /oauth2/introspect (RFC 7662): for confidential clients (resource
// servers) only. Access tokens are described to any of them: they are made for resource servers.
// A refresh token only to the client it was issued to, since no one else has any use for one
// (§4). Anything expired, revoked, spent, of a disabled user, not issued here or another client's
// refresh token is {"active": false}, with nothing else said (§2.2).
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/oauth2_support.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

std::optional<boost::json::object> refresh_token_facts(Services& services, const Client& client,
                                                       std::string_view token, std::int64_t now) {
    const std::optional<RefreshTokenRecord> record = services.tokens.find_refresh_token(token);
    if (!record || record->client_id != client.id ||
        !services.tokens.refresh_token_active(*record, now)) {
        return std::nullopt;
    }
    return boost::json::object{{"active", true},
                               {"token_type", "refresh_token"},
                               {"client_id", record->client_id},
                               {"scope", record->scope},
                               {"sub", record->user_id},
                               {"iss", services.issuer},
                               {"iat", record->issued_at},
                               {"exp", record->expires_at}};
}

std::optional<boost::json::object> access_token_facts(Services& services, std::string_view token,
                                                      std::int64_t now) {
    AuthOutcome outcome;
    const std::optional<Claims> claims =
        services.authenticator.verify_access_token(token, now, outcome);
    if (!claims) return std::nullopt;
    boost::json::object facts{{"active", true}, {"token_type", "Bearer"}};
    // The token's own claims, as RFC 7662 §2.2 names them.
    for (std::string_view name : {"scope", "client_id", "sub", "iss", "jti", "email"}) {
        if (const auto value = claims->get_string(name)) facts[name] = *value;
    }
    if (const auto email = claims->get_string("email")) facts["username"] = *email;
    for (std::string_view name : {"exp", "iat", "nbf", "auth_time"}) {
        if (const boost::json::value* value = claims->json().if_contains(name)) {
            facts[name] = *value;
        }
    }
    if (const boost::json::value* aud = claims->json().if_contains("aud")) facts["aud"] = *aud;
    return facts;
}

http::Response introspect(Services& services, const http::Request& request,
                          const http::RequestContext&) {
    auto parsed = client_request(services, request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const http::FormParams& params = std::get<ClientRequest>(parsed).params;
    const Client& client = std::get<ClientRequest>(parsed).client;
    if (client.is_public()) {
        return invalid_client(request, "Introspection is for confidential clients.");
    }
    const auto token = params.find("token");
    if (!token) return oauth_error(request, "invalid_request", "\"token\" is required.");
    const std::int64_t now = unix_now();
    std::optional<boost::json::object> facts;
    if (token->size() <= kMaxPresentedTokenLength) {
        const bool refresh_first = params.find("token_type_hint").value_or("") == "refresh_token";
        facts = refresh_first ? refresh_token_facts(services, client, *token, now)
                              : access_token_facts(services, *token, now);
        if (!facts) {
            facts = refresh_first ? access_token_facts(services, *token, now)
                                  : refresh_token_facts(services, client, *token, now);
        }
    }
    if (!facts) facts = boost::json::object{{"active", false}};
    return http::json_response(request, http::Status::ok, *facts);
}

}  // namespace

void add_introspection_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/oauth2/introspect", introspect, true);
}

}  // namespace signet::server::api
