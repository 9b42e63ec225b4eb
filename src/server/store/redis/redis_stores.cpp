// open_redis_stores: parse the URL, check that the server answers (and accepts the credentials
// and database), then hand out stores that share one connection pool.
#include "server/store/redis/redis_stores.hpp"

#include "server/store/redis/redis_authorization_code_store.hpp"
#include "server/store/redis/redis_connection.hpp"
#include "server/store/redis/redis_rate_limit_store.hpp"
#include "server/store/redis/redis_session_store.hpp"
#include "server/store/store_error.hpp"

namespace signet::server {

RedisStores open_redis_stores(const std::string& url, unsigned pool_size) {
    auto pool = std::make_shared<redis::ConnectionPool>(redis::parse_redis_url(url), pool_size);
    {
        // Fail at startup, not at the first login, when Redis is unreachable or refuses us.
        auto connection = pool->acquire();
        connection->checked("PING", {"PING"});
    }
    return RedisStores{.sessions = redis::make_session_store(pool),
                       .rate_limits = redis::make_rate_limit_store(pool),
                       .authorization_codes = redis::make_authorization_code_store(pool)};
}

}  // namespace signet::server
