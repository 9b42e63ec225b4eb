// Login throttling over the RateLimitStore.
#include "server/auth/login_rate_limiter.hpp"

#include <algorithm>
#include <utility>

#include "server/auth/identity.hpp"

namespace signet::server {

LoginRateLimiter::LoginRateLimiter(std::shared_ptr<RateLimitStore> store, std::uint64_t per_email,
                                   std::uint64_t per_address, std::chrono::seconds window)
    : store_(std::move(store)),
      per_email_(per_email),
      per_address_(per_address),
      window_(window.count()) {}

LoginRateLimiter::Attempt LoginRateLimiter::begin(std::string_view email, std::string_view address,
                                                  std::int64_t now) {
    Attempt attempt;
    // Hashed keys: a shared store (Redis) then holds no email addresses.
    attempt.email_key = "login:email:" + sha256_hex(email);
    attempt.address_key = "login:addr:" + std::string(address);
    const RateLimitHit by_email = store_->hit(attempt.email_key, window_, now);
    const RateLimitHit by_address = store_->hit(attempt.address_key, window_, now);
    const bool email_over = static_cast<std::uint64_t>(by_email.count) > per_email_;
    const bool address_over = static_cast<std::uint64_t>(by_address.count) > per_address_;
    if (email_over || address_over) {
        attempt.allowed = false;
        std::int64_t until = 0;
        if (email_over) until = std::max(until, by_email.resets_at);
        if (address_over) until = std::max(until, by_address.resets_at);
        attempt.retry_after = std::max<std::int64_t>(1, until - now);
    }
    return attempt;
}

void LoginRateLimiter::succeeded(const Attempt& attempt, std::int64_t now) {
    store_->release(attempt.email_key, now);
    store_->release(attempt.address_key, now);
}

}  // namespace signet::server
