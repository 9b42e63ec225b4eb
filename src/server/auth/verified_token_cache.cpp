// The verified-token cache.
#include "server/auth/verified_token_cache.hpp"

#include <algorithm>

namespace signet::server {

VerifiedTokenCache::VerifiedTokenCache(std::size_t capacity)
    : enabled_(capacity > 0), per_shard_capacity_(std::max<std::size_t>(1, capacity / kShards)) {}

VerifiedTokenCache::Shard& VerifiedTokenCache::shard_for(std::string_view token) const {
    // The last characters are signature bytes: uniformly spread, and cheap to read.
    const std::size_t tail = token.empty() ? 0 : static_cast<unsigned char>(token.back());
    const std::size_t before =
        token.size() < 2 ? 0 : static_cast<unsigned char>(token[token.size() - 2]);
    return shards_[(tail * 31 + before) % kShards];
}

std::optional<CachedToken> VerifiedTokenCache::find(std::string_view token,
                                                    std::uint64_t generation, std::int64_t now,
                                                    std::int64_t leeway) const {
    if (!enabled_) return std::nullopt;
    Shard& shard = shard_for(token);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.entries.find(token);
    if (it == shard.entries.end()) return std::nullopt;
    const Entry& entry = it->second;
    // RFC 7519 §4.1.4/§4.1.5, as the Verifier applies them: exp exclusive, nbf inclusive.
    if (entry.generation != generation || now >= entry.claims.expires_at + leeway ||
        (entry.claims.not_before != 0 && now + leeway < entry.claims.not_before)) {
        shard.entries.erase(it);
        return std::nullopt;
    }
    return entry.claims;
}

void VerifiedTokenCache::insert(std::string_view token, std::uint64_t generation,
                                CachedToken claims, std::int64_t now) {
    if (!enabled_) return;
    Shard& shard = shard_for(token);
    std::lock_guard lock(shard.mutex);
    if (shard.entries.size() >= per_shard_capacity_) {
        // Full: drop entries of old key generations or past their expiry; when all are live,
        // start the shard afresh (a cache miss only costs a verification).
        std::erase_if(shard.entries, [&](const auto& item) {
            return item.second.generation != generation || item.second.claims.expires_at <= now;
        });
        if (shard.entries.size() >= per_shard_capacity_) shard.entries.clear();
    }
    shard.entries.insert_or_assign(std::string(token), Entry{generation, std::move(claims)});
}

}  // namespace signet::server
