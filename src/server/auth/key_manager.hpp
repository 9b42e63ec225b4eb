// The signing keys of a deployment: the current key signs, every key not yet expired verifies and
// is published in the JWKS (RFC 7517 §5). Keys live in the KeyStore shared by all nodes; each node
// re-reads them periodically, so a rotation made by any process is picked up everywhere. A rotated
// key is announced (published) for a JWKS cache lifetime before it signs, so that resource servers
// caching the JWKS know it by then; a revoked key leaves the JWKS and stops verifying at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/store/key_store.hpp"
#include "signet/jwt.hpp"

namespace signet::server {

// How long clients may cache GET /.well-known/jwks.json (its Cache-Control max-age).
inline constexpr std::chrono::seconds kJwksMaxAge{60};

// One consistent view of the keys: swapped as a whole on reload, read without locks.
struct KeySnapshot {
    Signer signer;           // the current key, for access tokens ("typ" at+jwt, RFC 9068 §2.1)
    Signer id_token_signer;  // the same key for ID tokens ("typ" JWT, OIDC Core §2)
    Verifier verifier;       // access-token verifier over every published key
    std::string jwks_json;   // {"keys":[public keys]}; empty for HMAC deployments
    std::string current_kid;
    std::vector<std::string> kids;
    std::uint64_t generation = 0;  // grows with every reload; caches of verified tokens key on it
};

class KeyManager {
  public:
    struct Options {
        Algorithm algorithm = Algorithm::ES256;
        std::optional<std::string> hmac_secret;
        // How long a retired key stays published and trusted: the longest access-token lifetime
        // plus leeway.
        std::chrono::seconds retire_grace{900};
        // The access-token rules (issuer, audience, typ, ...); keys are filled in by the manager.
        VerifierOptions verifier_options;
    };

    // Loads the keys, creating the first one when the store has none. Throws ConfigError for a
    // weak HMAC secret and StoreError for engine failures.
    KeyManager(std::shared_ptr<KeyStore> store, Options options);

    // Cheap on the hot path: each thread keeps the last snapshot it saw and takes the lock only
    // after a reload published a new one.
    std::shared_ptr<const KeySnapshot> snapshot() const;
    // Re-reads the store and drops keys past their grace. Keeps the old view on failure.
    void reload();

    // A new key for `alg` (for HS*: from `hmac_secret` when given, else random), with a kid that
    // is its RFC 7638 thumbprint, created and active at `now`. Throws ConfigError for a weak or
    // unusable secret.
    static StoredKey generate(Algorithm alg, const std::optional<std::string>& hmac_secret,
                              std::int64_t now);
    // Adds a new key that signs from `activates_at`; the key signing until then is retired at
    // that moment and stays published while its tokens live. `alg` unset: the algorithm of the
    // key signing at `now`. Returns the new key.
    static StoredKey rotate(KeyStore& store, std::optional<Algorithm> alg,
                            const std::optional<std::string>& hmac_secret, std::int64_t now,
                            std::int64_t activates_at);
    // How long before it signs a rotated key is published: one JWKS cache lifetime, plus the
    // time every node takes to reload the keys and serve the new JWKS.
    static std::chrono::seconds announcement_lead(std::chrono::seconds key_reload_interval) {
        return kJwksMaxAge + key_reload_interval;
    }

  private:
    std::shared_ptr<KeyStore> store_;
    Options options_;
    mutable std::mutex mutex_;
    std::shared_ptr<const KeySnapshot> snapshot_;
    std::string fingerprint_;  // the keys behind snapshot_, to skip reloads that change nothing
    std::atomic<std::uint64_t> version_{0};
    std::uint64_t id_;  // tells managers apart in the per-thread cache
};

}  // namespace signet::server
