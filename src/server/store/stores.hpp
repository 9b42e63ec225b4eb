// The Stores aggregate and open_stores(): the one place that knows which storage engines exist
// and picks them from the settings (DESIGN.md, "Engines are chosen in one place").
//   database_url unset          -> SQLite in the data dir (the embedded default)
//   database_url postgresql://  -> PostgreSQL: users, OAuth clients, refresh tokens, keys,
//                                  revocations
//   redis_url unset             -> sessions, authorization codes and rate-limit counters in this
//                                  process's memory
//   redis_url redis://          -> Redis: the same, shared by every node
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "server/store/authorization_code_store.hpp"
#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/rate_limit_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct Stores {
    std::shared_ptr<UserStore> users;
    std::shared_ptr<RefreshTokenStore> refresh_tokens;
    std::shared_ptr<KeyStore> keys;
    std::shared_ptr<SessionStore> sessions;
    std::shared_ptr<RevocationStore> revocations;
    std::shared_ptr<RateLimitStore> rate_limits;
    std::shared_ptr<ClientStore> clients;                         // with the users' database
    std::shared_ptr<AuthorizationCodeStore> authorization_codes;  // with the sessions
    std::string session_engine = "memory";  // "memory" or "redis": what holds the sessions
};

struct StoreSettings {
    std::filesystem::path data_dir = "signet-data";  // for the embedded SQLite database
    std::optional<std::string> database_url;         // postgresql://... or postgres://...
    std::optional<std::string> redis_url;            // redis://...
    // PostgreSQL connections held open (a request waits for a free one).
    unsigned database_pool_size = 16;
    // Without it, the embedded database must already exist (StoreError otherwise): commands
    // that read or change a deployment never create an empty one.
    bool create = true;
};

// Opens (and migrates) the engines the settings name. Throws StoreError naming the engine and the
// cause (unreachable server, bad URL, newer schema).
Stores open_stores(const StoreSettings& settings);

// What a URL names, without credentials, for logs and messages ("postgresql://host:5432/db").
std::string redact_url(const std::string& url);

}  // namespace signet::server
