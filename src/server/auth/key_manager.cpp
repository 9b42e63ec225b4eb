// Signing keys: created once per deployment, rotated by kid, published while their tokens live.
#include "server/auth/key_manager.hpp"

#include <sodium.h>

#include <algorithm>
#include <iostream>
#include <utility>

#include "server/auth/identity.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/store/store_error.hpp"
#include "signet/base64url.hpp"

namespace signet::server {
namespace {

std::atomic<std::uint64_t> next_manager_id{1};

// Whether the oct key `key` is the secret `secret` (compared in constant time).
bool holds_secret(const Jwk& key, const std::string& secret) {
    if (!key.is_symmetric()) return false;
    const boost::json::object json = key.to_json(true);
    const boost::json::value* k = json.if_contains("k");
    if (k == nullptr || !k->is_string()) return false;
    Result<std::string> bytes = base64url_decode(std::string_view(k->get_string()));
    return bytes && bytes->size() == secret.size() &&
           sodium_memcmp(bytes->data(), secret.data(), secret.size()) == 0;
}

}  // namespace

StoredKey KeyManager::generate(Algorithm alg, const std::optional<std::string>& hmac_secret,
                               std::int64_t now) {
    Result<Jwk> key = Error(Errc::invalid_argument, "");
    if (is_hmac(alg)) {
        if (hmac_secret) {
            key = Jwk::from_secret(*hmac_secret, alg);
        } else {
            key = Jwk::generate(alg);
        }
        // The RFC 7638 thumbprint of an oct key is a hash of the secret; a random kid reveals
        // nothing about it.
        if (key) key = key->with_kid("hs-" + random_token(12));
    } else {
        key = Jwk::generate(alg);
    }
    if (!key) {
        if (key.code() == Errc::weak_key) {
            throw ConfigError("hmac_secret: weak HMAC secret: " + key.error().message());
        }
        throw ConfigError("signing_alg: cannot create a " + std::string(to_string(alg)) +
                          " key: " + key.error().message());
    }
    Jwk with_use = key->with_use("sig");
    return StoredKey{.kid = with_use.kid(),
                     .private_jwk = with_use.to_json_string(true),
                     .created_at = now,
                     .retired_at = std::nullopt,
                     .activates_at = now,
                     .revoked_at = std::nullopt};
}

StoredKey KeyManager::rotate(KeyStore& store, std::optional<Algorithm> alg,
                             const std::optional<std::string>& hmac_secret, std::int64_t now,
                             std::int64_t activates_at) {
    if (!alg) {
        for (const StoredKey& stored : store.list()) {
            if (!signs_at(stored, now)) continue;
            if (Result<Jwk> key = Jwk::parse(stored.private_jwk); key && key->alg())
                alg = key->alg();
        }
    }
    if (!alg)
        throw StoreError("the deployment has no current signing key to take the algorithm from");
    StoredKey key = generate(*alg, hmac_secret, now);
    key.activates_at = std::max(now, activates_at);
    store.add_key(key);
    return key;
}

KeyManager::KeyManager(std::shared_ptr<KeyStore> store, Options options)
    : store_(std::move(store)), options_(std::move(options)), id_(next_manager_id++) {
    // Validate the configured secret before touching the store, so a weak one is refused even
    // when the deployment already has a key.
    const std::int64_t now = unix_now();
    if (is_hmac(options_.algorithm) && options_.hmac_secret) {
        static_cast<void>(generate(options_.algorithm, options_.hmac_secret, now));
    }
    StoredKey current = store_->ensure_current(
        now, [&] { return generate(options_.algorithm, options_.hmac_secret, now); });
    // A changed signing_alg takes effect as a rotation: the old key keeps verifying its tokens.
    Result<Jwk> current_key = Jwk::parse(current.private_jwk);
    if (!current_key || current_key->alg() != options_.algorithm) {
        std::cerr << R"({"level":"info","msg":"signing_alg changed; rotating to a new key"})"
                  << '\n';
        store_->add_key(generate(options_.algorithm, options_.hmac_secret, now));
    } else if (options_.hmac_secret && !holds_secret(*current_key, *options_.hmac_secret)) {
        // A replaced secret is a leaked one until proven otherwise: it stops signing and
        // verifying at once, on every node within key_reload_interval.
        std::cerr << R"({"level":"info","msg":"hmac_secret changed; the old secret is revoked"})"
                  << '\n';
        const StoredKey replacement = generate(options_.algorithm, options_.hmac_secret, now);
        store_->add_key(replacement);
        for (const StoredKey& key : store_->list()) {
            if (key.kid == replacement.kid || key.revoked_at) continue;
            Result<Jwk> jwk = Jwk::parse(key.private_jwk);
            if (jwk && jwk->is_symmetric() && !holds_secret(*jwk, *options_.hmac_secret))
                store_->revoke(key.kid, now);
        }
    }
    reload();
    if (!snapshot()) throw StoreError("the data dir holds no usable signing key");
}

void KeyManager::reload() {
    const std::int64_t now = unix_now();
    const std::int64_t grace = options_.retire_grace.count();
    std::vector<StoredKey> stored = store_->list();

    // The key active now signs (the latest activated, should two overlap); announced keys are
    // published and verify but do not sign yet.
    const StoredKey* current = nullptr;
    for (const StoredKey& key : stored) {
        if (signs_at(key, now) &&
            (current == nullptr || key.activates_at >= current->activates_at)) {
            current = &key;
        }
    }
    if (current == nullptr) return;
    // Nothing changed since the last reload: keep the snapshot, and with it the generation that
    // caches of verified tokens are keyed on.
    std::string fingerprint = current->kid;
    for (const StoredKey& key : stored) {
        if (trusted_at(key, now, grace)) fingerprint += ' ' + key.kid;
    }
    {
        std::lock_guard lock(mutex_);
        if (snapshot_ && fingerprint == fingerprint_) return;
    }
    Result<Jwk> current_key = Jwk::parse(current->private_jwk);
    if (!current_key) {
        std::cerr << R"({"level":"error","msg":"the current signing key does not parse"})" << '\n';
        return;
    }
    Result<Signer> signer = Signer::create(*current_key);
    if (!signer) return;
    Signer id_token_signer = *signer;
    id_token_signer.type("JWT");
    signer->type("at+jwt");  // RFC 9068 §2.1

    // Every key whose tokens may still be live verifies. A key set never mixes secrets with
    // public keys (RFC 8725 §2.1), so keys of the other kind (after a change of signing_alg)
    // are left out.
    std::vector<Jwk> verify_keys;
    std::vector<std::string> kids;
    for (const StoredKey& key : stored) {
        if (!trusted_at(key, now, grace)) continue;
        Result<Jwk> jwk = Jwk::parse(key.private_jwk);
        if (!jwk || jwk->is_symmetric() != current_key->is_symmetric()) continue;
        if (jwk->is_symmetric()) {
            verify_keys.push_back(*jwk);
        } else if (Result<Jwk> pub = jwk->public_key()) {
            verify_keys.push_back(*pub);
        }
        kids.push_back(key.kid);
    }
    Result<KeySet> set = KeySet::from_keys(std::move(verify_keys));
    if (!set) return;
    std::string jwks =
        current_key->is_symmetric() ? std::string(R"({"keys":[]})") : set->to_json_string(false);
    VerifierOptions verifier_options = options_.verifier_options;
    verifier_options.keys = std::move(*set);
    verifier_options.algorithms.clear();  // the keys' own "alg" bindings
    Result<Verifier> verifier = Verifier::create(std::move(verifier_options));
    if (!verifier) {
        std::cerr << R"({"level":"error","msg":"cannot build the token verifier"})" << '\n';
        return;
    }
    {
        std::lock_guard lock(mutex_);
        const std::uint64_t generation = version_.load(std::memory_order_relaxed) + 1;
        fingerprint_ = std::move(fingerprint);
        snapshot_ = std::make_shared<const KeySnapshot>(
            KeySnapshot{std::move(*signer), std::move(id_token_signer), std::move(*verifier),
                        std::move(jwks), current->kid, std::move(kids), generation});
        version_.store(generation, std::memory_order_release);
    }
    // Keys past their grace are of no use to anyone.
    try {
        store_->remove_retired_before(now - grace);
    } catch (const StoreError&) {
        // Cleanup can wait for the next reload.
    }
}

std::shared_ptr<const KeySnapshot> KeyManager::snapshot() const {
    struct Cached {
        std::uint64_t owner = 0;
        std::uint64_t version = 0;
        std::shared_ptr<const KeySnapshot> snapshot;
    };
    thread_local Cached cached;
    const std::uint64_t version = version_.load(std::memory_order_acquire);
    if (cached.owner != id_ || cached.version != version || !cached.snapshot) {
        std::lock_guard lock(mutex_);
        cached.owner = id_;
        cached.version = version_.load(std::memory_order_relaxed);
        cached.snapshot = snapshot_;
    }
    return cached.snapshot;
}

}  // namespace signet::server
