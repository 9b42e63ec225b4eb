// Code exchange and refresh for OAuth clients.
#include "server/auth/oauth_grants.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "server/auth/authorization_service.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/scopes.hpp"
#include "signet/base64url.hpp"

namespace signet::server {
namespace {

GrantOutcome refused(std::string error, std::string description) {
    GrantOutcome outcome;
    outcome.error = std::move(error);
    outcome.description = std::move(description);
    return outcome;
}

constexpr std::string_view kInvalidCode =
    "The authorization code is invalid, expired, already used, or was issued to another client or "
    "redirect URI.";

}  // namespace

bool valid_code_verifier(std::string_view verifier) {
    return verifier.size() >= 43 && verifier.size() <= 128 &&
           std::all_of(verifier.begin(), verifier.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
           });
}

bool code_verifier_matches(std::string_view verifier, std::string_view challenge) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                       verifier.size());
    const std::string computed =
        base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    return computed.size() == challenge.size() &&
           sodium_memcmp(computed.data(), challenge.data(), computed.size()) == 0;
}

OAuthGrants::OAuthGrants(AuthorizationCodeStore& codes, UserStore& users, TokenService& tokens,
                         const IdTokenIssuer& id_tokens)
    : codes_(codes), users_(users), tokens_(tokens), id_tokens_(id_tokens) {}

GrantOutcome OAuthGrants::exchange_code(const Client& client, const http::FormParams& params,
                                        std::int64_t now) {
    const auto code = params.find("code");
    const auto redirect_uri = params.find("redirect_uri");
    const auto verifier = params.find("code_verifier");
    if (!code) return refused("invalid_request", "\"code\" is required.");
    if (!redirect_uri) return refused("invalid_request", "\"redirect_uri\" is required.");
    if (code->size() > 256) return refused("invalid_grant", std::string(kInvalidCode));
    const std::string key = sha256_hex(*code);
    const RedeemedCode redeemed = codes_.redeem(key, now, now + kRedeemedCodeMemory);
    if (redeemed.outcome == CodeRedemption::unknown) {
        return refused("invalid_grant", std::string(kInvalidCode));
    }
    const AuthorizationCode& record = redeemed.code;
    if (redeemed.outcome == CodeRedemption::replayed) {
        // RFC 6749 §4.1.2: a code used twice revokes the tokens issued on its first use. Only its
        // own client's replay does: another client cannot end the owner's login by replaying a
        // code it saw.
        if (record.client_id == client.id) revoke_issued(record, now);
        return refused("invalid_grant", std::string(kInvalidCode));
    }
    // Bound to the client and the redirect URI it was issued for (RFC 6749 §4.1.3).
    if (record.expires_at <= now || record.client_id != client.id ||
        record.redirect_uri != *redirect_uri) {
        return refused("invalid_grant", std::string(kInvalidCode));
    }
    // PKCE (RFC 7636 §4.6); every code carries a challenge, so no downgrade is possible.
    if (!verifier) return refused("invalid_grant", "\"code_verifier\" is required (PKCE).");
    if (!valid_code_verifier(*verifier) ||
        !code_verifier_matches(*verifier, record.code_challenge)) {
        return refused("invalid_grant", "The code_verifier does not match the code_challenge.");
    }
    return issue_for_code(client, key, record, now);
}

void OAuthGrants::revoke_issued(const AuthorizationCode& code, std::int64_t now) {
    // The access token lives at most access_ttl after the first use, which was before now. A
    // family not stored yet is not missed: its exchange checks for a replay after storing it
    // (issue_for_code), and the replay was marked before this runs.
    tokens_.revoke_access_token(code.access_token_jti, now + tokens_.settings().access_ttl.count());
    tokens_.revoke_family(code.family_id, now);
}

GrantOutcome OAuthGrants::issue_for_code(const Client& client, std::string_view key,
                                         const AuthorizationCode& code, std::int64_t now) {
    const std::optional<User> user = users_.find_by_id(code.user_id);
    if (!user || user->disabled) return refused("invalid_grant", std::string(kInvalidCode));
    OAuthTokens issued;
    issued.scope = code.scope;
    issued.tokens = tokens_.issue(
        *user, now,
        Grant{client.id, code.scope, code.auth_time, code.family_id, code.access_token_jti});
    if (codes_.replayed(key, now)) {
        revoke_issued(code, now);
        return refused("invalid_grant", std::string(kInvalidCode));
    }
    if (has_scope(code.scope, "openid")) {
        issued.id_token =
            id_tokens_.issue(*user,
                             IdTokenClaims{client.id, code.scope, code.nonce, code.auth_time,
                                           issued.tokens.access_token},
                             now);
    }
    GrantOutcome outcome;
    outcome.tokens = std::move(issued);
    return outcome;
}

GrantOutcome OAuthGrants::refresh(const Client& client, const http::FormParams& params,
                                  std::int64_t now) {
    const auto token = params.find("refresh_token");
    if (!token) return refused("invalid_request", "\"refresh_token\" is required.");
    // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
    const std::string_view scope = params.find("scope").value_or("");
    TokenService::RefreshResult result = tokens_.refresh(*token, now, client.id, scope);
    if (!result.pair) {
        if (result.failure == RefreshFailure::scope_exceeded) {
            return refused("invalid_scope", "The scope exceeds what was granted.");
        }
        return refused("invalid_grant", "The refresh token is invalid, expired or revoked.");
    }
    OAuthTokens issued;
    issued.scope = scope.empty() ? result.grant.scope : std::string(scope);
    issued.tokens = std::move(*result.pair);
    // OIDC Core §12.2: a new ID token with the original auth_time, and no nonce.
    if (has_scope(issued.scope, "openid")) {
        issued.id_token = id_tokens_.issue(
            *result.user,
            IdTokenClaims{
                client.id, issued.scope, {}, result.grant.auth_time, issued.tokens.access_token},
            now);
    }
    GrantOutcome outcome;
    outcome.tokens = std::move(issued);
    return outcome;
}

}  // namespace signet::server
