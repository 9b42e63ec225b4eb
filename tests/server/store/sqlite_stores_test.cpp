// What is SQLite's own in the embedded engine, on real database files: the file's mode, PRAGMAs,
// schema versions and persistence on reopen. The methods' behaviour is the store contract suites'
// (tests/server/store/contract/), run on every engine.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/store/store_records.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

using test::make_client;
using test::make_client_token;
using test::make_key;
using test::make_token;
using test::make_user;

using test::TempDir;

// Runs one query on a separate raw connection and returns the first column of the first row.
std::string query_text(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + file.string());
    }
    sqlite3_stmt* stmt = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        if (text != nullptr) result = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

void exec_raw(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

unsigned file_mode(const std::filesystem::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) return 0;
    return static_cast<unsigned>(info.st_mode) & 0777U;
}

class SqliteStoresTest : public ::testing::Test {
  protected:
    std::filesystem::path file() const { return dir_ / "signet.db"; }
    SqliteStores reopen() {
        stores_ = {};
        stores_ = open_sqlite_stores(file());
        return stores_;
    }

    TempDir dir_;
    SqliteStores stores_ = open_sqlite_stores(file());
};

// --- the file -----------------------------------------------------------------------------------

TEST_F(SqliteStoresTest, CreatesDatabaseAndJournalFilesWithMode0600) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    EXPECT_EQ(file_mode(file()), 0600U);
    // The write went through the WAL; SQLite gives -wal and -shm the mode of the database.
    ASSERT_TRUE(std::filesystem::exists(file().string() + "-wal"));
    EXPECT_EQ(file_mode(file().string() + "-wal"), 0600U);
    EXPECT_EQ(file_mode(file().string() + "-shm"), 0600U);
}

TEST_F(SqliteStoresTest, UsesWalJournalAndRecordsSchemaVersion) {
    EXPECT_EQ(query_text(file(), "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    for (const char* table : {"users", "refresh_families", "refresh_tokens", "signing_keys",
                              "settings", "revoked_tokens", "clients", "client_uris"}) {
        const std::string sql =
            std::string("SELECT name FROM sqlite_master WHERE type='table' AND name='") + table +
            "'";
        EXPECT_EQ(query_text(file(), sql.c_str()), table);
    }
    EXPECT_EQ(query_text(file(),
                         "SELECT count(*) FROM sqlite_master WHERE type='index' AND name "
                         "IN ('refresh_tokens_by_family','refresh_tokens_by_user')"),
              "2");
}

TEST_F(SqliteStoresTest, ReopeningAnExistingFileKeepsItsSchemaAndData) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    EXPECT_TRUE(stores_.users->find_by_id("u1").has_value());
}

TEST(SqliteStoresOpen, RefusesASchemaNewerThanThisBuild) {
    TempDir dir;
    const auto file = dir / "signet.db";
    { open_sqlite_stores(file); }
    exec_raw(file, "PRAGMA user_version = 99");
    EXPECT_THROW(open_sqlite_stores(file), StoreError);
}

TEST(SqliteStoresOpen, ThrowsStoreErrorWhenTheDirectoryDoesNotExist) {
    TempDir dir;
    EXPECT_THROW(open_sqlite_stores(dir / "missing" / "signet.db"), StoreError);
}

TEST(SqliteStoresOpen, ThrowsStoreErrorForAFileThatIsNotADatabase) {
    TempDir dir;
    const auto file = dir / "signet.db";
    std::ofstream(file) << std::string(4096, 'x');
    EXPECT_THROW(open_sqlite_stores(file), StoreError);
}

// --- what survives reopening --------------------------------------------------------------------

TEST_F(SqliteStoresTest, UsersPersistAcrossReopen) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    ASSERT_TRUE(stores_.users->replace_password("u1", "changed"));
    reopen();
    const auto user = stores_.users->find_by_email("a@example.com");
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->password_hash, "changed");
    EXPECT_EQ(user->password_generation, 1);
}

TEST_F(SqliteStoresTest, RefreshTokensAndTheirStatePersistAcrossReopen) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    stores_.refresh_tokens->insert(make_token("g1", "f2", "u2", 1000, 5000));
    ASSERT_TRUE(stores_.refresh_tokens->revoke_family("f2", 1200));
    reopen();
    EXPECT_TRUE(stores_.refresh_tokens->find("h1")->used);
    EXPECT_FALSE(stores_.refresh_tokens->find("h2")->used);
    EXPECT_TRUE(stores_.refresh_tokens->find("g1")->revoked);
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h3", 5000, 1300).outcome,
              RotateOutcome::reused);
}

TEST_F(SqliteStoresTest, KeysAndSettingsPersistAcrossReopen) {
    stores_.keys->add_key(make_key("k1", 1000));
    stores_.keys->add_key(make_key("k2", 2000));
    stores_.keys->set_setting("issuer", "https://a.example");
    reopen();
    const auto keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[1].kid, "k2");
    EXPECT_EQ(keys[0].retired_at, std::optional<std::int64_t>(2000));
    EXPECT_EQ(stores_.keys->get_or_set_setting("issuer", "other"), "https://a.example");
}

}  // namespace
}  // namespace signet::server

