// Authorization codes (RFC 6749 §4.1.2) between the redirect and the code exchange: short-lived,
// single-use, and shared by every node (memory on one node, Redis when several share the
// sessions). Keys are the hex SHA-256 of the code. An unused code is forgotten when it expires, so
// codes nobody redeems cost nothing for long; a redeemed one is kept, marked used, until the
// `remember_until` of its first redemption, so that a second use is recognised and can revoke what
// the first use issued.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signet::server {

struct AuthorizationCode {
    std::string client_id;
    std::string redirect_uri;  // as sent in the authorization request; the exchange must repeat it
    std::string user_id;
    std::string scope;           // granted scopes, space-separated
    std::string nonce;           // OIDC Core §3.1.2.1; empty when none was sent
    std::string code_challenge;  // PKCE S256 challenge (RFC 7636 §4.2)
    std::int64_t auth_time = 0;  // when the user authenticated (OIDC Core §2)
    std::int64_t expires_at =
        0;  // Unix seconds; at most 60 s after issue, when it is forgotten unused
    // Chosen when the code is issued, used by its exchange: a replay revokes exactly these.
    std::string family_id;         // the refresh family the exchange begins
    std::string access_token_jti;  // the "jti" of the access token the exchange issues
};

enum class CodeRedemption {
    first,     // the code was unused and is now spent: exchange it
    replayed,  // the code had been redeemed before (the record is returned)
    unknown,   // no such code (never issued, or past keep_until)
};

struct RedeemedCode {
    CodeRedemption outcome = CodeRedemption::unknown;
    AuthorizationCode code;  // unless unknown
};

class AuthorizationCodeStore {
  public:
    virtual ~AuthorizationCodeStore() = default;

    // Stores a new, unused code issued at `now`.
    virtual void put(std::string_view key, const AuthorizationCode& code, std::int64_t now) = 0;
    // Atomically marks the code used (also across nodes): of concurrent calls with one key,
    // exactly one returns `first`, and from then the record is kept until `remember_until`. Every
    // later call returns `replayed` and marks the code replayed. An unused code at or past its
    // expires_at is unknown.
    virtual RedeemedCode redeem(std::string_view key, std::int64_t now,
                                std::int64_t remember_until) = 0;
    // Whether the code was redeemed again after its first redemption: the first exchange asks
    // once it has issued, to revoke what a concurrent replay could not find yet.
    virtual bool replayed(std::string_view key, std::int64_t now) = 0;
};

}  // namespace signet::server
