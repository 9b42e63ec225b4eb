// Revoked access-token ids in SQLite. Writers are serialized (BEGIN IMMEDIATE), so the
// AUTOINCREMENT seq grows in commit order and a cursor on it never skips a revocation.
#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {

void SqliteRevocationStore::revoke(std::string_view jti, std::int64_t expires_at) {
    db_->write([&] {
        // A new seq on every revocation, so that other nodes read a later expiry too.
        auto stmt = db_->prepare(
            "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2) "
            "ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at), "
            "seq = (SELECT max(seq) + 1 FROM revoked_tokens)");
        stmt.bind(1, jti).bind(2, expires_at);
        stmt.run();
    });
}

std::vector<RevokedToken> SqliteRevocationStore::changes_since(std::int64_t& cursor,
                                                               std::int64_t now) {
    std::vector<RevokedToken> fresh;
    db_->read([&] {
        auto stmt = db_->prepare(
            "SELECT seq, jti, expires_at FROM revoked_tokens WHERE seq > ?1 ORDER BY seq");
        stmt.bind(1, cursor);
        while (stmt.step()) {
            cursor = std::max(cursor, stmt.integer(0));
            if (stmt.integer(2) > now) fresh.push_back({stmt.text(1), stmt.integer(2)});
        }
    });
    return fresh;
}

std::size_t SqliteRevocationStore::purge_expired(std::int64_t now) {
    return db_->write([&] {
        auto stmt = db_->prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?1");
        stmt.bind(1, now);
        return static_cast<std::size_t>(stmt.run());
    });
}

}  // namespace signet::server::sqlite
