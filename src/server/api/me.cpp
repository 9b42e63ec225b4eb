// GET /v1/me: the protected resource. It answers whoever the authentication middleware found: a
// JWT on the I/O thread (no store involved), a session on the worker pool.
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

http::Response me_response(const http::Request& request, const AuthOutcome& outcome) {
    if (!outcome.principal) return unauthorized(request, outcome);
    const Principal& principal = *outcome.principal;
    return http::json_response(
        request, http::Status::ok,
        boost::json::object{{"sub", principal.user_id},
                            {"email", principal.email},
                            {"auth", principal.method == AuthMethod::jwt ? "jwt" : "session"},
                            {"expires_at", principal.expires_at}});
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
