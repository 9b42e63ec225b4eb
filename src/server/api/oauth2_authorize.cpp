// The authorization endpoint, GET/POST /oauth2/authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2), and
// its login page, whose form posts to POST /oauth2/login: the password check starts a session
// (as POST /v1/sessions does) and the authorization request resumes with it.
#include <boost/beast/http/field.hpp>
#include <string>
#include <utility>

#include "server/api/oauth2_support.hpp"
#include "server/auth/csrf.hpp"
#include "server/http/cookies.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

// The authorization request's parameters, encoded again for the login form's hidden field.
std::string encoded_request(const http::FormParams& params) {
    std::vector<std::pair<std::string_view, std::string_view>> items;
    for (const auto& [name, value] : params.items())
        items.emplace_back(name, value);
    std::string query = http::with_query("", items);
    if (!query.empty()) query.erase(0, 1);  // the leading '?'
    return query;
}

// The login form. The CSRF token is the double-submit cookie's value (set here when absent).
http::Response login_page(Services& services, const http::Request& request,
                          const http::FormParams& params, const AuthorizeDecision& decision,
                          http::Status status, std::string_view error,
                          std::string_view email = {}) {
    const PageCsrf csrf = page_csrf(services, request);
    std::string body = "<h1>Log in</h1>\n<p class=\"lead\">to continue to <strong>";
    body += html_escape(decision.client_name);
    body += "</strong></p>\n";
    if (!error.empty()) {
        body += "<p class=\"status error\" role=\"alert\">";
        body += html_escape(error);
        body += "</p>\n";
    }
    body += R"(<form method="post" action="/oauth2/login">
  <input type="hidden" name="csrf_token" value=")" +
            html_escape(csrf.token) + R"(">
  <input type="hidden" name="authorization_request" value=")" +
            html_escape(encoded_request(params)) + R"(">
  <div class="field">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value=")" +
            html_escape(email.empty() ? std::string_view(decision.login_hint) : email) + R"(">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
  </div>
  <button type="submit">Log in</button>
</form>
)";
    http::Response response = html_page(request, status, "Log in", body,
                                        form_target_of(params.find("redirect_uri").value_or("")));
    csrf.set_cookie(services, response);
    return response;
}

// A decision as an answer; `status` is the redirect status (302 for GET, 303 after a form POST).
http::Response answer(Services& services, const http::Request& request,
                      const http::FormParams& params, const AuthorizeDecision& decision,
                      http::Status redirect_status) {
    switch (decision.step) {
        case AuthorizeStep::show_error:
            return error_page(request, http::Status::bad_request, decision.error,
                              decision.description);
        case AuthorizeStep::redirect_error:
        case AuthorizeStep::redirect_code:
            return http::redirect(request, decision.location, redirect_status);
        case AuthorizeStep::login: break;
    }
    return login_page(services, request, params, decision, http::Status::ok, {});
}

http::Response authorize(Services& services, const http::Request& request,
                         const http::RequestContext& context) {
    const std::int64_t now = unix_now();
    if (const auto retry_after = services.authorization_requests.hit(context.client_address, now)) {
        http::Response response = error_page(request, http::Status::too_many_requests,
                                             "rate_limited", "Too many requests; try again later.");
        response.set(bhttp::field::retry_after, std::to_string(*retry_after));
        return response;
    }
    auto parsed = request_params(request);
    if (std::holds_alternative<http::Response>(parsed)) {
        return error_page(request, http::Status::bad_request, "invalid_request",
                          "The request's parameters are malformed or repeated.");
    }
    const http::FormParams& params = std::get<http::FormParams>(parsed);
    AuthOutcome outcome;
    const std::optional<Session> session =
        services.authenticator.session_record(request, now, outcome);
    IdTokenHint hint;
    if (const auto text = params.find("id_token_hint")) {
        hint.present = true;
        if (const auto claims = verify_id_token_hint(services, *text)) {
            hint.valid = true;
            hint.subject = claims->subject;
        }
    }
    return answer(services, request, params,
                  services.authorizations.decide(params, session, false, now, hint),
                  http::Status::found);
}

http::Response login(Services& services, const http::Request& request,
                     const http::RequestContext& context) {
    auto parsed_form = form_params(request);
    if (auto* error = std::get_if<http::Response>(&parsed_form)) return std::move(*error);
    const http::FormParams& form = std::get<http::FormParams>(parsed_form);
    auto parsed = http::parse_form(form.find("authorization_request").value_or(""));
    if (std::holds_alternative<http::FormError>(parsed)) {
        return error_page(request, http::Status::bad_request, "invalid_request",
                          "The authorization request is malformed.");
    }
    const http::FormParams& params = std::get<http::FormParams>(parsed);
    const std::int64_t now = unix_now();
    // The request must still be one the provider would show the form for.
    const AuthorizeDecision before =
        services.authorizations.decide(params, std::nullopt, false, now);
    if (before.step != AuthorizeStep::login)
        return answer(services, request, params, before, http::Status::see_other);
    // A login form posted from another site would log the victim in as the attacker (login CSRF).
    if (!form_csrf_passes(request, services.issuer_origin, services.cookie_names.csrf,
                          form.find("csrf_token").value_or(""))) {
        return login_page(services, request, params, before, http::Status::forbidden,
                          "The form expired or came from another site. Please log in again.");
    }
    const std::string_view email = form.find("email").value_or("");
    const std::string_view password = form.find("password").value_or("");
    const SessionLogin result = services.logins.start_session(
        email, password, context.client_address,
        http::find_cookie(request, services.cookie_names.session), now);
    if (result.status == LoginStatus::rate_limited) {
        http::Response response =
            login_page(services, request, params, before, http::Status::too_many_requests,
                       "Too many failed logins; try again later.", email);
        response.set(bhttp::field::retry_after, std::to_string(result.retry_after));
        return response;
    }
    // The form again, with the error: a page, not an HTTP authentication challenge (a 401 would
    // need WWW-Authenticate, RFC 9110 §15.5.2).
    if (result.status != LoginStatus::ok) {
        return login_page(services, request, params, before, http::Status::ok,
                          "The email or password is wrong.", email);
    }
    Session session;
    session.user_id = result.user.id;
    session.email = result.user.email;
    session.created_at = now;
    const AuthorizeDecision decision = services.authorizations.decide(params, session, true, now);
    http::Response response = answer(services, request, params, decision, http::Status::see_other);
    response.insert(bhttp::field::set_cookie,
                    auth_cookie(services, services.cookie_names.session, result.session.id,
                                result.session.expires_in));
    return response;
}

}  // namespace

void add_authorize_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::get, "/oauth2/authorize", authorize, true);
    add_route(router, services, http::Verb::post, "/oauth2/authorize", authorize, true);
    add_route(router, services, http::Verb::post, "/oauth2/login", login, true);
}

}  // namespace signet::server::api
