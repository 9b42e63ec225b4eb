// The open connections: admission against the connection limits (in all, and per client
// address), the count the metrics report, making room by closing idle keep-alive connections, and
// closing them all when the server drains.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "server/http/metrics.hpp"

namespace signet::server::http {

// Where a connection is decides what may close it: stop() closes one waiting for a request
// (waiting or idle); making room closes only idle keep-alive ones; busy ones finish first.
enum class Phase : int {
    waiting,  // accepted, its first request not yet begun
    idle,     // between keep-alive requests
    busy,     // receiving, handling or answering a request
    evicted,  // chosen to make room; the session ends without reading more
};

struct Connection {
    boost::asio::any_io_executor strand;         // the connection's strand
    std::string client;                          // the per-client key: the TCP peer's address
    bool capped = true;                          // counts against the per-client cap
    boost::beast::tcp_stream* lowest = nullptr;  // touched on the strand; null once it ends
    std::atomic<Phase> phase{Phase::waiting};
    std::atomic<std::int64_t> idle_since{0};  // steady-clock ticks, set before phase becomes idle

    Connection(boost::asio::any_io_executor s, std::string c, bool cap)
        : strand(std::move(s)), client(std::move(c)), capped(cap) {}

    // On the strand: the connection waits for its next request.
    void set_idle(bool first_request);
    // On the strand: a request has begun; false when the connection was evicted meanwhile.
    bool set_busy();
};

class ConnectionRegistry {
  public:
    // `metrics` (may be null) gets the open-connection count.
    ConnectionRegistry(Metrics* metrics, std::size_t max_connections, std::size_t max_per_client)
        : metrics_(metrics), max_connections_(max_connections), max_per_client_(max_per_client) {}

    enum class Refusal { none, server_full, client_full };
    struct Admission {
        std::shared_ptr<Connection> connection;  // null when refused
        Refusal refusal = Refusal::none;
    };
    // A slot for a new connection from `client`. At max_connections the oldest idle keep-alive
    // connection is closed to make room; only when there is none is the new one refused. A client
    // at its cap is refused (`capped` false exempts it, for trusted proxies).
    Admission admit(boost::asio::any_io_executor strand, const std::string& client, bool capped);
    // Frees the slot of an admitted connection whose session has ended.
    void release(const std::shared_ptr<Connection>& connection);
    // Closes (on their strands) every connection, or only those waiting for a request.
    void close_all(bool idle_only);
    std::int64_t open() const;

  private:
    bool evict_oldest_idle();                                    // with mutex_ held
    void forget(const std::shared_ptr<Connection>& connection);  // with mutex_ held

    void report() const;  // with mutex_ held

    Metrics* metrics_;
    std::size_t max_connections_;
    std::size_t max_per_client_;
    mutable std::mutex mutex_;
    std::unordered_set<std::shared_ptr<Connection>> connections_;
    std::unordered_map<std::string, std::size_t> per_client_;
};

}  // namespace signet::server::http
