// The embedded default engine: one SQLite file in WAL mode with synchronous=FULL, so a user or
// refresh token is on disk before the response that reports it is sent, and a kill -9 loses
// nothing acknowledged. Several processes may share the file (busy timeout, IMMEDIATE
// transactions).
#pragma once

#include <filesystem>
#include <memory>

#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct SqliteStores {
    std::shared_ptr<UserStore> users;
    std::shared_ptr<RefreshTokenStore> refresh_tokens;
    std::shared_ptr<KeyStore> keys;
    // Revoked access-token ids: written through to the file, read from a local copy that catches up
    // with other processes' revocations at most a second later.
    std::shared_ptr<RevocationStore> revocations;
    std::shared_ptr<ClientStore> clients;
};

// Opens (creating when absent, mode 0600) and migrates the database. Throws StoreError.
SqliteStores open_sqlite_stores(const std::filesystem::path& file);

}  // namespace signet::server
