// Key: <prefix>rate:<key> is a hash {count, resets_at}. hit() and release() are each one Lua
// script, so the read and the write of a window cannot interleave with another client's
// (https://redis.io/docs/manual/programmability/eval-intro/). Every hit sets a Redis TTL of the
// window's remaining length plus a second, so ended windows disappear on their own.
#include "server/store/redis/redis_rate_limit_store.hpp"

#include <string>

#include "server/store/store_error.hpp"

namespace signet::server::redis {
namespace {

// KEYS[1] window. ARGV: now, now + window (the times come from the caller, as strings, so Lua's
// number formatting never rounds them). Returns {count, resets_at}.
constexpr const char* kHit = R"lua(
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'count', 'resets_at')
local count = tonumber(state[1])
local resets_at = state[2]
if not count or not tonumber(resets_at) or tonumber(resets_at) <= now then
  count = 1
  resets_at = ARGV[2]
  redis.call('HSET', KEYS[1], 'count', 1, 'resets_at', resets_at)
else
  count = redis.call('HINCRBY', KEYS[1], 'count', 1)
end
redis.call('EXPIRE', KEYS[1], math.max(1, tonumber(resets_at) - now + 1))
return {count, resets_at}
)lua";

// KEYS[1] window. ARGV: now. Gives back one hit of a window that has not ended, never below 0.
constexpr const char* kRelease = R"lua(
local state = redis.call('HMGET', KEYS[1], 'count', 'resets_at')
local count = tonumber(state[1])
local resets_at = tonumber(state[2])
if not count or not resets_at or tonumber(ARGV[1]) >= resets_at or count <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'count', -1)
return 1
)lua";

class RedisRateLimitStore final : public RateLimitStore {
  public:
    explicit RedisRateLimitStore(std::shared_ptr<ConnectionPool> pool)
        : pool_(std::move(pool)), prefix_(pool_->key_prefix() + "rate:") {}

    RateLimitHit hit(std::string_view key, std::int64_t window_seconds, std::int64_t now) override {
        const std::string window_key = prefix_ + std::string(key);
        const std::string now_text = std::to_string(now);
        const std::string resets_at = std::to_string(now + window_seconds);
        auto connection = pool_->acquire();
        const Reply reply = hit_.run(*connection, {window_key}, {now_text, resets_at});
        if (array_size(*reply, "rate-limit hit") != 2) {
            throw StoreError("redis: unexpected reply for rate-limit hit (not 2 values)");
        }
        return RateLimitHit{.count = as_integer(element(*reply, 0), "rate-limit count"),
                            .resets_at = as_integer(element(*reply, 1), "rate-limit resets_at")};
    }

    void reset(std::string_view key) override {
        const std::string window_key = prefix_ + std::string(key);
        auto connection = pool_->acquire();
        connection->checked("rate-limit reset", {"DEL", window_key});
    }

    void release(std::string_view key, std::int64_t now) override {
        const std::string window_key = prefix_ + std::string(key);
        const std::string now_text = std::to_string(now);
        auto connection = pool_->acquire();
        release_.run(*connection, {window_key}, {now_text});
    }

  private:
    std::shared_ptr<ConnectionPool> pool_;
    std::string prefix_;
    Script hit_{"rate_limit_hit", kHit};
    Script release_{"rate_limit_release", kRelease};
};

}  // namespace

std::shared_ptr<RateLimitStore> make_rate_limit_store(std::shared_ptr<ConnectionPool> pool) {
    return std::make_shared<RedisRateLimitStore>(std::move(pool));
}

}  // namespace signet::server::redis
