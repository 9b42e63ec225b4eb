// OpenID Connect ID tokens (OIDC Core §2): signed with the deployment's current key under "typ"
// JWT, so no access-token verifier (which requires at+jwt, RFC 9068 §2.1) ever accepts one.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/auth/key_manager.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct IdTokenClaims {
    std::string_view client_id;     // "aud" (OIDC Core §2)
    std::string_view scope;         // "email" adds email and email_verified (§5.4)
    std::string_view nonce;         // echoed when the authorization request sent one (§3.1.2.1)
    std::int64_t auth_time = 0;     // when the user authenticated
    std::string_view access_token;  // issued beside it: "at_hash" (§3.1.3.6)
};

class IdTokenIssuer {
  public:
    IdTokenIssuer(KeyManager& keys, std::string issuer, std::chrono::seconds ttl);

    // Throws std::runtime_error when signing fails (a broken key), like access tokens.
    std::string issue(const User& user, const IdTokenClaims& claims, std::int64_t now) const;

  private:
    KeyManager& keys_;
    std::string issuer_;
    std::int64_t ttl_;
};

// The left half of the hash of `access_token` under the hash of the signing algorithm, base64url
// (OIDC Core §3.1.3.6 at_hash). EdDSA: SHA-512 for Ed25519, SHAKE256 with 114 bytes for Ed448,
// as OpenID Foundation's conformance suite computes it.
std::string access_token_hash(Algorithm alg, Curve curve, std::string_view access_token);

}  // namespace signet::server
