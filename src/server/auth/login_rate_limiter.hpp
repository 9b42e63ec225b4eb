// Failed-login limits per email and per client address (OWASP Authentication Cheat Sheet, "Login
// Throttling"). Each attempt reserves a hit on both counters before the password is checked, in
// one atomic step per counter, so parallel guesses cannot overtake the limit; a successful login
// gives its hits back, so only failures count.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/store/rate_limit_store.hpp"

namespace signet::server {

class LoginRateLimiter {
  public:
    LoginRateLimiter(std::shared_ptr<RateLimitStore> store, std::uint64_t per_email,
                     std::uint64_t per_address, std::chrono::seconds window);

    struct Attempt {
        bool allowed = true;
        std::int64_t retry_after = 0;  // seconds, when refused
        std::string email_key;
        std::string address_key;
    };
    // Reserves one attempt for the email and the address.
    Attempt begin(std::string_view email, std::string_view address, std::int64_t now);
    // The password was right: the reserved hits are given back.
    void succeeded(const Attempt& attempt, std::int64_t now);

  private:
    std::shared_ptr<RateLimitStore> store_;
    std::uint64_t per_email_;
    std::uint64_t per_address_;
    std::int64_t window_;
};

}  // namespace signet::server
