// Fixed-window counters for rate limiting. hit() checks and bumps in one atomic step, so parallel
// requests cannot all read the same old count and slip past a limit.
#pragma once

#include <cstdint>
#include <string_view>

namespace signet::server {

struct RateLimitHit {
    std::int64_t count = 0;      // hits in the current window, this one included
    std::int64_t resets_at = 0;  // Unix seconds when the window ends
};

class RateLimitStore {
  public:
    virtual ~RateLimitStore() = default;

    // Adds one hit to `key`. A window starts at the first hit and lasts `window_seconds`.
    virtual RateLimitHit hit(std::string_view key, std::int64_t window_seconds,
                             std::int64_t now) = 0;
    virtual void reset(std::string_view key) = 0;
    // Takes back one hit of the current window (never below zero): a login attempt reserves a
    // hit before the password is checked, and a successful one gives it back, so only failures
    // count while parallel attempts still cannot overtake the limit.
    virtual void release(std::string_view key, std::int64_t now) = 0;
};

}  // namespace signet::server
