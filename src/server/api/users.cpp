// POST /v1/users: registration.
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

http::Response register_user(Services& services, const http::Request& request,
                             const http::RequestContext& context) {
    if (!services.config.registration) {
        return http::error_response(request, http::Status::forbidden, "registration_disabled",
                                    "Registration is turned off on this server.");
    }
    const std::int64_t now = unix_now();
    if (auto retry_after = services.registrations.hit(context.client_address, now)) {
        return rate_limited(request, "Too many registrations from this address; try again later.",
                            *retry_after);
    }
    auto parsed = credentials_body(request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const Credentials& credentials = std::get<Credentials>(parsed);
    const Registration registration =
        services.accounts.register_user(credentials.email, credentials.password, now);
    switch (registration.status) {
        case RegisterStatus::created:
            return http::json_response(request, http::Status::created,
                                       boost::json::object{{"id", registration.user.id},
                                                           {"email", registration.user.email}});
        case RegisterStatus::invalid_email:
            return http::error_response(request, http::Status::bad_request, "invalid_email",
                                        "The email is not a valid address.");
        case RegisterStatus::invalid_password:
            return http::error_response(request, http::Status::bad_request, "invalid_password",
                                        "The password must be 8 to 1024 characters of UTF-8.");
        case RegisterStatus::email_taken: break;
    }
    return http::error_response(request, http::Status::conflict, "email_taken",
                                "An account with this email already exists.");
}

}  // namespace

void add_user_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/v1/users", register_user, true);
}

}  // namespace signet::server::api
