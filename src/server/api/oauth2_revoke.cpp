// Token revocation, POST /oauth2/revoke (RFC 7009): a client revokes a refresh token (its whole
// family) or an access token it was issued. Unknown and invalid tokens get 200 too (§2.2): the
// client's aim, that the token be unusable, holds.
#include <boost/beast/http/field.hpp>

#include "server/api/oauth2_support.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

http::Response refused_foreign(const http::Request& request) {
    // §2.1: a token issued to another client is not revoked, and the client is told.
    return oauth_error(request, "unauthorized_client", "The token was issued to another client.");
}

http::Response revoke(Services& services, const http::Request& request,
                      const http::RequestContext&) {
    auto parsed = client_request(services, request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const http::FormParams& params = std::get<ClientRequest>(parsed).params;
    const Client& client = std::get<ClientRequest>(parsed).client;
    const auto token = params.find("token");
    if (!token) return oauth_error(request, "invalid_request", "\"token\" is required.");
    const std::int64_t now = unix_now();
    http::Response done = http::empty_response(request, http::Status::ok);
    if (token->size() > kMaxPresentedTokenLength) return done;
    // The hint only orders the lookups (§2.1); both kinds are tried.
    const bool access_first = params.find("token_type_hint").value_or("") == "access_token";
    const auto try_refresh = [&]() -> std::optional<http::Response> {
        const std::optional<RefreshTokenRecord> record = services.tokens.find_refresh_token(*token);
        if (!record) return std::nullopt;
        if (record->client_id != client.id) return refused_foreign(request);
        services.tokens.revoke_family(record->family_id, now);
        return done;
    };
    const auto try_access = [&]() -> std::optional<http::Response> {
        AuthOutcome outcome;
        const std::optional<Claims> claims =
            services.authenticator.verify_access_token(*token, now, outcome);
        if (!claims) return std::nullopt;
        if (claims->get_string("client_id").value_or("") != client.id) {
            return refused_foreign(request);
        }
        const std::optional<NumericDate> exp = claims->expires_at();
        services.tokens.revoke_access_token(claims->jwt_id().value_or(""),
                                            exp ? exp->time_since_epoch().count() : now);
        return done;
    };
    if (access_first) {
        if (auto answer = try_access()) return std::move(*answer);
        if (auto answer = try_refresh()) return std::move(*answer);
    } else {
        if (auto answer = try_refresh()) return std::move(*answer);
        if (auto answer = try_access()) return std::move(*answer);
    }
    return done;
}

}  // namespace

void add_revocation_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/oauth2/revoke", revoke, true);
}

}  // namespace signet::server::api
