// The admin operations behind the CLI.
#include "server/admin/admin_service.hpp"

#include <algorithm>

#include "server/auth/client_rules.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/key_manager.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"

namespace signet::server {
namespace {

ClientRegistration refused(ClientRegisterStatus status, std::string problem) {
    ClientRegistration registration;
    registration.status = status;
    registration.problem = std::move(problem);
    return registration;
}

// The first problem of a list of redirect URIs (`what` names the list in messages), or nullopt.
std::optional<std::string> uris_problem(const std::vector<std::string>& uris,
                                        std::string_view what) {
    for (std::size_t i = 0; i < uris.size(); ++i) {
        if (auto problem = redirect_uri_problem(uris[i])) {
            return std::string(what) + " '" + uris[i] + "' " + *problem;
        }
        if (std::find(uris.begin(), uris.begin() + static_cast<std::ptrdiff_t>(i), uris[i]) !=
            uris.begin() + static_cast<std::ptrdiff_t>(i)) {
            return std::string(what) + " '" + uris[i] + "' is listed twice";
        }
    }
    return std::nullopt;
}

StoreSettings admin_store_settings(const ServerConfig& config, bool create) {
    StoreSettings settings = store_settings(config);
    settings.create = create;
    settings.database_pool_size = 2;  // one command, one connection at a time
    return settings;
}

}  // namespace

AdminService::AdminService(const ServerConfig& config, bool create)
    : config_(config),
      stores_(open_stores(admin_store_settings(config, create))),
      hasher_(config.argon2_memory_kib, config.argon2_iterations),
      limiter_(stores_.rate_limits, config.login_limit_per_email, config.login_limit_per_address,
               config.login_limit_window),
      revocations_(stores_.revocations),
      accounts_(*stores_.users, *stores_.refresh_tokens, *stores_.sessions, revocations_, hasher_,
                limiter_, config.access_token_ttl + config.leeway) {}

Registration AdminService::add_user(std::string_view email, std::string_view password) {
    return accounts_.register_user(email, password, unix_now());
}

std::vector<User> AdminService::list_users() {
    return stores_.users->list();
}

std::optional<User> AdminService::set_disabled(std::string_view email, bool disabled) {
    return accounts_.set_disabled(email, disabled, unix_now());
}

std::optional<StoredKey> AdminService::rotate_key(std::optional<Algorithm> alg, bool immediately) {
    if (alg && *alg != config_.signing_alg) {
        throw ConfigError("--alg " + std::string(to_string(*alg)) +
                          " differs from the configured signing_alg " +
                          std::string(to_string(config_.signing_alg)) +
                          ", and the next start would rotate back to it: change signing_alg in "
                          "the configuration instead (the next start rotates to it)");
    }
    if (config_.hmac_secret) {
        throw ConfigError(
            "this deployment signs with the configured hmac_secret: replace the secret in the "
            "configuration and restart the nodes (the old secret is revoked at once)");
    }
    const std::int64_t now = unix_now();
    const std::vector<StoredKey> keys = stores_.keys->list();
    const bool any_signs = std::any_of(keys.begin(), keys.end(),
                                       [&](const StoredKey& key) { return signs_at(key, now); });
    if (!alg && !any_signs) return std::nullopt;
    // Nothing signs yet: there are no tokens whose verifiers need warning.
    const std::int64_t lead =
        immediately || !any_signs
            ? 0
            : KeyManager::announcement_lead(config_.key_reload_interval).count();
    return KeyManager::rotate(*stores_.keys, config_.signing_alg, std::nullopt, now, now + lead);
}

std::optional<AdminService::Revocation> AdminService::revoke_key(std::string_view kid) {
    const std::int64_t now = unix_now();
    const std::vector<StoredKey> keys = stores_.keys->list();
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [&](const StoredKey& key) { return key.kid == kid; });
    if (it == keys.end() || it->revoked_at) return std::nullopt;
    Revocation result{std::string(kid), std::nullopt};
    // A key that signs, or will: its successor must sign before it goes, or nothing signs.
    const bool signs_or_will = signs_at(*it, now) || (it->activates_at > now && !it->retired_at);
    if (signs_or_will) {
        if (config_.hmac_secret) {
            throw ConfigError(
                "the signing key comes from the configured hmac_secret: replace the secret in "
                "the configuration and restart the nodes (the old secret is revoked at once)");
        }
        Result<Jwk> jwk = Jwk::parse(it->private_jwk);
        const std::optional<Algorithm> alg =
            jwk && jwk->alg() ? jwk->alg() : std::optional<Algorithm>(config_.signing_alg);
        result.replacement = KeyManager::rotate(*stores_.keys, alg, std::nullopt, now, now);
    }
    if (!stores_.keys->revoke(kid, now)) return std::nullopt;
    return result;
}

