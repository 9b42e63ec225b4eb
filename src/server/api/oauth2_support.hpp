// What the OAuth 2.0 / OpenID Connect endpoints share: form bodies, the RFC 6749 §5.2 error
// answers, client authentication as an answer, and the provider's own HTML pages (login, logout,
// errors), which share the web page's stylesheet and load nothing else.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "server/api/api_common.hpp"
#include "server/http/form.hpp"

namespace signet::server::api {

// The longest token the revocation and introspection endpoints or an id_token_hint look at; a
// longer one is no token of this provider.
inline constexpr std::size_t kMaxPresentedTokenLength = 16 * 1024;

// The parameters of a POST body: 415 unless application/x-www-form-urlencoded (RFC 6749 §3.2),
// 400 invalid_request for a malformed or repeated parameter.
std::variant<http::FormParams, http::Response> form_params(const http::Request& request);
// The parameters of an endpoint that takes GET or POST (the authorization, userinfo and logout
// endpoints): the query for GET, the form body for POST.
std::variant<http::FormParams, http::Response> request_params(const http::Request& request);

// 400 {"error","error_description"} (RFC 6749 §5.2).
http::Response oauth_error(const http::Request& request, std::string_view error,
                           std::string_view description);
// The authenticated client, or the 401 invalid_client with a Basic challenge, or the 400.
std::variant<Client, http::Response> authenticated_client(Services& services,
                                                          const http::Request& request,
                                                          const http::FormParams& params);

// A form post from an authenticated client: the token, revocation and introspection endpoints.
struct ClientRequest {
    http::FormParams params;
    Client client;
};
std::variant<ClientRequest, http::Response> client_request(Services& services,
                                                           const http::Request& request);
// 401 invalid_client with the Basic challenge (RFC 6749 §5.2).
http::Response invalid_client(const http::Request& request, std::string_view description);

// An id_token_hint (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token this provider
// signed (typ JWT, this issuer), with one audience. An expired one is accepted within a session's
// lifetime: it still names who the client thinks is logged in.
struct IdTokenHintClaims {
    std::string subject;
    std::string client_id;  // its "aud"
};
std::optional<IdTokenHintClaims> verify_id_token_hint(Services& services, std::string_view token);

// Text made safe for HTML element content and attribute values.
std::string html_escape(std::string_view text);
// A page of the provider: `body_html` (already escaped) in the shared layout. `form_target`: an
// origin (or "scheme:") a form on the page may be redirected to, beside 'self' (CSP form-action
// also governs the redirect that follows a submission).
http::Response html_page(const http::Request& request, http::Status status, std::string_view title,
                         std::string_view body_html, std::string_view form_target = {});
// The CSRF token a form of the provider's pages carries (checked by form_csrf_passes): the
// browser's CSRF cookie when it has a plausible one, else a new one, which `set_cookie` puts in
// the page's answer.
struct PageCsrf {
    std::string token;
    bool is_new = false;

    void set_cookie(const Services& services, http::Response& response) const;
};
PageCsrf page_csrf(const Services& services, const http::Request& request);

// What a page's CSP form-action must allow beside 'self' for a form whose answer redirects to
// `uri`: its origin, or the scheme of a native app's private-use URI (RFC 8252 §7.1).
std::string form_target_of(std::string_view uri);
// The page for an error that must not be redirected (an unknown client or redirect URI).
http::Response error_page(const http::Request& request, http::Status status, std::string_view error,
                          std::string_view description);

// Route registration, one function per endpoint file.
void add_authorize_routes(http::Router& router, Services& services);
void add_oauth_token_routes(http::Router& router, Services& services);
void add_userinfo_routes(http::Router& router, Services& services);
void add_revocation_routes(http::Router& router, Services& services);
void add_introspection_routes(http::Router& router, Services& services);
void add_logout_routes(http::Router& router, Services& services);

}  // namespace signet::server::api
