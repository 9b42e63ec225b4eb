// The SQLite engine, method by method, on real database files: schema and PRAGMAs, users,
// refresh-token rotation in every outcome, signing keys and settings, and persistence on reopen.
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
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

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

User make_user(const std::string& id, const std::string& email, std::int64_t created_at = 1000) {
    return User{.id = id,
                .email = email,
                .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                .disabled = false,
                .created_at = created_at};
}

RefreshTokenRecord make_token(const std::string& hash, const std::string& family,
                              const std::string& user, std::int64_t issued_at = 1000,
                              std::int64_t expires_at = 2000) {
    return RefreshTokenRecord{.token_hash = hash,
                              .family_id = family,
                              .user_id = user,
                              .issued_at = issued_at,
                              .expires_at = expires_at,
                              .used = false,
                              .revoked = false};
}

StoredKey make_key(const std::string& kid, std::int64_t created_at) {
    return StoredKey{.kid = kid,
                     .private_jwk = R"({"kty":"EC","kid":")" + kid + R"("})",
                     .created_at = created_at,
                     .retired_at = std::nullopt};
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
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "2");
    for (const char* table : {"users", "refresh_families", "refresh_tokens", "signing_keys",
                              "settings", "revoked_tokens"}) {
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
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "2");
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

// --- users --------------------------------------------------------------------------------------

TEST_F(SqliteStoresTest, CreatedUserIsFoundByEmailAndById) {
    auto user = make_user("u1", "a@example.com", 1234);
    user.disabled = true;
    ASSERT_TRUE(stores_.users->create(user));

    const auto by_email = stores_.users->find_by_email("a@example.com");
    ASSERT_TRUE(by_email.has_value());
    EXPECT_EQ(by_email->id, "u1");
    EXPECT_EQ(by_email->email, "a@example.com");
    EXPECT_EQ(by_email->password_hash, user.password_hash);
    EXPECT_TRUE(by_email->disabled);
    EXPECT_EQ(by_email->created_at, 1234);

    const auto by_id = stores_.users->find_by_id("u1");
    ASSERT_TRUE(by_id.has_value());
    EXPECT_EQ(by_id->email, "a@example.com");

    EXPECT_FALSE(stores_.users->find_by_email("b@example.com").has_value());
    EXPECT_FALSE(stores_.users->find_by_id("u2").has_value());
}

TEST_F(SqliteStoresTest, CreateReturnsFalseForATakenEmailAndKeepsTheFirstUser) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    auto second = make_user("u2", "a@example.com");
    second.password_hash = "other";
    EXPECT_FALSE(stores_.users->create(second));

    EXPECT_FALSE(stores_.users->find_by_id("u2").has_value());
    EXPECT_EQ(stores_.users->find_by_email("a@example.com")->id, "u1");
    EXPECT_EQ(stores_.users->list().size(), 1U);
}

TEST_F(SqliteStoresTest, CreateThrowsWhenTheIdIsTaken) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    EXPECT_THROW(stores_.users->create(make_user("u1", "b@example.com")), StoreError);
    EXPECT_FALSE(stores_.users->find_by_email("b@example.com").has_value());
}

TEST_F(SqliteStoresTest, UpdatePasswordHashChangesOnlyThatUser) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    ASSERT_TRUE(stores_.users->create(make_user("u2", "b@example.com")));
    EXPECT_TRUE(stores_.users->update_password_hash("u1", "new-hash"));
    EXPECT_EQ(stores_.users->find_by_id("u1")->password_hash, "new-hash");
    EXPECT_NE(stores_.users->find_by_id("u2")->password_hash, "new-hash");
    EXPECT_FALSE(stores_.users->update_password_hash("nobody", "new-hash"));
}

TEST_F(SqliteStoresTest, SetDisabledTogglesTheFlagByEmail) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    EXPECT_TRUE(stores_.users->set_disabled("a@example.com", true));
    EXPECT_TRUE(stores_.users->find_by_id("u1")->disabled);
    EXPECT_TRUE(stores_.users->set_disabled("a@example.com", true));  // already disabled
    EXPECT_TRUE(stores_.users->set_disabled("a@example.com", false));
    EXPECT_FALSE(stores_.users->find_by_id("u1")->disabled);
    EXPECT_FALSE(stores_.users->set_disabled("nobody@example.com", true));
}

