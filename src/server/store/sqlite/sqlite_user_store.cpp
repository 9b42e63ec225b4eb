// Users in SQLite. The UNIQUE index on email decides who gets an address when two registrations
// race; the loser sees `false` and nothing of it is written.
#include <sqlite3.h>

#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {
namespace {

#define SIGNET_SELECT_USER \
    "SELECT id, email, password_hash, disabled, created_at, password_generation FROM users "

User read_user(const Statement& stmt) {
    User user;
    user.id = stmt.text(0);
    user.email = stmt.text(1);
    user.password_hash = stmt.text(2);
    user.disabled = stmt.integer(3) != 0;
    user.created_at = stmt.integer(4);
    user.password_generation = stmt.integer(5);
    return user;
}

std::optional<User> find_one(Database& db, const char* sql, std::string_view value) {
    return db.read([&]() -> std::optional<User> {
        auto stmt = db.prepare(sql);
        stmt.bind(1, value);
        if (!stmt.step()) return std::nullopt;
        return read_user(stmt);
    });
}

}  // namespace

bool SqliteUserStore::create(const User& user) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "INSERT INTO users (id, email, password_hash, disabled, created_at, "
            "password_generation) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        stmt.bind(1, user.id)
            .bind(2, user.email)
            .bind(3, user.password_hash)
            .bind(4, std::int64_t{user.disabled ? 1 : 0})
            .bind(5, user.created_at)
            .bind(6, user.password_generation);
        try {
            stmt.run();
        } catch (const ConstraintError& e) {
            // Only the email is UNIQUE; a clash of ids (PRIMARY KEY) is a bug and is reported.
            if (e.code() == SQLITE_CONSTRAINT_UNIQUE) return false;
            throw;
        }
        return true;
    });
}

std::optional<User> SqliteUserStore::find_by_email(std::string_view email) {
    return find_one(*db_, SIGNET_SELECT_USER "WHERE email = ?1", email);
}

std::optional<User> SqliteUserStore::find_by_id(std::string_view id) {
    return find_one(*db_, SIGNET_SELECT_USER "WHERE id = ?1", id);
}

bool SqliteUserStore::replace_password(std::string_view user_id, std::string_view hash) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "UPDATE users SET password_hash = ?1, password_generation = password_generation + 1 "
            "WHERE id = ?2");
        stmt.bind(1, hash).bind(2, user_id);
        return stmt.run() > 0;
    });
}

bool SqliteUserStore::upgrade_password_hash(std::string_view user_id, std::string_view hash,
                                            std::int64_t password_generation) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2 AND password_generation = ?3");
        stmt.bind(1, hash).bind(2, user_id).bind(3, password_generation);
        return stmt.run() > 0;
    });
}

bool SqliteUserStore::set_disabled(std::string_view email, bool disabled) {
    return db_->write([&] {
        auto stmt = db_->prepare("UPDATE users SET disabled = ?1 WHERE email = ?2");
        stmt.bind(1, std::int64_t{disabled ? 1 : 0}).bind(2, email);
        return stmt.run() > 0;
    });
}

std::vector<User> SqliteUserStore::list() {
    return db_->read([&] {
        std::vector<User> users;
        auto stmt = db_->prepare(SIGNET_SELECT_USER "ORDER BY created_at, rowid");
        while (stmt.step())
            users.push_back(read_user(stmt));
        return users;
    });
}

}  // namespace signet::server::sqlite

#undef SIGNET_SELECT_USER
