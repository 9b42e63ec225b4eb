// Key: <prefix>code:<key> is a hash of the code's fields plus keep_until (expires_at while unused,
// then the first redemption's remember_until), used and replayed ("0" or "1").
// Its Redis TTL only cleans up: whether the record still counts is judged against the caller's
// `now` and keep_until, never Redis's clock. Storing and redeeming are each one Lua script, which
// Redis runs atomically (https://redis.io/docs/manual/programmability/eval-intro/), so a redemption
// reads and marks `used` with no other client in between.
#include "server/store/redis/redis_authorization_code_store.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "server/store/store_error.hpp"

namespace signet::server::redis {
namespace {

// KEYS[1] code. ARGV: ttl, then field/value pairs. Replaces whatever the key held.
constexpr const char* kPut = R"lua(
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
)lua";

// KEYS[1] code. ARGV: now, remember_until. nil when unknown or forgotten (keep_until has come: the
// record is deleted); otherwise {"first" or "replayed", the code's fields}. The first redemption
// marks it used and keeps it until remember_until; a later one marks it replayed.
constexpr const char* kRedeem = R"lua(
local r = redis.call('HMGET', KEYS[1], 'client_id', 'redirect_uri', 'user_id', 'scope', 'nonce',
                     'code_challenge', 'auth_time', 'expires_at', 'family_id', 'access_token_jti',
                     'keep_until', 'used')
if not r[1] then return false end
local now = tonumber(ARGV[1])
local keep_until = tonumber(r[11])
if not keep_until or keep_until <= now then
  redis.call('DEL', KEYS[1])
  return false
end
local outcome = 'replayed'
if r[12] ~= '1' then
  keep_until = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'used', '1', 'keep_until', ARGV[2])
  outcome = 'first'
else
  redis.call('HSET', KEYS[1], 'replayed', '1')
end
redis.call('EXPIRE', KEYS[1], math.max(1, keep_until - now))
return {outcome, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]}
)lua";

// KEYS[1] code. ARGV: now. 1 when the record still counts and was redeemed more than once.
constexpr const char* kReplayed = R"lua(
local r = redis.call('HMGET', KEYS[1], 'keep_until', 'replayed')
local keep_until = tonumber(r[1])
if not keep_until or keep_until <= tonumber(ARGV[1]) then return 0 end
if r[2] == '1' then return 1 end
return 0
)lua";

std::int64_t parse_time(const redisReply& reply) {
    return as_integer(reply, "authorization code time");
}

std::string field(const redisReply& reply, std::size_t index) {
    return std::string(as_string(element(reply, index), "authorization code field"));
}

class RedisAuthorizationCodeStore final : public AuthorizationCodeStore {
  public:
    explicit RedisAuthorizationCodeStore(std::shared_ptr<ConnectionPool> pool)
        : pool_(std::move(pool)), prefix_(pool_->key_prefix() + "code:") {}

    void put(std::string_view key, const AuthorizationCode& code, std::int64_t now) override {
        const std::int64_t keep_until = code.expires_at;
        const std::int64_t ttl = std::max<std::int64_t>(1, keep_until - now);
        const std::string code_key = prefix_ + std::string(key);
        const std::string ttl_text = std::to_string(ttl);
        const std::string auth_time = std::to_string(code.auth_time);
        const std::string expires_at = std::to_string(code.expires_at);
        const std::string keep_until_text = std::to_string(keep_until);
        auto connection = pool_->acquire();
        put_.run(*connection, {code_key},
                 {ttl_text,
                  "client_id",
                  code.client_id,
                  "redirect_uri",
                  code.redirect_uri,
                  "user_id",
                  code.user_id,
                  "scope",
                  code.scope,
                  "nonce",
                  code.nonce,
                  "code_challenge",
                  code.code_challenge,
                  "auth_time",
                  auth_time,
                  "expires_at",
                  expires_at,
                  "family_id",
                  code.family_id,
                  "access_token_jti",
                  code.access_token_jti,
                  "keep_until",
                  keep_until_text,
                  "used",
                  "0",
                  "replayed",
                  "0"});
    }

    RedeemedCode redeem(std::string_view key, std::int64_t now,
                        std::int64_t remember_until) override {
        const std::string code_key = prefix_ + std::string(key);
        const std::string now_text = std::to_string(now);
        const std::string remember_text = std::to_string(remember_until);
        auto connection = pool_->acquire();
        const Reply reply = redeem_.run(*connection, {code_key}, {now_text, remember_text});
        if (is_nil(*reply)) return {};
        if (array_size(*reply, "authorization code") != 11) {
            throw StoreError("redis: unexpected reply for authorization code (not 11 values)");
        }
        const std::string outcome = field(*reply, 0);
        RedeemedCode redeemed;
        redeemed.outcome = outcome == "first" ? CodeRedemption::first : CodeRedemption::replayed;
        redeemed.code = AuthorizationCode{.client_id = field(*reply, 1),
                                          .redirect_uri = field(*reply, 2),
                                          .user_id = field(*reply, 3),
                                          .scope = field(*reply, 4),
                                          .nonce = field(*reply, 5),
                                          .code_challenge = field(*reply, 6),
                                          .auth_time = parse_time(element(*reply, 7)),
                                          .expires_at = parse_time(element(*reply, 8)),
                                          .family_id = field(*reply, 9),
                                          .access_token_jti = field(*reply, 10)};
        return redeemed;
    }

    bool replayed(std::string_view key, std::int64_t now) override {
        const std::string code_key = prefix_ + std::string(key);
        const std::string now_text = std::to_string(now);
        auto connection = pool_->acquire();
        const Reply reply = replayed_.run(*connection, {code_key}, {now_text});
        return as_integer(*reply, "authorization code replay") == 1;
    }

  private:
    std::shared_ptr<ConnectionPool> pool_;
    std::string prefix_;
    Script put_{"authorization_code_put", kPut};
    Script redeem_{"authorization_code_redeem", kRedeem};
    Script replayed_{"authorization_code_replayed", kReplayed};
};

}  // namespace

std::shared_ptr<AuthorizationCodeStore> make_authorization_code_store(
    std::shared_ptr<ConnectionPool> pool) {
    return std::make_shared<RedisAuthorizationCodeStore>(std::move(pool));
}

}  // namespace signet::server::redis