namespace signet::server {
namespace {

// Every live revocation, as a fresh cursor reads it.
std::vector<std::string> live_revocations(RevocationStore& store, std::int64_t now) {
    std::int64_t cursor = 0;
    std::vector<std::string> jtis;
    for (const RevokedToken& token : store.changes_since(cursor, now))
        jtis.push_back(token.jti);
    return jtis;
}

// What version 6 added, dropped again: the file as version 5 left it.
constexpr const char* kBackToVersion5 =
    "DROP TABLE client_uris; DROP TABLE clients; PRAGMA user_version = 5";
// What version 5 added, dropped again: the file as version 4 left it.
constexpr const char* kBackToVersion4 =
    "DROP INDEX refresh_families_by_client; "
    "ALTER TABLE refresh_families DROP COLUMN client_id; "
    "ALTER TABLE refresh_families DROP COLUMN scope; "
    "ALTER TABLE refresh_families DROP COLUMN auth_time; PRAGMA user_version = 4";
// The columns version 4 added, dropped again: the file as version 3 left it.
constexpr const char* kBackToVersion3 =
    "ALTER TABLE users DROP COLUMN password_generation; "
    "ALTER TABLE refresh_families DROP COLUMN password_generation; PRAGMA user_version = 3";
// The columns version 3 added, dropped again: the file as version 2 left it.
constexpr const char* kBackToVersion2 =
    "ALTER TABLE signing_keys DROP COLUMN activates_at; "
    "ALTER TABLE signing_keys DROP COLUMN revoked_at; PRAGMA user_version = 2";

TEST_F(SqliteStoresTest, MigratesAVersion1FileToTheCurrentVersion) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    stores_ = {};
    exec_raw(file(), kBackToVersion5);
    exec_raw(file(), kBackToVersion4);
    exec_raw(file(), kBackToVersion3);
    exec_raw(file(), kBackToVersion2);
    exec_raw(file(), "DROP TABLE revoked_tokens; PRAGMA user_version = 1");
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    EXPECT_TRUE(stores_.users->find_by_id("u1").has_value());
    stores_.revocations->revoke("jti-1", 2000);
    EXPECT_EQ(live_revocations(*stores_.revocations, 1000), std::vector<std::string>{"jti-1"});
}

// Keys stored before keys could be announced sign from their creation, as they did.
TEST_F(SqliteStoresTest, MigratesAVersion2FileKeepingItsSigningKey) {
    stores_.keys->add_key(make_key("k1", 1000));
    stores_ = {};
    exec_raw(file(), kBackToVersion5);
    exec_raw(file(), kBackToVersion4);
    exec_raw(file(), kBackToVersion3);
    exec_raw(file(), kBackToVersion2);
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    const auto keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].activates_at, 1000);
    EXPECT_FALSE(keys[0].revoked_at.has_value());
    const StoredKey current =
        stores_.keys->ensure_current(1500, []() -> StoredKey { throw StoreError("made a key"); });
    EXPECT_EQ(current.kid, "k1");
}

// Users and refresh families from before password generations start at generation 0 alike, so
// their families keep refreshing until the next password change, which ends them.
TEST_F(SqliteStoresTest, MigratesAVersion3FileKeepingItsUsersAndRefreshFamilies) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    stores_ = {};
    exec_raw(file(), kBackToVersion5);
    exec_raw(file(), kBackToVersion4);
    exec_raw(file(), kBackToVersion3);
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    EXPECT_EQ(stores_.users->find_by_id("u1")->password_generation, 0);
    EXPECT_EQ(stores_.refresh_tokens->find("h1")->password_generation, 0);
    ASSERT_TRUE(stores_.users->replace_password("u1", "changed"));
    EXPECT_EQ(stores_.users->find_by_id("u1")->password_generation, 1);
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    EXPECT_EQ(stores_.refresh_tokens->find("h2")->password_generation, 0);
}

// Refresh families from before OAuth clients were all issued by the first-party API: no client, no
// scope, no recorded authentication time. They keep rotating, and no client's removal ends them.
TEST_F(SqliteStoresTest, MigratesAVersion4FileKeepingItsRefreshFamiliesAsFirstParty) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    stores_ = {};
    exec_raw(file(), kBackToVersion5);
    exec_raw(file(), kBackToVersion4);
    ASSERT_EQ(query_text(file(), "PRAGMA user_version"), "4");
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    const auto old = stores_.refresh_tokens->find("h1");
    ASSERT_TRUE(old.has_value());
    EXPECT_EQ(old->client_id, "");
    EXPECT_EQ(old->scope, "");
    EXPECT_EQ(old->auth_time, 0);
    EXPECT_EQ(stores_.refresh_tokens->revoke_client("app", 1100), 0U);
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    EXPECT_EQ(stores_.refresh_tokens->find("h2")->client_id, "");
}

TEST_F(SqliteStoresTest, MigratesAVersion5FileToOneWithNoClients) {
    stores_.refresh_tokens->insert(make_client_token("h1", "f1", "u1", "app"));
    stores_ = {};
    exec_raw(file(), kBackToVersion5);
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "6");
    EXPECT_TRUE(stores_.clients->list().empty());
    EXPECT_EQ(stores_.refresh_tokens->find("h1")->client_id, "app");
    ASSERT_TRUE(stores_.clients->create(make_client("app")));
    EXPECT_EQ(stores_.clients->find("app")->redirect_uris, make_client("app").redirect_uris);
}

TEST_F(SqliteStoresTest, ClientsPersistAcrossReopen) {
    ASSERT_TRUE(stores_.clients->create(make_client("app")));
    reopen();
    const auto client = stores_.clients->find("app");
    ASSERT_TRUE(client.has_value());
    EXPECT_EQ(client->post_logout_redirect_uris, make_client("app").post_logout_redirect_uris);
}

TEST_F(SqliteStoresTest, RevokedIdsSurviveReopening) {
    stores_.revocations->revoke("jti-1", 2000);
    reopen();
    EXPECT_EQ(live_revocations(*stores_.revocations, 1000), std::vector<std::string>{"jti-1"});
    EXPECT_TRUE(live_revocations(*stores_.revocations, 2000).empty());
}

}  // namespace
}  // namespace signet::server
