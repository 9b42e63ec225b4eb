// Shared pieces of the API handlers.
#include "server/api/api_common.hpp"
#include "server/api/oauth2_support.hpp"
#include "server/http/text.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "server/auth/csrf.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"
#include "server/store/store_error.hpp"
#include "signet/claims.hpp"

namespace signet::server::api {

namespace bhttp = boost::beast::http;

namespace {

// The cause stays in the log; the answer says only that a store is down (DESIGN.md: a store that
// is down answers 503, never 500).
void log_store_failure(const http::RequestContext& context, const StoreError& error) {
    boost::json::object line{{"level", "error"},
                             {"msg", "store unavailable"},
                             {"request_id", context.request_id},
                             {"route", context.route},
                             {"error", error.what()}};
    std::cerr << boost::json::serialize(line) + "\n" << std::flush;
}

}  // namespace

http::Response invalid_request(const http::Request& request, std::string_view description) {
    return http::error_response(request, http::Status::bad_request, "invalid_request", description);
}

http::Response rate_limited(const http::Request& request, std::string_view description,
                            std::int64_t retry_after) {
    http::Response response =
        http::error_response(request, http::Status::too_many_requests, "rate_limited", description);
    response.set(bhttp::field::retry_after, std::to_string(retry_after));
    return response;
}

std::variant<boost::json::object, http::Response> json_body(const http::Request& request) {
    const auto type = request.find(bhttp::field::content_type);
    std::string_view media;
    if (type != request.end()) media = type->value();
    media = media.substr(0, media.find(';'));
    while (!media.empty() && media.back() == ' ')
        media.remove_suffix(1);
    // Media types are case-insensitive (RFC 9110 §8.3.1).
    if (!http::iequals_ascii(media, "application/json")) {
        return http::error_response(request, http::Status::unsupported_media_type,
                                    "unsupported_media_type",
                                    "The request body must be application/json.");
    }
    // The library's strict parser: duplicate member names are refused rather than resolved.
    Result<Claims> parsed = Claims::parse(request.body(), 16);
    if (!parsed) return invalid_request(request, "The request body is not a valid JSON object.");
    return std::move(parsed->json());
}

std::optional<std::string_view> string_member(const boost::json::object& body,
                                              std::string_view name) {
    const boost::json::value* value = body.if_contains(name);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    const boost::json::string& text = value->get_string();
    return std::string_view(text.data(), text.size());
}

std::variant<Credentials, http::Response> credentials_body(const http::Request& request) {
    auto body = json_body(request);
    if (auto* error = std::get_if<http::Response>(&body)) return std::move(*error);
    Credentials credentials{std::move(std::get<boost::json::object>(body)), {}, {}};
    const auto email = string_member(credentials.body, "email");
    const auto password = string_member(credentials.body, "password");
    if (!email || !password) {
        return invalid_request(request, "\"email\" and \"password\" must be strings.");
    }
    credentials.email = *email;
    credentials.password = *password;
    return credentials;
}

std::optional<http::Response> login_refused(const http::Request& request, LoginStatus status,
                                            std::int64_t retry_after) {
    switch (status) {
        case LoginStatus::ok: return std::nullopt;
        case LoginStatus::rate_limited:
            return rate_limited(request, "Too many failed logins; try again later.", retry_after);
        case LoginStatus::invalid_credentials: break;
    }
    return http::error_response(request, http::Status::unauthorized, "invalid_credentials",
                                "The email or password is wrong.");
}

std::variant<User, http::Response> check_credentials(Services& services,
                                                     const http::Request& request,
                                                     const http::RequestContext& context,
                                                     std::string_view email,
                                                     std::string_view password) {
    LoginCheck check =
        services.accounts.check_password(email, password, context.client_address, unix_now());
    services.metrics.login(check.status == LoginStatus::ok);
    if (auto refused = login_refused(request, check.status, check.retry_after)) {
        return std::move(*refused);
    }
    return std::move(*check.user);
}

http::Response unavailable(const http::Request& request) {
    http::Response response =
        http::error_response(request, http::Status::service_unavailable, "unavailable",
                             "A storage service is unavailable; try again shortly.");
    response.set(bhttp::field::retry_after, std::to_string(kUnavailableRetryAfterSeconds));
    return response;
}

std::optional<http::Response> require_csrf(const Services& services, const http::Request& request) {
    if (csrf_passes(check_csrf(request, services.issuer_origin, services.cookie_names.csrf))) {
        return std::nullopt;
    }
    return http::error_response(request, http::Status::forbidden, "csrf",
                                "Cross-site request refused: send X-CSRF-Token or use the "
                                "issuer's origin.");
}

std::optional<http::Response> refuse_foreign_origin(const Services& services,
                                                    const http::Request& request) {
    if (check_csrf(request, services.issuer_origin, services.cookie_names.csrf) !=
        CsrfVerdict::foreign_origin) {
        return std::nullopt;
    }
    return require_csrf(services, request);
}

namespace {

// `handler` bound to `services`, with a StoreError turned into the 503.
http::Handler guarded(Services& services, ApiHandler handler) {
    return [&services, handler](const http::Request& request, http::RequestContext& context) {
        try {
            return handler(services, request, context);
        } catch (const StoreError& error) {
            log_store_failure(context, error);
            return unavailable(request);
        }
    };
}

}  // namespace

boost::json::array describe_cookies(std::initializer_list<std::string_view> set_cookie_values) {
    boost::json::array cookies;
    for (std::string_view line : set_cookie_values) {
        const std::size_t end_of_pair = std::min(line.find(';'), line.size());
        const std::string_view name = line.substr(0, std::min(line.find('='), end_of_pair));
        std::string_view attributes = line.substr(end_of_pair);
        while (!attributes.empty() && (attributes.front() == ';' || attributes.front() == ' '))
            attributes.remove_prefix(1);
        cookies.push_back(boost::json::object{{"name", name}, {"attributes", attributes}});
    }
    return cookies;
}

void add_route(http::Router& router, Services& services, http::Verb method, std::string path,
               ApiHandler handler, bool blocking) {
    router.add(method, std::move(path), guarded(services, handler), blocking);
}

void add_split_route(http::Router& router, Services& services, http::Verb method, std::string path,
                     InlineApiHandler try_inline, ApiHandler handler) {
    router.add_split(
        method, std::move(path),
        [&services, try_inline](const http::Request& request, http::RequestContext& context) {
            return try_inline(services, request, context);
        },
        guarded(services, handler));
}

void add_api_routes(http::Router& router, Services& services) {
    add_user_routes(router, services);
    add_token_routes(router, services);
    add_session_routes(router, services);
    add_me_routes(router, services);
    add_forward_auth_routes(router, services);
    add_password_routes(router, services);
    add_well_known_routes(router, services);
    add_health_routes(router, services.metrics);
    add_inspect_routes(router, services);
    add_web_page_routes(router);
    add_authorize_routes(router, services);
    add_oauth_token_routes(router, services);
    add_userinfo_routes(router, services);
    add_revocation_routes(router, services);
    add_introspection_routes(router, services);
    add_logout_routes(router, services);
}

http::Response session_ended(const Services& services, const http::Request& request) {
    http::Response response = http::empty_response(request, http::Status::no_content);
    response.insert(bhttp::field::set_cookie,
                    auth_cookie(services, services.cookie_names.session, "", 0));
    response.insert(bhttp::field::set_cookie, csrf_cookie(services, "", 0));
    return response;
}

std::string auth_cookie(const Services& services, std::string_view name, std::string_view value,
                        std::int64_t max_age, std::string_view path) {
    http::CookieOptions options;
    options.http_only = true;
    options.secure = services.secure_cookies;
    options.max_age = max_age;
    options.path = path;
    return http::set_cookie(name, value, options);
}

std::string csrf_cookie(const Services& services, std::string_view value, std::int64_t max_age) {
    http::CookieOptions options;
    options.http_only = false;  // the page reads it to echo it in X-CSRF-Token
    options.secure = services.secure_cookies;
    options.max_age = max_age;
    return http::set_cookie(services.cookie_names.csrf, value, options);
}

}  // namespace signet::server::api
