// End-to-end tests of the data dir commands: `signet user add|list|disable|enable` and
// `signet key rotate`, run as the real binary against a SQLite data dir in a temp directory.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace signet::cli::test {
namespace {

class UserCommand : public CliTest {
  protected:
    std::string data_dir() const { return path("data"); }

    RunResult add(const std::string& email, const std::string& password_input) {
        return run({"user", "add", "--email", email, "--password-stdin", "--data-dir", data_dir()},
                   password_input);
    }
    RunResult list() { return run({"user", "list", "--data-dir", data_dir()}); }

    // The lines of `user list`, each parsed.
    std::vector<boost::json::object> listed() {
        const RunResult result = list();
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        std::vector<boost::json::object> users;
        std::size_t start = 0;
        while (start < result.out.size()) {
            const std::size_t end = result.out.find('\n', start);
            users.push_back(parse_object(result.out.substr(start, end - start)));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return users;
    }
};

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST_F(UserCommand, AddPrintsTheIdAndTheNormalizedEmail) {
    const RunResult result = add("  Alice@Example.COM ", "correct horse battery\n");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.err.empty()) << describe(result);
    EXPECT_EQ(line_count(result.out), 1u);
    const boost::json::object user = parse_object(result.out);
    EXPECT_EQ(user.size(), 2u) << result.out;
    ASSERT_TRUE(user.contains("id") && user.at("id").is_string()) << result.out;
    EXPECT_TRUE(starts_with(user.at("id").as_string(), "u_")) << result.out;
    EXPECT_EQ(user.at("email"), "alice@example.com");
}

TEST_F(UserCommand, ListPrintsOneObjectPerUserOldestFirst) {
    const std::int64_t before = unix_now();
    const RunResult alice = add("alice@example.com", "password-a\n");
    const RunResult bob = add("bob@example.com", "password-b\n");
    ASSERT_EQ(alice.exit_code, 0) << describe(alice);
    ASSERT_EQ(bob.exit_code, 0) << describe(bob);

    const auto users = listed();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].at("email"), "alice@example.com");
    EXPECT_EQ(users[0].at("id"), parse_object(alice.out).at("id"));
    EXPECT_EQ(users[1].at("email"), "bob@example.com");
    for (const auto& user : users) {
        EXPECT_EQ(user.size(), 4u);
        EXPECT_EQ(user.at("disabled"), false);
        ASSERT_TRUE(user.at("created_at").is_int64());
        EXPECT_GE(user.at("created_at").as_int64(), before);
        EXPECT_LE(user.at("created_at").as_int64(), unix_now());
    }
    EXPECT_NE(users[0].at("id"), users[1].at("id"));
}

TEST_F(UserCommand, ListOfADataDirWithoutUsersPrintsNothing) {
    // Creates the data dir and its first key.
    ASSERT_EQ(run({"key", "rotate", "--data-dir", data_dir(), "--alg", "ES256"}).exit_code, 0);
    const RunResult result = list();
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.out.empty()) << describe(result);
}

TEST_F(UserCommand, ListWithoutADataDirFailsAndCreatesNone) {
    expect_rejected(list(), "data_dir_not_found");
    expect_rejected(run({"user", "disable", "a@example.com", "--data-dir", data_dir()}),
                    "data_dir_not_found");
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(UserCommand, DuplicateEmailIsRejectedWhateverItsCase) {
    ASSERT_EQ(add("alice@example.com", "password-1\n").exit_code, 0);
    expect_rejected(add("ALICE@example.com", "password-2\n"), "email_taken");
    EXPECT_EQ(listed().size(), 1u);
}

TEST_F(UserCommand, ImplausibleEmailIsRejectedBeforeTouchingTheDataDir) {
    for (const char* email : {"not-an-email", "a b@example.com", "@example.com", ""}) {
        expect_rejected(add(email, "long enough password\n"), "invalid_email");
    }
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(UserCommand, PasswordOutsideTheLengthRulesIsRejected) {
    expect_rejected(add("a@example.com", "short\n"), "invalid_password");
    expect_rejected(add("a@example.com", "1234567\n"), "invalid_password");  // 7 after the newline
    expect_rejected(add("a@example.com", ""), "invalid_password");
    expect_rejected(add("a@example.com", std::string(1025, 'p')), "invalid_password");
    expect_rejected(add("a@example.com", "\xff\xfe invalid UTF-8\n"), "invalid_password");
    EXPECT_EQ(add("a@example.com", std::string(1024, 'p') + "\n").exit_code, 0);
}

TEST_F(UserCommand, OnlyOneTrailingNewlineIsDroppedFromThePassword) {
    // "1234567\n" remains: eight characters, so it is accepted.
    const RunResult result = add("a@example.com", "1234567\n\n");
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    const RunResult crlf = add("b@example.com", "1234567\r\n");  // "1234567": too short
    expect_rejected(crlf, "invalid_password");
}

TEST_F(UserCommand, AddRequiresEmailAndPasswordStdin) {
    EXPECT_EQ(run({"user", "add", "--email", "a@example.com", "--data-dir", data_dir()}, "pw\n")
                  .exit_code,
              2);
    EXPECT_EQ(
        run({"user", "add", "--password-stdin", "--data-dir", data_dir()}, "password\n").exit_code,
        2);
}

TEST_F(UserCommand, DisableAndEnableFlipTheFlag) {
    ASSERT_EQ(add("alice@example.com", "password-a\n").exit_code, 0);
    ASSERT_EQ(add("bob@example.com", "password-b\n").exit_code, 0);

    const RunResult disabled =
        run({"user", "disable", "Alice@Example.com", "--data-dir", data_dir()});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);
    const auto shown = parse_object(disabled.out);
    EXPECT_EQ(shown.at("email"), "alice@example.com");
    EXPECT_EQ(shown.at("disabled"), true);
    auto users = listed();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].at("disabled"), true);
    EXPECT_EQ(users[1].at("disabled"), false);  // only the named user

    const RunResult enabled =
        run({"user", "enable", "alice@example.com", "--data-dir", data_dir()});
    ASSERT_EQ(enabled.exit_code, 0) << describe(enabled);
    EXPECT_EQ(parse_object(enabled.out).at("disabled"), false);
    users = listed();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].at("disabled"), false);
}

