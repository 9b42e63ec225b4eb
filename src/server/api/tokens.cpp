// JWT mode: POST /v1/login, POST /v1/token/refresh, POST /v1/logout. Tokens go in the body, or in
// HttpOnly cookies for browsers that ask with "cookie": true.
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

// The pair as JSON, or as cookies plus a CSRF token for the page.
http::Response token_response(Services& services, const http::Request& request,
                              const TokenPair& pair, bool cookies) {
    if (!cookies) {
        return http::json_response(request, http::Status::ok,
                                   boost::json::object{{"access_token", pair.access_token},
                                                       {"token_type", "Bearer"},
                                                       {"expires_in", pair.expires_in},
                                                       {"refresh_token", pair.refresh_token}});
    }
    const std::string csrf = random_token(32);
    // The cookies last as long as the refresh token, which the family's lifetime may cut short.
    const std::int64_t refresh_ttl = pair.refresh_expires_in;
    const AuthCookieNames& names = services.cookie_names;
    const std::string access_cookie =
        auth_cookie(services, names.access_token, pair.access_token, pair.expires_in);
    // The refresh token only travels to the routes that read it (cookie_names.hpp).
    const std::string refresh_cookie = auth_cookie(
        services, names.refresh_token, pair.refresh_token, refresh_ttl, kRefreshTokenCookiePath);
    const std::string csrf_value = csrf_cookie(services, csrf, refresh_ttl);
    http::Response response = http::json_response(
        request, http::Status::ok,
        boost::json::object{
            {"token_type", "Bearer"},
            {"expires_in", pair.expires_in},
            {"csrf_token", csrf},
            {"cookies", describe_cookies({access_cookie, refresh_cookie, csrf_value})}});
    response.insert(bhttp::field::set_cookie, access_cookie);
    response.insert(bhttp::field::set_cookie, refresh_cookie);
    response.insert(bhttp::field::set_cookie, csrf_value);
    return response;
}

void clear_token_cookies(const Services& services, http::Response& response) {
    const AuthCookieNames& names = services.cookie_names;
    response.insert(bhttp::field::set_cookie, auth_cookie(services, names.access_token, "", 0));
    response.insert(bhttp::field::set_cookie,
                    auth_cookie(services, names.refresh_token, "", 0, kRefreshTokenCookiePath));
    response.insert(bhttp::field::set_cookie, csrf_cookie(services, "", 0));
}

http::Response login(Services& services, const http::Request& request,
                     const http::RequestContext& context) {
    auto parsed = credentials_body(request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const Credentials& credentials = std::get<Credentials>(parsed);
    bool cookies = false;
    if (const boost::json::value* cookie = credentials.body.if_contains("cookie")) {
        if (!cookie->is_bool()) return invalid_request(request, "\"cookie\" must be a boolean.");
        cookies = cookie->get_bool();
    }
    if (cookies) {
        if (auto refused = refuse_foreign_origin(services, request)) return std::move(*refused);
    }
    const TokenLogin login = services.logins.issue_tokens(credentials.email, credentials.password,
                                                          context.client_address, unix_now());
    if (auto refused = login_refused(request, login.status, login.retry_after)) {
        return std::move(*refused);
    }
    return token_response(services, request, login.tokens, cookies);
}

http::Response invalid_grant(const Services& services, const http::Request& request, bool cookies) {
    http::Response response =
        http::error_response(request, http::Status::unauthorized, "invalid_grant",
                             "The refresh token is invalid, expired or revoked.");
    if (cookies) clear_token_cookies(services, response);
    return response;
}

// The optional "refresh_token" of a JSON body ("" when there is no body or no such member), or
// the 400/415 for a body that is not a JSON object or a member that is not a string.
std::variant<std::string, http::Response> body_refresh_token(const http::Request& request) {
    if (request.body().empty()) return std::string();
    auto body = json_body(request);
    if (auto* error = std::get_if<http::Response>(&body)) return std::move(*error);
    const auto& object = std::get<boost::json::object>(body);
    const boost::json::value* value = object.if_contains("refresh_token");
    if (value == nullptr) return std::string();
    if (!value->is_string()) {
        return invalid_request(request, "\"refresh_token\" must be a string.");
    }
    return std::string(value->get_string());
}

http::Response refresh(Services& services, const http::Request& request,
                       const http::RequestContext&) {
    auto from_body = body_refresh_token(request);
    if (auto* error = std::get_if<http::Response>(&from_body)) return std::move(*error);
    std::string token = std::move(std::get<std::string>(from_body));
    bool cookies = false;
    if (token.empty()) {
        const auto cookie = http::find_cookie(request, services.cookie_names.refresh_token);
        if (!cookie) return invalid_request(request, "\"refresh_token\" is required.");
        if (auto refused = require_csrf(services, request)) return std::move(*refused);
        token = std::string(*cookie);
        cookies = true;
    }
    TokenService::RefreshResult result = services.tokens.refresh(token, unix_now());
    if (!result.pair) return invalid_grant(services, request, cookies);
    return token_response(services, request, *result.pair, cookies);
}

http::Response logout(Services& services, const http::Request& request,
                      const http::RequestContext&) {
    const std::int64_t now = unix_now();
    auto from_body = body_refresh_token(request);
    if (auto* error = std::get_if<http::Response>(&from_body)) return std::move(*error);
    std::string refresh_token = std::move(std::get<std::string>(from_body));
    bool refresh_from_cookie = false;
    if (refresh_token.empty()) {
        if (const auto cookie = http::find_cookie(request, services.cookie_names.refresh_token)) {
            refresh_token = std::string(*cookie);
            refresh_from_cookie = true;
        }
    }
    if (refresh_token.size() > 256) refresh_token.clear();

    const AuthOutcome outcome = services.authenticator.authenticate(request, now);
    const bool jwt = outcome.principal && outcome.principal->method == AuthMethod::jwt;
    // Logout ends whatever credential the request carries: a session cookie too.
    if (outcome.principal && outcome.principal->method == AuthMethod::session &&
        refresh_token.empty()) {
        if (auto refused = require_csrf(services, request)) return std::move(*refused);
        services.sessions.end(*http::find_cookie(request, services.cookie_names.session), now);
        return session_ended(services, request);
    }
    if (!jwt && refresh_token.empty()) return unauthorized(request, outcome);
    const bool via_cookie = (jwt && outcome.principal->via_cookie) || refresh_from_cookie;
    if (via_cookie) {
        if (auto refused = require_csrf(services, request)) return std::move(*refused);
    }
    if (jwt) {
        const Principal& principal = *outcome.principal;
        if (!refresh_token.empty()) {
            services.tokens.revoke_refresh_token(refresh_token, principal.user_id, now);
        }
        services.tokens.revoke_access_token(principal.jti, principal.expires_at);
    } else {
        // The access token already expired (a browser idle past its lifetime): the refresh token
        // alone ends the family, as holding it proves the right to (RFC 7009 §2.1).
        services.tokens.revoke_refresh_token(refresh_token, "", now);
    }
    http::Response response = http::empty_response(request, http::Status::no_content);
    if (via_cookie) clear_token_cookies(services, response);
    return response;
}

}  // namespace

void add_token_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/v1/login", login, true);
    add_route(router, services, http::Verb::post, "/v1/token/refresh", refresh, true);
    add_route(router, services, http::Verb::post, "/v1/logout", logout, true);
}

}  // namespace signet::server::api
