// Revoked access-token ids in PostgreSQL. The cursor is a transaction id, not a sequence number:
// sequence values are handed out at insert and committed in any order, so a reader that saw 7
// could later miss a 6 committed after it. Each row carries the xid of its last writer; a read
// returns rows from the cursor on and moves the cursor to its snapshot's xmin, below which every
// transaction has ended (docs, 9.26 "Transaction ID and Snapshot Information Functions"). Rows
// from xmin on may be read twice, which the interface allows; none committed is ever skipped.
#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

// A revocation again keeps the later expiry and takes this transaction's xid, so readers whose
// cursor has passed the first write read it again.
constexpr Sql kRevoke{"revocations_revoke",
                      "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) "
                      "ON CONFLICT (jti) DO UPDATE SET "
                      "expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at), "
                      "xid = pg_current_xact_id()"};
// One statement, so the rows and the xmin come from one snapshot (pg_current_snapshot() is the
// statement's snapshot under READ COMMITTED). xid8 has no cast to bigint; text bridges them.
constexpr Sql kChanges{
    "revocations_changes",
    "WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) "
    "SELECT snap.xmin::text::bigint, r.jti, r.expires_at FROM snap "
    "LEFT JOIN revoked_tokens AS r ON r.xid >= $1::text::xid8 AND r.expires_at > $2::bigint"};
constexpr Sql kPurge{"revocations_purge", "DELETE FROM revoked_tokens WHERE expires_at <= $1"};

}  // namespace

void PostgresRevocationStore::revoke(std::string_view jti, std::int64_t expires_at) {
    pool_->transaction([&](Connection& c) { c.run(kRevoke, {param(jti), param(expires_at)}); });
}

std::vector<RevokedToken> PostgresRevocationStore::changes_since(std::int64_t& cursor,
                                                                 std::int64_t now) {
    return pool_->run([&](Connection& c) {
        const Result result =
            c.run(kChanges, {param(std::max<std::int64_t>(cursor, 0)), param(now)});
        std::vector<RevokedToken> fresh;
        for (int row = 0; row < result.rows(); ++row) {
            if (result.is_null(row, 1)) continue;  // the snapshot's row when nothing matched
            fresh.push_back({result.text(row, 1), result.integer(row, 2)});
        }
        if (result.rows() > 0) cursor = std::max(cursor, result.integer(0, 0));
        return fresh;
    });
}

std::size_t PostgresRevocationStore::purge_expired(std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        return static_cast<std::size_t>(c.run(kPurge, {param(now)}).affected());
    });
}

}  // namespace signet::server::postgres
