// Opening the PostgreSQL engine: one pool shared by the stores, and the schema migrated.
#include "server/store/postgres/postgres_stores.hpp"

#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server {

PostgresStores open_postgres_stores(const std::string& url, unsigned pool_size) {
    auto pool = std::make_shared<postgres::Pool>(url, pool_size);
    postgres::migrate(*pool);
    return PostgresStores{
        .users = std::make_shared<postgres::PostgresUserStore>(pool),
        .refresh_tokens = std::make_shared<postgres::PostgresRefreshTokenStore>(pool),
        .keys = std::make_shared<postgres::PostgresKeyStore>(pool),
        .revocations = std::make_shared<postgres::PostgresRevocationStore>(pool),
        .clients = std::make_shared<postgres::PostgresClientStore>(pool),
    };
}

}  // namespace signet::server
