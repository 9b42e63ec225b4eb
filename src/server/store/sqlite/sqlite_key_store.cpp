// Signing keys and deployment settings in SQLite, shared by every node on the same file. Adding a
// key and retiring the ones it replaces is one transaction, so at any time exactly one key signs.
#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {
namespace {

// Keys written before activation existed (schema version 2) activate at their creation.
constexpr const char* kColumns =
    "SELECT kid, private_jwk, created_at, retired_at, COALESCE(activates_at, created_at), "
    "revoked_at FROM signing_keys ";

StoredKey read_key(const Statement& stmt) {
    StoredKey key;
    key.kid = stmt.text(0);
    key.private_jwk = stmt.text(1);
    key.created_at = stmt.integer(2);
    key.retired_at = stmt.optional_integer(3);
    key.activates_at = stmt.integer(4);
    key.revoked_at = stmt.optional_integer(5);
    return key;
}

std::optional<StoredKey> select_current(Database& db, std::int64_t now) {
    auto stmt = db.prepare(std::string(kColumns) +
                           "WHERE revoked_at IS NULL AND COALESCE(activates_at, created_at) <= ?1 "
                           "AND (retired_at IS NULL OR retired_at > ?1) "
                           "ORDER BY COALESCE(activates_at, created_at) DESC, rowid DESC LIMIT 1");
    stmt.bind(1, now);
    if (!stmt.step()) return std::nullopt;
    return read_key(stmt);
}

void insert_key(Database& db, const StoredKey& key) {
    auto retire = db.prepare(
        "UPDATE signing_keys SET retired_at = ?1 "
        "WHERE revoked_at IS NULL AND (retired_at IS NULL OR retired_at > ?1)");
    retire.bind(1, key.activates_at);
    retire.run();
    auto stmt = db.prepare(
        "INSERT INTO signing_keys (kid, private_jwk, created_at, retired_at, activates_at, "
        "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    stmt.bind(1, key.kid)
        .bind(2, key.private_jwk)
        .bind(3, key.created_at)
        .bind(4, key.retired_at)
        .bind(5, key.activates_at)
        .bind(6, key.revoked_at);
    stmt.run();
}

}  // namespace

std::vector<StoredKey> SqliteKeyStore::list() {
    return db_->read([&] {
        std::vector<StoredKey> keys;
        auto stmt = db_->prepare(std::string(kColumns) + "ORDER BY created_at, rowid");
        while (stmt.step())
            keys.push_back(read_key(stmt));
        return keys;
    });
}

void SqliteKeyStore::add_key(const StoredKey& key) {
    db_->write([&] { insert_key(*db_, key); });
}

StoredKey SqliteKeyStore::ensure_current(std::int64_t now, const std::function<StoredKey()>& make) {
    if (auto current = db_->read([&] { return select_current(*db_, now); })) return *current;
    // make() runs outside any lock (an RSA key takes a while to generate, and it may not call
    // back into this store under our mutex). When another node added a key meanwhile, that one
    // wins and this candidate is dropped.
    const StoredKey candidate = make();
    return db_->write([&] {
        if (auto current = select_current(*db_, now)) return *current;
        insert_key(*db_, candidate);
        return candidate;
    });
}

bool SqliteKeyStore::revoke(std::string_view kid, std::int64_t now) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "UPDATE signing_keys SET revoked_at = ?2 WHERE kid = ?1 AND revoked_at IS NULL");
        stmt.bind(1, kid).bind(2, now);
        return stmt.run() > 0;
    });
}

std::size_t SqliteKeyStore::remove_retired_before(std::int64_t cutoff) {
    return db_->write([&] {
        auto stmt =
            db_->prepare("DELETE FROM signing_keys WHERE retired_at < ?1 OR revoked_at < ?1");
        stmt.bind(1, cutoff);
        return static_cast<std::size_t>(stmt.run());
    });
}

std::string SqliteKeyStore::get_or_set_setting(std::string_view name, std::string_view value) {
    return db_->write([&] {
        auto insert = db_->prepare(
            "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
        insert.bind(1, name).bind(2, value);
        insert.run();
        auto select = db_->prepare("SELECT value FROM settings WHERE name = ?1");
        select.bind(1, name);
        if (!select.step()) throw StoreError("sqlite: setting vanished while being read");
        return select.text(0);
    });
}

void SqliteKeyStore::set_setting(std::string_view name, std::string_view value) {
    db_->write([&] {
        auto stmt = db_->prepare(
            "INSERT INTO settings (name, value) VALUES (?1, ?2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
        stmt.bind(1, name).bind(2, value);
        stmt.run();
    });
}

}  // namespace signet::server::sqlite
