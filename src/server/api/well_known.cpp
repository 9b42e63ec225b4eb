// Discovery: GET /.well-known/jwks.json (RFC 7517 §5) and GET /.well-known/openid-configuration
// (the RFC 8414 fields that apply to a first-party login server).
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
    boost::json::object body;
    body["issuer"] = issuer;
    body["jwks_uri"] = issuer + "/.well-known/jwks.json";
    // Refresh tokens are exchanged at the token endpoint; the password login is Signet's own.
    body["token_endpoint"] = issuer + "/v1/token/refresh";
    body["grant_types_supported"] = boost::json::array{"refresh_token"};
    body["response_types_supported"] = boost::json::array{};
    body["token_endpoint_auth_methods_supported"] = boost::json::array{"none"};
    body["revocation_endpoint"] = issuer + "/v1/logout";
    body["userinfo_endpoint"] = issuer + "/v1/me";
    body["scopes_supported"] = boost::json::array{services.config.scope};
    body["signet_login_endpoint"] = issuer + "/v1/login";
    body["signet_session_endpoint"] = issuer + "/v1/sessions";
    body["signet_password_endpoint"] = issuer + "/v1/password";
    if (services.config.registration) body["signet_users_endpoint"] = issuer + "/v1/users";
    body["signet_access_token_signing_alg_values_supported"] =
        boost::json::array{to_string(services.config.signing_alg)};
    return body;
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
    router.add(http::Verb::get, "/.well-known/openid-configuration",
               [&services](const http::Request& request, http::RequestContext&) {
                   http::Response response =
                       http::json_response(request, http::Status::ok, metadata(services));
                   response.set(bhttp::field::cache_control, "public, max-age=300");
                   return response;
               });
}

}  // namespace signet::server::api
