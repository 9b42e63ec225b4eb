// Session mode's server side: a session is 256 random bits handed to the browser, stored only as
// its SHA-256, and always fresh at login. An id the client sends is never adopted (session
// fixation, OWASP Session Management Cheat Sheet, "Renew the Session ID After Any Privilege Level
// Change").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct StartedSession {
    std::string id;  // the cookie value; the store keeps only its hash
    std::int64_t expires_in = 0;
};

class SessionService {
  public:
    // Sessions end `ttl` after login, or `idle_timeout` after their last use (Authenticator).
    SessionService(SessionStore& sessions, std::chrono::seconds ttl,
                   std::chrono::seconds idle_timeout);

    // A new session for `user`; the one the browser had (`previous_id`) ends here.
    StartedSession start(const User& user, std::optional<std::string_view> previous_id,
                         std::int64_t now);
    // The session is live.
    bool active(std::string_view id, std::int64_t now);
    // Ends the session; false when it is unknown or expired.
    bool end(std::string_view id, std::int64_t now);

  private:
    SessionStore& sessions_;
    std::int64_t ttl_;
    std::int64_t idle_;
};

}  // namespace signet::server