TEST_F(UserCommand, DisableOrEnableOfAnUnknownUserFails) {
    ASSERT_EQ(add("alice@example.com", "password-a\n").exit_code, 0);
    expect_rejected(run({"user", "disable", "carol@example.com", "--data-dir", data_dir()}),
                    "user_not_found");
    expect_rejected(run({"user", "enable", "carol@example.com", "--data-dir", data_dir()}),
                    "user_not_found");
    EXPECT_EQ(run({"user", "disable", "--data-dir", data_dir()}).exit_code, 2);  // no EMAIL
}

TEST_F(UserCommand, DataDirIsPrivateToTheOwner) {
    ASSERT_EQ(add("alice@example.com", "password-a\n").exit_code, 0);
    struct stat info {};
    ASSERT_EQ(::stat(data_dir().c_str(), &info), 0) << std::strerror(errno);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    EXPECT_EQ(info.st_mode & 07777, 0700u);
    const std::string db = data_dir() + "/signet.db";
    ASSERT_EQ(::stat(db.c_str(), &info), 0) << std::strerror(errno);
    EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(UserCommand, SignetDataDirIsUsedWithoutTheOption) {
    {
        const ScopedEnv env("SIGNET_DATA_DIR", data_dir());
        const RunResult result =
            run({"user", "add", "--email", "env@example.com", "--password-stdin"}, "password\n");
        ASSERT_EQ(result.exit_code, 0) << describe(result);
    }
    const auto users = listed();
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].at("email"), "env@example.com");
    // The option wins over the variable.
    const ScopedEnv env("SIGNET_DATA_DIR", path("elsewhere"));
    EXPECT_EQ(list().exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(path("elsewhere")));
}

