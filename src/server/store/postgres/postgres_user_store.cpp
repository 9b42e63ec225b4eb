// Users in PostgreSQL. The UNIQUE constraint on email decides who gets an address when two
// registrations race; the loser's unique violation (SQLSTATE 23505) is reported as `false`.
#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

#define SIGNET_SELECT_USER \
    "SELECT id, email, password_hash, disabled, created_at, password_generation FROM users "

constexpr Sql kInsert{"users_insert",
                      "INSERT INTO users (id, email, password_hash, disabled, created_at, "
                      "password_generation) VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Sql kByEmail{"users_by_email", SIGNET_SELECT_USER "WHERE email = $1"};
constexpr Sql kById{"users_by_id", SIGNET_SELECT_USER "WHERE id = $1"};
constexpr Sql kList{"users_list", SIGNET_SELECT_USER "ORDER BY created_at, seq"};
constexpr Sql kReplacePassword{"users_replace_password",
                               "UPDATE users SET password_hash = $1, "
                               "password_generation = password_generation + 1 WHERE id = $2"};
constexpr Sql kUpgradeHash{"users_upgrade_hash",
                           "UPDATE users SET password_hash = $1 "
                           "WHERE id = $2 AND password_generation = $3"};
constexpr Sql kSetDisabled{"users_set_disabled", "UPDATE users SET disabled = $1 WHERE email = $2"};

#undef SIGNET_SELECT_USER

User read_user(const Result& result, int row) {
    return User{.id = result.text(row, 0),
                .email = result.text(row, 1),
                .password_hash = result.text(row, 2),
                .disabled = result.boolean(row, 3),
                .created_at = result.integer(row, 4),
                .password_generation = result.integer(row, 5)};
}

std::optional<User> find_one(Pool& pool, const Sql& sql, std::string_view value) {
    return pool.run([&](Connection& c) -> std::optional<User> {
        const Result result = c.run(sql, {param(value)});
        if (result.rows() == 0) return std::nullopt;
        return read_user(result, 0);
    });
}

}  // namespace

bool PostgresUserStore::create(const User& user) {
    try {
        pool_->transaction([&](Connection& c) {
            c.run(kInsert,
                  {param(user.id), param(user.email), param(user.password_hash),
                   flag(user.disabled), param(user.created_at), param(user.password_generation)});
        });
    } catch (const PgError& e) {
        // Only a taken email is expected; a clash of ids (the primary key) is a bug, reported.
        if (e.sqlstate() == kUniqueViolation && e.constraint() == "users_email_key") return false;
        throw;
    }
    return true;
}

std::optional<User> PostgresUserStore::find_by_email(std::string_view email) {
    return find_one(*pool_, kByEmail, email);
}

std::optional<User> PostgresUserStore::find_by_id(std::string_view id) {
    return find_one(*pool_, kById, id);
}

bool PostgresUserStore::replace_password(std::string_view user_id, std::string_view hash) {
    return pool_->transaction([&](Connection& c) {
        return c.run(kReplacePassword, {param(hash), param(user_id)}).affected() > 0;
    });
}

bool PostgresUserStore::upgrade_password_hash(std::string_view user_id, std::string_view hash,
                                              std::int64_t password_generation) {
    return pool_->transaction([&](Connection& c) {
        return c.run(kUpgradeHash, {param(hash), param(user_id), param(password_generation)})
                   .affected() > 0;
    });
}

bool PostgresUserStore::set_disabled(std::string_view email, bool disabled) {
    return pool_->transaction([&](Connection& c) {
        return c.run(kSetDisabled, {flag(disabled), param(email)}).affected() > 0;
    });
}

std::vector<User> PostgresUserStore::list() {
    return pool_->run([&](Connection& c) {
        const Result result = c.run(kList);
        std::vector<User> users;
        users.reserve(static_cast<std::size_t>(result.rows()));
        for (int row = 0; row < result.rows(); ++row)
            users.push_back(read_user(result, row));
        return users;
    });
}

}  // namespace signet::server::postgres
