// Verify-only routes. A token whose "kid" the cached key set knows is answered on the I/O thread;
// an unknown "kid" goes to the worker pool, where the JWKS may be refetched (a blocking fetch must
// never hold an I/O thread).
#include "server/api/verify_only_api.hpp"

#include <boost/beast/http/field.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

using Answer = http::Response (*)(const http::Request&, const AuthOutcome&);

// No usable key set (the issuer unreachable past max_stale): the node cannot tell a good token
// from a bad one, which is its own failure, not the client's (RFC 9110 §15.6.4).
http::Response keys_unavailable(const http::Request& request) {
    http::Response response =
        http::error_response(request, http::Status::service_unavailable, "unavailable",
                             "The issuer's keys are unavailable; try again shortly.");
    response.set(boost::beast::http::field::retry_after,
                 std::to_string(kUnavailableRetryAfterSeconds));
    return response;
}

http::Response answer(Answer answer_with, const http::Request& request,
                      const AuthOutcome& outcome) {
    if (!outcome.principal && outcome.failure == AuthFailure::keys_unavailable) {
        return keys_unavailable(request);
    }
    return answer_with(request, outcome);
}

void add_token_route(http::Router& router, const RemoteTokenAuthenticator& authenticator,
                     std::string path, Answer answer_with) {
    router.add_split(
        http::Verb::get, std::move(path),
        [&authenticator, answer_with](const http::Request& request,
                                      http::RequestContext&) -> std::optional<http::Response> {
            std::optional<AuthOutcome> outcome = authenticator.authenticate_cached(request);
            if (!outcome) return std::nullopt;
            return answer(answer_with, request, *outcome);
        },
        [&authenticator, answer_with](const http::Request& request, http::RequestContext&) {
            return answer(answer_with, request, authenticator.authenticate(request));
        });
}

}  // namespace

void add_verify_only_routes(http::Router& router, const RemoteTokenAuthenticator& authenticator,
                            http::Metrics& metrics) {
    add_token_route(router, authenticator, "/v1/me", me_response);
    add_token_route(router, authenticator, "/v1/auth", forward_auth_response);
    add_health_routes(router, metrics);
}

}  // namespace signet::server::api
