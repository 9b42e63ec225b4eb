// Fixed-window rate-limit counters in process memory. The window is read, restarted or bumped
// under the shard lock, so concurrent hits on one key are counted exactly.
#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "server/store/memory/memory_shards.hpp"
#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace memory {
namespace {

class MemoryRateLimitStore final : public RateLimitStore {
  public:
    explicit MemoryRateLimitStore(std::size_t max_windows)
        : max_per_shard_(std::max<std::size_t>(1, max_windows / kShardCount)) {}

    RateLimitHit hit(std::string_view key, std::int64_t window_seconds, std::int64_t now) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        // Bounded whatever keys clients make up: ended windows go first, then, when the shard is
        // still full of live ones, an arbitrary one (its client gets a fresh window).
        if (shard.windows.size() >= max_per_shard_ &&
            shard.windows.find(key) == shard.windows.end()) {
            shard.drop_ended(now);
            if (shard.windows.size() >= max_per_shard_) shard.windows.erase(shard.windows.begin());
        }
        auto [it, inserted] = shard.windows.try_emplace(std::string(key));
        RateLimitHit& window = it->second;
        if (inserted || now >= window.resets_at) {
            window = RateLimitHit{.count = 1, .resets_at = now + window_seconds};
        } else {
            ++window.count;
        }
        const RateLimitHit result = window;
        if (shard.sweep.due()) shard.drop_ended(now);
        return result;
    }

    void release(std::string_view key, std::int64_t now) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.windows.find(key);
        // A hit of a window that has ended is already forgotten; there is nothing to give back.
        if (it == shard.windows.end() || now >= it->second.resets_at) return;
        if (it->second.count > 0) --it->second.count;
    }

    void reset(std::string_view key) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        if (const auto it = shard.windows.find(key); it != shard.windows.end()) {
            shard.windows.erase(it);
        }
    }

  private:
    struct alignas(64) Shard {
        std::mutex mutex;
        std::unordered_map<std::string, RateLimitHit, StringHash, std::equal_to<>> windows;
        SweepSchedule sweep;

        void drop_ended(std::int64_t now) {
            std::erase_if(windows,
                          [now](const auto& entry) { return entry.second.resets_at <= now; });
            sweep.swept(windows.size());
        }
    };

    std::size_t max_per_shard_;
    Shards<Shard> shards_;
};

}  // namespace
}  // namespace memory

std::shared_ptr<RateLimitStore> make_memory_rate_limit_store(std::size_t max_windows) {
    return std::make_shared<memory::MemoryRateLimitStore>(max_windows);
}

}  // namespace signet::server
