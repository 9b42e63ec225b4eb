// Refresh tokens in PostgreSQL. A rotation locks the old token's row (SELECT ... FOR UPDATE) for
// its whole transaction: concurrent rotations of one token queue on that lock, and under READ
// COMMITTED each later one re-reads the row after the previous commit (docs, 13.2.1 "Read
// Committed Isolation Level"), so exactly one sees it live (RFC 9700 §4.14.2 reuse detection).
#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

constexpr Sql kSelect{
    "refresh_select",
    "SELECT t.token_hash, t.family_id, t.user_id, t.issued_at, t.expires_at, "
    "t.used_at IS NOT NULL, f.revoked_at IS NOT NULL, f.password_generation, f.created_at, "
    "f.client_id, f.scope, f.auth_time FROM refresh_tokens AS t JOIN refresh_families AS f ON "
    "f.family_id = t.family_id "
    "WHERE t.token_hash = $1"};
constexpr Sql kLockToken{"refresh_lock_token",
                         "SELECT family_id, user_id, expires_at, used_at IS NOT NULL "
                         "FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE"};
// A statement of its own after the lock, so it sees a revocation committed by whoever held the
// lock before (a join in the locking statement would keep the family row of the older snapshot).
constexpr Sql kFamilyRevoked{
    "refresh_family_revoked",
    "SELECT revoked_at IS NOT NULL FROM refresh_families WHERE family_id = $1"};
constexpr Sql kInsertFamily{
    "refresh_insert_family",
    "INSERT INTO refresh_families (family_id, user_id, created_at, revoked_at, "
    "password_generation, client_id, scope, auth_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
constexpr Sql kInsertToken{"refresh_insert_token",
                           "INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, "
                           "expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Sql kSpend{"refresh_spend",
                     "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS "
                     "NULL"};
// COALESCE keeps the time of the first revocation.
constexpr Sql kRevokeFamily{"refresh_revoke_family",
                            "UPDATE refresh_families SET revoked_at = COALESCE(revoked_at, $1) "
                            "WHERE family_id = $2"};
constexpr Sql kRevokeUser{"refresh_revoke_user",
                          "UPDATE refresh_families SET revoked_at = $1 "
                          "WHERE user_id = $2 AND revoked_at IS NULL"};
constexpr Sql kRevokeClient{"refresh_revoke_client",
                            "UPDATE refresh_families SET revoked_at = $1 "
                            "WHERE client_id = $2 AND revoked_at IS NULL"};
constexpr Sql kPurgeTokens{"refresh_purge_tokens",
                           "DELETE FROM refresh_tokens WHERE expires_at < $1"};
// A family with no token left can never be presented again; it goes too.
constexpr Sql kPurgeFamilies{"refresh_purge_families",
                             "DELETE FROM refresh_families AS f WHERE NOT EXISTS "
                             "(SELECT 1 FROM refresh_tokens AS t WHERE t.family_id = f.family_id)"};

RefreshTokenRecord read_record(const Result& result) {
    return RefreshTokenRecord{.token_hash = result.text(0, 0),
                              .family_id = result.text(0, 1),
                              .user_id = result.text(0, 2),
                              .issued_at = result.integer(0, 3),
                              .expires_at = result.integer(0, 4),
                              .used = result.boolean(0, 5),
                              .revoked = result.boolean(0, 6),
                              .password_generation = result.integer(0, 7),
                              .family_created_at = result.integer(0, 8),
                              .client_id = result.text(0, 9),
                              .scope = result.text(0, 10),
                              .auth_time = result.integer(0, 11)};
}

void insert_token(Connection& c, std::string_view token_hash, std::string_view family_id,
                  std::string_view user_id, std::int64_t issued_at, std::int64_t expires_at,
                  std::optional<std::int64_t> used_at) {
    c.run(kInsertToken, {param(token_hash), param(family_id), param(user_id), param(issued_at),
                         param(expires_at), param(used_at)});
}

}  // namespace

void PostgresRefreshTokenStore::insert(const RefreshTokenRecord& record) {
    pool_->transaction([&](Connection& c) {
        c.run(kInsertFamily,
              {param(record.family_id), param(record.user_id), param(record.issued_at),
               param(record.revoked ? std::optional(record.issued_at) : std::nullopt),
               param(record.password_generation), param(record.client_id), param(record.scope),
               param(record.auth_time)});
        insert_token(c, record.token_hash, record.family_id, record.user_id, record.issued_at,
                     record.expires_at,
                     record.used ? std::optional(record.issued_at) : std::nullopt);
    });
}

std::optional<RefreshTokenRecord> PostgresRefreshTokenStore::find(std::string_view token_hash) {
    return pool_->run([&](Connection& c) -> std::optional<RefreshTokenRecord> {
        const Result result = c.run(kSelect, {param(token_hash)});
        if (result.rows() == 0) return std::nullopt;
        return read_record(result);
    });
}

RotateResult PostgresRefreshTokenStore::rotate(std::string_view old_hash,
                                               std::string_view next_hash,
                                               std::int64_t next_expires_at, std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        RotateResult result;
        const Result old = c.run(kLockToken, {param(old_hash)});
        if (old.rows() == 0) return result;  // not_found
        result.family_id = old.text(0, 0);
        result.user_id = old.text(0, 1);
        const std::int64_t expires_at = old.integer(0, 2);
        const bool used = old.boolean(0, 3);
        const Result family = c.run(kFamilyRevoked, {param(result.family_id)});
        const bool revoked = family.rows() > 0 && family.boolean(0, 0);

        // The SQLite engine's order: a revoked family stays revoked whatever the token; a spent
        // token presented again means two parties hold the family, so it is revoked even when
        // that token has expired since.
        if (revoked) {
            result.outcome = RotateOutcome::revoked;
        } else if (used) {
            c.run(kRevokeFamily, {param(now), param(result.family_id)});
            result.outcome = RotateOutcome::reused;
        } else if (now >= expires_at) {
            result.outcome = RotateOutcome::expired;
        } else {
            if (c.run(kSpend, {param(now), param(old_hash)}).affected() != 1)
                throw StoreError("postgres: refresh token changed during rotation");
            insert_token(c, next_hash, result.family_id, result.user_id, now, next_expires_at,
                         std::nullopt);
            result.outcome = RotateOutcome::rotated;
        }
        return result;
    });
}

bool PostgresRefreshTokenStore::revoke_family(std::string_view family_id, std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        return c.run(kRevokeFamily, {param(now), param(family_id)}).affected() > 0;
    });
}

std::size_t PostgresRefreshTokenStore::revoke_user(std::string_view user_id, std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        return static_cast<std::size_t>(
            c.run(kRevokeUser, {param(now), param(user_id)}).affected());
    });
}

std::size_t PostgresRefreshTokenStore::revoke_client(std::string_view client_id, std::int64_t now) {
    // The empty id is the first-party API's, never an OAuth client's: it revokes nothing.
    if (client_id.empty()) return 0;
    return pool_->transaction([&](Connection& c) {
        return static_cast<std::size_t>(
            c.run(kRevokeClient, {param(now), param(client_id)}).affected());
    });
}

std::size_t PostgresRefreshTokenStore::purge_expired(std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        const std::int64_t removed = c.run(kPurgeTokens, {param(now)}).affected();
        c.run(kPurgeFamilies);
        return static_cast<std::size_t>(removed);
    });
}

}  // namespace signet::server::postgres
