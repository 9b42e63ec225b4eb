// The token endpoint's grants for OAuth clients (RFC 6749 §4.1.3 authorization_code with PKCE,
// RFC 7636 §4.6; §6 refresh_token), with the ID token of OIDC Core §3.1.3.3 and §12.2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/auth/id_token_issuer.hpp"
#include "server/auth/token_service.hpp"
#include "server/http/form.hpp"
#include "server/store/authorization_code_store.hpp"
#include "server/store/client_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct OAuthTokens {
    TokenPair tokens;
    std::string id_token;  // when the grant holds "openid"
    std::string scope;     // what the access token was granted
};

struct GrantOutcome {
    std::optional<OAuthTokens> tokens;
    std::string error;  // RFC 6749 §5.2 code, without tokens
    std::string description;
};

class OAuthGrants {
  public:
    OAuthGrants(AuthorizationCodeStore& codes, UserStore& users, TokenService& tokens,
                const IdTokenIssuer& id_tokens);

    // grant_type=authorization_code for the authenticated `client`.
    GrantOutcome exchange_code(const Client& client, const http::FormParams& params,
                               std::int64_t now);
    // The second half of an exchange, once the code stored under `key` was redeemed first and
    // checked: the tokens, unless a replay of the code came meanwhile, in which case what was just
    // issued is revoked (a concurrent replay could not find it yet).
    GrantOutcome issue_for_code(const Client& client, std::string_view key,
                                const AuthorizationCode& code, std::int64_t now);
    // grant_type=refresh_token for the authenticated `client`.
    GrantOutcome refresh(const Client& client, const http::FormParams& params, std::int64_t now);

  private:
    // Revokes what the code's exchange issued (or will issue: the ids were chosen with the code).
    void revoke_issued(const AuthorizationCode& code, std::int64_t now);

    AuthorizationCodeStore& codes_;
    UserStore& users_;
    TokenService& tokens_;
    const IdTokenIssuer& id_tokens_;
};

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool valid_code_verifier(std::string_view verifier);
// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge (compared in constant time).
bool code_verifier_matches(std::string_view verifier, std::string_view challenge);

}  // namespace signet::server
