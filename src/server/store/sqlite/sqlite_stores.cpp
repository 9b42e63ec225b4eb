// Opening the embedded database: the schema (versioned with PRAGMA user_version) and the stores
// over one shared connection.
#include "server/store/sqlite/sqlite_stores.hpp"

#include <string>

#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server {
namespace sqlite {
namespace {

constexpr std::int64_t kSchemaVersion = 6;

// Version 1. Times are Unix seconds. A refresh family is the chain of tokens issued by rotation
// from one login (RFC 9700 §4.14.2); revoking it revokes every token in it.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE TABLE refresh_families (
    family_id  TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX refresh_families_by_user ON refresh_families (user_id);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family_id  TEXT NOT NULL REFERENCES refresh_families (family_id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    private_jwk TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER
);
CREATE TABLE settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";

// Version 2: revoked access-token ids, shared by every node so that a logout holds everywhere and
// across restarts. seq orders them, so nodes read only what is new since their last look.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE revoked_tokens (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    jti        TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
PRAGMA user_version = 2;
)sql";

// Version 3: a key is announced before it signs (published from created_at, signing from
// activates_at; NULL for older rows: their creation), and a compromised key is revoked.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER;
ALTER TABLE signing_keys ADD COLUMN revoked_at INTEGER;
PRAGMA user_version = 3;
)sql";

// Version 4: a user's password generation counts password changes, and a refresh family keeps
// the one it began under, so a change ends the families of before in the same write that stores
// the new hash. Rows from before start at 0, alike on both sides.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE users ADD COLUMN password_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refresh_families ADD COLUMN password_generation INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 4;
)sql";

// Version 5: a refresh family records its grant: the OAuth client it was issued to (empty for the
// first-party API), the granted scopes and when the user authenticated. Families from before
// were all first-party: client '', no scope, auth_time 0 (not recorded).
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE refresh_families ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_families ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_families ADD COLUMN auth_time INTEGER NOT NULL DEFAULT 0;
CREATE INDEX refresh_families_by_client ON refresh_families (client_id);
PRAGMA user_version = 5;
)sql";

// Version 6: OAuth clients registered by an administrator. A client's redirect URIs (purpose
// 'redirect') and post-logout redirect URIs ('post_logout') are rows of their own, numbered in
// the order they were given, and go with the client.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE clients (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE client_uris (
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    purpose   TEXT NOT NULL,
    position  INTEGER NOT NULL,
    uri       TEXT NOT NULL,
    PRIMARY KEY (client_id, purpose, position)
);
PRAGMA user_version = 6;
)sql";

}  // namespace

void migrate(Database& db) {
    // Under BEGIN IMMEDIATE the version check and the creation are one step: a second process
    // opening the same new file waits for the first and then finds the current version.
    db.write([&] {
        auto version_stmt = db.prepare("PRAGMA user_version");
        const std::int64_t version = version_stmt.step() ? version_stmt.integer(0) : 0;
        if (version == kSchemaVersion) return;
        if (version > kSchemaVersion) {
            throw StoreError("sqlite: the database schema version " + std::to_string(version) +
                             " is newer than this build supports (" +
                             std::to_string(kSchemaVersion) + ")");
        }
        if (version < 1) db.exec(kSchemaV1);
        if (version < 2) db.exec(kSchemaV2);
        if (version < 3) db.exec(kSchemaV3);
        if (version < 4) db.exec(kSchemaV4);
        if (version < 5) db.exec(kSchemaV5);
        db.exec(kSchemaV6);
    });
}

}  // namespace sqlite

SqliteStores open_sqlite_stores(const std::filesystem::path& file) {
    auto db = sqlite::Database::open(file);
    sqlite::migrate(*db);
    return SqliteStores{
        .users = std::make_shared<sqlite::SqliteUserStore>(db),
        .refresh_tokens = std::make_shared<sqlite::SqliteRefreshTokenStore>(db),
        .keys = std::make_shared<sqlite::SqliteKeyStore>(db),
        .revocations = std::make_shared<sqlite::SqliteRevocationStore>(db),
        .clients = std::make_shared<sqlite::SqliteClientStore>(db),
    };
}

}  // namespace signet::server
