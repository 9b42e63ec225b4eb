// Keys: <prefix>session:<key> is a hash {user_id, email, created_at, expires_at, idle_expires_at}
// (sessions written before the idle limit have none: they end at expires_at) whose Redis TTL
// only cleans up (validity is judged against the caller's `now`, never Redis's clock), and
// <prefix>user_sessions:<user_id> is the set of that user's session keys. Every change to both is
// one Lua script, which Redis runs atomically
// (https://redis.io/docs/manual/programmability/eval-intro/). The scripts derive some key names
// from data, so the engine targets a single Redis (or a primary with replicas), not Redis Cluster.
#include "server/store/redis/redis_session_store.hpp"

#include <algorithm>
#include <string>

#include "server/store/store_error.hpp"

namespace signet::server::redis {
namespace {

// KEYS[1] session, KEYS[2] the new user's set. ARGV: user-set prefix, key, user_id, email,
// created_at, expires_at, ttl, idle_expires_at. A key that moves to another user leaves its old
// user's set.
constexpr const char* kPut = R"lua(
local old = redis.call('HGET', KEYS[1], 'user_id')
if old and old ~= ARGV[3] then redis.call('SREM', ARGV[1] .. old, ARGV[2]) end
redis.call('HSET', KEYS[1], 'user_id', ARGV[3], 'email', ARGV[4], 'created_at', ARGV[5],
           'expires_at', ARGV[6], 'idle_expires_at', ARGV[8])
local ttl = tonumber(ARGV[7])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('TTL', KEYS[2]) < ttl then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
)lua";

// KEYS[1] session. ARGV: user-set prefix, key, now. Ended at `now`: dropped, nil returned.
constexpr const char* kGet = R"lua(
local s = redis.call('HMGET', KEYS[1], 'user_id', 'email', 'created_at', 'expires_at',
                     'idle_expires_at')
if not s[1] then return false end
local now = tonumber(ARGV[3])
local expires_at = tonumber(s[4])
if not s[5] then s[5] = s[4] end
local idle_expires_at = tonumber(s[5])
if not expires_at or expires_at <= now or not idle_expires_at or idle_expires_at <= now then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', ARGV[1] .. s[1], ARGV[2])
  return false
end
return s
)lua";

// KEYS[1] session. ARGV: idle_expires_at. 1 when the session exists.
constexpr const char* kTouch = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'idle_expires_at', ARGV[1])
return 1
)lua";

// KEYS[1] session. ARGV: user-set prefix, key. 1 when it existed.
constexpr const char* kRemove = R"lua(
local user = redis.call('HGET', KEYS[1], 'user_id')
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
if user then redis.call('SREM', ARGV[1] .. user, ARGV[2]) end
return 1
)lua";

// KEYS[1] the user's set. ARGV: session-key prefix, user_id. Only sessions still owned by the user
// count: a key whose session expired by TTL and was reused since belongs to someone else.
constexpr const char* kRemoveUser = R"lua(
local removed = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local session = ARGV[1] .. key
  if redis.call('HGET', session, 'user_id') == ARGV[2] then
    removed = removed + redis.call('DEL', session)
  end
end
redis.call('DEL', KEYS[1])
return removed
)lua";

std::int64_t parse_time(const redisReply& reply) {
    return as_integer(reply, "session time");
}

class RedisSessionStore final : public SessionStore {
  public:
    explicit RedisSessionStore(std::shared_ptr<ConnectionPool> pool)
        : pool_(std::move(pool)),
          session_prefix_(pool_->key_prefix() + "session:"),
          user_prefix_(pool_->key_prefix() + "user_sessions:") {}

    void put(std::string_view key, const Session& session) override {
        // The interface gives put no clock: the session's own creation time stands for "now".
        const std::int64_t ttl = std::max<std::int64_t>(1, session.expires_at - session.created_at);
        const std::string session_key = session_prefix_ + std::string(key);
        const std::string user_key = user_prefix_ + session.user_id;
        const std::string created_at = std::to_string(session.created_at);
        const std::string expires_at = std::to_string(session.expires_at);
        const std::string ttl_text = std::to_string(ttl);
        const std::string idle_expires_at = std::to_string(session.idle_expires_at);
        auto connection = pool_->acquire();
        put_.run(*connection, {session_key, user_key},
                 {user_prefix_, key, session.user_id, session.email, created_at, expires_at,
                  ttl_text, idle_expires_at});
    }

    std::optional<Session> get(std::string_view key, std::int64_t now) override {
        const std::string session_key = session_prefix_ + std::string(key);
        const std::string now_text = std::to_string(now);
        auto connection = pool_->acquire();
        const Reply reply = get_.run(*connection, {session_key}, {user_prefix_, key, now_text});
        if (is_nil(*reply)) return std::nullopt;
        if (array_size(*reply, "session") != 5) {
            throw StoreError("redis: unexpected reply for session (not 5 fields)");
        }
        return Session{.user_id = std::string(as_string(element(*reply, 0), "session user_id")),
                       .email = std::string(as_string(element(*reply, 1), "session email")),
                       .created_at = parse_time(element(*reply, 2)),
                       .expires_at = parse_time(element(*reply, 3)),
                       .idle_expires_at = parse_time(element(*reply, 4))};
    }

    bool touch(std::string_view key, std::int64_t idle_expires_at) override {
        const std::string session_key = session_prefix_ + std::string(key);
        const std::string value = std::to_string(idle_expires_at);
        auto connection = pool_->acquire();
        const Reply reply = touch_.run(*connection, {session_key}, {value});
        return as_integer(*reply, "session touch") == 1;
    }

    bool remove(std::string_view key) override {
        const std::string session_key = session_prefix_ + std::string(key);
        auto connection = pool_->acquire();
        const Reply reply = remove_.run(*connection, {session_key}, {user_prefix_, key});
        return as_integer(*reply, "session remove") == 1;
    }

    std::size_t remove_user(std::string_view user_id) override {
        const std::string user_key = user_prefix_ + std::string(user_id);
        auto connection = pool_->acquire();
        const Reply reply = remove_user_.run(*connection, {user_key}, {session_prefix_, user_id});
        return static_cast<std::size_t>(as_integer(*reply, "session remove_user"));
    }

  private:
    std::shared_ptr<ConnectionPool> pool_;
    std::string session_prefix_;
    std::string user_prefix_;
    Script put_{"session_put", kPut};
    Script get_{"session_get", kGet};
    Script touch_{"session_touch", kTouch};
    Script remove_{"session_remove", kRemove};
    Script remove_user_{"session_remove_user", kRemoveUser};
};

}  // namespace

std::shared_ptr<SessionStore> make_session_store(std::shared_ptr<ConnectionPool> pool) {
    return std::make_shared<RedisSessionStore>(std::move(pool));
}

}  // namespace signet::server::redis
