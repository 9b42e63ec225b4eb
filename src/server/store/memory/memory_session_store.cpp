// Sessions in process memory, sharded by key. Each shard also indexes its keys by user, so
// removing every session of a user (password change) does not scan the whole store.
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "server/store/memory/memory_shards.hpp"
#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace memory {
namespace {

class MemorySessionStore final : public SessionStore {
  public:
    void put(std::string_view key, const Session& session) override {
        clock_.observe(session.created_at);
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        auto [it, inserted] = shard.sessions.try_emplace(std::string(key));
        if (!inserted && it->second.user_id != session.user_id) {
            shard.unlink(it->second.user_id, it->first);
        }
        it->second = session;
        shard.by_user[session.user_id].insert(it->first);
        if (shard.sweep.due()) shard.drop_expired(clock_.latest());
    }

    std::optional<Session> get(std::string_view key, std::int64_t now) override {
        clock_.observe(now);
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.sessions.find(key);
        if (it == shard.sessions.end()) return std::nullopt;
        if (ended_at(it->second, now)) {
            shard.erase(it);
            return std::nullopt;
        }
        return it->second;
    }

    bool touch(std::string_view key, std::int64_t idle_expires_at) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.sessions.find(key);
        if (it == shard.sessions.end()) return false;
        it->second.idle_expires_at = idle_expires_at;
        return true;
    }

    bool remove(std::string_view key) override {
        auto& shard = shards_.for_key(key);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.sessions.find(key);
        if (it == shard.sessions.end()) return false;
        shard.erase(it);
        return true;
    }

    std::size_t remove_user(std::string_view user_id) override {
        std::size_t removed = 0;
        for (auto& shard : shards_.all()) {
            std::lock_guard lock(shard.mutex);
            const auto user = shard.by_user.find(user_id);
            if (user == shard.by_user.end()) continue;
            for (const auto& key : user->second)
                removed += shard.sessions.erase(key);
            shard.by_user.erase(user);
        }
        return removed;
    }

  private:
    using SessionMap = std::unordered_map<std::string, Session, StringHash, std::equal_to<>>;

    struct alignas(64) Shard {
        std::mutex mutex;
        SessionMap sessions;
        std::unordered_map<std::string, std::unordered_set<std::string>, StringHash,
                           std::equal_to<>>
            by_user;
        SweepSchedule sweep;

        void unlink(const std::string& user_id, const std::string& key) {
            const auto user = by_user.find(user_id);
            if (user == by_user.end()) return;
            user->second.erase(key);
            if (user->second.empty()) by_user.erase(user);
        }
        SessionMap::iterator erase(SessionMap::iterator it) {
            unlink(it->second.user_id, it->first);
            return sessions.erase(it);
        }
        void drop_expired(std::int64_t now) {
            for (auto it = sessions.begin(); it != sessions.end();) {
                it = ended_at(it->second, now) ? erase(it) : std::next(it);
            }
            sweep.swept(sessions.size());
        }
    };

    ObservedClock clock_;
    Shards<Shard> shards_;
};

}  // namespace
}  // namespace memory

std::shared_ptr<SessionStore> make_memory_session_store() {
    return std::make_shared<memory::MemorySessionStore>();
}

}  // namespace signet::server
