// POST /v1/password: change the password. Every refresh family and session of the user is revoked,
// so a stolen credential does not outlive the change (OWASP Authentication Cheat Sheet).
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/auth/identity.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

http::Response change_password(Services& services, const http::Request& request,
                               const http::RequestContext& context) {
    const std::int64_t now = unix_now();
    const AuthOutcome outcome = services.authenticator.authenticate(request, now);
    if (!outcome.principal) return unauthorized(request, outcome);
    const Principal& principal = *outcome.principal;
    if (principal.via_cookie) {
        if (auto refused = require_csrf(services, request)) return std::move(*refused);
    }
    auto body = json_body(request);
    if (auto* error = std::get_if<http::Response>(&body)) return std::move(*error);
    const auto& object = std::get<boost::json::object>(body);
    const auto current = string_member(object, "current_password");
    const auto next = string_member(object, "new_password");
    if (!current || !next) {
        return invalid_request(request,
                               "\"current_password\" and \"new_password\" must be strings.");
    }
    if (!acceptable_password(*next)) {
        return http::error_response(request, http::Status::bad_request, "invalid_password",
                                    "The password must be 8 to 1024 characters of UTF-8.");
    }
    // The current password is checked like a login, rate limit included, so a stolen access token
    // cannot be used to guess it.
    auto checked = check_credentials(services, request, context, principal.email, *current);
    if (auto* error = std::get_if<http::Response>(&checked)) return std::move(*error);
    const User& user = std::get<User>(checked);
    if (user.id != principal.user_id) {
        return http::error_response(request, http::Status::unauthorized, "invalid_credentials",
                                    "The email or password is wrong.");
    }
    if (!services.accounts.change_password(user, *next, now)) {
        return http::error_response(request, http::Status::unauthorized, "invalid_credentials",
                                    "The email or password is wrong.");
    }
    return http::empty_response(request, http::Status::no_content);
}

}  // namespace

void add_password_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/v1/password", change_password, true);
}

}  // namespace signet::server::api
