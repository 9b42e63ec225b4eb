// Authorization codes in Redis, shared by every node: one hash per code, redeemed by one Lua script
// so that of concurrent redemptions on any number of nodes exactly one gets `first`.
#pragma once

#include <memory>

#include "server/store/authorization_code_store.hpp"
#include "server/store/redis/redis_connection.hpp"

namespace signet::server::redis {

std::shared_ptr<AuthorizationCodeStore> make_authorization_code_store(
    std::shared_ptr<ConnectionPool> pool);

}  // namespace signet::server::redis
