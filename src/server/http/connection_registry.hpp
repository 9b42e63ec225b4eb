// The open connections: admission against the connection limit, the count the metrics report,
// and closing them when the server drains.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "server/http/metrics.hpp"

namespace signet::server::http {

// What stop() may do to a connection depends on where it is: one waiting for a request is closed
// at once, one receiving or handling a request finishes it first.
enum class Phase { idle, busy };

struct Connection {
    boost::asio::any_io_executor strand;         // the connection's strand
    boost::beast::tcp_stream* lowest = nullptr;  // null until the session runs and once it ends
    Phase phase = Phase::idle;                   // touched on the strand

    explicit Connection(boost::asio::any_io_executor s) : strand(std::move(s)) {}
};

class ConnectionRegistry {
  public:
    ConnectionRegistry(Metrics& metrics, std::size_t max_connections)
        : metrics_(metrics), max_connections_(max_connections) {}

    // A slot for a new connection, or null when the server is at its limit.
    std::shared_ptr<Connection> admit(boost::asio::any_io_executor strand);
    // Frees the slot of an admitted connection whose session has ended.
    void release(const std::shared_ptr<Connection>& connection);
    // Closes (on their strands) every connection, or only those waiting for a request.
    void close_all(bool idle_only);
    std::int64_t open() const;

  private:
    Metrics& metrics_;
    std::size_t max_connections_;
    mutable std::mutex mutex_;
    std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace signet::server::http
