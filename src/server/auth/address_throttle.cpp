// Per-address request limits over the rate-limit store.
#include "server/auth/address_throttle.hpp"

#include <algorithm>
#include <utility>

#include "server/auth/login_rate_limiter.hpp"

namespace signet::server {

AddressThrottle::AddressThrottle(std::shared_ptr<RateLimitStore> store, std::string name,
                                 std::uint64_t limit, std::chrono::seconds window)
    : store_(std::move(store)),
      prefix_(std::move(name) + ":addr:"),
      limit_(limit),
      window_(window.count()) {}

std::optional<std::int64_t> AddressThrottle::hit(std::string_view address, std::int64_t now) {
    const RateLimitHit hit =
        store_->hit(prefix_ + LoginRateLimiter::client_key(address), window_, now);
    if (static_cast<std::uint64_t>(hit.count) <= limit_) return std::nullopt;
    return std::max<std::int64_t>(1, hit.resets_at - now);
}

}  // namespace signet::server
