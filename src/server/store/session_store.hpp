// Server-side sessions (the classic cookie login). Keys are the hex SHA-256 of the session id, so a
// dump of the store does not hand out live cookies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signet::server {

struct Session {
    std::string user_id;
    std::string email;
    std::int64_t created_at = 0;  // Unix seconds
    std::int64_t expires_at = 0;  // Unix seconds: the absolute end, however active the session
    // Unix seconds: the end if the session is not used before; each use pushes it back (touch).
    std::int64_t idle_expires_at = 0;
};

// Whether the session has ended at `now`, by its absolute or its idle limit.
inline bool ended_at(const Session& session, std::int64_t now) {
    return session.expires_at <= now || session.idle_expires_at <= now;
}

class SessionStore {
  public:
    virtual ~SessionStore() = default;

    virtual void put(std::string_view key, const Session& session) = 0;
    // The session, unless absent or ended at `now` (an ended one is dropped).
    virtual std::optional<Session> get(std::string_view key, std::int64_t now) = 0;
    // Sets the session's idle_expires_at; false when there is no such session.
    virtual bool touch(std::string_view key, std::int64_t idle_expires_at) = 0;
    virtual bool remove(std::string_view key) = 0;
    // Removes every session of the user; returns how many.
    virtual std::size_t remove_user(std::string_view user_id) = 0;
};

}  // namespace signet::server
