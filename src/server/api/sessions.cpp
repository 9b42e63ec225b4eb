// Session mode: POST /v1/sessions logs in and starts a server-side session (auth/session_service);
// GET /v1/sessions/current shows its stored record; DELETE /v1/sessions/current ends it.
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

http::Response create_session(Services& services, const http::Request& request,
                              const http::RequestContext& context) {
    auto parsed = credentials_body(request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const Credentials& credentials = std::get<Credentials>(parsed);
    if (auto refused = refuse_foreign_origin(services, request)) return std::move(*refused);
    const SessionLogin login = services.logins.start_session(
        credentials.email, credentials.password, context.client_address,
        http::find_cookie(request, services.cookie_names.session), unix_now());
    if (auto refused = login_refused(request, login.status, login.retry_after)) {
        return std::move(*refused);
    }
    const User& user = login.user;
    const StartedSession& session = login.session;
    const std::int64_t ttl = session.expires_in;
    const std::string csrf = random_token(32);
    const std::string session_cookie =
        auth_cookie(services, services.cookie_names.session, session.id, ttl);
    const std::string csrf_value = csrf_cookie(services, csrf, ttl);
    http::Response response = http::json_response(
        request, http::Status::created,
        boost::json::object{{"sub", user.id},
                            {"email", user.email},
                            {"expires_in", ttl},
                            {"csrf_token", csrf},
                            {"cookies", describe_cookies({session_cookie, csrf_value})}});
    response.insert(bhttp::field::set_cookie, session_cookie);
    response.insert(bhttp::field::set_cookie, csrf_value);
    return response;
}

// What the server keeps for the browser's session: the record in the session store.
http::Response current_session(Services& services, const http::Request& request,
                               const http::RequestContext&) {
    AuthOutcome outcome;
    const std::optional<Session> session =
        services.authenticator.session_record(request, unix_now(), outcome);
    if (!session) return unauthorized(request, outcome);
    return http::json_response(request, http::Status::ok,
                               boost::json::object{{"sub", session->user_id},
                                                   {"email", session->email},
                                                   {"created_at", session->created_at},
                                                   {"expires_at", session->expires_at},
                                                   {"idle_expires_at", session->idle_expires_at},
                                                   {"store", services.stores.session_engine}});
}

http::Response delete_session(Services& services, const http::Request& request,
                              const http::RequestContext&) {
    const std::int64_t now = unix_now();
    const auto sid = http::find_cookie(request, services.cookie_names.session);
    if (!sid || !services.sessions.active(*sid, now)) {
        AuthOutcome outcome;
        outcome.presented = sid.has_value();
        refuse(outcome, AuthFailure::unknown_session, "unknown_session");
        return unauthorized(request, outcome);
    }
    if (auto refused = require_csrf(services, request)) return std::move(*refused);
    services.sessions.end(*sid, now);
    return session_ended(services, request);
}

}  // namespace

void add_session_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/v1/sessions", create_session, true);
    add_route(router, services, http::Verb::get, "/v1/sessions/current", current_session, true);
    add_route(router, services, http::Verb::delete_, "/v1/sessions/current", delete_session, true);
}

}  // namespace signet::server::api
