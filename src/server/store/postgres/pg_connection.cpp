// libpq connections, statements and the pool (PostgreSQL docs, chapter 34 "libpq").
#include "server/store/postgres/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>

#include "server/store/stores.hpp"

namespace signet::server::postgres {
namespace {

// libpq prints NOTICEs (such as "relation already exists, skipping") to stderr by default.
void ignore_notice(void*, const char*) {}

// libpq's messages span lines ("...refused\n\tIs the server running..."): one line each, so a log
// line or a CLI error stays one line.
std::string trimmed(std::string message) {
    std::string line;
    bool space = false;
    for (char c : message) {
        if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
            space = !line.empty();
            continue;
        }
        if (space) line.push_back(' ');
        space = false;
        line.push_back(c);
    }
    return line;
}

struct ParamArrays {
    std::vector<const char*> values;
    explicit ParamArrays(const std::vector<Param>& params) {
        values.reserve(params.size());
        for (const Param& param : params)
            values.push_back(param ? param->c_str() : nullptr);
    }
    int count() const { return static_cast<int>(values.size()); }
    const char* const* data() const { return values.empty() ? nullptr : values.data(); }
};

}  // namespace

std::string scrub_password(std::string message, const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (error != nullptr) PQfreemem(error);
    if (options == nullptr) return message;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (std::string_view(option->keyword) != "password" || option->val == nullptr) continue;
        const std::string password = option->val;
        if (password.empty()) continue;
        for (std::size_t at = message.find(password); at != std::string::npos;
             at = message.find(password, at + 3))
            message.replace(at, password.size(), "***");
    }
    PQconninfoFree(options);
    return message;
}

// --- Result -------------------------------------------------------------------------------------

Result::~Result() {
    if (result_ != nullptr) PQclear(result_);
}

int Result::rows() const {
    return PQntuples(result_);
}

bool Result::is_null(int row, int column) const {
    return PQgetisnull(result_, row, column) != 0;
}

std::string Result::text(int row, int column) const {
    return std::string(PQgetvalue(result_, row, column),
                       static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t Result::integer(int row, int column) const {
    const char* value = PQgetvalue(result_, row, column);
    const char* end = value + PQgetlength(result_, row, column);
    std::int64_t number = 0;
    const auto [ptr, ec] = std::from_chars(value, end, number);
    if (ec != std::errc{} || ptr != end) {
        throw StoreError("postgres: expected an integer, got \"" + std::string(value, end) + "\"");
    }
    return number;
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return integer(row, column);
}

bool Result::boolean(int row, int column) const {
    // Text output of a boolean is "t" or "f" (docs, 8.6 "Boolean Type").
    return std::string_view(PQgetvalue(result_, row, column)) == "t";
}

std::int64_t Result::affected() const {
    const char* tuples = PQcmdTuples(result_);
    std::int64_t number = 0;
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), number);
    return number;
}

// --- Connection ---------------------------------------------------------------------------------