TEST_F(SqliteStoresTest, ListReturnsEveryUserOldestFirst) {
    EXPECT_TRUE(stores_.users->list().empty());
    ASSERT_TRUE(stores_.users->create(make_user("u3", "c@example.com", 300)));
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com", 100)));
    ASSERT_TRUE(stores_.users->create(make_user("u2", "b@example.com", 200)));
    const auto users = stores_.users->list();
    ASSERT_EQ(users.size(), 3U);
    EXPECT_EQ(users[0].id, "u1");
    EXPECT_EQ(users[1].id, "u2");
    EXPECT_EQ(users[2].id, "u3");
}

TEST_F(SqliteStoresTest, UsersPersistAcrossReopen) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    ASSERT_TRUE(stores_.users->update_password_hash("u1", "changed"));
    reopen();
    const auto user = stores_.users->find_by_email("a@example.com");
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->password_hash, "changed");
}

// --- refresh tokens -----------------------------------------------------------------------------

TEST_F(SqliteStoresTest, InsertedTokenIsFoundLive) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto record = stores_.refresh_tokens->find("h1");
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->token_hash, "h1");
    EXPECT_EQ(record->family_id, "f1");
    EXPECT_EQ(record->user_id, "u1");
    EXPECT_EQ(record->issued_at, 1000);
    EXPECT_EQ(record->expires_at, 2000);
    EXPECT_FALSE(record->used);
    EXPECT_FALSE(record->revoked);
    EXPECT_FALSE(stores_.refresh_tokens->find("unknown").has_value());
}

TEST_F(SqliteStoresTest, InsertIntoAnExistingFamilyThrowsAndWritesNothing) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1"));
    EXPECT_THROW(stores_.refresh_tokens->insert(make_token("h2", "f1", "u1")), StoreError);
    EXPECT_FALSE(stores_.refresh_tokens->find("h2").has_value());
}

TEST_F(SqliteStoresTest, RotatingALiveTokenSpendsItAndStoresTheNextInTheSameFamily) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto result = stores_.refresh_tokens->rotate("h1", "h2", 3500, 1500);
    EXPECT_EQ(result.outcome, RotateOutcome::rotated);
    EXPECT_EQ(result.user_id, "u1");
    EXPECT_EQ(result.family_id, "f1");

    EXPECT_TRUE(stores_.refresh_tokens->find("h1")->used);
    const auto next = stores_.refresh_tokens->find("h2");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->family_id, "f1");
    EXPECT_EQ(next->user_id, "u1");
    EXPECT_EQ(next->issued_at, 1500);
    EXPECT_EQ(next->expires_at, 3500);
    EXPECT_FALSE(next->used);
    EXPECT_FALSE(next->revoked);

    // The chain goes on from the new token.
    EXPECT_EQ(stores_.refresh_tokens->rotate("h2", "h3", 4000, 1600).outcome,
              RotateOutcome::rotated);
}

TEST_F(SqliteStoresTest, RotatingAnUnknownTokenReportsNotFound) {
    const auto result = stores_.refresh_tokens->rotate("nope", "h2", 3000, 1500);
    EXPECT_EQ(result.outcome, RotateOutcome::not_found);
    EXPECT_TRUE(result.user_id.empty());
    EXPECT_TRUE(result.family_id.empty());
    EXPECT_FALSE(stores_.refresh_tokens->find("h2").has_value());
}

TEST_F(SqliteStoresTest, RotatingAnExpiredTokenReportsExpiredAndStoresNothing) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto at_expiry = stores_.refresh_tokens->rotate("h1", "h2", 4000, 2000);
    EXPECT_EQ(at_expiry.outcome, RotateOutcome::expired);
    EXPECT_EQ(at_expiry.user_id, "u1");
    EXPECT_EQ(at_expiry.family_id, "f1");
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 4000, 2500).outcome,
              RotateOutcome::expired);
    EXPECT_FALSE(stores_.refresh_tokens->find("h2").has_value());
    EXPECT_FALSE(stores_.refresh_tokens->find("h1")->used);
    EXPECT_FALSE(stores_.refresh_tokens->find("h1")->revoked);
}

