// RP-initiated logout, GET/POST /oauth2/logout (OpenID Connect RP-Initiated Logout 1.0 §2-§3):
// ends the browser's Signet session and, when the client registered it, returns the browser to
// post_logout_redirect_uri with the client's state. Without a valid id_token_hint naming the
// session's user, the user confirms on a page first (§6: logout requests can be forged).
#include <boost/beast/http/field.hpp>
#include <string>

#include "server/api/oauth2_support.hpp"
#include "server/auth/csrf.hpp"
#include "server/http/cookies.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

std::string hidden(std::string_view name, std::string_view value) {
    if (value.empty()) return {};
    return "  <input type=\"hidden\" name=\"" + html_escape(name) + "\" value=\"" +
           html_escape(value) + "\">\n";
}

http::Response logout(Services& services, const http::Request& request,
                      const http::RequestContext&) {
    auto parsed = request_params(request);
    if (std::holds_alternative<http::Response>(parsed)) {
        return error_page(request, http::Status::bad_request, "invalid_request",
                          "The logout request's parameters are malformed or repeated.");
    }
    const http::FormParams& params = std::get<http::FormParams>(parsed);
    const std::int64_t now = unix_now();
    const std::string_view hint_text = params.find("id_token_hint").value_or("");
    std::optional<IdTokenHintClaims> hint;
    if (!hint_text.empty()) {
        hint = verify_id_token_hint(services, hint_text);
        if (!hint) {
            return error_page(request, http::Status::bad_request, "invalid_request",
                              "id_token_hint is not an ID token issued by this provider.");
        }
    }
    std::string client_id(params.find("client_id").value_or(""));
    if (hint && !client_id.empty() && client_id != hint->client_id) {
        return error_page(request, http::Status::bad_request, "invalid_request",
                          "client_id differs from the audience of id_token_hint.");
    }
    if (hint) client_id = hint->client_id;
    const std::string_view return_to = params.find("post_logout_redirect_uri").value_or("");
    std::optional<Client> client;
    if (!client_id.empty()) {
        client = services.stores.clients->find(client_id);
        if (!client) {
            return error_page(request, http::Status::bad_request, "invalid_request",
                              "No client is registered under this client_id.");
        }
    }
    if (!return_to.empty()) {
        // Exact match with a URI the client registered; never an open redirector (§3).
        if (!client || std::find(client->post_logout_redirect_uris.begin(),
                                 client->post_logout_redirect_uris.end(),
                                 return_to) == client->post_logout_redirect_uris.end()) {
            return error_page(request, http::Status::bad_request, "invalid_request",
                              "post_logout_redirect_uri is not registered for this client.");
        }
    }

    AuthOutcome outcome;
    const std::optional<Session> session =
        services.authenticator.session_record(request, now, outcome);
    const bool confirmed_by_form =
        request.method() == http::Verb::post &&
        form_csrf_passes(request, services.issuer_origin, services.cookie_names.csrf,
                         params.find("csrf_token").value_or(""));
    const bool confirmed_by_hint = hint && (!session || session->user_id == hint->subject);
    if (session && !confirmed_by_form && !confirmed_by_hint) {
        const PageCsrf csrf = page_csrf(services, request);
        std::string body = "<h1>Log out?</h1>\n<p class=\"lead\">";
        body += client
                    ? "<strong>" + html_escape(client->name.empty() ? client->id : client->name) +
                          "</strong> asks to end your Signet session."
                    : std::string("End your Signet session?");
        body += "</p>\n<form method=\"post\" action=\"/oauth2/logout\">\n";
        body += hidden("csrf_token", csrf.token) + hidden("client_id", client_id) +
                hidden("post_logout_redirect_uri", return_to) +
                hidden("state", params.find("state").value_or(""));
        body += "  <button type=\"submit\">Log out</button>\n</form>\n";
        const std::string target = return_to.empty() ? std::string() : form_target_of(return_to);
        http::Response response = html_page(request, http::Status::ok, "Log out", body, target);
        csrf.set_cookie(services, response);
        return response;
    }
    if (session) {
        services.sessions.end(*http::find_cookie(request, services.cookie_names.session), now);
    }
    http::Response response =
        return_to.empty()
            ? html_page(request, http::Status::ok, "Logged out",
                        "<h1>You are logged out</h1>\n<p class=\"lead\">Your Signet session has "
                        "ended.</p>\n")
            : http::redirect(request,
                             params.find("state")
                                 ? http::with_query(return_to, {{"state", *params.find("state")}})
                                 : std::string(return_to),
                             request.method() == http::Verb::post ? http::Status::see_other
                                                                  : http::Status::found);
    response.insert(bhttp::field::set_cookie,
                    auth_cookie(services, services.cookie_names.session, "", 0));
    return response;
}

}  // namespace

void add_logout_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::get, "/oauth2/logout", logout, true);
    add_route(router, services, http::Verb::post, "/oauth2/logout", logout, true);
}

}  // namespace signet::server::api
