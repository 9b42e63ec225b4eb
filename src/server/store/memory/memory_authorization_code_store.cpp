// Authorization codes in process memory, for a single node: sharded by key, each redemption under
// its shard's lock, so of concurrent redemptions of one code exactly one finds it unused. A record
// is dropped once it is past its keep_until (expires_at while unused, then the first redemption's
// remember_until) as the callers' clock tells it, when it is met and by a periodic sweep on writes.
#include <mutex>
#include <unordered_map>

#include "server/store/memory/memory_shards.hpp"
#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace memory {
namespace {

class MemoryAuthorizationCodeStore final : public AuthorizationCodeStore {
  public:
    void put(std::string_view key, const AuthorizationCode& code, std::int64_t now) override {
        clock_.observe(now);
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        // A new code under a key (a hash of a random code) starts unused, whatever was there.
        shard.codes.insert_or_assign(
            std::string(key),
            Entry{.code = code, .keep_until = code.expires_at, .used = false, .replayed = false});
        if (shard.sweep.due()) shard.drop_forgotten(clock_.latest());
    }

    RedeemedCode redeem(std::string_view key, std::int64_t now,
                        std::int64_t remember_until) override {
        clock_.observe(now);
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.codes.find(key);
        if (it == shard.codes.end()) return {};
        if (now >= it->second.keep_until) {
            shard.codes.erase(it);
            return {};
        }
        Entry& entry = it->second;
        if (!entry.used) {
            entry.used = true;
            entry.keep_until = remember_until;
            return RedeemedCode{.outcome = CodeRedemption::first, .code = entry.code};
        }
        entry.replayed = true;
        return RedeemedCode{.outcome = CodeRedemption::replayed, .code = entry.code};
    }

    bool replayed(std::string_view key, std::int64_t now) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.codes.find(key);
        return it != shard.codes.end() && now < it->second.keep_until && it->second.replayed;
    }

  private:
    struct Entry {
        AuthorizationCode code;
        std::int64_t keep_until = 0;
        bool used = false;
        bool replayed = false;
    };
    using CodeMap = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

    struct alignas(64) Shard {
        std::mutex mutex;
        CodeMap codes;
        SweepSchedule sweep;

        void drop_forgotten(std::int64_t now) {
            std::erase_if(codes, [now](const auto& item) { return now >= item.second.keep_until; });
            sweep.swept(codes.size());
        }
    };

    ObservedClock clock_;
    Shards<Shard> shards_;
};

}  // namespace
}  // namespace memory

std::shared_ptr<AuthorizationCodeStore> make_memory_authorization_code_store() {
    return std::make_shared<memory::MemoryAuthorizationCodeStore>();
}

}  // namespace signet::server
