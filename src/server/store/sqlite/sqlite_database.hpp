// One SQLite connection shared by the SQLite stores: a mutex around it, cached prepared statements,
// and IMMEDIATE write transactions that retry on SQLITE_BUSY until the busy timeout has passed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "server/store/store_error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace signet::server::sqlite {

// How long a writer waits for another connection (or process) holding the write lock.
inline constexpr std::chrono::milliseconds kBusyTimeout{10'000};

// The engine answered SQLITE_BUSY or SQLITE_LOCKED: the whole transaction may be retried.
class BusyError : public StoreError {
  public:
    using StoreError::StoreError;
};

// A constraint (UNIQUE, PRIMARY KEY, FOREIGN KEY, ...) refused a write; `code` is the extended
// result code, so callers can tell an expected conflict from a bug.
class ConstraintError : public StoreError {
  public:
    ConstraintError(const std::string& message, int code) : StoreError(message), code_(code) {}
    int code() const noexcept { return code_; }

  private:
    int code_;
};

// Throws the StoreError subclass matching `rc`, with the connection's message.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view context);

// A cached prepared statement borrowed for one use; reset and unbound when it goes out of scope.
// Bound text is not copied (SQLITE_STATIC): it must outlive the last step().
class Statement {
  public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::optional<std::int64_t> value);
    // Runs one step: true when a row is available, false when the statement is done.
    bool step();
    // Steps to completion (for writes) and returns how many rows changed.
    std::int64_t run();

    std::string text(int column) const;
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

class Database {
  public:
    // Creates the file with mode 0600 when absent (so -wal and -shm inherit it), opens it and sets
    // WAL, synchronous=FULL, foreign keys and the busy timeout. Throws StoreError.
    static std::shared_ptr<Database> open(const std::filesystem::path& file);

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs f() inside BEGIN IMMEDIATE ... COMMIT under the connection lock: the write lock is
    // taken before anything is read, so the transaction sees the latest state and no other
    // connection (in any process) writes until it ends. Any exception rolls back; BUSY/LOCKED
    // retries the whole transaction until the busy timeout has passed.
    template <class F>
    auto write(F&& f) -> std::invoke_result_t<F&> {
        return with_retry([&] {
            exec("BEGIN IMMEDIATE");
            try {
                if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
                    f();
                    exec("COMMIT");
                } else {
                    auto result = f();
                    exec("COMMIT");
                    return result;
                }
            } catch (...) {
                rollback_quietly();
                throw;
            }
        });
    }

    // Runs f() under the connection lock without an explicit transaction (one statement reads
    // one consistent snapshot); retried on BUSY/LOCKED like write().
    template <class F>
    auto read(F&& f) -> std::invoke_result_t<F&> {
        return with_retry(f);
    }

    // A cached statement for `sql`; only valid inside read() or write().
    Statement prepare(std::string_view sql);
    // Runs one or more statements without results; only inside read() or write().
    void exec(const char* sql);

  private:
    explicit Database(sqlite3* db) : db_(db) {}

    template <class F>
    auto with_retry(F&& f) -> std::invoke_result_t<F&> {
        std::lock_guard lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + kBusyTimeout;
        auto pause = std::chrono::milliseconds(1);
        for (;;) {
            try {
                return f();
            } catch (const BusyError&) {
                if (std::chrono::steady_clock::now() >= deadline) throw;
            }
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(50));
        }
    }

    void rollback_quietly() noexcept;
    void configure();

    // Looked up by the SQL text without building a std::string each time.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept {
            return std::hash<std::string_view>{}(sql);
        }
    };

    std::mutex mutex_;
    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

}  // namespace signet::server::sqlite
