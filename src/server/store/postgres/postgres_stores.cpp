#include "server/store/postgres/postgres_stores.hpp"

#include "server/store/store_error.hpp"

namespace signet::server {

PostgresStores open_postgres_stores(const std::string&, unsigned) {
    throw StoreError("postgres: not implemented yet");
}

}  // namespace signet::server
