// In-process stores: the default for sessions, authorization codes, revoked token ids and
// rate-limit counters on a single node. Thread-safe; expired entries are dropped as they are met
// and by a periodic sweep on writes.
#pragma once

#include <cstddef>
#include <memory>

#include "server/store/authorization_code_store.hpp"
#include "server/store/rate_limit_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/session_store.hpp"

namespace signet::server {

std::shared_ptr<SessionStore> make_memory_session_store();
std::shared_ptr<RevocationStore> make_memory_revocation_store();
std::shared_ptr<AuthorizationCodeStore> make_memory_authorization_code_store();
// At most `max_windows` counters are held (about 100 bytes each).
std::shared_ptr<RateLimitStore> make_memory_rate_limit_store(std::size_t max_windows = 1 << 20);

}  // namespace signet::server
