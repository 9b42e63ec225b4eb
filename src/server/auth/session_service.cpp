// Starting and ending server-side sessions.
#include "server/auth/session_service.hpp"

#include "server/auth/identity.hpp"

namespace signet::server {

SessionService::SessionService(SessionStore& sessions, std::chrono::seconds ttl,
                               std::chrono::seconds idle_timeout)
    : sessions_(sessions), ttl_(ttl.count()), idle_(idle_timeout.count()) {}

StartedSession SessionService::start(const User& user, std::optional<std::string_view> previous_id,
                                     std::int64_t now) {
    if (previous_id) sessions_.remove(sha256_hex(*previous_id));
    StartedSession started{random_token(32), ttl_};
    sessions_.put(sha256_hex(started.id), Session{.user_id = user.id,
                                                  .email = user.email,
                                                  .created_at = now,
                                                  .expires_at = now + ttl_,
                                                  .idle_expires_at = now + std::min(idle_, ttl_)});
    return started;
}

bool SessionService::active(std::string_view id, std::int64_t now) {
    return sessions_.get(sha256_hex(id), now).has_value();
}

bool SessionService::end(std::string_view id, std::int64_t now) {
    const std::string key = sha256_hex(id);
    if (!sessions_.get(key, now)) return false;
    return sessions_.remove(key);
}

}  // namespace signet::server