Connection::Connection(const std::string& url, const std::string& redacted_url)
    : redacted_url_(redacted_url) {
    // Keywords before "dbname" are defaults the URL may override: libpq processes them in order
    // and the last value wins (docs, 34.1 "PQconnectdbParams", expand_dbname).
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {kConnectTimeoutSeconds, "signet", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keywords, values, 1);
    if (conn_ == nullptr) throw StoreError("postgres: out of memory connecting to " + redacted_url);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string cause = trimmed(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        throw StoreError(
            scrub_password("postgres: cannot connect to " + redacted_url + ": " + cause, url));
    }
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Connection::~Connection() {
    if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::healthy() const {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::still_open() {
    if (!healthy()) return false;
    // An idle connection receives nothing unless the server is ending it (we never LISTEN): a
    // FATAL such as "terminating connection due to administrator command", then EOF. Anything
    // readable means this connection is done; a new one costs less than a failed call.
    pollfd pending{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
    return ::poll(&pending, 1, 0) == 0;
}

Result Connection::check(pg_result* raw, std::string_view what) {
    Result result(raw);
    const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;

    const std::string cause =
        trimmed(raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(conn_));
    const std::string message = "postgres: " + std::string(what) + " failed on " + redacted_url_ +
                                ": " + (cause.empty() ? "unknown error" : cause);
    if (PQstatus(conn_) != CONNECTION_OK) throw ConnectionLost(message, !committing_);
    const char* sqlstate = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    const char* constraint =
        raw != nullptr ? PQresultErrorField(raw, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    throw PgError(message, sqlstate != nullptr ? sqlstate : "",
                  constraint != nullptr ? constraint : "");
}

Result Connection::run(const Sql& sql, const std::vector<Param>& params) {
    const ParamArrays arrays(params);
    if (!prepared_.contains(sql.name)) {
        // Types are inferred from the statement (casts in the SQL where that is ambiguous).
        check(PQprepare(conn_, sql.name, sql.text, arrays.count(), nullptr),
              std::string("preparing ") + sql.name);
        prepared_.insert(sql.name);
    }
    return check(
        PQexecPrepared(conn_, sql.name, arrays.count(), arrays.data(), nullptr, nullptr, 0),
        sql.name);
}

Result Connection::exec(const char* sql) {
    return check(PQexec(conn_, sql), "query");
}

Result Connection::exec(const char* sql, const std::vector<Param>& params) {
    const ParamArrays arrays(params);
    return check(
        PQexecParams(conn_, sql, arrays.count(), nullptr, arrays.data(), nullptr, nullptr, 0),
        "query");
}

// --- Pool ---------------------------------------------------------------------------------------

Lease::~Lease() {
    if (connection_) pool_->give_back(std::move(connection_));
}

Pool::Pool(std::string url, unsigned size) : url_(std::move(url)), size_(size == 0 ? 1 : size) {
    redacted_url_ = scrub_password(redact_url(url_), url_);
}

Lease Pool::acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + kAcquireTimeout;
    for (;;) {
        while (!idle_.empty()) {
            std::unique_ptr<Connection> connection = std::move(idle_.back());
            idle_.pop_back();
            if (connection->still_open()) return Lease(*this, std::move(connection));
            --open_;  // the server dropped it while idle; a new one replaces it below
        }
        if (open_ < size_) {
            ++open_;
            lock.unlock();
            try {
                return Lease(*this, std::make_unique<Connection>(url_, redacted_url_));
            } catch (...) {
                lock.lock();
                --open_;
                freed_.notify_one();
                throw;
            }
        }
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= size_) {
            throw StoreError("postgres: no free connection to " + redacted_url_ + " within " +
                             std::to_string(kAcquireTimeout.count()) + " ms (pool of " +
                             std::to_string(size_) + ")");
        }
    }
}

void Pool::drop_idle() {
    std::vector<std::unique_ptr<Connection>> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(idle_);
        open_ -= static_cast<unsigned>(dropped.size());
    }
    freed_.notify_all();
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard lock(mutex_);
        if (connection->healthy()) {
            idle_.push_back(std::move(connection));
        } else {
            --open_;
        }
    }
    freed_.notify_one();
    // A broken connection (if any) is closed here, outside the lock.
}

void Pool::commit(Connection& c) {
    // A connection lost during COMMIT leaves its outcome unknown: never retried.
    c.set_committing(true);
    try {
        c.exec("COMMIT");
    } catch (...) {
        c.set_committing(false);
        throw;
    }
    c.set_committing(false);
}

void Pool::rollback_quietly(Connection& c) noexcept {
    try {
        if (c.healthy()) return;  // not in a transaction (BEGIN failed)
        c.exec("ROLLBACK");
    } catch (...) {
        // The pool drops a connection left inside a transaction.
    }
}

}  // namespace signet::server::postgres
