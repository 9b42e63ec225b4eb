// Shared pieces of the OAuth 2.0 / OpenID Connect endpoints.
#include "server/api/oauth2_support.hpp"

#include <boost/beast/http/field.hpp>

#include "server/auth/csrf.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

namespace bhttp = boost::beast::http;

std::variant<http::FormParams, http::Response> form_params(const http::Request& request) {
    if (!http::has_form_body(request)) {
        return http::error_response(request, http::Status::unsupported_media_type,
                                    "invalid_request",
                                    "The body must be application/x-www-form-urlencoded.");
    }
    auto parsed = http::parse_form(request.body());
    if (auto* error = std::get_if<http::FormError>(&parsed)) {
        return oauth_error(request, "invalid_request", error->description);
    }
    return std::move(std::get<http::FormParams>(parsed));
}

std::variant<http::FormParams, http::Response> request_params(const http::Request& request) {
    if (request.method() == http::Verb::post) return form_params(request);
    auto parsed = http::parse_form(http::request_query(request));
    if (auto* error = std::get_if<http::FormError>(&parsed)) {
        return oauth_error(request, "invalid_request", error->description);
    }
    return std::move(std::get<http::FormParams>(parsed));
}

http::Response oauth_error(const http::Request& request, std::string_view error,
                           std::string_view description) {
    return http::error_response(request, http::Status::bad_request, error, description);
}

std::variant<Client, http::Response> authenticated_client(Services& services,
                                                          const http::Request& request,
                                                          const http::FormParams& params) {
    ClientAuthentication result = services.client_auth.authenticate(request, params);
    if (result.client) return std::move(*result.client);
    if (result.failure == ClientAuthFailure::invalid_request) {
        return oauth_error(request, "invalid_request", result.description);
    }
    return invalid_client(request, result.description);
}

http::Response invalid_client(const http::Request& request, std::string_view description) {
    // RFC 6749 §5.2: 401 with the challenge of the scheme the client used (or may use).
    http::Response response =
        http::error_response(request, http::Status::unauthorized, "invalid_client", description);
    response.set(bhttp::field::www_authenticate, R"(Basic realm="signet", charset="UTF-8")");
    return response;
}

std::variant<ClientRequest, http::Response> client_request(Services& services,
                                                           const http::Request& request) {
    auto parsed = form_params(request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    ClientRequest result{std::move(std::get<http::FormParams>(parsed)), {}};
    auto authenticated = authenticated_client(services, request, result.params);
    if (auto* error = std::get_if<http::Response>(&authenticated)) return std::move(*error);
    result.client = std::move(std::get<Client>(authenticated));
    return result;
}

std::optional<IdTokenHintClaims> verify_id_token_hint(Services& services, std::string_view token) {
    if (token.size() > kMaxPresentedTokenLength) return std::nullopt;
    VerifierOptions options;
    options.keys = services.keys.snapshot()->verifier.options().keys;
    options.issuers = {services.issuer};
    options.type = "JWT";
    options.required_claims = {"iss", "sub", "aud"};
    options.leeway = services.config.session_ttl;
    Result<Verifier> verifier = Verifier::create(std::move(options));
    if (!verifier) return std::nullopt;
    Result<Claims> claims = verifier->verify(token);
    if (!claims) return std::nullopt;
    const auto audiences = claims->get_strings("aud");
    if (!audiences || audiences->size() != 1) return std::nullopt;
    return IdTokenHintClaims{std::string(claims->subject().value_or("")),
                             std::string(audiences->front())};
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

http::Response html_page(const http::Request& request, http::Status status, std::string_view title,
                         std::string_view body_html, std::string_view form_target) {
    http::Response response{status, request.version()};
    response.keep_alive(request.keep_alive());
    response.set(bhttp::field::content_type, "text/html; charset=utf-8");
    response.set(bhttp::field::cache_control, "no-store");
    std::string policy =
        "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'";
    if (!form_target.empty()) {
        policy += ' ';
        policy += form_target;
    }
    response.set("Content-Security-Policy", policy);
    // Not no-referrer: under it browsers send "Origin: null" with the page's form posts, which the
    // CSRF check must refuse. same-origin still tells nothing to other sites.
    response.set("Referrer-Policy", "same-origin");
    response.set("X-Frame-Options", "DENY");  // browsers without frame-ancestors
    response.set("Cross-Origin-Opener-Policy", "same-origin");
    std::string& body = response.body();
    body = R"(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>)";
    body += html_escape(title);
    body += R"( · Signet</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/web/style.css">
</head>
<body>
<main class="provider">
)";
    body += body_html;
    body += "</main>\n</body>\n</html>\n";
    response.prepare_payload();
    return response;
}

PageCsrf page_csrf(const Services& services, const http::Request& request) {
    const auto cookie = http::find_cookie(request, services.cookie_names.csrf);
    if (cookie && cookie->size() >= 32 && cookie->size() <= 64) {
        return PageCsrf{std::string(*cookie), false};
    }
    return PageCsrf{random_token(32), true};
}

void PageCsrf::set_cookie(const Services& services, http::Response& response) const {
    if (!is_new) return;
    response.insert(bhttp::field::set_cookie,
                    csrf_cookie(services, token, services.config.session_ttl.count()));
}

std::string form_target_of(std::string_view uri) {
    std::string origin = origin_of(uri);
    if (!origin.empty()) return origin;
    const std::size_t colon = uri.find(':');
    return colon == std::string_view::npos ? std::string() : std::string(uri.substr(0, colon + 1));
}

http::Response error_page(const http::Request& request, http::Status status, std::string_view error,
                          std::string_view description) {
    std::string body = "<h1>This request cannot continue</h1>\n<p class=\"error\">";
    body += html_escape(description);
    body += "</p>\n<p class=\"note\">Error code <code>";
    body += html_escape(error);
    body += "</code>. Go back to the application and try again.</p>\n";
    return html_page(request, status, "Error", body);
}

}  // namespace signet::server::api
