// Revoked access-token ids in SQLite, with a local copy for the per-request check: a revocation
// made here counts at once, one made by another node within the sync interval.
#include <algorithm>

#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {

SqliteRevocationStore::SqliteRevocationStore(std::shared_ptr<Database> db,
                                             std::chrono::milliseconds sync_interval)
    : db_(std::move(db)), sync_interval_(sync_interval) {}

void SqliteRevocationStore::revoke(std::string_view jti, std::int64_t expires_at) {
    db_->write([&] {
        auto stmt = db_->prepare(
            "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2) "
            "ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)");
        stmt.bind(1, jti).bind(2, expires_at);
        stmt.run();
    });
    std::unique_lock lock(map_mutex_);
    auto [it, inserted] = revoked_.try_emplace(std::string(jti), expires_at);
    if (!inserted) it->second = std::max(it->second, expires_at);
}

bool SqliteRevocationStore::is_revoked(std::string_view jti, std::int64_t now) {
    const auto steady = std::chrono::steady_clock::now().time_since_epoch().count();
    if (steady >= next_sync_.load(std::memory_order_relaxed)) sync(now);
    std::shared_lock lock(map_mutex_);
    const auto it = revoked_.find(jti);
    return it != revoked_.end() && now < it->second;
}

void SqliteRevocationStore::sync(std::int64_t now) {
    std::unique_lock guard(sync_mutex_, std::try_to_lock);
    if (!guard.owns_lock()) return;  // another thread is syncing; the current copy will do
    const auto steady = std::chrono::steady_clock::now();
    if (steady.time_since_epoch().count() < next_sync_.load(std::memory_order_relaxed)) return;
    next_sync_.store((steady + sync_interval_).time_since_epoch().count(),
                     std::memory_order_relaxed);
    try {
        std::vector<std::pair<std::string, std::int64_t>> fresh;
        db_->read([&] {
            auto stmt = db_->prepare(
                "SELECT seq, jti, expires_at FROM revoked_tokens WHERE seq > ?1 AND expires_at > "
                "?2 "
                "ORDER BY seq");
            stmt.bind(1, last_seq_).bind(2, now);
            while (stmt.step()) {
                last_seq_ = std::max(last_seq_, stmt.integer(0));
                fresh.emplace_back(stmt.text(1), stmt.integer(2));
            }
        });
        // Expired ids are of no use: revoked_ forgets them every minute, the file every hour.
        const bool purge_memory = now - last_purge_ >= 60;
        {
            std::unique_lock lock(map_mutex_);
            for (auto& [jti, expires_at] : fresh) {
                auto [it, inserted] = revoked_.try_emplace(std::move(jti), expires_at);
                if (!inserted) it->second = std::max(it->second, expires_at);
            }
            if (purge_memory) {
                std::erase_if(revoked_, [&](const auto& item) { return item.second <= now; });
            }
        }
        if (purge_memory) {
            if (now / 3600 != last_purge_ / 3600) {
                db_->write([&] {
                    auto stmt = db_->prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?1");
                    stmt.bind(1, now);
                    stmt.run();
                });
            }
            last_purge_ = now;
        }
    } catch (const StoreError&) {
        // The local copy stays as it is; the next sync tries again.
    }
}

}  // namespace signet::server::sqlite
