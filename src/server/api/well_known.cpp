// Discovery: GET /.well-known/jwks.json (RFC 7517 §5), GET /.well-known/openid-configuration
// (OpenID Connect Discovery 1.0 §3) and GET /.well-known/oauth-authorization-server (RFC 8414),
// advertising only endpoints and values that work.
#include <boost/beast/http/field.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

boost::json::object metadata(const Services& services) {
    const std::string& issuer = services.issuer;
    const bool oidc = services.issues_id_tokens;
    boost::json::object body;
    // RFC 8414 §2; the OIDC Discovery §3 fields where the provider issues ID tokens.
    body["issuer"] = issuer;
    body["authorization_endpoint"] = issuer + "/oauth2/authorize";
    body["token_endpoint"] = issuer + "/oauth2/token";
    body["jwks_uri"] = issuer + "/.well-known/jwks.json";
    if (oidc) body["userinfo_endpoint"] = issuer + "/oauth2/userinfo";
    body["revocation_endpoint"] = issuer + "/oauth2/revoke";
    body["introspection_endpoint"] = issuer + "/oauth2/introspect";
    if (oidc) body["end_session_endpoint"] = issuer + "/oauth2/logout";
    boost::json::array scopes;
    for (const std::string& scope : services.authorizations.scopes())
        scopes.emplace_back(scope);
    body["scopes_supported"] = std::move(scopes);
    body["response_types_supported"] = boost::json::array{"code"};
    body["response_modes_supported"] = boost::json::array{"query"};
    body["grant_types_supported"] = boost::json::array{"authorization_code", "refresh_token"};
    const boost::json::array client_auth{"client_secret_basic", "client_secret_post", "none"};
    body["token_endpoint_auth_methods_supported"] = client_auth;
    body["revocation_endpoint_auth_methods_supported"] = client_auth;
    body["introspection_endpoint_auth_methods_supported"] =
        boost::json::array{"client_secret_basic", "client_secret_post"};
    body["code_challenge_methods_supported"] = boost::json::array{"S256"};
    body["authorization_response_iss_parameter_supported"] = true;  // RFC 9207 §3
    if (oidc) {
        body["subject_types_supported"] = boost::json::array{"public"};
        body["id_token_signing_alg_values_supported"] =
            boost::json::array{to_string(services.config.signing_alg)};
        body["claims_supported"] = boost::json::array{
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified"};
        body["prompt_values_supported"] = boost::json::array{"none", "login"};
    }
    body["request_parameter_supported"] = false;
    body["request_uri_parameter_supported"] = false;
    body["claims_parameter_supported"] = false;
    // Signet's own JSON API, under its own names (not the standard endpoints').
    body["signet_login_endpoint"] = issuer + "/v1/login";
    body["signet_token_refresh_endpoint"] = issuer + "/v1/token/refresh";
    body["signet_logout_endpoint"] = issuer + "/v1/logout";
    body["signet_me_endpoint"] = issuer + "/v1/me";
    body["signet_session_endpoint"] = issuer + "/v1/sessions";
    body["signet_password_endpoint"] = issuer + "/v1/password";
    if (services.config.registration) body["signet_users_endpoint"] = issuer + "/v1/users";
    body["signet_access_token_signing_alg_values_supported"] =
        boost::json::array{to_string(services.config.signing_alg)};
    return body;
}

http::Response metadata_response(const Services& services, const http::Request& request) {
    http::Response response = http::json_response(request, http::Status::ok, metadata(services));
    response.set(bhttp::field::cache_control, "public, max-age=300");
    return response;
}

}  // namespace

void add_well_known_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/.well-known/jwks.json",
               [&services](const http::Request& request, http::RequestContext&) {
                   http::Response response =
                       http::json_response(request, http::Status::ok, boost::json::object{});
                   response.set(bhttp::field::content_type, "application/jwk-set+json");
                   // Short caching: resource servers see a rotation within a minute.
                   response.set(bhttp::field::cache_control,
                                "public, max-age=" + std::to_string(kJwksMaxAge.count()));
                   response.body() = services.keys.snapshot()->jwks_json;
                   response.prepare_payload();
                   return response;
               });
    // RFC 8414 §3; OIDC Discovery §4 only where ID tokens are issued.
    router.add(http::Verb::get, "/.well-known/oauth-authorization-server",
               [&services](const http::Request& request, http::RequestContext&) {
                   return metadata_response(services, request);
               });
    if (services.issues_id_tokens) {
        router.add(http::Verb::get, "/.well-known/openid-configuration",
                   [&services](const http::Request& request, http::RequestContext&) {
                       return metadata_response(services, request);
                   });
    }
}

}  // namespace signet::server::api
