// The PostgreSQL engine's plumbing over libpq: one RAII connection with its prepared statements, a
// bounded pool that replaces connections the server dropped, and transactions that retry once on a
// connection lost before COMMIT was sent (nothing of the work was committed then).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/store/store_error.hpp"

struct pg_conn;
struct pg_result;

namespace signet::server::postgres {

// How long a caller waits for a free connection when all `pool_size` are busy.
inline constexpr std::chrono::milliseconds kAcquireTimeout{5'000};
// libpq's connect_timeout (seconds) unless the URL sets its own.
inline constexpr const char* kConnectTimeoutSeconds = "5";

// SQLSTATE codes (PostgreSQL docs, Appendix A "PostgreSQL Error Codes").
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// A statement the server answered with an error; `sqlstate` tells expected conflicts from bugs.
class PgError : public StoreError {
  public:
    PgError(const std::string& message, std::string sqlstate, std::string constraint)
        : StoreError(message), sqlstate_(std::move(sqlstate)), constraint_(std::move(constraint)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    // The constraint that refused a write (empty for other errors).
    const std::string& constraint() const noexcept { return constraint_; }

  private:
    std::string sqlstate_;
    std::string constraint_;
};

// The connection to the server is gone (server stopped, killed or restarted). `retryable` when the
// unit of work had not sent COMMIT yet, so running it again on a new connection is safe.
class ConnectionLost : public StoreError {
  public:
    ConnectionLost(const std::string& message, bool retryable)
        : StoreError(message), retryable_(retryable) {}
    bool retryable() const noexcept { return retryable_; }

  private:
    bool retryable_;
};

// A named statement: prepared on a connection the first time it is used there.
struct Sql {
    const char* name;
    const char* text;
};

// Parameters are sent as text (PostgreSQL converts them to the column types); nullopt is NULL.
using Param = std::optional<std::string>;

// One result set, freed with PQclear.
class Result {
  public:
    explicit Result(pg_result* result) : result_(result) {}
    Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
    Result& operator=(Result&&) = delete;
    Result(const Result&) = delete;
    ~Result();

    int rows() const;
    bool is_null(int row, int column) const;
    std::string text(int row, int column) const;
    std::int64_t integer(int row, int column) const;
    std::optional<std::int64_t> optional_integer(int row, int column) const;
    bool boolean(int row, int column) const;
    // Rows changed by an INSERT, UPDATE or DELETE.
    std::int64_t affected() const;

  private:
    pg_result* result_;
};

class Connection {
  public:
    // Connects; throws StoreError naming postgres, the redacted URL and libpq's reason.
    Connection(const std::string& url, const std::string& redacted_url);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // Runs a prepared statement (PQprepare on first use on this connection, PQexecPrepared).
    Result run(const Sql& sql, const std::vector<Param>& params = {});
    // Runs parameterless SQL (may hold several statements: DDL of a migration, BEGIN, COMMIT).
    Result exec(const char* sql);
    // The same with bound parameters, not worth preparing (run once per open).
    Result exec(const char* sql, const std::vector<Param>& params);

    // False once libpq has seen the connection break; the pool then drops it.
    bool healthy() const;
    // Checks an idle connection without a round trip: a server that shut down has sent its
    // FATAL and closed the socket.
    bool still_open();

    void set_committing(bool committing) { committing_ = committing; }

  private:
    Result check(pg_result* result, std::string_view what);

    pg_conn* conn_ = nullptr;
    std::string redacted_url_;
    std::unordered_set<std::string> prepared_;
    bool committing_ = false;
};

class Pool;

// A borrowed connection, given back (or dropped when broken) when it goes out of scope.
class Lease {
  public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

  private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
};

class Pool {
  public:
    Pool(std::string url, unsigned size);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // A free connection: an idle one, a new one while fewer than `size` are open, or the next one
    // given back within kAcquireTimeout (StoreError after that).
    Lease acquire();

    // Runs f(connection) once, again on a new connection when the first was lost before COMMIT.
    // Outside transaction() only for reads: an autocommitted write lost in flight may have run.
    template <class F>
    auto run(F&& f) -> std::invoke_result_t<F&, Connection&> {
        for (int attempt = 0;; ++attempt) {
            Lease lease = acquire();
            try {
                return f(*lease);
            } catch (const ConnectionLost& e) {
                // The server most likely restarted: its other idle connections are gone too.
                drop_idle();
                if (attempt > 0 || !e.retryable()) throw;
            }
        }
    }

    // Runs f(connection) inside BEGIN ... COMMIT (READ COMMITTED, PostgreSQL's default). Any
    // exception rolls back; a serialization failure or deadlock retries the whole transaction.
    template <class F>
    auto transaction(F&& f) -> std::invoke_result_t<F&, Connection&> {
        for (int attempt = 0;; ++attempt) {
            try {
                return run([&](Connection& c) { return in_transaction(c, f); });
            } catch (const PgError& e) {
                const bool transient =
                    e.sqlstate() == kSerializationFailure || e.sqlstate() == kDeadlockDetected;
                if (!transient || attempt >= 3) throw;
            }
        }
    }

    const std::string& redacted_url() const { return redacted_url_; }

  private:
    friend class Lease;

    template <class F>
    static auto in_transaction(Connection& c, F& f) -> std::invoke_result_t<F&, Connection&> {
        c.exec("BEGIN");
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
                f(c);
                commit(c);
            } else {
                auto result = f(c);
                commit(c);
                return result;
            }
        } catch (...) {
            rollback_quietly(c);
            throw;
        }
    }
    static void commit(Connection& c);
    static void rollback_quietly(Connection& c) noexcept;

    void give_back(std::unique_ptr<Connection> connection);
    void drop_idle();

    std::string url_;
    std::string redacted_url_;
    unsigned size_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    unsigned open_ = 0;  // idle + lent + being connected
};

// Replaces the URL's password (if any) in `message`, so no error ever carries it.
std::string scrub_password(std::string message, const std::string& url);

}  // namespace signet::server::postgres
