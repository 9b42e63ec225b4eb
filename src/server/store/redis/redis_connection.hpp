// Talking to Redis: the parsed redis:// URL, one hiredis connection (RAII, bounded timeouts) and a
// small pool of them that reconnects after a failure, plus Lua scripts run by EVALSHA.
// Replies are RESP2 (https://redis.io/docs/reference/protocol-spec/).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace signet::server::redis {

inline constexpr std::string_view kDefaultKeyPrefix = "signet:";
inline constexpr std::chrono::milliseconds kConnectTimeout{2000};
inline constexpr std::chrono::milliseconds kCommandTimeout{2000};
// How long a caller waits for a free pooled connection before giving up.
inline constexpr std::chrono::milliseconds kAcquireTimeout{2000};

// redis://[[user]:password@]host[:port][/db][?key_prefix=PREFIX]
struct RedisUrl {
    std::string host;
    int port = 6379;
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::optional<int> db;
    std::string key_prefix = std::string(kDefaultKeyPrefix);

    // "host:port/db" for messages: never the credentials.
    std::string describe() const;
};

// Strict parse; throws StoreError("redis: bad URL: <problem>") that never repeats any part of the
// URL, since a mistyped URL may have put the password anywhere.
RedisUrl parse_redis_url(std::string_view url);

struct ReplyDeleter {
    void operator()(redisReply* reply) const noexcept;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Reading a reply; each throws StoreError naming `what` when the reply has another type.
bool is_error(const redisReply& reply);
bool is_nil(const redisReply& reply);
std::string_view error_text(const redisReply& reply);
std::int64_t as_integer(const redisReply& reply, std::string_view what);
std::string_view as_string(const redisReply& reply, std::string_view what);
std::size_t array_size(const redisReply& reply, std::string_view what);
const redisReply& element(const redisReply& reply, std::size_t index);

// One open, authenticated connection on the URL's database. A command that fails on I/O or the
// protocol throws StoreError and marks the connection broken: it must not be used again.
class Connection {
  public:
    explicit Connection(const RedisUrl& url);  // connects, AUTH, SELECT; throws StoreError
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // The reply, which may be an error reply (a Redis error leaves the connection usable).
    Reply command(std::initializer_list<std::string_view> args);
    Reply command(const std::vector<std::string_view>& args);
    // Like command(), but an error reply throws StoreError naming `what`.
    Reply checked(std::string_view what, std::initializer_list<std::string_view> args);

    bool broken() const { return broken_; }
    // False when the server closed the connection (or sent something unasked) while it sat idle
    // in the pool, as after a Redis restart; such a connection is not worth a command.
    bool idle_and_healthy() const;

  private:
    redisContext* context_ = nullptr;
    std::string where_;  // "host:port" for messages
    bool broken_ = false;
};

// Up to `size` connections, opened on demand and reused. A broken connection is dropped when it
// is given back, so the next caller connects afresh: the engine recovers when Redis returns.
class ConnectionPool {
  public:
    ConnectionPool(RedisUrl url, unsigned size);
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    class Lease {
      public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        Connection* operator->() const { return connection_.get(); }
        Connection& operator*() const { return *connection_; }

      private:
        ConnectionPool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    // A connection for one caller; throws StoreError when none is free within kAcquireTimeout or
    // a new one cannot be opened.
    Lease acquire();
    const RedisUrl& url() const { return url_; }
    const std::string& key_prefix() const { return url_.key_prefix; }

  private:
    void give_back(std::unique_ptr<Connection> connection);

    RedisUrl url_;
    unsigned size_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    unsigned open_ = 0;  // connections that exist: idle or lent out
};

// A Lua script run with EVALSHA (its SHA-1 learnt from SCRIPT LOAD once); when the server does not
// know it (NOSCRIPT, as after a restart) it is sent with EVAL, which caches it again
// (https://redis.io/docs/manual/programmability/eval-intro/#script-cache).
class Script {
  public:
    Script(std::string_view name, std::string source);
    // The script's reply; an error reply throws StoreError naming the script.
    Reply run(Connection& connection, const std::vector<std::string_view>& keys,
              const std::vector<std::string_view>& args) const;

  private:
    std::string sha1() const;
    void remember(std::string sha1) const;

    std::string name_;
    std::string source_;
    mutable std::mutex mutex_;
    mutable std::string sha1_;  // as SCRIPT LOAD named it; empty until first loaded
};

}  // namespace signet::server::redis
