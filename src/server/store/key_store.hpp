// Signing keys and deployment-wide settings, shared by every node of a deployment. A key is
// published from its creation, signs from its activation until its successor activates, and stays
// published until every token it signed has expired; a revoked key is never used again.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signet::server {

struct StoredKey {
    std::string kid;
    std::string private_jwk;  // the JWK JSON, private members included
    std::int64_t created_at = 0;
    std::optional<std::int64_t> retired_at;  // when it stops signing (its successor activates)
    std::int64_t activates_at = 0;           // when it starts signing
    std::optional<std::int64_t> revoked_at;  // compromised: out of the JWKS and never trusted
};

// Whether `key` is the one that signs at `now`.
inline bool signs_at(const StoredKey& key, std::int64_t now) {
    return !key.revoked_at && key.activates_at <= now && (!key.retired_at || *key.retired_at > now);
}

// Whether `key` is published and verifies at `now`: from its creation (before it signs, so that
// caches of the JWKS hold it by then) until `grace` after it stopped signing.
inline bool trusted_at(const StoredKey& key, std::int64_t now, std::int64_t grace) {
    return !key.revoked_at && (!key.retired_at || *key.retired_at + grace >= now);
}

class KeyStore {
  public:
    virtual ~KeyStore() = default;

    // Every key, oldest first.
    virtual std::vector<StoredKey> list() = 0;
    // Atomically adds `key`, which signs from key.activates_at, and retires at that moment every
    // key that would still sign then (the current key, and one announced but not yet active).
    virtual void add_key(const StoredKey& key) = 0;
    // Atomically: when no key signs at `now`, adds make() as add_key does; returns the key that
    // signs at `now`. Two nodes starting together on one database agree on one key.
    virtual StoredKey ensure_current(std::int64_t now, const std::function<StoredKey()>& make) = 0;
    // Marks the key revoked at `now`; false when there is no such key or it was revoked already.
    virtual bool revoke(std::string_view kid, std::int64_t now) = 0;
    // Deletes keys retired or revoked before `cutoff`; returns how many.
    virtual std::size_t remove_retired_before(std::int64_t cutoff) = 0;

    // A deployment setting (such as the issuer): the stored value, or `value` after storing it when
    // none was stored. Atomic across processes.
    virtual std::string get_or_set_setting(std::string_view name, std::string_view value) = 0;
    virtual void set_setting(std::string_view name, std::string_view value) = 0;
};

}  // namespace signet::server