TEST_F(SqliteStoresTest, ReusingASpentTokenRevokesTheFamilyIncludingItsNewestToken) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    ASSERT_EQ(stores_.refresh_tokens->rotate("h2", "h3", 5000, 1200).outcome,
              RotateOutcome::rotated);

    const auto reuse = stores_.refresh_tokens->rotate("h1", "h4", 5000, 1300);
    EXPECT_EQ(reuse.outcome, RotateOutcome::reused);
    EXPECT_EQ(reuse.user_id, "u1");
    EXPECT_EQ(reuse.family_id, "f1");
    EXPECT_FALSE(stores_.refresh_tokens->find("h4").has_value());

    // The legitimate holder's newest token is dead too.
    EXPECT_TRUE(stores_.refresh_tokens->find("h3")->revoked);
    EXPECT_FALSE(stores_.refresh_tokens->find("h3")->used);
    EXPECT_EQ(stores_.refresh_tokens->rotate("h3", "h5", 5000, 1400).outcome,
              RotateOutcome::revoked);
    EXPECT_FALSE(stores_.refresh_tokens->find("h5").has_value());
    // Presenting the spent token again still reports the revoked family.
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h6", 5000, 1500).outcome,
              RotateOutcome::revoked);
}

TEST_F(SqliteStoresTest, RotatingATokenOfARevokedFamilyReportsRevoked) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_TRUE(stores_.refresh_tokens->revoke_family("f1", 1100));
    const auto result = stores_.refresh_tokens->rotate("h1", "h2", 5000, 1200);
    EXPECT_EQ(result.outcome, RotateOutcome::revoked);
    EXPECT_EQ(result.user_id, "u1");
    EXPECT_EQ(result.family_id, "f1");
    EXPECT_FALSE(stores_.refresh_tokens->find("h1")->used);
    EXPECT_FALSE(stores_.refresh_tokens->find("h2").has_value());
}

TEST_F(SqliteStoresTest, AFailedRotationLeavesTheOldTokenLive) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    stores_.refresh_tokens->insert(make_token("taken", "f2", "u1", 1000, 5000));
    // The next hash collides with an existing token: the whole rotation is rolled back.
    EXPECT_THROW(stores_.refresh_tokens->rotate("h1", "taken", 5000, 1100), StoreError);
    EXPECT_FALSE(stores_.refresh_tokens->find("h1")->used);
    EXPECT_EQ(stores_.refresh_tokens->find("taken")->family_id, "f2");
    EXPECT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1200).outcome,
              RotateOutcome::rotated);
}

TEST_F(SqliteStoresTest, RevokeFamilyRevokesEveryTokenOfItOnly) {
    stores_.refresh_tokens->insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(stores_.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome,
              RotateOutcome::rotated);
    stores_.refresh_tokens->insert(make_token("g1", "f2", "u1", 1000, 5000));

    EXPECT_TRUE(stores_.refresh_tokens->revoke_family("f1", 1200));
    EXPECT_TRUE(stores_.refresh_tokens->find("h1")->revoked);
    EXPECT_TRUE(stores_.refresh_tokens->find("h2")->revoked);
    EXPECT_FALSE(stores_.refresh_tokens->find("g1")->revoked);
    EXPECT_TRUE(stores_.refresh_tokens->revoke_family("f1", 1300));  // still exists
    EXPECT_FALSE(stores_.refresh_tokens->revoke_family("no-such-family", 1300));
}

TEST_F(SqliteStoresTest, RevokeUserRevokesEveryLiveFamilyOfThatUserAndCountsThem) {
    stores_.refresh_tokens->insert(make_token("a1", "fa", "u1"));
    stores_.refresh_tokens->insert(make_token("b1", "fb", "u1"));
    stores_.refresh_tokens->insert(make_token("c1", "fc", "u1"));
    stores_.refresh_tokens->insert(make_token("o1", "fo", "u2"));
    ASSERT_TRUE(stores_.refresh_tokens->revoke_family("fc", 1100));

    EXPECT_EQ(stores_.refresh_tokens->revoke_user("u1", 1200), 2U);
    EXPECT_TRUE(stores_.refresh_tokens->find("a1")->revoked);
    EXPECT_TRUE(stores_.refresh_tokens->find("b1")->revoked);
    EXPECT_FALSE(stores_.refresh_tokens->find("o1")->revoked);
    EXPECT_EQ(stores_.refresh_tokens->rotate("a1", "a2", 5000, 1300).outcome,
              RotateOutcome::revoked);
    EXPECT_EQ(stores_.refresh_tokens->revoke_user("u1", 1400), 0U);
    EXPECT_EQ(stores_.refresh_tokens->revoke_user("nobody", 1400), 0U);
}

