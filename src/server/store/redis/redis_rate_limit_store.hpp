// Fixed-window rate-limit counters in Redis, shared by every node: each hit is one Lua script, so
// concurrent hits from any number of connections are counted exactly.
#pragma once

#include <memory>

#include "server/store/rate_limit_store.hpp"
#include "server/store/redis/redis_connection.hpp"

namespace signet::server::redis {

std::shared_ptr<RateLimitStore> make_rate_limit_store(std::shared_ptr<ConnectionPool> pool);

}  // namespace signet::server::redis
