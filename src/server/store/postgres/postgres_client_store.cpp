// OAuth clients in PostgreSQL. A client and its URIs are written in one transaction; the primary
// key decides who gets an id when two registrations race (INSERT ... ON CONFLICT DO NOTHING waits
// for the other transaction and then skips the row), and the loser writes nothing.
#include "server/store/postgres/postgres_store_types.hpp"

namespace signet::server::postgres {
namespace {

constexpr std::string_view kRedirect = "redirect";
constexpr std::string_view kPostLogout = "post_logout";

// One row per URI (or one with NULL URI columns for a client that has none), clients in order of
// creation and each client's URIs in the order they were given: one statement, one snapshot.
#define SIGNET_SELECT_CLIENTS                                                               \
    "SELECT c.id, c.name, c.secret_hash, c.created_at, u.purpose, u.uri FROM clients AS c " \
    "LEFT JOIN client_uris AS u ON u.client_id = c.id "

constexpr Sql kInsert{"clients_insert",
                      "INSERT INTO clients (id, name, secret_hash, created_at) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"};
constexpr Sql kInsertUri{"clients_insert_uri",
                         "INSERT INTO client_uris (client_id, purpose, position, uri) "
                         "VALUES ($1, $2, $3, $4)"};
constexpr Sql kFind{"clients_find",
                    SIGNET_SELECT_CLIENTS "WHERE c.id = $1 ORDER BY u.purpose, u.position"};
constexpr Sql kList{"clients_list",
                    SIGNET_SELECT_CLIENTS "ORDER BY c.created_at, c.seq, u.purpose, u.position"};
constexpr Sql kRemove{"clients_remove", "DELETE FROM clients WHERE id = $1"};

#undef SIGNET_SELECT_CLIENTS

// The rows of kFind or kList, one Client per run of rows with the same id.
std::vector<Client> read_clients(const Result& result) {
    std::vector<Client> clients;
    for (int row = 0; row < result.rows(); ++row) {
        std::string id = result.text(row, 0);
        if (clients.empty() || clients.back().id != id) {
            Client client;
            client.id = std::move(id);
            client.name = result.text(row, 1);
            client.secret_hash = result.text(row, 2);
            client.created_at = result.integer(row, 3);
            clients.push_back(std::move(client));
        }
        if (result.is_null(row, 4)) continue;  // a client without URIs
        const std::string purpose = result.text(row, 4);
        if (purpose == kRedirect) {
            clients.back().redirect_uris.push_back(result.text(row, 5));
        } else if (purpose == kPostLogout) {
            clients.back().post_logout_redirect_uris.push_back(result.text(row, 5));
        }
    }
    return clients;
}

void insert_uris(Connection& c, std::string_view client_id, std::string_view purpose,
                 const std::vector<std::string>& uris) {
    for (std::size_t i = 0; i < uris.size(); ++i) {
        c.run(kInsertUri, {param(client_id), param(purpose), param(static_cast<std::int64_t>(i)),
                           param(uris[i])});
    }
}

}  // namespace

bool PostgresClientStore::create(const Client& client) {
    return pool_->transaction([&](Connection& c) {
        const Result inserted =
            c.run(kInsert, {param(client.id), param(client.name), param(client.secret_hash),
                            param(client.created_at)});
        if (inserted.affected() == 0) return false;  // the id is taken
        insert_uris(c, client.id, kRedirect, client.redirect_uris);
        insert_uris(c, client.id, kPostLogout, client.post_logout_redirect_uris);
        return true;
    });
}

std::optional<Client> PostgresClientStore::find(std::string_view id) {
    return pool_->run([&](Connection& c) -> std::optional<Client> {
        std::vector<Client> found = read_clients(c.run(kFind, {param(id)}));
        if (found.empty()) return std::nullopt;
        return std::move(found.front());
    });
}

std::vector<Client> PostgresClientStore::list() {
    return pool_->run([&](Connection& c) { return read_clients(c.run(kList)); });
}

bool PostgresClientStore::remove(std::string_view id) {
    // The client's URIs go with it (ON DELETE CASCADE).
    return pool_->transaction(
        [&](Connection& c) { return c.run(kRemove, {param(id)}).affected() > 0; });
}

}  // namespace signet::server::postgres
