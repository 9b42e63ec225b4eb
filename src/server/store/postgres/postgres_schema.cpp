// The PostgreSQL schema, versioned in schema_migrations (one row per version applied). Each
// version is applied in its own transaction under pg_advisory_xact_lock, so of several nodes
// opening one database together, one migrates and the others find the work done (docs, 9.27.10
// "Advisory Lock Functions"; DDL is transactional in PostgreSQL).
#include <string>

#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

// Any constant shared by every build: it names "signet's migration" among advisory locks.
constexpr const char* kMigrationLockKey = "7374690142";

// Version 1: the tables of the SQLite engine's version 1. Times are Unix seconds (BIGINT); `seq`
// keeps insertion order where SQLite uses its rowid. A refresh family is the chain of tokens
// issued by rotation from one login (RFC 9700 §4.14.2); revoking it revokes every token in it.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE refresh_families (
    family_id  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX refresh_families_by_user ON refresh_families (user_id);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES refresh_families (family_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    private_jwk TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql";

// Version 2: revoked access-token ids. `xid` is the id of the transaction that last wrote the row
// (pg_current_xact_id, docs 9.26 "Transaction ID and Snapshot Information Functions"): readers
// resume from a snapshot's xmin, which no transaction still running can be below, so a row that
// commits late is never skipped the way a sequence number committed out of order would be.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_by_xid ON revoked_tokens (xid);
)sql";

// Version 3: a key is announced before it signs (published from created_at, signing from
// activates_at; NULL for older rows: their creation), and a compromised key is revoked.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT;
ALTER TABLE signing_keys ADD COLUMN revoked_at BIGINT;
)sql";

// Version 4: a user's password generation counts password changes, and a refresh family keeps
// the one it began under, so a change ends the families of before in the same write that stores
// the new hash. Rows from before start at 0, alike on both sides.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE users ADD COLUMN password_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refresh_families ADD COLUMN password_generation BIGINT NOT NULL DEFAULT 0;
)sql";

// Version 5: a refresh family records its grant: the OAuth client it was issued to (empty for the
// first-party API), the granted scopes and when the user authenticated. Families from before
// were all first-party: client '', no scope, auth_time 0 (not recorded).
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE refresh_families ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_families ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_families ADD COLUMN auth_time BIGINT NOT NULL DEFAULT 0;
CREATE INDEX refresh_families_by_client ON refresh_families (client_id);
)sql";

// Version 6: OAuth clients registered by an administrator. A client's redirect URIs (purpose
// 'redirect') and post-logout redirect URIs ('post_logout') are rows of their own, numbered in
// the order they were given, and go with the client.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE clients (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE client_uris (
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    purpose   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    uri       TEXT NOT NULL,
    PRIMARY KEY (client_id, purpose, position)
);
)sql";

constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3,
                                       kSchemaV4, kSchemaV5, kSchemaV6};
static_assert(std::size(kMigrations) == kSchemaVersion);

// Applies the next version when one is due; false when the database is up to date.
bool migrate_one_step(Pool& pool) {
    return pool.transaction([&](Connection& c) {
        c.exec("SELECT pg_advisory_xact_lock($1::bigint)", {std::string(kMigrationLockKey)});
        c.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        const Result current = c.exec("SELECT COALESCE(max(version), 0) FROM schema_migrations");
        const std::int64_t version = current.integer(0, 0);
        if (version > kSchemaVersion) {
            throw StoreError("postgres: the database schema version " + std::to_string(version) +
                             " is newer than this build supports (" +
                             std::to_string(kSchemaVersion) + ")");
        }
        if (version == kSchemaVersion) return false;
        c.exec(kMigrations[version]);
        c.exec("INSERT INTO schema_migrations (version) VALUES ($1::integer)",
               {std::to_string(version + 1)});
        return true;
    });
}

}  // namespace

void migrate(Pool& pool) {
    while (migrate_one_step(pool)) {
    }
}

}  // namespace signet::server::postgres
