// What is PostgreSQL's own in the engine: versioned migrations (from nothing, from version 1, by
// several nodes at once, refusing a newer schema), errors that never carry the password, the pool's
// bounded wait, and recovery when the server stops or is killed and comes back.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/store/contract/engines.hpp"
#include "server/store/postgres/pg_connection.hpp"
#include "server/store/postgres/postgres_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/support/postgres_server.hpp"

namespace signet::server {
namespace {

using contract::make_client;
using contract::make_client_token;
using contract::make_key;
using contract::make_token;
using contract::make_user;
using contract::run_together;

// Runs `sql` on a connection of its own; the first column of the first row ("" when none).
std::string query(const std::string& url, const std::string& sql) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string error = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error(error);
    }
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = PQgetvalue(result, 0, 0);
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(conn);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw std::runtime_error(error);
    return value;
}

std::string applied_versions(const std::string& url) {
    return query(url,
                 "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations");
}

// A URL whose port nothing listens on.
std::string unreachable_url(const std::string& password) {
    ::signet::test::PostgresServer unused;  // only for a free port number, never started
    const int port = unused.port() > 0 ? unused.port() : 1;
    return "postgresql://signet:" + password + "@127.0.0.1:" + std::to_string(port) + "/signet";
}

// What version 6 added, dropped again: the database as version 5 left it.
constexpr const char* kBackToVersion5 =
    "DROP TABLE client_uris; DROP TABLE clients; DELETE FROM schema_migrations WHERE version >= 6";
// What version 5 added, dropped again: the database as version 4 left it.
constexpr const char* kBackToVersion4 =
    "DROP INDEX refresh_families_by_client; "
    "ALTER TABLE refresh_families DROP COLUMN client_id; "
    "ALTER TABLE refresh_families DROP COLUMN scope; "
    "ALTER TABLE refresh_families DROP COLUMN auth_time; "
    "DELETE FROM schema_migrations WHERE version >= 5";
// The columns version 4 added, dropped again: the database as version 3 left it.
constexpr const char* kBackToVersion3 =
    "ALTER TABLE users DROP COLUMN password_generation; "
    "ALTER TABLE refresh_families DROP COLUMN password_generation; "
    "DELETE FROM schema_migrations WHERE version >= 4";

TEST(PostgresSchema, MigratesAnEmptyDatabaseToTheCurrentVersion) {
    const std::string url = ::signet::test::test_database_url();
    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    for (const char* table : {"users", "refresh_families", "refresh_tokens", "signing_keys",
                              "settings", "revoked_tokens", "clients", "client_uris"}) {
        EXPECT_EQ(query(url, std::string("SELECT to_regclass('") + table + "') IS NOT NULL"), "t")
            << table;
    }
    EXPECT_EQ(
        query(url,
              "SELECT count(*) FROM pg_indexes WHERE indexname IN "
              "('refresh_tokens_by_family','refresh_tokens_by_user','revoked_tokens_by_xid')"),
        "3");
}

TEST(PostgresSchema, ReopeningAMigratedDatabaseKeepsItsData) {
    const std::string url = ::signet::test::test_database_url();
    {
        auto stores = open_postgres_stores(url, 2);
        ASSERT_TRUE(stores.users->create(make_user("u1", "a@example.com")));
    }
    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    EXPECT_TRUE(stores.users->find_by_id("u1").has_value());
}

TEST(PostgresSchema, MigratesAVersion1DatabaseToTheCurrentVersionKeepingItsData) {
    const std::string url = ::signet::test::test_database_url();
    {
        auto stores = open_postgres_stores(url, 2);
        ASSERT_TRUE(stores.users->create(make_user("u1", "a@example.com")));
        stores.keys->add_key(make_key("k1", 1000));
    }
    query(url, kBackToVersion5);
    query(url, kBackToVersion4);
    query(url, kBackToVersion3);
    query(url,
          "ALTER TABLE signing_keys DROP COLUMN activates_at; "
          "ALTER TABLE signing_keys DROP COLUMN revoked_at; "
          "DROP TABLE revoked_tokens; DELETE FROM schema_migrations WHERE version >= 2");
    ASSERT_EQ(applied_versions(url), "1");

    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    EXPECT_TRUE(stores.users->find_by_id("u1").has_value());
    // A key from before announcements signs from its creation, as it did.
    const StoredKey current =
        stores.keys->ensure_current(1500, []() -> StoredKey { throw StoreError("made a key"); });
    EXPECT_EQ(current.kid, "k1");
    EXPECT_EQ(current.activates_at, 1000);
    stores.revocations->revoke("jti-1", 2000);
    std::int64_t cursor = 0;
    const auto read = stores.revocations->changes_since(cursor, 1000);
    ASSERT_EQ(read.size(), 1U);
    EXPECT_EQ(read[0].jti, "jti-1");
}

