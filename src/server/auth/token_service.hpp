// Issues RFC 9068 access tokens and opaque refresh tokens, rotates refresh tokens with reuse
// detection, and revokes them (logout, password change).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/auth/key_manager.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/http/metrics.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct TokenSettings {
    std::string issuer;
    std::string audience;
    std::string scope;
    std::chrono::seconds access_ttl{900};
    std::chrono::seconds refresh_ttl{14 * 24 * 3600};  // each refresh token's own lifetime
    // A family ends this long after its login however often it rotates: no token of it expires
    // later (RFC 9700 §4.14.2 lets a refresh token expire; a family must not live forever).
    std::chrono::seconds refresh_family_max_lifetime{30 * 24 * 3600};
    std::chrono::seconds leeway{0};  // how long past "exp" verifiers still accept a token
};

struct TokenPair {
    std::string access_token;
    std::int64_t expires_in = 0;
    std::string refresh_token;
    std::int64_t refresh_expires_in = 0;  // seconds until the refresh token expires
};

enum class RefreshFailure { unknown, expired, reused, revoked, user_disabled };

class TokenService {
  public:
    TokenService(TokenSettings settings, KeyManager& keys, UserStore& users,
                 RefreshTokenStore& refresh_tokens, RevocationList& revocations,
                 http::Metrics& metrics);

    // A fresh access token and the first refresh token of a new family.
    TokenPair issue(const User& user, std::int64_t now);
    // Rotates `refresh_token`: a new pair, or why not.
    struct RefreshResult {
        std::optional<TokenPair> pair;
        RefreshFailure failure = RefreshFailure::unknown;
    };
    RefreshResult refresh(std::string_view refresh_token, std::int64_t now);
    // Revokes the family of `refresh_token` when it belongs to `user_id` (any user when empty:
    // holding the token proves the right to end it, RFC 7009 §2.1).
    void revoke_refresh_token(std::string_view refresh_token, std::string_view user_id,
                              std::int64_t now);
    // The access token's id is refused until it expires.
    void revoke_access_token(std::string_view jti, std::int64_t expires_at);

    const TokenSettings& settings() const noexcept { return settings_; }

  private:
    std::string sign_access_token(const User& user, std::int64_t now);
    // When a refresh token issued at `now` in a family begun at `family_created_at` expires.
    std::int64_t refresh_expiry(std::int64_t family_created_at, std::int64_t now) const;

    TokenSettings settings_;
    KeyManager& keys_;
    UserStore& users_;
    RefreshTokenStore& refresh_tokens_;
    RevocationList& revocations_;
    http::Metrics& metrics_;
};

}  // namespace signet::server
