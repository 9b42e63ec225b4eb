// What the CLI's `user`, `key` and `client` commands do to a deployment, through the same stores
// (open_stores) and services the server uses: users are hashed with the configured Argon2id cost,
// disabling ends refresh families and sessions on every node, keys rotate as the key manager
// rotates them and are revoked for every node, OAuth clients are registered under the rules of
// auth/client_rules.hpp and their removal ends the refresh families issued to them. The CLI never
// touches a store engine itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/account_service.hpp"
#include "server/auth/login_rate_limiter.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/config.hpp"
#include "server/store/stores.hpp"

namespace signet::server {

// An OAuth client to register. A confidential client (is_public false) gets `secret` when given,
// else a generated one.
struct NewClient {
    std::string id;
    std::string name;
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    bool is_public = false;
    std::optional<std::string> secret;
};

enum class ClientRegisterStatus {
    created,
    invalid_client_id,
    invalid_name,
    invalid_redirect_uri,  // also: none given
    invalid_post_logout_redirect_uri,
    invalid_secret,  // given for a public client, or too short, too long, control chars
    client_id_taken,
};

struct ClientRegistration {
    ClientRegisterStatus status = ClientRegisterStatus::invalid_client_id;
    std::string problem;  // unless created: one sentence naming what is wrong
    Client client;        // when created
    // The generated secret, to be shown this once (only its hash is stored); nullopt for a public
    // client or a given secret.
    std::optional<std::string> generated_secret;
};

struct ClientRemoval {
    std::size_t revoked_families = 0;  // live refresh families of the client, now revoked
};

class AdminService {
  public:
    // Opens the deployment the settings name. With `create` false an embedded deployment that
    // does not exist yet is not created (DeploymentNotFound). Throws StoreError.
    AdminService(const ServerConfig& config, bool create);

    Registration add_user(std::string_view email, std::string_view password);
    // Every user, oldest first.
    std::vector<User> list_users();
    // nullopt when there is no such user.
    std::optional<User> set_disabled(std::string_view email, bool disabled);
    // A new signing key, published at once and signing after KeyManager::announcement_lead, or
    // at once with `immediately`; the previous key stays published until its tokens expire.
    // A deployment without a signing key gets one that signs at once. `alg` unset: nullopt when
    // no key signs to take the algorithm from. Throws ConfigError when `alg` differs from the
    // configured signing_alg (the next start would rotate back to it) or when the deployment
    // signs with a configured hmac_secret (replace the secret in the configuration instead).
    std::optional<StoredKey> rotate_key(std::optional<Algorithm> alg, bool immediately);

    struct Revocation {
        std::string revoked_kid;
        std::optional<StoredKey> replacement;  // when the revoked key was signing or announced
    };
    // Revokes a (compromised) key: it leaves the JWKS and stops verifying on every node within
    // key_reload_interval, and tokens it signed are refused. When it signs now, or is announced
    // to sign, a new key of the same algorithm takes over at once. nullopt: no such key, or
    // revoked already. Throws ConfigError for a key made from a configured hmac_secret.
    std::optional<Revocation> revoke_key(std::string_view kid);

    // Every stored key, oldest first.
    std::vector<StoredKey> list_keys();

    // Registers an OAuth client: checks the id, name, URIs and secret, stores the secret as its
    // SHA-256 (hex). Nothing is written unless the status is `created`.
    ClientRegistration add_client(const NewClient& request);
    // The refusal add_client would answer without looking at the store (every status but
    // created and client_id_taken); nullopt when the request is acceptable.
    static std::optional<ClientRegistration> check_client(const NewClient& request);
    // Every client, oldest first.
    std::vector<Client> list_clients();
    // Revokes every refresh family issued to the client, then removes it; nullopt (and nothing
    // revoked) when there is no such client.
    std::optional<ClientRemoval> remove_client(std::string_view id);

  private:
    ServerConfig config_;
    Stores stores_;
    PasswordHasher hasher_;
    LoginRateLimiter limiter_;  // unused by admin calls; AccountService needs one
    RevocationList revocations_;
    AccountService accounts_;
};

}  // namespace signet::server
