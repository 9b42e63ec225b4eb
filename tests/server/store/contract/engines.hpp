// The engines the store contract suites run on. Each engine type opens a fresh, empty store set
// (`open()`) and can open a second, independent one on the same data (`open_again()`: another
// connection or pool, as a second node would), so adding an engine is one type and one line in
// the type lists below. An engine fills only the interfaces it implements.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "server/store/authorization_code_store.hpp"
#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/postgres/postgres_stores.hpp"
#include "server/store/rate_limit_store.hpp"
#include "server/store/redis/redis_stores.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/session_store.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_records.hpp"
#include "server/store/temp_dir.hpp"
#include "server/store/user_store.hpp"
#include "server/support/postgres_server.hpp"
#include "server/support/redis_server.hpp"

namespace signet::server::contract {

using test::make_client;
using test::make_client_token;
using test::make_code;
using test::make_key;
using test::make_session;
using test::make_token;
using test::make_user;
using test::run_together;

struct EngineStores {
    std::shared_ptr<UserStore> users;
    std::shared_ptr<RefreshTokenStore> refresh_tokens;
    std::shared_ptr<KeyStore> keys;
    std::shared_ptr<RevocationStore> revocations;
    std::shared_ptr<SessionStore> sessions;
    std::shared_ptr<RateLimitStore> rate_limits;
    std::shared_ptr<ClientStore> clients;
    std::shared_ptr<AuthorizationCodeStore> authorization_codes;
    // Whatever the data lives in (a temporary directory), kept as long as the stores.
    std::shared_ptr<void> keepalive;
    // Opens the store set another node of the same deployment gets: another connection or pool
    // on the same data (for the in-process engine, the same stores).
    std::function<EngineStores()> open_again;
};

struct SqliteEngine {
    static constexpr const char* kName = "Sqlite";
    static EngineStores open() {
        auto dir = std::make_shared<test::TempDir>();
        const auto file = *dir / "signet.db";
        EngineStores stores = open_file(file, dir);
        return stores;
    }

  private:
    static EngineStores open_file(const std::filesystem::path& file, std::shared_ptr<void> dir) {
        SqliteStores sqlite = open_sqlite_stores(file);
        return EngineStores{.users = sqlite.users,
                            .refresh_tokens = sqlite.refresh_tokens,
                            .keys = sqlite.keys,
                            .revocations = sqlite.revocations,
                            .sessions = nullptr,
                            .rate_limits = nullptr,
                            .clients = sqlite.clients,
                            .authorization_codes = nullptr,
                            .keepalive = dir,
                            .open_again = [file, dir] { return open_file(file, dir); }};
    }
};

struct PostgresEngine {
    static constexpr const char* kName = "Postgres";
    // Enough connections for the concurrency cases to contend on the database, not on the pool.
    static constexpr unsigned kPoolSize = 8;
    static EngineStores open() { return open_url(::signet::test::test_database_url()); }

  private:
    static EngineStores open_url(const std::string& url) {
        PostgresStores postgres = open_postgres_stores(url, kPoolSize);
        return EngineStores{.users = postgres.users,
                            .refresh_tokens = postgres.refresh_tokens,
                            .keys = postgres.keys,
                            .revocations = postgres.revocations,
                            .sessions = nullptr,
                            .rate_limits = nullptr,
                            .clients = postgres.clients,
                            .authorization_codes = nullptr,
                            .keepalive = nullptr,
                            .open_again = [url] { return open_url(url); }};
    }
};

struct RedisEngine {
    static constexpr const char* kName = "Redis";
    // Enough connections that the 8-thread cases do not queue for one.
    static constexpr unsigned kPoolSize = 8;
    static EngineStores open() { return open_url(::signet::test::test_redis_url()); }

  private:
    static EngineStores open_url(const std::string& url) {
        RedisStores redis = open_redis_stores(url, kPoolSize);
        return EngineStores{.users = nullptr,
                            .refresh_tokens = nullptr,
                            .keys = nullptr,
                            .revocations = nullptr,
                            .sessions = redis.sessions,
                            .rate_limits = redis.rate_limits,
                            .clients = nullptr,
                            .authorization_codes = redis.authorization_codes,
                            .keepalive = nullptr,
                            .open_again = [url] { return open_url(url); }};
    }
};

struct MemoryEngine {
    static constexpr const char* kName = "Memory";
    static EngineStores open() {
        EngineStores stores{.users = nullptr,
                            .refresh_tokens = nullptr,
                            .keys = nullptr,
                            .revocations = make_memory_revocation_store(),
                            .sessions = make_memory_session_store(),
                            .rate_limits = make_memory_rate_limit_store(),
                            .clients = nullptr,
                            .authorization_codes = make_memory_authorization_code_store(),
                            .keepalive = nullptr,
                            .open_again = nullptr};
        // Every "node" of a process shares its memory.
        stores.open_again = [stores] { return stores; };
        return stores;
    }
};

// Which engines implement which interface.
using UserEngines = ::testing::Types<SqliteEngine, PostgresEngine>;
using RefreshTokenEngines = ::testing::Types<SqliteEngine, PostgresEngine>;
using KeyEngines = ::testing::Types<SqliteEngine, PostgresEngine>;
using RevocationEngines = ::testing::Types<SqliteEngine, PostgresEngine, MemoryEngine>;
using SessionEngines = ::testing::Types<MemoryEngine, RedisEngine>;
using RateLimitEngines = ::testing::Types<MemoryEngine, RedisEngine>;
using ClientEngines = ::testing::Types<SqliteEngine, PostgresEngine>;
using AuthorizationCodeEngines = ::testing::Types<MemoryEngine, RedisEngine>;

// Names the typed tests after the engine: UserStoreContract/Postgres.CreatedUserIs...
struct EngineName {
    template <class Engine>
    static std::string GetName(int) {
        return Engine::kName;
    }
};

// A suite's fixture: a fresh store set of the engine for every test.
template <class Engine>
class EngineTest : public ::testing::Test {
  protected:
    EngineStores stores_ = Engine::open();
};

}  // namespace signet::server::contract
