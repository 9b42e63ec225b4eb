// Revoked access-token ids in process memory, each dropped once the token it names has expired
// (RFC 7519 §4.1.4: from then on "exp" refuses the token by itself).
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
        auto& shard = shards_.for_key(jti);
        std::lock_guard lock(shard.mutex);
        auto [it, inserted] = shard.revoked.try_emplace(std::string(jti), expires_at);
        if (!inserted) it->second = std::max(it->second, expires_at);
        if (shard.sweep.due()) shard.drop_expired(clock_.latest());
    }

    bool is_revoked(std::string_view jti, std::int64_t now) override {
        clock_.observe(now);
        auto& shard = shards_.for_key(jti);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.revoked.find(jti);
        if (it == shard.revoked.end()) return false;
        if (it->second <= now) {
            shard.revoked.erase(it);
            return false;
        }
        return true;
    }

  private:
    struct alignas(64) Shard {
        std::mutex mutex;
        std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> revoked;
        SweepSchedule sweep;

        void drop_expired(std::int64_t now) {
            std::erase_if(revoked, [now](const auto& entry) { return entry.second <= now; });
            sweep.swept(revoked.size());
        }
    };

    ObservedClock clock_;
    Shards<Shard> shards_;
};

}  // namespace
}  // namespace memory

std::shared_ptr<RevocationStore> make_memory_revocation_store() {
    return std::make_shared<memory::MemoryRevocationStore>();
}

}  // namespace signet::server
