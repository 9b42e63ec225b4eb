// The PostgreSQL engine, for deployments of several nodes: users, OAuth clients, refresh tokens,
// signing keys and settings, and revoked token ids in one database that every node shares.
// Connections are pooled and statements prepared once per connection; the schema is created and
// migrated on open, one transaction per version under an advisory lock, so nodes starting together
// migrate once.
#pragma once

#include <memory>
#include <string>

#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct PostgresStores {
    std::shared_ptr<UserStore> users;
    std::shared_ptr<RefreshTokenStore> refresh_tokens;
    std::shared_ptr<KeyStore> keys;
    std::shared_ptr<RevocationStore> revocations;
    std::shared_ptr<ClientStore> clients;
};

// `url` is a libpq connection URI (postgresql://user:pass@host:port/db?sslmode=...). Opens the
// pool (`pool_size` connections at most, opened as needed) and migrates the schema. Throws
// StoreError when the server cannot be reached or the schema is newer than this build.
PostgresStores open_postgres_stores(const std::string& url, unsigned pool_size);

}  // namespace signet::server
