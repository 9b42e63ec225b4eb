#include "server/store/redis/redis_stores.hpp"

#include "server/store/store_error.hpp"

namespace signet::server {

RedisStores open_redis_stores(const std::string&, unsigned) {
    throw StoreError("redis: not implemented yet");
}

}  // namespace signet::server
