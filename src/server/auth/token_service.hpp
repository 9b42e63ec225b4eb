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
    std::chrono::seconds refresh_ttl{14 * 24 * 3600};
    std::chrono::seconds leeway{0};  // how long past "exp" verifiers still accept a token
};

struct TokenPair {
    std::string access_token;
    std::int64_t expires_in = 0;
    std::string refresh_token;
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

    TokenSettings settings_;
    KeyManager& keys_;
    UserStore& users_;
    RefreshTokenStore& refresh_tokens_;
    RevocationList& revocations_;
    http::Metrics& metrics_;
};

}  // namespace signet::server