// Users and refresh families from before password generations start at generation 0 alike, so
// their families keep refreshing until the next password change, which ends them.
TEST(PostgresSchema, MigratesAVersion3DatabaseKeepingItsUsersAndRefreshFamilies) {
    const std::string url = ::signet::test::test_database_url();
    {
        auto stores = open_postgres_stores(url, 2);
        ASSERT_TRUE(stores.users->create(make_user("u1", "a@example.com")));
        stores.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    }
    query(url, kBackToVersion5);
    query(url, kBackToVersion4);
    query(url, kBackToVersion3);
    ASSERT_EQ(applied_versions(url), "1,2,3");

    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    EXPECT_EQ(stores.users->find_by_id("u1")->password_generation, 0);
    EXPECT_EQ(stores.refresh_tokens->find("h1")->password_generation, 0);
    ASSERT_TRUE(stores.users->replace_password("u1", "changed"));
    EXPECT_EQ(stores.users->find_by_id("u1")->password_generation, 1);
    EXPECT_EQ(stores.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    EXPECT_EQ(stores.refresh_tokens->find("h2")->password_generation, 0);
}

// Refresh families from before OAuth clients were all issued by the first-party API: no client, no
// scope, no recorded authentication time. They keep rotating, and no client's removal ends them.
TEST(PostgresSchema, MigratesAVersion4DatabaseKeepingItsRefreshFamiliesAsFirstParty) {
    const std::string url = ::signet::test::test_database_url();
    {
        auto stores = open_postgres_stores(url, 2);
        stores.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    }
    query(url, kBackToVersion5);
    query(url, kBackToVersion4);
    ASSERT_EQ(applied_versions(url), "1,2,3,4");

    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    const auto old = stores.refresh_tokens->find("h1");
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->client_id, "");
    EXPECT_EQ(old->scope, "");
    EXPECT_EQ(old->auth_time, 0);
    EXPECT_EQ(stores.refresh_tokens->revoke_client("app", 1100), 0U);
    EXPECT_EQ(stores.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    EXPECT_EQ(stores.refresh_tokens->find("h2")->client_id, "");
}

TEST(PostgresSchema, MigratesAVersion5DatabaseToOneWithNoClients) {
    const std::string url = ::signet::test::test_database_url();
    {
        auto stores = open_postgres_stores(url, 2);
        stores.refresh_tokens->insert(make_client_token("h1", "f1", "u1", "app"));
    }
    query(url, kBackToVersion5);
    ASSERT_EQ(applied_versions(url), "1,2,3,4,5");

    auto stores = open_postgres_stores(url, 2);
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
    EXPECT_TRUE(stores.clients->list().empty());
    EXPECT_EQ(stores.refresh_tokens->find("h1")->client_id, "app");
    ASSERT_TRUE(stores.clients->create(make_client("app")));
    EXPECT_EQ(stores.clients->find("app")->redirect_uris, make_client("app").redirect_uris);
}

TEST(PostgresSchema, NodesOpeningOneFreshDatabaseTogetherMigrateItOnce) {
    const std::string url = ::signet::test::test_database_url();
    std::atomic<int> opened{0};
    run_together(6, [&](int) {
        try {
            auto stores = open_postgres_stores(url, 1);
            if (stores.users->list().empty()) ++opened;
        } catch (const StoreError& e) {
            ADD_FAILURE() << e.what();
        }
    });
    EXPECT_EQ(opened.load(), 6);
    // One row per version: a second migration of a version would have failed on the primary key.
    EXPECT_EQ(applied_versions(url), "1,2,3,4,5,6");
}

TEST(PostgresSchema, RefusesASchemaNewerThanThisBuild) {
    const std::string url = ::signet::test::test_database_url();
    { open_postgres_stores(url, 1); }
    query(url, "INSERT INTO schema_migrations (version) VALUES (99)");
    try {
        open_postgres_stores(url, 1);
        ADD_FAILURE() << "a schema of version 99 was accepted";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
}

TEST(PostgresErrors, AnUnreachableServerIsAStoreErrorWithoutThePassword) {
    const std::string url = unreachable_url("s3cret-pw");
    const auto started = std::chrono::steady_clock::now();
    try {
        open_postgres_stores(url, 1);
        ADD_FAILURE() << "opening an unreachable server succeeded";
    } catch (const StoreError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("postgres"), std::string::npos) << message;
        EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
        EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(PostgresErrors, AMalformedUrlIsAStoreErrorWithoutThePassword) {
    for (const std::string url : {"postgresql://signet:s3cret-pw@127.0.0.1:notaport/signet",
                                  "postgresql://signet:s3cret-pw@127.0.0.1/signet?nosuch=1"}) {
        try {
            open_postgres_stores(url, 1);
            ADD_FAILURE() << "opened " << url;
        } catch (const StoreError& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("postgres"), std::string::npos) << message;
            EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
        }
    }
}

TEST(PostgresErrors, AWrongPasswordIsAStoreErrorWithoutThePassword) {
    const std::string admin = ::signet::test::test_database_url();
    query(admin,
          "DO $$ BEGIN CREATE ROLE signet_pw_test LOGIN PASSWORD 'right-pw'; "
          "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    // The test servers trust loopback, so the password is not checked; the URL must still never
    // show up in a failure. A database that does not exist makes the connection fail.
    const std::string url = "postgresql://signet_pw_test:wr0ng-pw@" +
                            admin.substr(admin.find('@') + 1, admin.rfind('/') - admin.find('@')) +
                            "no_such_database_here";
    try {
        open_postgres_stores(url, 1);
        ADD_FAILURE() << "opened a database that does not exist";
    } catch (const StoreError& e) {
        EXPECT_EQ(std::string(e.what()).find("wr0ng-pw"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no_such_database_here"), std::string::npos)
            << e.what();
    }
}

TEST(PostgresPool, ACallerWaitsForAConnectionGivenBack) {
    postgres::Pool pool(::signet::test::test_database_url(), 1);
    std::atomic<bool> second_got_one{false};
    std::thread second;
    {
        postgres::Lease held = pool.acquire();
        second = std::thread([&] {
            postgres::Lease lease = pool.acquire();
            second_got_one = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_FALSE(second_got_one.load());
    }
    second.join();
    EXPECT_TRUE(second_got_one.load());
}

TEST(PostgresPool, ACallerGivesUpAfterTheBoundedWait) {
    postgres::Pool pool(::signet::test::test_database_url(), 1);
    postgres::Lease held = pool.acquire();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(pool.acquire(), StoreError);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, postgres::kAcquireTimeout - std::chrono::milliseconds(50));
    EXPECT_LT(waited, postgres::kAcquireTimeout + std::chrono::seconds(2));
}

TEST(PostgresPool, ReusesItsConnectionsAndPreparesEachStatementOncePerConnection) {
    const std::string url = ::signet::test::test_database_url();
    auto stores = open_postgres_stores(url, 1);
    for (int i = 0; i < 20; ++i)
        EXPECT_FALSE(stores.users->find_by_id("u" + std::to_string(i)).has_value());
    // One backend of ours (application_name=signet), holding the statement prepared once.
    const std::string database = url.substr(url.rfind('/') + 1);
    EXPECT_EQ(query(url,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    "'signet' AND datname = '" +
                        database + "'"),
              "1");
}

// --- recovery -----------------------------------------------------------------------------------

class PostgresRecovery : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(server_.start());
        url_ = server_.create_database();
        stores_ = open_postgres_stores(url_, 2);
        // The test server runs with synchronous_commit=off: without a checkpoint, a kill -9 can
        // lose the last migration these stores' statements were prepared for (a server with
        // synchronous commits keeps every migration it acknowledged).
        query(url_, "CHECKPOINT");
        ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    }

    // While the server is down, a call fails with a StoreError soon, and does not crash or hang.
    void expect_calls_fail_fast() {
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < 3; ++i) {
            try {
                stores_.users->find_by_id("u1");
                ADD_FAILURE() << "a call succeeded with the server down";
            } catch (const StoreError& e) {
                EXPECT_NE(std::string(e.what()).find("postgres"), std::string::npos) << e.what();
            }
        }
        EXPECT_THROW(stores_.refresh_tokens->insert(contract::make_token("h1", "f1", "u1")),
                     StoreError);
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    }

    // `kept_u1`: after a clean stop the committed user is still there (after kill -9 it may
    // not be: the test server runs with synchronous_commit=off).
    void expect_the_same_stores_work_again(bool kept_u1) {
        ASSERT_TRUE(server_.start());
        if (kept_u1) {
            const auto user = stores_.users->find_by_id("u1");
            ASSERT_TRUE(user.has_value());
            EXPECT_EQ(user->email, "a@example.com");
        }
        ASSERT_TRUE(stores_.users->create(make_user("u2", "b@example.com")));
        EXPECT_TRUE(stores_.users->find_by_email("b@example.com").has_value());
        stores_.refresh_tokens->insert(contract::make_token("h1", "f1", "u2", 1000, 5000));
        EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
                  RotateOutcome::rotated);
    }

    ::signet::test::PostgresServer server_;
    std::string url_;
    PostgresStores stores_;
};

TEST_F(PostgresRecovery, StoresWorkAgainAfterTheServerIsStoppedAndStarted) {
    server_.stop();
    expect_calls_fail_fast();
    expect_the_same_stores_work_again(true);
}

TEST_F(PostgresRecovery, StoresWorkAgainAfterTheServerIsKilledAndStarted) {
    server_.kill9();
    expect_calls_fail_fast();
    expect_the_same_stores_work_again(false);
}

TEST_F(PostgresRecovery, AnIdleConnectionDroppedByARestartIsReplacedWithoutAnError) {
    // Both pooled connections are open and idle when the server restarts behind them.
    run_together(2, [&](int) { EXPECT_TRUE(stores_.users->find_by_id("u1").has_value()); });
    server_.stop();
    ASSERT_TRUE(server_.start());
    EXPECT_TRUE(stores_.users->find_by_id("u1").has_value());
    EXPECT_TRUE(stores_.users->create(make_user("u2", "b@example.com")));
}

}  // namespace
}  // namespace signet::server
