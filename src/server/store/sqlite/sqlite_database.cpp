// The shared SQLite connection: file creation with mode 0600, the durability PRAGMAs, statement
// cache and error mapping onto StoreError.
#include "server/store/sqlite/sqlite_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace signet::server::sqlite {

void throw_error(sqlite3* db, int rc, std::string_view context) {
    std::string message = "sqlite: ";
    message += context;
    message += ": ";
    // The connection's message describes the latest failure; fall back to the generic text
    // when the connection is not available (open failed before a handle existed).
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) throw BusyError(message);
    if (primary == SQLITE_CONSTRAINT) throw ConstraintError(message, rc);
    throw StoreError(message);
}

Statement::~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
        throw StoreError("sqlite: text value too large");
    }
    // A null pointer would bind SQL NULL; an empty view may carry one.
    const char* data = text.data() != nullptr ? text.data() : "";
    const int rc =
        sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_STATIC);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    if (value) return bind(index, *value);
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, rc, sqlite3_sql(stmt_));
}

std::int64_t Statement::run() {
    while (step()) {
    }
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::int64_t Statement::integer(int column) const {
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, column));
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
}

std::shared_ptr<Database> Database::open(const std::filesystem::path& file) {
    // Created here rather than by SQLite so the mode is 0600 from the first byte; SQLite gives
    // the -wal and -shm files the mode of the database file.
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        throw StoreError("sqlite: cannot create " + file.string() + ": " + std::strerror(err));
    }
    ::close(fd);

    sqlite3* handle = nullptr;
    // NOMUTEX: Database serializes every use of the connection with its own mutex.
    const int rc = sqlite3_open_v2(file.c_str(), &handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
        sqlite3_close_v2(handle);
        throw StoreError("sqlite: cannot open " + file.string() + ": " + message);
    }
    std::shared_ptr<Database> db(new Database(handle));
    db->configure();
    return db;
}

void Database::configure() {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(kBusyTimeout.count()));
    read([&] {
        // Switching to WAL needs an exclusive lock the first time; the retry covers a second
        // process opening the same new file at this moment. WAL is persistent in the file.
        auto mode = prepare("PRAGMA journal_mode=WAL");
        std::string result;
        if (mode.step()) result = mode.text(0);
        if (result != "wal") {
            throw StoreError("sqlite: cannot enable WAL journal mode (got '" + result + "')");
        }
    });
    read([&] {
        // FULL: in WAL mode every commit syncs the log, so an acknowledged write survives
        // power loss, not only a crash of the process.
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA foreign_keys=ON");
    });
}

Database::~Database() {
    for (auto& [sql, stmt] : statements_)
        sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

Statement Database::prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) throw_error(db_, rc, sql);
        it = statements_.emplace(std::string(sql), stmt).first;
    }
    return Statement(db_, it->second);
}

void Database::exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw_error(db_, rc, sql);
}

void Database::rollback_quietly() noexcept {
    // Some errors (SQLITE_FULL, I/O errors) roll back on their own; then there is nothing left.
    if (sqlite3_get_autocommit(db_) == 0) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

}  // namespace signet::server::sqlite
