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
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

using test::TempDir;

// Runs body(i) on `count` threads released together.
template <class Body>
void run_together(int count, Body body) {
    std::latch start(count);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            body(i);
        });
    }
    for (auto& thread : threads)
        thread.join();
}

TEST(SqliteConcurrency, FiftyRotationsOfOneTokenThroughTwoConnectionsRotateExactlyOnce) {
    TempDir dir;
    const auto file = dir / "signet.db";
    auto a = open_sqlite_stores(file);
    auto b = open_sqlite_stores(file);
    a.refresh_tokens->insert(RefreshTokenRecord{.token_hash = "h0",
                                                .family_id = "f1",
                                                .user_id = "u1",
                                                .issued_at = 1000,
                                                .expires_at = 9000,
                                                .used = false,
                                                .revoked = false});

    std::atomic<int> rotated{0};
    std::atomic<int> reused{0};
    std::atomic<int> revoked{0};
    std::atomic<int> other{0};
    std::atomic<int> winner{-1};
    run_together(50, [&](int i) {
        auto& store = i % 2 == 0 ? *a.refresh_tokens : *b.refresh_tokens;
        const auto result = store.rotate("h0", "next-" + std::to_string(i), 9000, 1100);
        switch (result.outcome) {
            case RotateOutcome::rotated:
                ++rotated;
                winner = i;
                break;
            case RotateOutcome::reused: ++reused; break;
            case RotateOutcome::revoked: ++revoked; break;
            default: ++other; break;
        }
        EXPECT_EQ(result.family_id, "f1");
    });

    EXPECT_EQ(rotated.load(), 1);
    // The first loser finds the token spent and revokes the family; the rest find it revoked.
    EXPECT_EQ(reused.load(), 1);
    EXPECT_EQ(revoked.load(), 48);
    EXPECT_EQ(other.load(), 0);
    ASSERT_GE(winner.load(), 0);
    // The losers presented a spent token: the winner's new token belongs to a revoked family.
    const auto next = b.refresh_tokens->find("next-" + std::to_string(winner.load()));
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(next->revoked);
    for (int i = 0; i < 50; ++i) {
        if (i != winner.load()) {
            EXPECT_FALSE(a.refresh_tokens->find("next-" + std::to_string(i)).has_value());
        }
    }
}

TEST(SqliteConcurrency, RegistrationsOfOneEmailFromTwoConnectionsHaveOneWinner) {
    TempDir dir;
    const auto file = dir / "signet.db";
    auto a = open_sqlite_stores(file);
    auto b = open_sqlite_stores(file);
    std::atomic<int> created{0};
    run_together(20, [&](int i) {
        auto& users = i % 2 == 0 ? *a.users : *b.users;
        if (users.create(User{.id = "u" + std::to_string(i),
                              .email = "same@example.com",
                              .password_hash = "h",
                              .disabled = false,
                              .created_at = 1000})) {
            ++created;
        }
    });
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(a.users->list().size(), 1U);
}

TEST(SqliteConcurrency, EnsureCurrentFromTwoConnectionsAgreesOnOneKey) {
    TempDir dir;
    const auto file = dir / "signet.db";
    auto a = open_sqlite_stores(file);
    auto b = open_sqlite_stores(file);
    std::vector<std::string> kids(16);
    run_together(16, [&](int i) {
        auto& keys = i % 2 == 0 ? *a.keys : *b.keys;
        const auto key = keys.ensure_current([i] {
            return StoredKey{.kid = "k" + std::to_string(i),
                             .private_jwk = "{}",
                             .created_at = 1000,
                             .retired_at = std::nullopt};
        });
        kids[static_cast<std::size_t>(i)] = key.kid;
    });
    const std::set<std::string> distinct(kids.begin(), kids.end());
    EXPECT_EQ(distinct.size(), 1U);
    const auto stored = a.keys->list();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].kid, kids[0]);
}

TEST(SqliteConcurrency, GetOrSetSettingFromTwoConnectionsAgreesOnOneValue) {
    TempDir dir;
    const auto file = dir / "signet.db";
    auto a = open_sqlite_stores(file);
    auto b = open_sqlite_stores(file);
    std::vector<std::string> values(16);
    run_together(16, [&](int i) {
        auto& keys = i % 2 == 0 ? *a.keys : *b.keys;
        values[static_cast<std::size_t>(i)] =
            keys.get_or_set_setting("issuer", "https://node" + std::to_string(i) + ".example");
    });
    const std::set<std::string> distinct(values.begin(), values.end());
    ASSERT_EQ(distinct.size(), 1U);
    EXPECT_EQ(b.keys->get_or_set_setting("issuer", "late"), values[0]);
}

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
                                           .created_at = i})) {
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
                                               .created_at = i})) {
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
                                                   .created_at = 1});
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
                                      .created_at = 1});
            stores.refresh_tokens->insert(RefreshTokenRecord{.token_hash = "h1",
                                                             .family_id = "f1",
                                                             .user_id = "u1",
                                                             .issued_at = 1,
                                                             .expires_at = 9000,
                                                             .used = false,
                                                             .revoked = false});
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
