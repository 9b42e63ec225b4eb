// The Redis engine, for deployments of several nodes: sessions, authorization codes and rate-limit
// counters that every node shares. Sessions and codes expire by Redis TTL; rate-limit hits are
// counted by one Lua script per hit (INCR and PEXPIRE together), so concurrent nodes count exactly,
// and a code is redeemed by one Lua script, so exactly one node redeems it first.
#pragma once

#include <memory>
#include <string>

#include "server/store/authorization_code_store.hpp"
#include "server/store/rate_limit_store.hpp"
#include "server/store/session_store.hpp"

namespace signet::server {

struct RedisStores {
    std::shared_ptr<SessionStore> sessions;
    std::shared_ptr<RateLimitStore> rate_limits;
    std::shared_ptr<AuthorizationCodeStore> authorization_codes;
};

// `url` is redis://[[user]:password@]host[:port][/db][?key_prefix=PREFIX]: AUTH (user and password
// log in to a Redis 6 ACL user), SELECT db, and every key starts with PREFIX (default "signet:") so
// deployments can share one Redis. Connections are pooled (`pool_size` at most) and
// re-established after a failure; a command gives up after about 2 s. Throws StoreError for a bad
// URL or an unreachable server; a call made while Redis is down throws StoreError, and the next
// call after it is back succeeds.
RedisStores open_redis_stores(const std::string& url, unsigned pool_size);

}  // namespace signet::server
