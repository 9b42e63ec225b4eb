// What the API handlers share: the clock, JSON request bodies, the password check behind both
// logins, the auth cookies, and route registration.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/clock.hpp"
#include "server/http/router.hpp"
#include "server/http/types.hpp"
#include "server/services.hpp"

namespace signet::server::api {

// The body as a JSON object: 415 unless the Content-Type is application/json; 400 for malformed
// JSON (strict: no duplicate names, bounded depth) or a body that is not an object.
std::variant<boost::json::object, http::Response> json_body(const http::Request& request);
// A string member, or nullopt when absent or not a string.
std::optional<std::string_view> string_member(const boost::json::object& body,
                                              std::string_view name);
http::Response invalid_request(const http::Request& request, std::string_view description);
// 429 with Retry-After in seconds.
http::Response rate_limited(const http::Request& request, std::string_view description,
                            std::int64_t retry_after);

// A body {"email","password",...}: the views point into `body`, which the struct owns.
struct Credentials {
    boost::json::object body;
    std::string_view email;
    std::string_view password;
};
std::variant<Credentials, http::Response> credentials_body(const http::Request& request);

// The answer to a refused password check: the 429, or the uniform 401 (nullopt for ok).
std::optional<http::Response> login_refused(const http::Request& request, LoginStatus status,
                                            std::int64_t retry_after);
// AccountService::check_password as an answer: the user, or the 429 / uniform 401.
std::variant<User, http::Response> check_credentials(Services& services,
                                                     const http::Request& request,
                                                     const http::RequestContext& context,
                                                     std::string_view email,
                                                     std::string_view password);

// Cookie-authenticated state changes need a CSRF pass; the 403 otherwise.
std::optional<http::Response> require_csrf(const Services& services, const http::Request& request);
// A request that asks for cookies must not come from another site's page.
std::optional<http::Response> refuse_foreign_origin(const Services& services,
                                                    const http::Request& request);

// Set-Cookie values (names from services.cookie_names). max_age 0 deletes the cookie.
std::string auth_cookie(const Services& services, std::string_view name, std::string_view value,
                        std::int64_t max_age, std::string_view path = "/");
std::string csrf_cookie(const Services& services, std::string_view value, std::int64_t max_age);
// The cookies a login sets, without their values, for the page to show what the browser now holds
// (a script cannot read HttpOnly cookies, nor Set-Cookie): [{"name","attributes"}].
boost::json::array describe_cookies(std::initializer_list<std::string_view> set_cookie_values);
// 204 for a session that has just ended, clearing its cookie and the CSRF cookie.
http::Response session_ended(const Services& services, const http::Request& request);

// 503 {"error":"unavailable"} with Retry-After: a store could not be reached.
inline constexpr int kUnavailableRetryAfterSeconds = 2;
http::Response unavailable(const http::Request& request);

// A handler of this API: the services, the request and its context.
using ApiHandler = http::Response (*)(Services&, const http::Request&, const http::RequestContext&);
// The I/O-thread part of a split route: an answer that needs no store, or nullopt.
using InlineApiHandler = std::optional<http::Response> (*)(Services&, const http::Request&,
                                                           const http::RequestContext&);
// Registers `handler` bound to `services`; `blocking` routes run on the worker pool. A StoreError
// the handler throws becomes the 503.
void add_route(http::Router& router, Services& services, http::Verb method, std::string path,
               ApiHandler handler, bool blocking);
// `try_inline` on the I/O thread (it must not call a store); when it declines, `handler` on the
// worker pool.
void add_split_route(http::Router& router, Services& services, http::Verb method, std::string path,
                     InlineApiHandler try_inline, ApiHandler handler);

// The answers of GET /v1/me (the principal as JSON, else the RFC 6750 challenge) and GET /v1/auth
// (200 with X-Signet-Subject/-Email/-Auth, else a bodiless 401), for an authentication outcome;
// an issuing node and a verify-only node answer alike.
http::Response me_response(const http::Request& request, const AuthOutcome& outcome);
http::Response forward_auth_response(const http::Request& request, const AuthOutcome& outcome);

// Every route of the API.
void add_api_routes(http::Router& router, Services& services);

// Route registration, one function per resource file.
void add_user_routes(http::Router& router, Services& services);
void add_token_routes(http::Router& router, Services& services);
void add_session_routes(http::Router& router, Services& services);
void add_me_routes(http::Router& router, Services& services);
void add_password_routes(http::Router& router, Services& services);
void add_well_known_routes(http::Router& router, Services& services);
void add_health_routes(http::Router& router, http::Metrics& metrics);
void add_forward_auth_routes(http::Router& router, Services& services);
void add_inspect_routes(http::Router& router, Services& services);
void add_web_page_routes(http::Router& router);

}  // namespace signet::server::api
