// A cache of access tokens whose signature and claims already passed the Verifier, as Envoy's
// jwt_authn keeps one: a repeated token then costs a hash-map lookup instead of a public-key
// operation. An entry holds the exact token bytes (compared in full, never just a hash), is used
// only while the key set it was verified under is current, and stops matching at the token's "exp"
// (and before its "nbf"). Revocation is checked by the caller on every request, hit or miss.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace signet::server {

struct CachedToken {
    std::string user_id;
    std::string email;
    std::string jti;
    std::int64_t expires_at = 0;
    std::int64_t not_before = 0;  // 0: none
    std::int64_t issued_at = 0;
};

class VerifiedTokenCache {
  public:
    // capacity 0: nothing is cached.
    explicit VerifiedTokenCache(std::size_t capacity = 100000);

    // The cached claims of `token` when it was verified under key generation `generation` and is
    // within its validity at `now` (leeway applied as the Verifier does).
    std::optional<CachedToken> find(std::string_view token, std::uint64_t generation,
                                    std::int64_t now, std::int64_t leeway) const;
    void insert(std::string_view token, std::uint64_t generation, CachedToken claims,
                std::int64_t now);

  private:
    struct Entry {
        std::uint64_t generation = 0;
        CachedToken claims;
    };
    struct TransparentHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Entry, TransparentHash, std::equal_to<>> entries;
    };
    static constexpr std::size_t kShards = 16;

    Shard& shard_for(std::string_view token) const;

    bool enabled_;
    std::size_t per_shard_capacity_;
    mutable std::array<Shard, kShards> shards_;
};

}  // namespace signet::server
