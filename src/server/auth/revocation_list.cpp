// The local copy of the revoked token ids.
#include "server/auth/revocation_list.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace signet::server {

RevocationList::RevocationList(std::shared_ptr<RevocationStore> store) : store_(std::move(store)) {}

void RevocationList::remember(std::string jti, std::int64_t expires_at) {
    std::unique_lock lock(mutex_);
    auto [it, inserted] = revoked_.try_emplace(std::move(jti), expires_at);
    if (!inserted) it->second = std::max(it->second, expires_at);
}

void RevocationList::revoke(std::string_view jti, std::int64_t expires_at) {
    store_->revoke(jti, expires_at);
    remember(std::string(jti), expires_at);
}

bool RevocationList::is_revoked(std::string_view jti, std::int64_t now) const {
    std::shared_lock lock(mutex_);
    const auto it = revoked_.find(jti);
    return it != revoked_.end() && now < it->second;
}

void RevocationList::sync(std::int64_t now) {
    std::lock_guard guard(sync_mutex_);
    std::vector<RevokedToken> fresh = store_->changes_since(cursor_, now);
    for (RevokedToken& token : fresh)
        remember(std::move(token.jti), token.expires_at);
    // Expired ids are of no use: forgotten here every minute, in the store every hour.
    if (now - last_purge_ < 60) return;
    {
        std::unique_lock lock(mutex_);
        std::erase_if(revoked_, [now](const auto& item) { return item.second <= now; });
    }
    if (now / 3600 != last_purge_ / 3600) store_->purge_expired(now);
    last_purge_ = now;
}

}  // namespace signet::server
