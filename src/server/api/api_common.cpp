// Shared pieces of the API handlers.
#include "server/api/api_common.hpp"

#include <boost/beast/http/field.hpp>

#include "server/auth/csrf.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"
#include "signet/claims.hpp"

namespace signet::server::api {

namespace bhttp = boost::beast::http;

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
    bool json = media.size() == 16;
    constexpr std::string_view kJson = "application/json";
    for (std::size_t i = 0; json && i < kJson.size(); ++i) {
        const char c = media[i];
        json = (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == kJson[i];
    }
    if (!json) {
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

std::variant<User, http::Response> check_credentials(Services& services,
                                                     const http::Request& request,
                                                     const http::RequestContext& context,
                                                     std::string_view email,
                                                     std::string_view password) {
    const std::int64_t now = unix_now();
    const std::optional<std::string> normalized = normalize_email(email);
    // A malformed email cannot belong to a user; it is throttled and answered like an unknown one.
    const std::string key = normalized ? *normalized : std::string(email.substr(0, 320));
    const LoginRateLimiter::Attempt attempt =
        services.login_limiter.begin(key, context.client_address, now);
    if (!attempt.allowed) {
        services.metrics.login(false);
        return rate_limited(request, "Too many failed logins; try again later.",
                            attempt.retry_after);
    }
    std::optional<User> user;
    if (normalized) user = services.stores.users->find_by_email(*normalized);
    bool ok = false;
    if (user) {
        ok = services.hasher.verify(user->password_hash, password) && !user->disabled;
    } else {
        services.hasher.verify_dummy(password);  // an unknown user still costs one hash
    }
    if (!ok) {
        services.metrics.login(false);
        return http::error_response(request, http::Status::unauthorized, "invalid_credentials",
                                    "The email or password is wrong.");
    }
    services.login_limiter.succeeded(attempt, now);
    services.metrics.login(true);
    if (services.hasher.needs_rehash(user->password_hash)) {
        user->password_hash = services.hasher.hash(password);
        services.stores.users->update_password_hash(user->id, user->password_hash);
    }
    return std::move(*user);
}

std::optional<http::Response> require_csrf(const Services& services, const http::Request& request) {
    if (csrf_passes(check_csrf(request, services.issuer_origin))) return std::nullopt;
    return http::error_response(request, http::Status::forbidden, "csrf",
                                "Cross-site request refused: send X-CSRF-Token or use the "
                                "issuer's origin.");
}

std::optional<http::Response> refuse_foreign_origin(const Services& services,
                                                    const http::Request& request) {
    if (check_csrf(request, services.issuer_origin) != CsrfVerdict::foreign_origin) {
        return std::nullopt;
    }
    return require_csrf(services, request);
}

void add_route(http::Router& router, Services& services, http::Verb method, std::string path,
               ApiHandler handler, bool blocking) {
    router.add(
        method, std::move(path),
        [&services, handler](const http::Request& request, http::RequestContext& context) {
            return handler(services, request, context);
        },
        blocking);
}

std::string auth_cookie(const Services& services, std::string_view name, std::string_view value,
                        std::int64_t max_age, std::string_view path) {
    http::CookieOptions options;
    options.http_only = true;
    options.secure = services.tls;
    options.max_age = max_age;
    options.path = path;
    return http::set_cookie(name, value, options);
}

std::string csrf_cookie(const Services& services, std::string_view value, std::int64_t max_age) {
    http::CookieOptions options;
    options.http_only = false;  // the page reads it to echo it in X-CSRF-Token
    options.secure = services.tls;
    options.max_age = max_age;
    return http::set_cookie(kCsrfCookie, value, options);
}

}  // namespace signet::server::api
