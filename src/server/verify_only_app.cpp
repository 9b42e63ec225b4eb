// run_verify_only_server: the issuer's keys, the token routes, then the HTTP server until SIGTERM.
#include "server/verify_only_app.hpp"

#include <boost/json/object.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "server/api/verify_only_api.hpp"
#include "server/auth/cookie_names.hpp"
#include "server/auth/remote_token_authenticator.hpp"
#include "server/event_log.hpp"
#include "server/http/http_server.hpp"
#include "server/run_until_stopped.hpp"
#include "server/server_options.hpp"
#include "signet/jwks_client.hpp"

namespace signet::server {
namespace {

RemoteJwksOptions remote_jwks_options(const ServerConfig& config) {
    RemoteJwksOptions options;
    options.issuer = *config.trust_issuer;
    // The settings allow http:// only to a loopback host (config.cpp, set_trust_issuer).
    options.allow_http = options.issuer.starts_with("http://");
    if (config.trust_issuer_ca_file) options.ca_file = config.trust_issuer_ca_file->string();
    options.unknown_kid_cooldown = config.jwks_refresh_cooldown;
    // Each failure is logged; the last good set keeps serving (stale-while-error).
    options.on_fetch_error = [issuer = options.issuer](const Error& error) {
        log_event({{"level", "warn"},
                   {"msg", "jwks fetch failed"},
                   {"issuer", issuer},
                   {"error", error.to_string()}});
    };
    return options;
}

}  // namespace

int run_verify_only_server(const ServerConfig& config,
                           const std::function<void(unsigned port)>& on_ready) {
    const std::string& issuer = *config.trust_issuer;
    Result<std::shared_ptr<RemoteJwks>> jwks = RemoteJwks::load(remote_jwks_options(config));
    if (!jwks) {
        throw std::runtime_error("cannot load the keys of the trusted issuer " + issuer + ": " +
                                 jwks.error().to_string());
    }
    const std::shared_ptr<RemoteJwks> keys = *jwks;

    http::Metrics metrics;
    // Before the server: its destructor waits for the worker pool, whose handlers use it.
    // The issuer's cookies are Secure, so prefixed, when its URL is https:// (services.hpp).
    const std::string_view access_token_cookie =
        auth_cookie_names(issuer.starts_with("https://")).access_token;
    Result<std::unique_ptr<RemoteTokenAuthenticator>> created =
        RemoteTokenAuthenticator::create(keys, issuer, config.audience.value_or(issuer),
                                         access_token_cookie, config.leeway, metrics, config.scope);
    if (!created) {
        throw std::runtime_error("cannot verify the tokens of " + issuer + ": " +
                                 created.error().to_string());
    }
    const RemoteTokenAuthenticator& authenticator = **created;
    metrics.add_collector([&authenticator] { return authenticator.metric_samples(); });

    http::Router router;
    api::add_verify_only_routes(router, authenticator, metrics);
    http::HttpServer server(http_server_options(config), router, metrics);

    return run_until_stopped(server,
                             {{"mode", "verify-only"},
                              {"trusted_issuer", issuer},
                              {"jwks_uri", keys->jwks_uri()},
                              {"keys", keys->stats().keys}},
                             on_ready, [&keys] {
                                 // SIGHUP: the issuer's JWKS now rather than at its max-age.
                                 if (Result<void> fetched = keys->refresh(); !fetched) {
                                     throw std::runtime_error("cannot fetch the issuer's JWKS: " +
                                                              fetched.error().to_string());
                                 }
                             });
}

}  // namespace signet::server
