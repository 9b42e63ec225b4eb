// The SQLite implementations of the user, refresh-token, key, revocation and client stores. They
// share one Database (one connection), so the interfaces of one open_sqlite_stores() call see one
// file.
#pragma once

#include <memory>
#include <string>

#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/sqlite/sqlite_database.hpp"
#include "server/store/user_store.hpp"

namespace signet::server::sqlite {

// Creates the schema in one transaction, or checks that the file's schema is one this build
// knows (PRAGMA user_version). Safe when several processes open a new file at once.
void migrate(Database& db);

class SqliteUserStore final : public UserStore {
  public:
    explicit SqliteUserStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    bool create(const User& user) override;
    std::optional<User> find_by_email(std::string_view email) override;
    std::optional<User> find_by_id(std::string_view id) override;
    bool replace_password(std::string_view user_id, std::string_view hash) override;
    bool upgrade_password_hash(std::string_view user_id, std::string_view hash,
                               std::int64_t password_generation) override;
    bool set_disabled(std::string_view email, bool disabled) override;
    std::vector<User> list() override;

  private:
    std::shared_ptr<Database> db_;
};

class SqliteRefreshTokenStore final : public RefreshTokenStore {
  public:
    explicit SqliteRefreshTokenStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    void insert(const RefreshTokenRecord& record) override;
    std::optional<RefreshTokenRecord> find(std::string_view token_hash) override;
    RotateResult rotate(std::string_view old_hash, std::string_view next_hash,
                        std::int64_t next_expires_at, std::int64_t now) override;
    bool revoke_family(std::string_view family_id, std::int64_t now) override;
    std::size_t revoke_user(std::string_view user_id, std::int64_t now) override;
    std::size_t revoke_client(std::string_view client_id, std::int64_t now) override;
    std::size_t purge_expired(std::int64_t now) override;

  private:
    std::shared_ptr<Database> db_;
};

class SqliteKeyStore final : public KeyStore {
  public:
    explicit SqliteKeyStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    std::vector<StoredKey> list() override;
    void add_key(const StoredKey& key) override;
    StoredKey ensure_current(std::int64_t now, const std::function<StoredKey()>& make) override;
    bool revoke(std::string_view kid, std::int64_t now) override;
    std::size_t remove_retired_before(std::int64_t cutoff) override;
    std::string get_or_set_setting(std::string_view name, std::string_view value) override;
    void set_setting(std::string_view name, std::string_view value) override;

  private:
    std::shared_ptr<Database> db_;
};

class SqliteRevocationStore final : public RevocationStore {
  public:
    explicit SqliteRevocationStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    void revoke(std::string_view jti, std::int64_t expires_at) override;
    std::vector<RevokedToken> changes_since(std::int64_t& cursor, std::int64_t now) override;
    std::size_t purge_expired(std::int64_t now) override;

  private:
    std::shared_ptr<Database> db_;
};

class SqliteClientStore final : public ClientStore {
  public:
    explicit SqliteClientStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

    bool create(const Client& client) override;
    std::optional<Client> find(std::string_view id) override;
    std::vector<Client> list() override;
    bool remove(std::string_view id) override;

  private:
    std::shared_ptr<Database> db_;
};

}  // namespace signet::server::sqlite
