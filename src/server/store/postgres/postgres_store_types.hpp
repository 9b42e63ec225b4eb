// The PostgreSQL implementations of the user, refresh-token, key, revocation and client stores.
// They share one Pool, so the interfaces of one open_postgres_stores() call use one set of
// connections.
#pragma once

#include <memory>
#include <string>

#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/postgres/pg_connection.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server::postgres {

// The schema version this build creates and understands.
inline constexpr std::int64_t kSchemaVersion = 6;

// Brings the database to kSchemaVersion, one transaction per version under an advisory lock, so
// nodes opening one database together migrate it once. StoreError when it is newer than this build.
void migrate(Pool& pool);

class PostgresUserStore final : public UserStore {
  public:
    explicit PostgresUserStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

    bool create(const User& user) override;
    std::optional<User> find_by_email(std::string_view email) override;
    std::optional<User> find_by_id(std::string_view id) override;
    bool replace_password(std::string_view user_id, std::string_view hash) override;
    bool upgrade_password_hash(std::string_view user_id, std::string_view hash,
                               std::int64_t password_generation) override;
    bool set_disabled(std::string_view email, bool disabled) override;
    std::vector<User> list() override;

  private:
    std::shared_ptr<Pool> pool_;
};

class PostgresRefreshTokenStore final : public RefreshTokenStore {
  public:
    explicit PostgresRefreshTokenStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

    void insert(const RefreshTokenRecord& record) override;
    std::optional<RefreshTokenRecord> find(std::string_view token_hash) override;
    RotateResult rotate(std::string_view old_hash, std::string_view next_hash,
                        std::int64_t next_expires_at, std::int64_t now) override;
    bool revoke_family(std::string_view family_id, std::int64_t now) override;
    std::size_t revoke_user(std::string_view user_id, std::int64_t now) override;
    std::size_t revoke_client(std::string_view client_id, std::int64_t now) override;
    std::size_t purge_expired(std::int64_t now) override;

  private:
    std::shared_ptr<Pool> pool_;
};

class PostgresKeyStore final : public KeyStore {
  public:
    explicit PostgresKeyStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

    std::vector<StoredKey> list() override;
    void add_key(const StoredKey& key) override;
    StoredKey ensure_current(std::int64_t now, const std::function<StoredKey()>& make) override;
    bool revoke(std::string_view kid, std::int64_t now) override;
    std::size_t remove_retired_before(std::int64_t cutoff) override;
    std::string get_or_set_setting(std::string_view name, std::string_view value) override;
    void set_setting(std::string_view name, std::string_view value) override;

  private:
    std::shared_ptr<Pool> pool_;
};

class PostgresRevocationStore final : public RevocationStore {
  public:
    explicit PostgresRevocationStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

    void revoke(std::string_view jti, std::int64_t expires_at) override;
    std::vector<RevokedToken> changes_since(std::int64_t& cursor, std::int64_t now) override;
    std::size_t purge_expired(std::int64_t now) override;

  private:
    std::shared_ptr<Pool> pool_;
};

class PostgresClientStore final : public ClientStore {
  public:
    explicit PostgresClientStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

    bool create(const Client& client) override;
    std::optional<Client> find(std::string_view id) override;
    std::vector<Client> list() override;
    bool remove(std::string_view id) override;

  private:
    std::shared_ptr<Pool> pool_;
};

// Parameters as text.
inline Param param(std::string_view text) {
    return std::string(text);
}
inline Param param(std::int64_t value) {
    return std::to_string(value);
}
inline Param param(std::optional<std::int64_t> value) {
    return value ? std::optional(std::to_string(*value)) : std::nullopt;
}
inline Param flag(bool value) {
    return std::string(value ? "true" : "false");
}

}  // namespace signet::server::postgres
