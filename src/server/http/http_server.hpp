// The HTTP/1.1 server (Boost.Beast on Asio, one coroutine per connection), with optional TLS.
// An optional second, plain-HTTP listener serves only the metrics.
// Limits: header bytes, body bytes (413), connection count, a deadline to receive a request's
// headers (slowloris) and an idle timeout. Logs one JSON line per request to stderr.
// stop() drains: it stops accepting, lets in-flight requests finish, then closes idle connections.
#pragma once

#include <functional>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/http/client_address.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/http/tls_context.hpp"

namespace signet::server::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
    // When set, metrics_path is served only on this plain-HTTP address (the API listener answers
    // 404 for it), so metrics can be kept on a private interface. Port 0: any free port.
    struct ListenAddress {
        std::string host;
        std::uint16_t port = 0;
    };
    std::optional<ListenAddress> metrics_listen;
    std::string metrics_path = "/metrics";
    std::optional<TlsFiles> tls;
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t max_connections = 1024;  // at the limit, idle keep-alive ones make room first
    // Per TCP peer address (trusted proxies exempt), so one client cannot hold every slot.
    std::size_t max_connections_per_client = 64;
    std::chrono::seconds header_timeout{10};  // to receive a whole request head
    std::chrono::seconds idle_timeout{60};    // between requests on a keep-alive connection
    std::chrono::seconds drain_timeout{10};   // for in-flight requests after stop()
    unsigned io_threads = 0;                  // 0: the cores this process may use (affinity)
    unsigned worker_threads = 0;              // for blocking routes; 0: as io_threads
    bool log_requests = true;
    // Who the client is behind trusted proxies (X-Forwarded-For); by default the TCP peer.
    ClientAddressResolver client_addresses;
};

// What run() calls besides serving; each may be empty.
struct RunHooks {
    // On an I/O thread, once the signal handlers are in place, so that whoever it tells the
    // server is up can stop it with SIGTERM from then on.
    std::function<void()> on_started;
    // When the drain begins (stop(), SIGTERM or SIGINT), on the thread that began it.
    std::function<void()> on_stopping;
    // On SIGHUP, on a worker thread (so it may do blocking I/O). Connections stay open.
    std::function<void()> on_hangup;
};

class HttpServer {
  public:
    // Binds and listens (throws std::runtime_error naming the address on failure, or the TLS file
    // that could not be loaded).
    HttpServer(ServerOptions options, const Router& router, Metrics& metrics);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::uint16_t port() const noexcept;          // the bound port
    std::uint16_t metrics_port() const noexcept;  // the metrics listener's port; 0 when none
    // Serves until stop() or SIGTERM/SIGINT when handle_signals; returns after the drain. With
    // handle_signals, SIGHUP runs hooks.on_hangup (and is otherwise ignored) instead of ending
    // the process.
    void run(bool handle_signals = true, RunHooks hooks = {});
    void stop();  // thread-safe
    // Loads the TLS certificate chain and key again from their files; connections accepted from
    // then on use them, open ones keep theirs. Throws std::runtime_error naming the file that
    // could not be loaded, keeping the old ones. Without TLS it does nothing. Thread-safe.
    void reload_tls();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace signet::server::http
