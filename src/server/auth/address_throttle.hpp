// A fixed-window limit of requests per client address, for routes that cost the server more than
// they cost the caller (a registration's Argon2id hash, a token inspection). IPv6 clients are
// counted per /64, like failed logins (LoginRateLimiter::client_key).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/rate_limit_store.hpp"

namespace signet::server {

class AddressThrottle {
  public:
    // `name` keeps the counters of different routes apart in the shared store.
    AddressThrottle(std::shared_ptr<RateLimitStore> store, std::string name, std::uint64_t limit,
                    std::chrono::seconds window);

    // Counts one request from `address`: nullopt when allowed, else the seconds until the
    // window ends (at least 1), for Retry-After.
    std::optional<std::int64_t> hit(std::string_view address, std::int64_t now);

  private:
    std::shared_ptr<RateLimitStore> store_;
    std::string prefix_;
    std::uint64_t limit_;
    std::int64_t window_;
};

}  // namespace signet::server
