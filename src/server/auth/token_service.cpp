// Access and refresh tokens.
#include "server/auth/token_service.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "server/auth/identity.hpp"
#include "server/auth/scopes.hpp"
#include "signet/claims.hpp"

namespace signet::server {

TokenService::TokenService(TokenSettings settings, KeyManager& keys, UserStore& users,
                           RefreshTokenStore& refresh_tokens, RevocationList& revocations,
                           http::Metrics& metrics)
    : settings_(std::move(settings)),
      keys_(keys),
      users_(users),
      refresh_tokens_(refresh_tokens),
      revocations_(revocations),
      metrics_(metrics) {}

std::string TokenService::sign_access_token(const User& user, std::int64_t now,
                                            const Grant& grant) {
    // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are required; a first-party login has
    // no OAuth client, so client_id names the issuer's own front door.
    const bool first_party = grant.client_id.empty();
    const std::string_view scope = grant.scope.empty() ? settings_.scope : grant.scope;
    Claims claims;
    claims.set_issuer(settings_.issuer)
        .set_subject(user.id)
        .set_audience(settings_.audience)
        .set("client_id", first_party ? std::string_view("signet") : grant.client_id)
        .set("iat", now)
        .set("exp", now + settings_.access_ttl.count())
        .set_jwt_id(grant.access_token_jti.empty() ? random_token(16) : grant.access_token_jti);
    // An OAuth client sees the email only when it was granted the "email" scope (OIDC Core §5.4).
    if (first_party || has_scope(scope, "email")) claims.set("email", std::string_view(user.email));
    claims.set("scope", scope);
    // RFC 9068 §2.2.1: when the user authenticated.
    if (grant.auth_time != 0) claims.set("auth_time", grant.auth_time);
    Result<std::string> token = keys_.snapshot()->signer.sign(claims);
    if (!token) throw std::runtime_error("signing failed: " + token.error().to_string());
    return std::move(*token);
}

std::int64_t TokenService::refresh_expiry(std::int64_t family_created_at, std::int64_t now) const {
    return std::min(now + settings_.refresh_ttl.count(),
                    family_created_at + settings_.refresh_family_max_lifetime.count());
}

TokenPair TokenService::issue(const User& user, std::int64_t now, const Grant& grant) {
    TokenPair pair;
    pair.access_token = sign_access_token(user, now, grant);
    pair.expires_in = settings_.access_ttl.count();
    pair.refresh_token = random_token(32);
    RefreshTokenRecord record;
    record.token_hash = sha256_hex(pair.refresh_token);
    record.family_id = grant.family_id.empty() ? random_token(16) : grant.family_id;
    record.user_id = user.id;
    record.client_id = grant.client_id;
    record.scope = grant.scope;
    record.auth_time = grant.auth_time;
    record.password_generation = user.password_generation;
    record.issued_at = now;
    record.expires_at = refresh_expiry(now, now);
    pair.refresh_expires_in = record.expires_at - now;
    refresh_tokens_.insert(record);
    metrics_.token_issued();
    return pair;
}

TokenService::RefreshResult TokenService::refresh(std::string_view refresh_token, std::int64_t now,
                                                  std::string_view client_id,
                                                  std::string_view scope) {
    RefreshResult result;
    if (refresh_token.size() > kMaxRefreshTokenLength) return result;
    const std::string old_hash = sha256_hex(refresh_token);
    // A disabled user's tokens stop refreshing; the check comes first so a refused refresh spends
    // nothing.
    std::optional<RefreshTokenRecord> record = refresh_tokens_.find(old_hash);
    // Another client's token is as unknown as no token, and is not spent (RFC 6749 §6).
    if (!record || record->client_id != client_id) return result;
    if (!scopes_within(scope, record->scope)) {
        result.failure = RefreshFailure::scope_exceeded;
        return result;
    }
    std::optional<User> user = users_.find_by_id(record->user_id);
    if (!user || user->disabled) {
        result.failure = RefreshFailure::user_disabled;
        return result;
    }
    // A password change since the family began ends it (OWASP Authentication Cheat Sheet): the
    // change advanced the user's generation in the same write as the new hash.
    if (record->password_generation != user->password_generation) {
        result.failure = RefreshFailure::revoked;
        return result;
    }
    // The family's absolute lifetime: checked here for tokens stored before it was shortened;
    // every later token already expires by then (refresh_expiry).
    if (now >= record->family_created_at + settings_.refresh_family_max_lifetime.count()) {
        result.failure = RefreshFailure::expired;
        return result;
    }
    // Signed before the rotation commits: a signing failure then leaves the old token live
    // instead of spending it without a successor.
    Grant grant{record->client_id, record->scope, record->auth_time, record->family_id, {}};
    Grant access_grant = grant;
    if (!scope.empty()) access_grant.scope = std::string(scope);
    TokenPair pair;
    pair.access_token = sign_access_token(*user, now, access_grant);
    pair.expires_in = settings_.access_ttl.count();
    pair.refresh_token = random_token(32);
    const std::int64_t next_expires_at = refresh_expiry(record->family_created_at, now);
    pair.refresh_expires_in = next_expires_at - now;
    const RotateResult rotated =
        refresh_tokens_.rotate(old_hash, sha256_hex(pair.refresh_token), next_expires_at, now);
    switch (rotated.outcome) {
        case RotateOutcome::rotated: break;
        case RotateOutcome::not_found: result.failure = RefreshFailure::unknown; return result;
        case RotateOutcome::expired: result.failure = RefreshFailure::expired; return result;
        case RotateOutcome::reused: result.failure = RefreshFailure::reused; return result;
        case RotateOutcome::revoked: result.failure = RefreshFailure::revoked; return result;
    }
    metrics_.token_issued();
    result.pair = std::move(pair);
    result.user = std::move(user);
    result.grant = std::move(grant);
    return result;
}

std::optional<RefreshTokenRecord> TokenService::find_refresh_token(std::string_view refresh_token) {
    if (refresh_token.size() > kMaxRefreshTokenLength) return std::nullopt;
    return refresh_tokens_.find(sha256_hex(refresh_token));
}

bool TokenService::refresh_token_active(const RefreshTokenRecord& record, std::int64_t now) {
    if (record.used || record.revoked || record.expires_at <= now) return false;
    if (now >= record.family_created_at + settings_.refresh_family_max_lifetime.count()) {
        return false;
    }
    const std::optional<User> user = users_.find_by_id(record.user_id);
    return user && !user->disabled && user->password_generation == record.password_generation;
}

void TokenService::revoke_family(std::string_view family_id, std::int64_t now) {
    refresh_tokens_.revoke_family(family_id, now);
}

void TokenService::revoke_refresh_token(std::string_view refresh_token, std::string_view user_id,
                                        std::int64_t now) {
    std::optional<RefreshTokenRecord> record = refresh_tokens_.find(sha256_hex(refresh_token));
    if (record && (user_id.empty() || record->user_id == user_id)) {
        refresh_tokens_.revoke_family(record->family_id, now);
    }
}

void TokenService::revoke_access_token(std::string_view jti, std::int64_t expires_at) {
    // Verifiers accept a token until exp + leeway; the revocation must last as long.
    if (!jti.empty()) revocations_.revoke(jti, expires_at + settings_.leeway.count());
}

}  // namespace signet::server
