// Sessions in Redis, shared by every node: one hash per session with a TTL for cleanup, and a set
// per user indexing that user's sessions so a password change can end them all.
#pragma once

#include <memory>

#include "server/store/redis/redis_connection.hpp"
#include "server/store/session_store.hpp"

namespace signet::server::redis {

std::shared_ptr<SessionStore> make_session_store(std::shared_ptr<ConnectionPool> pool);

}  // namespace signet::server::redis
