// Signing keys and deployment settings in PostgreSQL, shared by every node. Changes of the signing
// key take one transaction-scoped advisory lock (docs, 9.27.10 "Advisory Lock Functions"), so two
// nodes never both add a current key, and at any time exactly one key signs.
#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

// Any constant shared by every build: it names "the current signing key" among advisory locks.
constexpr Sql kLockKeys{"keys_lock", "SELECT pg_advisory_xact_lock(7374690143)"};
// Keys written before activation existed (schema version 2) activate at their creation.
constexpr Sql kSelectCurrent{
    "keys_current",
    "SELECT kid, private_jwk, created_at, retired_at, COALESCE(activates_at, created_at), "
    "revoked_at FROM signing_keys "
    "WHERE revoked_at IS NULL AND COALESCE(activates_at, created_at) <= $1 "
    "AND (retired_at IS NULL OR retired_at > $1) "
    "ORDER BY COALESCE(activates_at, created_at) DESC, seq DESC LIMIT 1"};
constexpr Sql kList{
    "keys_list",
    "SELECT kid, private_jwk, created_at, retired_at, COALESCE(activates_at, created_at), "
    "revoked_at FROM signing_keys ORDER BY created_at, seq"};
constexpr Sql kInsert{"keys_insert",
                      "INSERT INTO signing_keys (kid, private_jwk, created_at, retired_at, "
                      "activates_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Sql kRetire{"keys_retire",
                      "UPDATE signing_keys SET retired_at = $1 "
                      "WHERE revoked_at IS NULL AND (retired_at IS NULL OR retired_at > $1)"};
constexpr Sql kRevoke{
    "keys_revoke", "UPDATE signing_keys SET revoked_at = $2 WHERE kid = $1 AND revoked_at IS NULL"};
constexpr Sql kRemoveRetired{"keys_remove_retired",
                             "DELETE FROM signing_keys WHERE retired_at < $1 OR revoked_at < $1"};
constexpr Sql kInsertSetting{"settings_insert",
                             "INSERT INTO settings (name, value) VALUES ($1, $2) "
                             "ON CONFLICT (name) DO NOTHING"};
constexpr Sql kSelectSetting{"settings_select", "SELECT value FROM settings WHERE name = $1"};
constexpr Sql kUpsertSetting{"settings_upsert",
                             "INSERT INTO settings (name, value) VALUES ($1, $2) "
                             "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value"};

StoredKey read_key(const Result& result, int row) {
    return StoredKey{.kid = result.text(row, 0),
                     .private_jwk = result.text(row, 1),
                     .created_at = result.integer(row, 2),
                     .retired_at = result.optional_integer(row, 3),
                     .activates_at = result.integer(row, 4),
                     .revoked_at = result.optional_integer(row, 5)};
}

std::optional<StoredKey> select_current(Connection& c, std::int64_t now) {
    const Result result = c.run(kSelectCurrent, {param(now)});
    if (result.rows() == 0) return std::nullopt;
    return read_key(result, 0);
}

// Under kLockKeys: retires what would still sign at the new key's activation, then adds it.
void insert_key(Connection& c, const StoredKey& key) {
    c.run(kRetire, {param(key.activates_at)});
    c.run(kInsert, {param(key.kid), param(key.private_jwk), param(key.created_at),
                    param(key.retired_at), param(key.activates_at), param(key.revoked_at)});
}

}  // namespace

std::vector<StoredKey> PostgresKeyStore::list() {
    return pool_->run([&](Connection& c) {
        const Result result = c.run(kList);
        std::vector<StoredKey> keys;
        keys.reserve(static_cast<std::size_t>(result.rows()));
        for (int row = 0; row < result.rows(); ++row)
            keys.push_back(read_key(result, row));
        return keys;
    });
}

void PostgresKeyStore::add_key(const StoredKey& key) {
    pool_->transaction([&](Connection& c) {
        c.run(kLockKeys);
        insert_key(c, key);
    });
}

StoredKey PostgresKeyStore::ensure_current(std::int64_t now,
                                           const std::function<StoredKey()>& make) {
    if (auto current = pool_->run([&](Connection& c) { return select_current(c, now); }))
        return *current;
    // make() runs holding no connection and no lock (an RSA key takes a while). When another
    // node added a key meanwhile, that one wins and this candidate is dropped.
    const StoredKey candidate = make();
    return pool_->transaction([&](Connection& c) {
        c.run(kLockKeys);
        // A statement after the lock reads a snapshot taken after the other node's commit.
        if (auto current = select_current(c, now)) return *current;
        insert_key(c, candidate);
        return candidate;
    });
}

bool PostgresKeyStore::revoke(std::string_view kid, std::int64_t now) {
    return pool_->transaction([&](Connection& c) {
        c.run(kLockKeys);
        return c.run(kRevoke, {param(kid), param(now)}).affected() > 0;
    });
}

std::size_t PostgresKeyStore::remove_retired_before(std::int64_t cutoff) {
    return pool_->transaction([&](Connection& c) {
        return static_cast<std::size_t>(c.run(kRemoveRetired, {param(cutoff)}).affected());
    });
}

std::string PostgresKeyStore::get_or_set_setting(std::string_view name, std::string_view value) {
    // An INSERT that meets a concurrent uncommitted one for the same name waits for it and then
    // does nothing; the SELECT after it (a new snapshot under READ COMMITTED) sees the winner.
    return pool_->transaction([&](Connection& c) {
        c.run(kInsertSetting, {param(name), param(value)});
        const Result result = c.run(kSelectSetting, {param(name)});
        if (result.rows() == 0) throw StoreError("postgres: setting vanished while being read");
        return result.text(0, 0);
    });
}

void PostgresKeyStore::set_setting(std::string_view name, std::string_view value) {
    pool_->transaction([&](Connection& c) { c.run(kUpsertSetting, {param(name), param(value)}); });
}

}  // namespace signet::server::postgres
