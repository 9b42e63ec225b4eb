// Builds the auth services over the stores.
#include "server/services.hpp"

#include <algorithm>
#include <utility>

#include "server/auth/access_token_rules.hpp"
#include "server/auth/csrf.hpp"
#include "server/auth/scopes.hpp"

namespace signet::server {
namespace {

KeyManager::Options key_options(const ServerConfig& config, const std::string& issuer,
                                const std::string& audience) {
    KeyManager::Options options;
    options.algorithm = config.signing_alg;
    options.hmac_secret = config.hmac_secret;
    // A retired key may still have signed tokens until every node reloaded; they live one TTL.
    options.retire_grace = config.access_token_ttl + config.leeway + config.key_reload_interval;
    options.verifier_options = access_token_verifier_options(issuer, audience, config.leeway);
    return options;
}

// The scopes the provider grants: OIDC's, and the first-party scope of the deployment.
std::vector<std::string> provider_scopes(const ServerConfig& config) {
    std::vector<std::string> scopes;
    if (!is_hmac(config.signing_alg)) scopes.emplace_back("openid");
    scopes.emplace_back("email");
    scopes.emplace_back("offline_access");
    for (std::string_view scope : split_scopes(config.scope)) {
        if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) {
            scopes.emplace_back(scope);
        }
    }
    return scopes;
}

}  // namespace

Services::Services(const ServerConfig& config_in, Stores stores_in, std::string issuer_in,
                   bool tls_in, http::Metrics& metrics_in)
    : config(config_in),
      stores(std::move(stores_in)),
      issuer(std::move(issuer_in)),
      issuer_origin(origin_of(issuer)),
      secure_cookies(tls_in || issuer.starts_with("https://")),
      cookie_names(auth_cookie_names(secure_cookies)),
      metrics(metrics_in),
      hasher(config.argon2_memory_kib, config.argon2_iterations),
      keys(stores.keys, key_options(config, issuer, config.audience.value_or(issuer))),
      revocations(stores.revocations),
      login_limiter(stores.rate_limits, config.login_limit_per_email,
                    config.login_limit_per_address, config.login_limit_window),
      tokens(TokenSettings{issuer, config.audience.value_or(issuer), config.scope,
                           config.access_token_ttl, config.refresh_token_ttl,
                           config.refresh_family_max_lifetime, config.leeway},
             keys, *stores.users, *stores.refresh_tokens, revocations, metrics),
      accounts(*stores.users, *stores.refresh_tokens, *stores.sessions, revocations, hasher,
               login_limiter, config.access_token_ttl + config.leeway),
      sessions(*stores.sessions, config.session_ttl, config.session_idle_timeout),
      logins(accounts, sessions, tokens, metrics),
      authenticator(keys, revocations, *stores.sessions, *stores.users, metrics, cookie_names,
                    config.leeway, config.token_cache_size, config.session_idle_timeout,
                    config.scope),
      inspector(keys),
      issues_id_tokens(!is_hmac(config.signing_alg)),
      client_auth(*stores.clients),
      id_tokens(keys, issuer, config.access_token_ttl),
      authorizations(*stores.clients, *stores.authorization_codes, issuer, provider_scopes(config)),
      grants(*stores.authorization_codes, *stores.users, tokens, id_tokens),
      registrations(stores.rate_limits, "register", config.login_limit_per_address,
                    config.login_limit_window),
      inspections(stores.rate_limits, "inspect", 60, std::chrono::minutes(1)),
      authorization_requests(stores.rate_limits, "authorize", 120, std::chrono::minutes(1)) {}

}  // namespace signet::server