// The stored hash of the first user, read from the data dir's SQLite file.
std::string stored_hash(const std::string& data_dir) {
    sqlite3* db = nullptr;
    std::string hash;
    if (sqlite3_open_v2((data_dir + "/signet.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT password_hash FROM users", -1, &stmt, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            hash = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return hash;
}

TEST_F(UserCommand, AddHashesWithTheConfiguredArgon2Cost) {
    const std::string config = path("signet.toml");
    write_file(config, "argon2_memory_kib = 8192\nargon2_iterations = 3\n");
    const RunResult result = run({"user", "add", "--email", "cost@example.com", "--password-stdin",
                                  "--data-dir", data_dir(), "--config", config},
                                 "password-cost\n");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(starts_with(stored_hash(data_dir()), "$argon2id$v=19$m=8192,t=3,p=1$"))
        << stored_hash(data_dir());
}

TEST_F(UserCommand, AddHashesWithTheCostOfTheEnvironment) {
    const ScopedEnv memory("SIGNET_ARGON2_MEMORY_KIB", "9000");
    const ScopedEnv passes("SIGNET_ARGON2_ITERATIONS", "1");
    ASSERT_EQ(add("env-cost@example.com", "password-cost\n").exit_code, 0);
    EXPECT_TRUE(starts_with(stored_hash(data_dir()), "$argon2id$v=19$m=9000,t=1,p=1$"))
        << stored_hash(data_dir());
}

TEST_F(UserCommand, ABadSettingIsAUsageErrorNamingIt) {
    const ScopedEnv memory("SIGNET_ARGON2_MEMORY_KIB", "12");
    const RunResult result = add("a@example.com", "password-a\n");
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find("SIGNET_ARGON2_MEMORY_KIB"), std::string::npos) << describe(result);
}

TEST_F(UserCommand, AnUnreachableDatabaseIsAStoreError) {
    const RunResult result =
        run({"user", "list", "--database-url", "postgresql://signet:secret-pw@127.0.0.1:1/signet"});
    expect_rejected(result, "store_error");
    EXPECT_EQ(result.err.find("secret-pw"), std::string::npos) << describe(result);
}

TEST_F(UserCommand, DefaultDataDirIsSignetDataInTheWorkingDirectory) {
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(path(""));
    const RunResult result =
        run({"user", "add", "--email", "cwd@example.com", "--password-stdin"}, "password\n");
    std::filesystem::current_path(previous);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(std::filesystem::exists(path("signet-data/signet.db")));
}

using KeyRotate = UserCommand;

TEST_F(KeyRotate, PrintsTheKidOfEachNewKey) {
    const RunResult first = run({"key", "rotate", "--data-dir", data_dir(), "--alg", "ES256"});
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    EXPECT_TRUE(first.err.empty()) << "the first key signs at once: " << first.err;
    // Without --alg: the configured signing_alg. Announced first, so it says when it signs.
    const RunResult second = run({"key", "rotate", "--data-dir", data_dir()});
    EXPECT_NE(second.err.find("signs in"), std::string::npos) << second.err;
    const RunResult third = run({"key", "rotate", "--now", "--data-dir", data_dir()});
    ASSERT_EQ(third.exit_code, 0) << describe(third);
    EXPECT_TRUE(third.err.empty()) << third.err;
    ASSERT_EQ(second.exit_code, 0) << describe(second);
    const std::string kid1 = chomp(first.out);
    const std::string kid2 = chomp(second.out);
    // RFC 7638 SHA-256 thumbprints: 43 base64url characters.
    EXPECT_EQ(kid1.size(), 43u) << kid1;
    EXPECT_EQ(kid2.size(), 43u) << kid2;
    EXPECT_NE(kid1, kid2);
    EXPECT_EQ(line_count(first.out), 1u);
}

TEST_F(KeyRotate, NeedsAnAlgorithmWhenTheDataDirHasNoKey) {
    expect_rejected(run({"key", "rotate", "--data-dir", data_dir()}), "key_not_found");
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
    std::filesystem::create_directory(data_dir());
    expect_rejected(run({"key", "rotate", "--data-dir", data_dir()}), "key_not_found");
}

// Issue: `key rotate --alg X` was undone by the next start when signing_alg said otherwise.
TEST_F(KeyRotate, RefusesAnAlgorithmOtherThanTheConfiguredOne) {
    const RunResult other = run({"key", "rotate", "--data-dir", data_dir(), "--alg", "EdDSA"});
    expect_rejected(other, "invalid_argument");
    EXPECT_NE(other.err.find("signing_alg"), std::string::npos) << other.err;
    ScopedEnv alg("SIGNET_SIGNING_ALG", "EdDSA");
    const RunResult configured = run({"key", "rotate", "--data-dir", data_dir(), "--alg", "EdDSA"});
    EXPECT_EQ(configured.exit_code, 0) << describe(configured);
}

TEST_F(KeyRotate, RevokeNamesTheReplacementOfTheSigningKeyAndRefusesUnknownKids) {
    const RunResult first = run({"key", "rotate", "--data-dir", data_dir(), "--alg", "ES256"});
    ASSERT_EQ(first.exit_code, 0) << describe(first);
    const std::string kid = chomp(first.out);
    const RunResult revoked = run({"key", "revoke", kid, "--data-dir", data_dir()});
    ASSERT_EQ(revoked.exit_code, 0) << describe(revoked);
    const auto out = parse_object(revoked.out);
    EXPECT_EQ(out.at("revoked").as_string(), kid);
    EXPECT_NE(out.at("signing_kid").as_string(), kid);
    expect_rejected(run({"key", "revoke", kid, "--data-dir", data_dir()}), "key_not_found");
    expect_rejected(run({"key", "revoke", "no-such-kid", "--data-dir", data_dir()}),
                    "key_not_found");
    // A deployment that signs with a configured secret rotates by replacing the secret.
    ScopedEnv alg("SIGNET_SIGNING_ALG", "HS256");
    ScopedEnv secret("SIGNET_HMAC_SECRET", std::string(32, 'x'));
    const RunResult hmac = run({"key", "rotate", "--data-dir", data_dir()});
    expect_rejected(hmac, "invalid_argument");
    EXPECT_NE(hmac.err.find("hmac_secret"), std::string::npos) << hmac.err;
}

TEST_F(KeyRotate, RefusesNoneAndUnknownAlgorithms) {
    EXPECT_EQ(run({"key", "rotate", "--data-dir", data_dir(), "--alg", "none"}).exit_code, 2);
    EXPECT_EQ(run({"key", "rotate", "--data-dir", data_dir(), "--alg", "RSA-OAEP"}).exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

}  // namespace
}  // namespace signet::cli::test
