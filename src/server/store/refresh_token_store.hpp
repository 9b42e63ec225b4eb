// Refresh tokens, stored only as hashes, grouped in families: each rotation adds the next token to
// the family of the one it replaces, and reuse of a spent token revokes the whole family
// (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signet::server {

struct RefreshTokenRecord {
    std::string token_hash;  // hex SHA-256 of the opaque token; the token itself is never stored
    std::string family_id;
    std::string user_id;
    std::int64_t issued_at = 0;   // Unix seconds
    std::int64_t expires_at = 0;  // Unix seconds
    bool used = false;            // spent by a rotation
    bool revoked = false;         // its family was revoked
    // The user's password generation when the family began, kept by every rotation: the family
    // stops refreshing once the user's password changes (User::password_generation).
    std::int64_t password_generation = 0;
    // When the family began (its first token's issued_at; set by find, ignored by insert): the
    // family's absolute lifetime runs from here however often it rotates.
    std::int64_t family_created_at = 0;
    // The family's grant, set by insert and kept by every rotation. client_id is empty for the
    // first-party API (/v1/login); otherwise the OAuth client the family was issued to, which
    // alone may refresh or revoke it (RFC 6749 §6, RFC 7009 §2.1).
    std::string client_id;
    std::string scope;           // the granted scopes, space-separated
    std::int64_t auth_time = 0;  // when the user authenticated (OIDC Core §2); 0: not recorded
};

enum class RotateOutcome {
    rotated,    // the old token was live; it is now spent and the next one is stored
    not_found,  // no such token
    expired,    // the old token expired
    reused,     // the old token was already spent: its family is now revoked
    revoked,    // the family had been revoked before
};

struct RotateResult {
    RotateOutcome outcome = RotateOutcome::not_found;
    std::string user_id;    // set unless not_found
    std::string family_id;  // set unless not_found
};

class RefreshTokenStore {
  public:
    virtual ~RefreshTokenStore() = default;

    // Stores the first token of a new family (record.family_id is new) and the family's
    // password generation.
    virtual void insert(const RefreshTokenRecord& record) = 0;
    virtual std::optional<RefreshTokenRecord> find(std::string_view token_hash) = 0;
    // Atomically (one transaction, also across processes sharing the database): when the token
    // `old_hash` is live, marks it spent and stores `next_hash` in the same family with
    // `next_expires_at`. When it was already spent, revokes its family. Of many concurrent calls
    // with the same old token, exactly one returns `rotated`.
    virtual RotateResult rotate(std::string_view old_hash, std::string_view next_hash,
                                std::int64_t next_expires_at, std::int64_t now) = 0;
    // Revokes every token of the family; false when there is no such family.
    virtual bool revoke_family(std::string_view family_id, std::int64_t now) = 0;
    // Revokes every family of the user; returns how many families were live.
    virtual std::size_t revoke_user(std::string_view user_id, std::int64_t now) = 0;
    // Revokes every family issued to the OAuth client (the client was removed); returns how many
    // families were live.
    virtual std::size_t revoke_client(std::string_view client_id, std::int64_t now) = 0;
    // Deletes tokens that expired before `now`; returns how many.
    virtual std::size_t purge_expired(std::int64_t now) = 0;
};

}  // namespace signet::server