TEST_F(SqliteStoresTest, PurgeExpiredDeletesOnlyTokensExpiredBeforeNow) {
    stores_.refresh_tokens->insert(make_token("old1", "f1", "u1", 100, 500));
    stores_.refresh_tokens->insert(make_token("old2", "f2", "u1", 100, 999));
    stores_.refresh_tokens->insert(make_token("edge", "f3", "u1", 100, 1000));
    stores_.refresh_tokens->insert(make_token("live", "f4", "u1", 100, 5000));

    EXPECT_EQ(stores_.refresh_tokens->purge_expired(1000), 2U);
    EXPECT_FALSE(stores_.refresh_tokens->find("old1").has_value());
    EXPECT_FALSE(stores_.refresh_tokens->find("old2").has_value());
    EXPECT_TRUE(stores_.refresh_tokens->find("edge").has_value());
    EXPECT_TRUE(stores_.refresh_tokens->find("live").has_value());
    // Families left without tokens are gone as well.
    EXPECT_FALSE(stores_.refresh_tokens->revoke_family("f1", 1000));
    EXPECT_TRUE(stores_.refresh_tokens->revoke_family("f4", 1000));
    EXPECT_EQ(stores_.refresh_tokens->purge_expired(1000), 0U);
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

// --- keys and settings --------------------------------------------------------------------------

TEST_F(SqliteStoresTest, EnsureCurrentCreatesTheFirstKeyOnceAndThenReturnsIt) {
    int made = 0;
    const auto make = [&] {
        ++made;
        return make_key("k" + std::to_string(made), 1000);
    };
    const auto first = stores_.keys->ensure_current(make);
    EXPECT_EQ(first.kid, "k1");
    EXPECT_FALSE(first.retired_at.has_value());
    const auto again = stores_.keys->ensure_current(make);
    EXPECT_EQ(again.kid, "k1");
    EXPECT_EQ(again.private_jwk, first.private_jwk);
    EXPECT_EQ(made, 1);
    EXPECT_EQ(stores_.keys->list().size(), 1U);
}

TEST_F(SqliteStoresTest, EnsureCurrentPassesOnAFailureToMakeAKey) {
    EXPECT_THROW(
        stores_.keys->ensure_current([]() -> StoredKey { throw std::runtime_error("no entropy"); }),
        std::runtime_error);
    EXPECT_TRUE(stores_.keys->list().empty());
}

TEST_F(SqliteStoresTest, AddCurrentRetiresThePreviousKeyAtTheNewKeysCreation) {
    stores_.keys->add_current(make_key("k1", 1000));
    stores_.keys->add_current(make_key("k2", 2000));
    stores_.keys->add_current(make_key("k3", 3000));

    const auto keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 3U);
    EXPECT_EQ(keys[0].kid, "k1");
    EXPECT_EQ(keys[0].retired_at, std::optional<std::int64_t>(2000));
    EXPECT_EQ(keys[1].kid, "k2");
    EXPECT_EQ(keys[1].retired_at, std::optional<std::int64_t>(3000));
    EXPECT_EQ(keys[2].kid, "k3");
    EXPECT_FALSE(keys[2].retired_at.has_value());
    EXPECT_EQ(keys[2].private_jwk, make_key("k3", 3000).private_jwk);

    bool made = false;
    const auto current = stores_.keys->ensure_current([&] {
        made = true;
        return make_key("k4", 4000);
    });
    EXPECT_EQ(current.kid, "k3");
    EXPECT_FALSE(made);
}

TEST_F(SqliteStoresTest, AddCurrentWithATakenKidChangesNothing) {
    stores_.keys->add_current(make_key("k1", 1000));
    EXPECT_THROW(stores_.keys->add_current(make_key("k1", 2000)), StoreError);
    const auto keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_FALSE(keys[0].retired_at.has_value());  // the retirement was rolled back
}

