// Login throttling over the RateLimitStore.
#include "server/auth/login_rate_limiter.hpp"

#include <algorithm>
#include <utility>

#include "server/auth/identity.hpp"

#include <boost/asio/ip/address.hpp>

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
    const std::string client = client_key(address);
    attempt.address_key = "login:addr:" + client;
    const RateLimitHit by_address = store_->hit(attempt.address_key, window_, now);
    if (static_cast<std::uint64_t>(by_address.count) > per_address_) {
        attempt.allowed = false;
        attempt.retry_after = std::max<std::int64_t>(1, by_address.resets_at - now);
        return attempt;
    }
    // Hashed: a shared store (Redis) then holds no email addresses.
    attempt.pair_key = "login:pair:" + sha256_hex(std::string(email) + '\n' + client);
    const RateLimitHit by_pair = store_->hit(attempt.pair_key, window_, now);
    if (static_cast<std::uint64_t>(by_pair.count) > per_email_) {
        attempt.allowed = false;
        attempt.retry_after = std::max<std::int64_t>(1, by_pair.resets_at - now);
    }
    return attempt;
}

void LoginRateLimiter::succeeded(const Attempt& attempt, std::int64_t now) {
    store_->release(attempt.address_key, now);
    if (!attempt.pair_key.empty()) store_->release(attempt.pair_key, now);
}

std::string LoginRateLimiter::client_key(std::string_view address) {
    boost::system::error_code ec;
    const auto parsed = boost::asio::ip::make_address(std::string(address), ec);
    if (ec || !parsed.is_v6() || parsed.to_v6().is_v4_mapped()) return std::string(address);
    auto bytes = parsed.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace signet::server
