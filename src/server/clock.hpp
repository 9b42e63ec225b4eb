// The server's wall clock in Unix seconds: what tokens, sessions, refresh records and rate-limit
// windows are stamped with.
#pragma once

#include <chrono>
#include <cstdint>

namespace signet::server {

inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace signet::server
