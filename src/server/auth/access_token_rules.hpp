// What makes an access token acceptable (RFC 9068 §4) and what a verified one says about its user:
// the same rules on an issuing node (its own keys) and on a verify-only node (the issuer's JWKS).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "server/auth/principal.hpp"
#include "server/auth/verified_token_cache.hpp"
#include "signet/claims.hpp"
#include "signet/jwt.hpp"

namespace signet::server {

// typ "at+jwt" (RFC 9068 §4: only access tokens are accepted as such), exactly this "iss", an
// "aud" holding `audience`, and the claims RFC 9068 §2.2 requires. Keys are the caller's to add.
VerifierOptions access_token_verifier_options(const std::string& issuer,
                                              const std::string& audience,
                                              std::chrono::seconds leeway);

// The user a verified token names, or nullopt when a required claim has the wrong type.
std::optional<CachedToken> token_identity(const Claims& verified);

// The token's "scope" holds every scope of `required` (space-separated; empty: any token). The
// first-party API and forward auth serve only tokens granted the deployment's scope, so a token an
// OAuth client was granted for other scopes ("openid" alone) opens nothing else (RFC 6750 §3.1).
bool grants_scope(const Claims& verified, std::string_view required);

// The principal of a request that carried a verified access token.
Principal access_token_principal(CachedToken identity, bool via_cookie);

}  // namespace signet::server
