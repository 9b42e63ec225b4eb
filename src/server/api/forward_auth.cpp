// GET /v1/auth: the subrequest of nginx's auth_request module. 200 with X-Signet-Subject and
// X-Signet-Email for a valid access token (Bearer or cookie) or session, 401 otherwise; never a
// body, since nginx passes none of it on. It is how an application behind nginx, in any language,
// learns who the user is.
#include <boost/beast/http/field.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

http::Response forward_auth_response(const http::Request& request, const AuthOutcome& outcome) {
    if (!outcome.principal) {
        http::Response response = unauthorized(request, outcome);
        response.body().clear();
        response.erase(boost::beast::http::field::content_type);
        return response;
    }
    http::Response response = http::empty_response(request, http::Status::ok);
    response.set("X-Signet-Subject", outcome.principal->user_id);
    response.set("X-Signet-Email", outcome.principal->email);
    response.set("X-Signet-Auth", outcome.principal->method == AuthMethod::jwt ? "jwt" : "session");
    return response;
}

namespace {

std::optional<http::Response> check_without_store(Services& services, const http::Request& request,
                                                  const http::RequestContext&) {
    auto outcome = services.authenticator.authenticate_without_store(request, unix_now());
    if (!outcome) return std::nullopt;
    return forward_auth_response(request, *outcome);
}

http::Response check(Services& services, const http::Request& request,
                     const http::RequestContext&) {
    return forward_auth_response(request, services.authenticator.authenticate(request, unix_now()));
}

}  // namespace

void add_forward_auth_routes(http::Router& router, Services& services) {
    add_split_route(router, services, http::Verb::get, "/v1/auth", check_without_store, check);
}

}  // namespace signet::server::api