TEST_F(SqliteStoresTest, RemoveRetiredBeforeDeletesOnlyKeysRetiredBeforeTheCutoff) {
    stores_.keys->add_current(make_key("k1", 1000));
    stores_.keys->add_current(make_key("k2", 2000));  // k1 retired at 2000
    stores_.keys->add_current(make_key("k3", 3000));  // k2 retired at 3000

    EXPECT_EQ(stores_.keys->remove_retired_before(2000), 0U);
    EXPECT_EQ(stores_.keys->remove_retired_before(2500), 1U);
    auto keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].kid, "k2");
    // The current key is never removed, however old.
    EXPECT_EQ(stores_.keys->remove_retired_before(1'000'000), 1U);
    keys = stores_.keys->list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].kid, "k3");
}

TEST_F(SqliteStoresTest, GetOrSetSettingKeepsTheFirstValue) {
    EXPECT_EQ(stores_.keys->get_or_set_setting("issuer", "https://a.example"), "https://a.example");
    EXPECT_EQ(stores_.keys->get_or_set_setting("issuer", "https://b.example"), "https://a.example");
    EXPECT_EQ(stores_.keys->get_or_set_setting("other", "x"), "x");
}

TEST_F(SqliteStoresTest, SetSettingOverwritesAndEmptyValuesAreStoredAsEmpty) {
    stores_.keys->set_setting("issuer", "https://a.example");
    stores_.keys->set_setting("issuer", "https://b.example");
    EXPECT_EQ(stores_.keys->get_or_set_setting("issuer", "ignored"), "https://b.example");
    // A default-constructed view has no data pointer; it must still be an empty string.
    stores_.keys->set_setting("empty", std::string_view{});
    EXPECT_EQ(stores_.keys->get_or_set_setting("empty", "ignored"), "");
}

TEST_F(SqliteStoresTest, KeysAndSettingsPersistAcrossReopen) {
    stores_.keys->add_current(make_key("k1", 1000));
    stores_.keys->add_current(make_key("k2", 2000));
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

TEST_F(SqliteStoresTest, MigratesAVersion1FileToVersion2) {
    ASSERT_TRUE(stores_.users->create(make_user("u1", "a@example.com")));
    stores_ = {};
    exec_raw(file(), "DROP TABLE revoked_tokens; PRAGMA user_version = 1");
    reopen();
    EXPECT_EQ(query_text(file(), "PRAGMA user_version"), "2");
    EXPECT_TRUE(stores_.users->find_by_id("u1").has_value());
    stores_.revocations->revoke("jti-1", 2000);
    EXPECT_EQ(live_revocations(*stores_.revocations, 1000), std::vector<std::string>{"jti-1"});
}

TEST_F(SqliteStoresTest, RevokedIdsSurviveReopening) {
    stores_.revocations->revoke("jti-1", 2000);
    reopen();
    EXPECT_EQ(live_revocations(*stores_.revocations, 1000), std::vector<std::string>{"jti-1"});
    EXPECT_TRUE(live_revocations(*stores_.revocations, 2000).empty());
}

TEST_F(SqliteStoresTest, ARevocationByAnotherConnectionIsReadFromTheCursor) {
    SqliteStores other = open_sqlite_stores(file());
    std::int64_t cursor = 0;
    EXPECT_TRUE(stores_.revocations->changes_since(cursor, 1000).empty());
    other.revocations->revoke("jti-x", 5000);
    const auto fresh = stores_.revocations->changes_since(cursor, 1000);
    ASSERT_EQ(fresh.size(), 1U);
    EXPECT_EQ(fresh.front().jti, "jti-x");
    EXPECT_EQ(fresh.front().expires_at, 5000);
    EXPECT_TRUE(stores_.revocations->changes_since(cursor, 1000).empty());
    // Revoked again with a later expiry: read again, with that expiry.
    other.revocations->revoke("jti-x", 7000);
    const auto again = stores_.revocations->changes_since(cursor, 1000);
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again.front().expires_at, 7000);
}

}  // namespace
}  // namespace signet::server
