// Admission and draining under one mutex; the streams themselves are only touched on their
// connections' strands.
#include "server/http/connection_registry.hpp"

#include <boost/asio/post.hpp>

namespace signet::server::http {

std::shared_ptr<Connection> ConnectionRegistry::admit(boost::asio::any_io_executor strand) {
    std::lock_guard lock(mutex_);
    if (connections_.size() >= max_connections_) return nullptr;
    auto connection = std::make_shared<Connection>(std::move(strand));
    connections_.insert(connection);
    metrics_.set_connections(static_cast<std::int64_t>(connections_.size()));
    return connection;
}

void ConnectionRegistry::release(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    metrics_.set_connections(static_cast<std::int64_t>(connections_.size()));
}

void ConnectionRegistry::close_all(bool idle_only) {
    std::lock_guard lock(mutex_);
    for (const auto& connection : connections_) {
        boost::asio::post(connection->strand, [connection, idle_only] {
            if (connection->lowest == nullptr) return;
            if (idle_only && connection->phase != Phase::idle) return;
            connection->lowest->close();
        });
    }
}

std::int64_t ConnectionRegistry::open() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(connections_.size());
}

}  // namespace signet::server::http
