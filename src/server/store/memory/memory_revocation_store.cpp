// Revoked access-token ids in process memory, for a single node (and tests): a log ordered by a
// sequence number, so changes_since() reads only what is new, and each entry dropped once the
// token it names has expired (RFC 7519 §4.1.4: from then on "exp" refuses the token by itself).
#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "server/store/memory/memory_shards.hpp"
#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace memory {
namespace {

class MemoryRevocationStore final : public RevocationStore {
  public:
    void revoke(std::string_view jti, std::int64_t expires_at) override {
        std::lock_guard lock(mutex_);
        // A later revocation of the same jti moves it to the end of the log with the later expiry.
        if (const auto known = seq_of_.find(jti); known != seq_of_.end()) {
            expires_at = std::max(expires_at, log_.at(known->second).expires_at);
            log_.erase(known->second);
            seq_of_.erase(known);
        }
        log_.emplace(++seq_, RevokedToken{std::string(jti), expires_at});
        seq_of_.emplace(std::string(jti), seq_);
    }

    std::vector<RevokedToken> changes_since(std::int64_t& cursor, std::int64_t now) override {
        std::lock_guard lock(mutex_);
        std::vector<RevokedToken> fresh;
        for (auto it = log_.upper_bound(cursor); it != log_.end(); ++it) {
            if (it->second.expires_at > now) fresh.push_back(it->second);
        }
        cursor = std::max(cursor, seq_);
        return fresh;
    }

    std::size_t purge_expired(std::int64_t now) override {
        std::lock_guard lock(mutex_);
        std::size_t purged = 0;
        for (auto it = log_.begin(); it != log_.end();) {
            if (it->second.expires_at > now) {
                ++it;
                continue;
            }
            seq_of_.erase(it->second.jti);
            it = log_.erase(it);
            ++purged;
        }
        return purged;
    }

  private:
    std::mutex mutex_;
    std::int64_t seq_ = 0;
    std::map<std::int64_t, RevokedToken> log_;
    std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> seq_of_;
};

}  // namespace
}  // namespace memory

std::shared_ptr<RevocationStore> make_memory_revocation_store() {
    return std::make_shared<memory::MemoryRevocationStore>();
}

}  // namespace signet::server
