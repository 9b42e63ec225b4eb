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
    std::int64_t expires_at = 0;  // Unix seconds
};

class SessionStore {
  public:
    virtual ~SessionStore() = default;

    virtual void put(std::string_view key, const Session& session) = 0;
    // The session, unless absent or expired at `now` (an expired one is dropped).
    virtual std::optional<Session> get(std::string_view key, std::int64_t now) = 0;
    virtual bool remove(std::string_view key) = 0;
    // Removes every session of the user; returns how many.
    virtual std::size_t remove_user(std::string_view user_id) = 0;
};

}  // namespace signet::server
