// Admission and draining under one mutex; the streams themselves are only touched on their
// connections' strands. A connection's phase is atomic so that choosing an idle one to evict and
// its session starting a new request cannot both win.
#include "server/http/connection_registry.hpp"

#include <boost/asio/post.hpp>
#include <chrono>

namespace signet::server::http {

namespace {

std::int64_t now_ticks() {
    return std::chrono::steady_clock::now().time_since_epoch().count();
}

void close_on_strand(const std::shared_ptr<Connection>& connection, bool (*should_close)(Phase)) {
    boost::asio::post(connection->strand, [connection, should_close] {
        if (connection->lowest == nullptr) return;
        if (!should_close(connection->phase.load())) return;
        connection->lowest->close();
    });
}

}  // namespace

void Connection::set_idle(bool first_request) {
    idle_since.store(now_ticks(), std::memory_order_relaxed);
    Phase expected = phase.load();
    while (expected != Phase::evicted &&
           !phase.compare_exchange_weak(expected, first_request ? Phase::waiting : Phase::idle)) {
    }
}

bool Connection::set_busy() {
    Phase expected = phase.load();
    while (expected != Phase::evicted && !phase.compare_exchange_weak(expected, Phase::busy)) {
    }
    return expected != Phase::evicted;
}

ConnectionRegistry::Admission ConnectionRegistry::admit(boost::asio::any_io_executor strand,
                                                        const std::string& client, bool capped) {
    std::lock_guard lock(mutex_);
    if (capped) {
        const auto found = per_client_.find(client);
        if (found != per_client_.end() && found->second >= max_per_client_) {
            return {nullptr, Refusal::client_full};
        }
    }
    if (connections_.size() >= max_connections_ && !evict_oldest_idle()) {
        return {nullptr, Refusal::server_full};
    }
    auto connection = std::make_shared<Connection>(std::move(strand), client, capped);
    connections_.insert(connection);
    if (capped) ++per_client_[client];
    report();
    return {std::move(connection), Refusal::none};
}

bool ConnectionRegistry::evict_oldest_idle() {
    // Oldest first: the connection least likely to be used again soon.
    for (;;) {
        std::shared_ptr<Connection> oldest;
        for (const auto& connection : connections_) {
            if (connection->phase.load() != Phase::idle) continue;
            if (!oldest || connection->idle_since.load(std::memory_order_relaxed) <
                               oldest->idle_since.load(std::memory_order_relaxed)) {
                oldest = connection;
            }
        }
        if (!oldest) return false;
        Phase expected = Phase::idle;
        // Its session may have begun a request meanwhile; then look again.
        if (!oldest->phase.compare_exchange_strong(expected, Phase::evicted)) continue;
        forget(oldest);
        close_on_strand(oldest, [](Phase) { return true; });
        return true;
    }
}

void ConnectionRegistry::forget(const std::shared_ptr<Connection>& connection) {
    if (connections_.erase(connection) == 0) return;
    if (connection->capped) {
        const auto found = per_client_.find(connection->client);
        if (found != per_client_.end() && --found->second == 0) per_client_.erase(found);
    }
}

void ConnectionRegistry::release(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    forget(connection);
    report();
}

void ConnectionRegistry::report() const {
    if (metrics_ != nullptr)
        metrics_->set_connections(static_cast<std::int64_t>(connections_.size()));
}

void ConnectionRegistry::close_all(bool idle_only) {
    std::lock_guard lock(mutex_);
    for (const auto& connection : connections_) {
        if (idle_only) {
            close_on_strand(connection, [](Phase phase) { return phase != Phase::busy; });
        } else {
            close_on_strand(connection, [](Phase) { return true; });
        }
    }
}

std::int64_t ConnectionRegistry::open() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(connections_.size());
}

}  // namespace signet::server::http
