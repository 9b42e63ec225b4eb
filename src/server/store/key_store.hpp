// Signing keys and deployment-wide settings, shared by every node of a deployment. The newest key
// is current; older keys are retired and stay published until every token they signed has expired.
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
    std::optional<std::int64_t> retired_at;  // when a newer key replaced it
};

class KeyStore {
  public:
    virtual ~KeyStore() = default;

    // Every key, oldest first.
    virtual std::vector<StoredKey> list() = 0;
    // Atomically retires the current key (retired_at = key.created_at) and adds `key` as current.
    virtual void add_current(const StoredKey& key) = 0;
    // Atomically: when there is no current key, adds make(); returns the current key. Two nodes
    // starting together on one database agree on one key.
    virtual StoredKey ensure_current(const std::function<StoredKey()>& make) = 0;
    // Deletes retired keys whose retired_at is before `cutoff`; returns how many.
    virtual std::size_t remove_retired_before(std::int64_t cutoff) = 0;

    // A deployment setting (such as the issuer): the stored value, or `value` after storing it when
    // none was stored. Atomic across processes.
    virtual std::string get_or_set_setting(std::string_view name, std::string_view value) = 0;
    virtual void set_setting(std::string_view name, std::string_view value) = 0;
};

}  // namespace signet::server
