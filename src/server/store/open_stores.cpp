// open_stores: the engines named by the settings, and nowhere else.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "server/store/memory/memory_stores.hpp"
#include "server/store/postgres/postgres_stores.hpp"
#include "server/store/redis/redis_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/store/stores.hpp"

namespace signet::server {
namespace {

constexpr std::string_view kDatabaseFileName = "signet.db";

bool starts_with_scheme(std::string_view url, std::string_view scheme) {
    return url.size() > scheme.size() + 3 && url.substr(0, scheme.size()) == scheme &&
           url.substr(scheme.size(), 3) == "://";
}

// The data dir holds private keys and password hashes: created private to the owner (mode 0700
// regardless of the umask).
SqliteStores open_embedded(const std::filesystem::path& dir, bool create) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        if (!create) throw DeploymentNotFound("no data dir at " + dir.string());
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            throw StoreError("cannot create data dir " + dir.string() + ": " + ec.message());
        }
        if (::chmod(dir.c_str(), S_IRWXU) != 0) {
            throw StoreError("cannot set the mode of data dir " + dir.string() + ": " +
                             std::strerror(errno));
        }
    } else if (!std::filesystem::is_directory(dir, ec)) {
        throw StoreError("data dir " + dir.string() + " exists and is not a directory");
    }
    return open_sqlite_stores(dir / kDatabaseFileName);
}

}  // namespace

std::string redact_url(const std::string& url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return "(not a URL)";
    const std::size_t authority = scheme_end + 3;
    const std::size_t path = std::min(url.find_first_of("/?#", authority), url.size());
    const std::size_t at = url.rfind('@', path);
    std::string redacted = url.substr(0, authority);
    if (at != std::string::npos && at >= authority) {
        redacted += "***@";
        redacted += url.substr(at + 1, path - at - 1);
    } else {
        redacted += url.substr(authority, path - authority);
    }
    // The path names the database; the query may carry a password (libpq's password=...).
    const std::size_t query = std::min(url.find_first_of("?#", path), url.size());
    return redacted + url.substr(path, query - path);
}

Stores open_stores(const StoreSettings& settings) {
    Stores stores;
    if (!settings.database_url) {
        SqliteStores sqlite = open_embedded(settings.data_dir, settings.create);
        stores.users = std::move(sqlite.users);
        stores.refresh_tokens = std::move(sqlite.refresh_tokens);
        stores.keys = std::move(sqlite.keys);
        stores.revocations = std::move(sqlite.revocations);
        stores.clients = std::move(sqlite.clients);
    } else if (starts_with_scheme(*settings.database_url, "postgresql") ||
               starts_with_scheme(*settings.database_url, "postgres")) {
        PostgresStores postgres =
            open_postgres_stores(*settings.database_url, std::max(1U, settings.database_pool_size));
        stores.users = std::move(postgres.users);
        stores.refresh_tokens = std::move(postgres.refresh_tokens);
        stores.keys = std::move(postgres.keys);
        stores.revocations = std::move(postgres.revocations);
        stores.clients = std::move(postgres.clients);
    } else {
        throw StoreError("database_url " + redact_url(*settings.database_url) +
                         ": unsupported scheme (postgresql:// or postgres://)");
    }

    if (!settings.redis_url) {
        stores.sessions = make_memory_session_store();
        stores.rate_limits = make_memory_rate_limit_store();
        stores.authorization_codes = make_memory_authorization_code_store();
    } else if (starts_with_scheme(*settings.redis_url, "redis")) {
        RedisStores redis =
            open_redis_stores(*settings.redis_url, std::max(1U, settings.database_pool_size));
        stores.sessions = std::move(redis.sessions);
        stores.rate_limits = std::move(redis.rate_limits);
        stores.authorization_codes = std::move(redis.authorization_codes);
        stores.session_engine = "redis";
    } else {
        throw StoreError("redis_url " + redact_url(*settings.redis_url) +
                         ": unsupported scheme (redis://)");
    }
    return stores;
}

}  // namespace signet::server
