// open_stores wires every interface to the engine the settings name: OAuth clients go with the
// users' database (SQLite or PostgreSQL), authorization codes with the sessions (memory, or Redis
// when a redis_url is set).
#include <gtest/gtest.h>

#include <string>

#include "server/store/postgres/postgres_stores.hpp"
#include "server/store/redis/redis_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_records.hpp"
#include "server/store/stores.hpp"
#include "server/store/temp_dir.hpp"
#include "server/support/postgres_server.hpp"
#include "server/support/redis_server.hpp"

namespace signet::server {
namespace {

using test::make_client;
using test::make_code;

TEST(OpenStores, WithoutUrlsClientsAreInTheDataDirAndCodesInMemory) {
    test::TempDir dir;
    StoreSettings settings;
    settings.data_dir = dir / "data";
    Stores stores = open_stores(settings);
    ASSERT_NE(stores.clients, nullptr);
    ASSERT_NE(stores.authorization_codes, nullptr);
    ASSERT_TRUE(stores.clients->create(make_client("app")));
    stores.authorization_codes->put("k", make_code("app", 1060), 1000);

    // The client is in the embedded database; the code only in this process.
    SqliteStores sqlite = open_sqlite_stores(dir / "data" / "signet.db");
    EXPECT_TRUE(sqlite.clients->find("app").has_value());
    Stores again = open_stores(settings);
    EXPECT_TRUE(again.clients->find("app").has_value());
    EXPECT_EQ(again.authorization_codes->redeem("k", 1010, 1600).outcome, CodeRedemption::unknown);
    EXPECT_EQ(stores.authorization_codes->redeem("k", 1010, 1600).outcome, CodeRedemption::first);
}

TEST(OpenStores, WithUrlsClientsAreInPostgresAndCodesInRedis) {
    StoreSettings settings;
    settings.database_url = ::signet::test::test_database_url();
    settings.redis_url = ::signet::test::test_redis_url();
    settings.database_pool_size = 2;
    Stores stores = open_stores(settings);
    ASSERT_NE(stores.clients, nullptr);
    ASSERT_NE(stores.authorization_codes, nullptr);
    ASSERT_TRUE(stores.clients->create(make_client("app")));
    stores.authorization_codes->put("k", make_code("app", 1060), 1000);

    PostgresStores postgres = open_postgres_stores(*settings.database_url, 1);
    EXPECT_TRUE(postgres.clients->find("app").has_value());
    RedisStores redis = open_redis_stores(*settings.redis_url, 1);
    EXPECT_EQ(redis.authorization_codes->redeem("k", 1010, 1600).outcome, CodeRedemption::first);
    EXPECT_EQ(stores.authorization_codes->redeem("k", 1011, 1611).outcome,
              CodeRedemption::replayed);
}

}  // namespace
}  // namespace signet::server
