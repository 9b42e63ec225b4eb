// The data directory of a deployment: created with mode 0700, holding the SQLite database
// `signet.db` (mode 0600) with users, refresh tokens, signing keys and settings.
#pragma once

#include <filesystem>

#include "server/store/sqlite/sqlite_stores.hpp"

namespace signet::server {

inline constexpr const char* kDatabaseFileName = "signet.db";

// Creates `dir` (mode 0700) when absent, refuses a path that is not a directory, and opens the
// database. Throws StoreError naming the path.
SqliteStores open_data_dir(const std::filesystem::path& dir);

}  // namespace signet::server
