// Refresh tokens in SQLite. Rotation and reuse detection (RFC 9700 §4.14.2) run in one IMMEDIATE
// transaction, so of many concurrent rotations of one token, in any number of processes, exactly
// one sees it live.
#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {
namespace {

constexpr const char* kSelectToken =
    "SELECT t.token_hash, t.family_id, t.user_id, t.issued_at, t.expires_at, "
    "t.used_at IS NOT NULL, f.revoked_at IS NOT NULL, f.password_generation, f.created_at, "
    "f.client_id, f.scope, f.auth_time FROM refresh_tokens AS t JOIN refresh_families AS f ON "
    "f.family_id = t.family_id "
    "WHERE t.token_hash = ?1";

RefreshTokenRecord read_record(const Statement& stmt) {
    RefreshTokenRecord record;
    record.token_hash = stmt.text(0);
    record.family_id = stmt.text(1);
    record.user_id = stmt.text(2);
    record.issued_at = stmt.integer(3);
    record.expires_at = stmt.integer(4);
    record.used = stmt.integer(5) != 0;
    record.revoked = stmt.integer(6) != 0;
    record.password_generation = stmt.integer(7);
    record.family_created_at = stmt.integer(8);
    record.client_id = stmt.text(9);
    record.scope = stmt.text(10);
    record.auth_time = stmt.integer(11);
    return record;
}

std::optional<RefreshTokenRecord> select_token(Database& db, std::string_view token_hash) {
    auto stmt = db.prepare(kSelectToken);
    stmt.bind(1, token_hash);
    if (!stmt.step()) return std::nullopt;
    return read_record(stmt);
}

void insert_token(Database& db, std::string_view token_hash, std::string_view family_id,
                  std::string_view user_id, std::int64_t issued_at, std::int64_t expires_at,
                  std::optional<std::int64_t> used_at) {
    auto stmt = db.prepare(
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at, "
        "used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    stmt.bind(1, token_hash)
        .bind(2, family_id)
        .bind(3, user_id)
        .bind(4, issued_at)
        .bind(5, expires_at)
        .bind(6, used_at);
    stmt.run();
}

bool revoke_family_in(Database& db, std::string_view family_id, std::int64_t now) {
    // COALESCE keeps the time of the first revocation.
    auto stmt = db.prepare(
        "UPDATE refresh_families SET revoked_at = COALESCE(revoked_at, ?1) WHERE family_id = ?2");
    stmt.bind(1, now).bind(2, family_id);
    return stmt.run() > 0;
}

}  // namespace

void SqliteRefreshTokenStore::insert(const RefreshTokenRecord& record) {
    db_->write([&] {
        auto family = db_->prepare(
            "INSERT INTO refresh_families (family_id, user_id, created_at, revoked_at, "
            "password_generation, client_id, scope, auth_time) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        family.bind(1, record.family_id)
            .bind(2, record.user_id)
            .bind(3, record.issued_at)
            .bind(4, record.revoked ? std::optional(record.issued_at) : std::nullopt)
            .bind(5, record.password_generation)
            .bind(6, record.client_id)
            .bind(7, record.scope)
            .bind(8, record.auth_time);
        family.run();
        insert_token(*db_, record.token_hash, record.family_id, record.user_id, record.issued_at,
                     record.expires_at,
                     record.used ? std::optional(record.issued_at) : std::nullopt);
    });
}

std::optional<RefreshTokenRecord> SqliteRefreshTokenStore::find(std::string_view token_hash) {
    return db_->read([&] { return select_token(*db_, token_hash); });
}

RotateResult SqliteRefreshTokenStore::rotate(std::string_view old_hash, std::string_view next_hash,
                                             std::int64_t next_expires_at, std::int64_t now) {
    return db_->write([&] {
        RotateResult result;
        const auto old = select_token(*db_, old_hash);
        if (!old) return result;  // not_found
        result.user_id = old->user_id;
        result.family_id = old->family_id;

        // Checked in this order: a revoked family stays revoked whatever the token; a spent
        // token presented again means two parties hold the family, so it is revoked even
        // when that token has expired since.
        if (old->revoked) {
            result.outcome = RotateOutcome::revoked;
        } else if (old->used) {
            revoke_family_in(*db_, old->family_id, now);
            result.outcome = RotateOutcome::reused;
        } else if (now >= old->expires_at) {
            result.outcome = RotateOutcome::expired;
        } else {
            auto spend = db_->prepare(
                "UPDATE refresh_tokens SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL");
            spend.bind(1, now).bind(2, old_hash);
            if (spend.run() != 1) throw StoreError("sqlite: refresh token changed during rotation");
            insert_token(*db_, next_hash, old->family_id, old->user_id, now, next_expires_at,
                         std::nullopt);
            result.outcome = RotateOutcome::rotated;
        }
        return result;
    });
}

bool SqliteRefreshTokenStore::revoke_family(std::string_view family_id, std::int64_t now) {
    return db_->write([&] { return revoke_family_in(*db_, family_id, now); });
}

std::size_t SqliteRefreshTokenStore::revoke_user(std::string_view user_id, std::int64_t now) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "UPDATE refresh_families SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS "
            "NULL");
        stmt.bind(1, now).bind(2, user_id);
        return static_cast<std::size_t>(stmt.run());
    });
}

std::size_t SqliteRefreshTokenStore::revoke_client(std::string_view client_id, std::int64_t now) {
    // The empty id is the first-party API's, never an OAuth client's: it revokes nothing.
    if (client_id.empty()) return 0;
    return db_->write([&] {
        auto stmt = db_->prepare(
            "UPDATE refresh_families SET revoked_at = ?1 WHERE client_id = ?2 AND revoked_at IS "
            "NULL");
        stmt.bind(1, now).bind(2, client_id);
        return static_cast<std::size_t>(stmt.run());
    });
}

std::size_t SqliteRefreshTokenStore::purge_expired(std::int64_t now) {
    return db_->write([&] {
        auto tokens = db_->prepare("DELETE FROM refresh_tokens WHERE expires_at < ?1");
        tokens.bind(1, now);
        const auto removed = tokens.run();
        // A family with no token left can never be presented again; drop it too so the table
        // does not grow with every login.
        db_->prepare(
               "DELETE FROM refresh_families WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens AS t "
               "WHERE t.family_id = refresh_families.family_id)")
            .run();
        return static_cast<std::size_t>(removed);
    });
}

}  // namespace signet::server::sqlite
