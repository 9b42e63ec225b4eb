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

// What a login grants. The first-party API (/v1/login) has no OAuth client: an empty client_id,
// the configured scope, every claim. An OAuth client gets what it was granted (RFC 6749 §3.3).
struct Grant {
    std::string client_id;  // empty: the first-party API
    std::string scope;      // space-separated; empty: TokenSettings::scope
    std::int64_t auth_time = 0;
    // Chosen in advance by an authorization code, so that a replayed code can revoke exactly what
    // its first exchange issued (RFC 6749 §4.1.2); empty: random.
    std::string family_id;
    std::string access_token_jti;
};

enum class RefreshFailure { unknown, expired, reused, revoked, user_disabled, scope_exceeded };

// Refresh tokens are 32 random bytes in base64url (43 characters); anything much longer is not
// one and is refused before it is hashed or looked up.
inline constexpr std::size_t kMaxRefreshTokenLength = 256;

class TokenService {
  public:
    TokenService(TokenSettings settings, KeyManager& keys, UserStore& users,
                 RefreshTokenStore& refresh_tokens, RevocationList& revocations,
                 http::Metrics& metrics);

    // A fresh access token and the first refresh token of a new family.
    TokenPair issue(const User& user, std::int64_t now, const Grant& grant = {});
    // Rotates `refresh_token` when its family was issued to `client_id` (empty: the first-party
    // API; a token of another client is unknown, RFC 6749 §6): a new pair, or why not. With
    // `scope`, the new access token carries only those scopes; scopes beyond the family's grant
    // are scope_exceeded and spend nothing (§6: never wider).
    struct RefreshResult {
        std::optional<TokenPair> pair;
        RefreshFailure failure = RefreshFailure::unknown;
        std::optional<User> user;  // with the pair
        Grant grant;               // the family's grant, with the pair
    };
    RefreshResult refresh(std::string_view refresh_token, std::int64_t now,
                          std::string_view client_id = {}, std::string_view scope = {});
    // The stored record of a refresh token (nullopt when unknown or longer than
    // kMaxRefreshTokenLength), for revocation and introspection by OAuth clients.
    std::optional<RefreshTokenRecord> find_refresh_token(std::string_view refresh_token);
    // Whether the record's family still refreshes at `now`: not spent, revoked or expired, its user
    // enabled and the password unchanged since it began.
    bool refresh_token_active(const RefreshTokenRecord& record, std::int64_t now);
    // Revokes a family by id (a replayed authorization code).
    void revoke_family(std::string_view family_id, std::int64_t now);
    // Revokes the family of `refresh_token` when it belongs to `user_id` (any user when empty:
    // holding the token proves the right to end it, RFC 7009 §2.1).
    void revoke_refresh_token(std::string_view refresh_token, std::string_view user_id,
                              std::int64_t now);
    // The access token's id is refused until it expires.
    void revoke_access_token(std::string_view jti, std::int64_t expires_at);

    const TokenSettings& settings() const noexcept { return settings_; }

  private:
    std::string sign_access_token(const User& user, std::int64_t now, const Grant& grant);
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
