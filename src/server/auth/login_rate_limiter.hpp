// Failed-login limits (OWASP Authentication Cheat Sheet, "Login Throttling" and "Account
// Lockout"): per client address, and per (email, client address) pair. Counting an email per
// client rather than globally means nobody can lock a user out of their correct password by
// failing on purpose from elsewhere; the per-address limit bounds how many pairs one client can
// try. Each attempt reserves a hit before the password is checked, in one atomic step per counter,
// so parallel guesses cannot overtake a limit; a successful login gives its hits back, so only
// failures count. A client refused by its address limit creates no per-email state at all.
// IPv6 clients are counted per /64, the smallest block a site is usually given (RFC 6177).
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
        std::string address_key;
        std::string pair_key;  // empty when the address limit refused the attempt
    };
    // Reserves one attempt for the address and the (email, address) pair.
    Attempt begin(std::string_view email, std::string_view address, std::int64_t now);
    // The password was right: the reserved hits are given back.
    void succeeded(const Attempt& attempt, std::int64_t now);

    // How an address is counted: as it is, or its /64 for IPv6.
    static std::string client_key(std::string_view address);

  private:
    std::shared_ptr<RateLimitStore> store_;
    std::uint64_t per_email_;
    std::uint64_t per_address_;
    std::int64_t window_;
};

}  // namespace signet::server