std::vector<StoredKey> AdminService::list_keys() {
    return stores_.keys->list();
}

std::optional<ClientRegistration> AdminService::check_client(const NewClient& request) {
    if (!valid_client_id(request.id)) {
        return refused(ClientRegisterStatus::invalid_client_id,
                       "the client id '" + request.id + "' must be 1 to " +
                           std::to_string(kMaxClientIdLength) +
                           " letters, digits, '-', '_' or '.'");
    }
    // First-party access tokens carry client_id "signet": a client of that name could revoke and
    // introspect them as its own.
    if (request.id == "signet") {
        return refused(ClientRegisterStatus::invalid_client_id,
                       "the client id 'signet' names the first-party API and is reserved");
    }
    if (auto problem = client_name_problem(request.name)) {
        return refused(ClientRegisterStatus::invalid_name, "the name " + *problem);
    }
    if (request.redirect_uris.empty()) {
        return refused(ClientRegisterStatus::invalid_redirect_uri,
                       "a client needs at least one redirect URI");
    }
    if (auto problem = uris_problem(request.redirect_uris, "the redirect URI")) {
        return refused(ClientRegisterStatus::invalid_redirect_uri, *problem);
    }
    if (auto problem =
            uris_problem(request.post_logout_redirect_uris, "the post-logout redirect URI")) {
        return refused(ClientRegisterStatus::invalid_post_logout_redirect_uri, *problem);
    }
    if (request.is_public && request.secret) {
        return refused(ClientRegisterStatus::invalid_secret, "a public client has no secret");
    }
    if (!request.is_public && request.secret) {
        if (auto problem = client_secret_problem(*request.secret)) {
            return refused(ClientRegisterStatus::invalid_secret, "the client secret " + *problem);
        }
    }
    return std::nullopt;
}

ClientRegistration AdminService::add_client(const NewClient& request) {
    if (auto refusal = check_client(request)) return std::move(*refusal);
    // An ID token's "aud" is its client's id; one equal to the access tokens' audience would give
    // ID tokens the audience of access tokens, which a resource server that skips "typ" could
    // take for one (RFC 8725 §3.11).
    if (config_.audience && request.id == *config_.audience) {
        return refused(ClientRegisterStatus::invalid_client_id,
                       "the client id '" + request.id +
                           "' is the access tokens' audience (setting audience) and is reserved");
    }
    std::optional<std::string> generated;
    std::string secret_hash;
    if (!request.is_public) {
        if (!request.secret) generated = random_token(kGeneratedClientSecretBytes);
        secret_hash = sha256_hex(request.secret ? *request.secret : *generated);
    }

    Client client{.id = request.id,
                  .name = request.name,
                  .redirect_uris = request.redirect_uris,
                  .post_logout_redirect_uris = request.post_logout_redirect_uris,
                  .secret_hash = std::move(secret_hash),
                  .created_at = unix_now()};
    if (!stores_.clients->create(client)) {
        return refused(ClientRegisterStatus::client_id_taken,
                       "the client id '" + request.id + "' is taken");
    }
    ClientRegistration registration;
    registration.status = ClientRegisterStatus::created;
    registration.client = std::move(client);
    registration.generated_secret = std::move(generated);
    return registration;
}

std::vector<Client> AdminService::list_clients() {
    return stores_.clients->list();
}

std::optional<ClientRemoval> AdminService::remove_client(std::string_view id) {
    if (!stores_.clients->find(id)) return std::nullopt;
    // Revoked first: should the removal then fail, the client is still there to remove again,
    // and no family of a removed client is left live.
    ClientRemoval removal;
    removal.revoked_families = stores_.refresh_tokens->revoke_client(id, unix_now());
    if (!stores_.clients->remove(id)) return std::nullopt;  // removed meanwhile by another
    return removal;
}

}  // namespace signet::server
