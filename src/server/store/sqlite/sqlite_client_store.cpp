// OAuth clients in SQLite. A client and its URIs are written in one transaction; the primary key
// decides who gets an id when two registrations race, and the loser writes nothing.
#include "server/store/sqlite/sqlite_store_types.hpp"

namespace signet::server::sqlite {
namespace {

constexpr std::string_view kRedirect = "redirect";
constexpr std::string_view kPostLogout = "post_logout";

// One row per URI (or one with NULL URI columns for a client that has none), clients in order of
// creation and each client's URIs in the order they were given: read in one statement, so one
// snapshot.
#define SIGNET_SELECT_CLIENTS                                                               \
    "SELECT c.id, c.name, c.secret_hash, c.created_at, u.purpose, u.uri FROM clients AS c " \
    "LEFT JOIN client_uris AS u ON u.client_id = c.id "

// Appends the row's URI (if any) to the client being assembled, or starts the next client.
void read_row(const Statement& stmt, std::vector<Client>& clients) {
    std::string id = stmt.text(0);
    if (clients.empty() || clients.back().id != id) {
        Client client;
        client.id = std::move(id);
        client.name = stmt.text(1);
        client.secret_hash = stmt.text(2);
        client.created_at = stmt.integer(3);
        clients.push_back(std::move(client));
    }
    const std::string purpose = stmt.text(4);  // "" for NULL: a client without URIs
    if (purpose == kRedirect) {
        clients.back().redirect_uris.push_back(stmt.text(5));
    } else if (purpose == kPostLogout) {
        clients.back().post_logout_redirect_uris.push_back(stmt.text(5));
    }
}

void insert_uris(Database& db, std::string_view client_id, std::string_view purpose,
                 const std::vector<std::string>& uris) {
    for (std::size_t i = 0; i < uris.size(); ++i) {
        auto stmt = db.prepare(
            "INSERT INTO client_uris (client_id, purpose, position, uri) VALUES (?1, ?2, ?3, ?4)");
        stmt.bind(1, client_id)
            .bind(2, purpose)
            .bind(3, static_cast<std::int64_t>(i))
            .bind(4, uris[i]);
        stmt.run();
    }
}

}  // namespace

bool SqliteClientStore::create(const Client& client) {
    return db_->write([&] {
        auto stmt = db_->prepare(
            "INSERT INTO clients (id, name, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (id) DO NOTHING");
        stmt.bind(1, client.id)
            .bind(2, client.name)
            .bind(3, client.secret_hash)
            .bind(4, client.created_at);
        if (stmt.run() == 0) return false;  // the id is taken
        insert_uris(*db_, client.id, kRedirect, client.redirect_uris);
        insert_uris(*db_, client.id, kPostLogout, client.post_logout_redirect_uris);
        return true;
    });
}

std::optional<Client> SqliteClientStore::find(std::string_view id) {
    return db_->read([&]() -> std::optional<Client> {
        std::vector<Client> found;
        auto stmt =
            db_->prepare(SIGNET_SELECT_CLIENTS "WHERE c.id = ?1 ORDER BY u.purpose, u.position");
        stmt.bind(1, id);
        while (stmt.step())
            read_row(stmt, found);
        if (found.empty()) return std::nullopt;
        return std::move(found.front());
    });
}

std::vector<Client> SqliteClientStore::list() {
    return db_->read([&] {
        std::vector<Client> clients;
        auto stmt = db_->prepare(SIGNET_SELECT_CLIENTS
                                 "ORDER BY c.created_at, c.rowid, u.purpose, u.position");
        while (stmt.step())
            read_row(stmt, clients);
        return clients;
    });
}

bool SqliteClientStore::remove(std::string_view id) {
    // The client's URIs go with it (ON DELETE CASCADE).
    return db_->write([&] {
        auto stmt = db_->prepare("DELETE FROM clients WHERE id = ?1");
        stmt.bind(1, id);
        return stmt.run() > 0;
    });
}

}  // namespace signet::server::sqlite

#undef SIGNET_SELECT_CLIENTS
