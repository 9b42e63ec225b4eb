// The SQLite engine under contention: many threads over two separately opened connections to one
// file, several processes creating one new file together, a writer waiting out another
// connection's lock, and an acknowledged write surviving kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/store/store_records.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

using test::run_together;

using test::TempDir;

TEST(SqliteConcurrency, ThreadsOpeningOneNewFileTogetherAllSucceed) {
    TempDir dir;
    const auto file = dir / "signet.db";
    std::atomic<int> failures{0};
    run_together(8, [&](int i) {
        try {
            auto stores = open_sqlite_stores(file);
            if (!stores.users->create(User{.id = "u" + std::to_string(i),
                                           .email = std::to_string(i) + "@example.com",
                                           .password_hash = "h",
                                           .disabled = false,
                                           .created_at = i,
                                           .password_generation = 0})) {
                ++failures;
            }
        } catch (const StoreError& e) {
            ADD_FAILURE() << e.what();
            ++failures;
        }
    });
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(open_sqlite_stores(file).users->list().size(), 8U);
}

TEST(SqliteConcurrency, ProcessesOpeningOneNewFileTogetherAllSucceed) {
    TempDir dir;
    const auto file = dir / "signet.db";
    constexpr int kProcesses = 4;
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            // Child: wait for the start signal (the pipe closing), then open and write.
            ::close(go[1]);
            char byte = 0;
            while (::read(go[0], &byte, 1) > 0) {
            }
            int code = 0;
            try {
                auto stores = open_sqlite_stores(file);
                const auto id = "p" + std::to_string(i);
                if (!stores.users->create(User{.id = id,
                                               .email = id + "@example.com",
                                               .password_hash = "h",
                                               .disabled = false,
                                               .created_at = i,
                                               .password_generation = 0})) {
                    code = 2;
                }
                stores.keys->get_or_set_setting("issuer", id);
            } catch (...) {
                code = 1;
            }
            ::_exit(code);
        }
        children.push_back(pid);
    }
    ::close(go[0]);
    ::close(go[1]);  // releases every child at once
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    auto stores = open_sqlite_stores(file);
    EXPECT_EQ(stores.users->list().size(), static_cast<std::size_t>(kProcesses));
}

TEST(SqliteConcurrency, AWriterWaitsForAnotherConnectionsTransactionToEnd) {
    TempDir dir;
    const auto file = dir / "signet.db";
    auto stores = open_sqlite_stores(file);

    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    std::thread release([other] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    });

    const auto start = std::chrono::steady_clock::now();
    const bool created = stores.users->create(User{.id = "u1",
                                                   .email = "a@example.com",
                                                   .password_hash = "h",
                                                   .disabled = false,
                                                   .created_at = 1,
                                                   .password_generation = 0});
    const auto waited = std::chrono::steady_clock::now() - start;
    release.join();
    sqlite3_close(other);

    EXPECT_TRUE(created);
    EXPECT_GE(waited, std::chrono::milliseconds(200));
    EXPECT_TRUE(stores.users->find_by_id("u1").has_value());
}

TEST(SqliteConcurrency, AnAcknowledgedWriteSurvivesKill9) {
    TempDir dir;
    const auto file = dir / "signet.db";
    int ack[2];
    ASSERT_EQ(::pipe(ack), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(ack[0]);
        try {
            auto stores = open_sqlite_stores(file);
            stores.users->create(User{.id = "u1",
                                      .email = "a@example.com",
                                      .password_hash = "h",
                                      .disabled = false,
                                      .created_at = 1,
                                      .password_generation = 0});
            stores.refresh_tokens->insert(RefreshTokenRecord{.token_hash = "h1",
                                                             .family_id = "f1",
                                                             .user_id = "u1",
                                                             .issued_at = 1,
                                                             .expires_at = 9000,
                                                             .used = false,
                                                             .revoked = false,
                                                             .password_generation = 0,
                                                             .family_created_at = 0,
                                                             .client_id = "",
                                                             .scope = "",
                                                             .auth_time = 0});
            const char done = 'y';
            if (::write(ack[1], &done, 1) != 1) ::_exit(1);
            for (;;)
                ::pause();  // killed while the connection is still open
        } catch (...) {
            ::_exit(1);
        }
    }
    ::close(ack[1]);
    char byte = 0;
    ASSERT_EQ(::read(ack[0], &byte, 1), 1);
    ::close(ack[0]);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));

    auto stores = open_sqlite_stores(file);
    EXPECT_TRUE(stores.users->find_by_email("a@example.com").has_value());
    const auto token = stores.refresh_tokens->find("h1");
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(token->family_id, "f1");
}

}  // namespace
}  // namespace signet::server
