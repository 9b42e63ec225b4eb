// HttpServer puts the pieces together: the io_context and its threads, the worker pool, the
// listener, the sessions it starts (plain or TLS), the connection registry, signals and draining.
#include "server/http/http_server.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <csignal>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/http/access_log.hpp"
#include "server/http/connection_registry.hpp"
#include "server/http/io_thread.hpp"
#include "server/http/listener.hpp"
#include "server/http/request_ids.hpp"
#include "server/http/session.hpp"

namespace signet::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// The metrics listener's own small budget, so a flood on the API cannot lock out monitoring.
constexpr std::size_t kMetricsConnections = 16;

// The cores this process may run on: its CPU affinity (taskset, a container's cpuset), which
// hardware_concurrency() ignores by counting every online CPU. A CPU quota (cgroup cpu.max) is
// not seen by either; io_threads and worker_threads set the counts there.
unsigned usable_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0) return static_cast<unsigned>(count);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

unsigned or_hardware(unsigned threads) {
    return threads != 0 ? threads : usable_cores();
}

// One io_context per I/O thread, each run by its thread alone, and each connection bound to one of
// them for its life (round robin at accept): a session's handlers never run concurrently, so it
// needs no strand, and no thread wakes another to hand over a completion. The first context also
// runs the listeners, the signal handling and the drain.
std::vector<std::unique_ptr<asio::io_context>> make_io_contexts(unsigned count) {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (unsigned i = 0; i < count; ++i)
        contexts.push_back(std::make_unique<asio::io_context>(1));
    return contexts;
}

}  // namespace

struct HttpServer::Impl {
    using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

    ServerOptions options;
    unsigned io_threads;
    std::vector<std::unique_ptr<asio::io_context>> ios;
    asio::io_context& io;  // ios[0]
    // Keep every context's run() going while it has no connection, until the drain ends.
    std::vector<WorkGuard> keep_running;
    std::mutex pick_mutex;
    std::size_t next_io = 0;
    asio::thread_pool workers;
    // Replaced as a whole by reload_tls(); a TLS stream holds its own reference to the OpenSSL
    // context it was made with, so connections outlive a replaced one.
    std::mutex tls_mutex;
    std::shared_ptr<asio::ssl::context> tls;
    Listener listener;
    std::optional<Listener> metrics_listener;
    std::optional<asio::signal_set> signals;
    std::atomic<bool> stopping{false};
    // Set by run(); read on the strand after run() posted to it, and by stop() from any thread.
    std::mutex hooks_mutex;
    RunHooks hooks;
    AccessLog log;
    ConnectionRegistry connections;
    ConnectionRegistry metrics_connections;
    RequestIds request_ids;
    ServerContext context;
    ServerContext metrics_context;

    Impl(ServerOptions opts, const Router& router, Metrics& metrics)
        : options(std::move(opts)),
          io_threads(or_hardware(options.io_threads)),
          ios(make_io_contexts(io_threads)),
          io(*ios.front()),
          workers(or_hardware(options.worker_threads)),
          tls(options.tls ? std::make_shared<asio::ssl::context>(make_tls_context(*options.tls))
                          : nullptr),
          listener(io, options.host, options.port),
          log(options.log_requests),
          connections(&metrics, options.max_connections, options.max_connections_per_client),
          metrics_connections(nullptr, kMetricsConnections, kMetricsConnections),
          context{options.metrics_listen ? Surface::api : Surface::all,
                  options,
                  router,
                  metrics,
                  workers,
                  log,
                  connections,
                  request_ids,
                  stopping},
          metrics_context{Surface::metrics,    options,     router,  metrics, workers, log,
                          metrics_connections, request_ids, stopping} {
        if (options.metrics_listen) {
            metrics_listener.emplace(io, options.metrics_listen->host,
                                     options.metrics_listen->port);
        }
        for (const auto& each : ios)
            keep_running.emplace_back(each->get_executor());
    }

    // The I/O thread of the next connection; the listeners accept on one strand of ios[0] each,
    // so two of them may ask at once.
    asio::any_io_executor pick_io() {
        std::lock_guard lock(pick_mutex);
        return ios[next_io++ % ios.size()]->get_executor();
    }

    // Lets every context's run() return once its remaining work is done.
    void let_io_finish() {
        for (auto& guard : keep_running)
            guard.reset();
    }

    void stop_io() {
        for (const auto& each : ios)
            each->stop();
    }

    // Plain HTTP only: the metrics listener is meant for a private address.
    void start_metrics_session(tcp::socket socket) {
        if (stopping.load()) return;
        auto executor = socket.get_executor();
        boost::system::error_code ec;
        const auto peer = socket.remote_endpoint(ec);
        if (ec) return;
        std::string client = peer.address().to_string();
        auto admission = metrics_connections.admit(executor, client, true);
        beast::tcp_stream stream(std::move(socket));
        asio::co_spawn(executor,
                       run_session(metrics_context, std::move(stream), std::move(admission),
                                   std::move(client)),
                       asio::detached);
    }

    void start_session(tcp::socket socket) {
        if (stopping.load()) return;  // closed with the socket
        auto executor = socket.get_executor();
        boost::system::error_code ec;
        const auto peer = socket.remote_endpoint(ec);
        if (ec) return;  // already gone
        std::string client = peer.address().to_string();
        // Capped by the TCP peer: X-Forwarded-For is not known until a request is read, and a
        // trusted proxy's connections carry many clients, so proxies are exempt.
        const bool capped = !options.client_addresses.is_trusted_proxy(peer.address());
        auto admission = connections.admit(executor, client, capped);
        std::shared_ptr<asio::ssl::context> context_now;
        {
            std::lock_guard lock(tls_mutex);
            context_now = tls;
        }
        if (context_now) {
            TlsStream stream(std::move(socket), *context_now);
            asio::co_spawn(
                executor,
                run_session(context, std::move(stream), std::move(admission), std::move(client)),
                asio::detached);
        } else {
            beast::tcp_stream stream(std::move(socket));
            asio::co_spawn(
                executor,
                run_session(context, std::move(stream), std::move(admission), std::move(client)),
                asio::detached);
        }
    }

    void reload_tls() {
        if (!options.tls) return;
        auto loaded = std::make_shared<asio::ssl::context>(make_tls_context(*options.tls));
        std::lock_guard lock(tls_mutex);
        tls = std::move(loaded);
    }

    // SIGTERM or SIGINT drains; SIGHUP runs the hangup hook on the worker pool and waits again.
    void wait_for_signal() {
        signals->async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;  // cancelled by stop()
            if (signal != SIGHUP) {
                stop();
                return;
            }
            if (hooks.on_hangup) asio::post(workers, hooks.on_hangup);
            if (!stopping.load()) wait_for_signal();
        });
    }

    void stop() {
        if (stopping.exchange(true)) return;
        std::function<void()> on_stopping;
        {
            std::lock_guard lock(hooks_mutex);
            on_stopping = hooks.on_stopping;
        }
        if (on_stopping) on_stopping();
        listener.close();
        if (metrics_listener) metrics_listener->close();
        asio::post(listener.strand(), [this] {
            boost::system::error_code ignored;
            if (signals) signals->cancel(ignored);
        });
        connections.close_all(/*idle_only=*/true);
        metrics_connections.close_all(/*idle_only=*/true);
        asio::co_spawn(io, drain(), asio::detached);
    }

    // In-flight requests get until drain_timeout to finish; then the rest is cut off.
    asio::awaitable<void> drain() {
        const auto deadline = Clock::now() + options.drain_timeout;
        asio::steady_timer timer(io);
        const auto open = [this] { return connections.open() + metrics_connections.open(); };
        while (open() > 0 && Clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(asio::use_awaitable);
        }
        let_io_finish();
        if (open() == 0) co_return;
        connections.close_all(/*idle_only=*/false);
        metrics_connections.close_all(/*idle_only=*/false);
        // A handler still running on the worker pool keeps its connection's work alive; give the
        // closes a moment, then leave run() regardless.
        timer.expires_after(std::chrono::milliseconds(200));
        co_await timer.async_wait(asio::use_awaitable);
        stop_io();
    }

    void run(bool handle_signals, RunHooks run_hooks) {
        {
            std::lock_guard lock(hooks_mutex);
            hooks = std::move(run_hooks);
        }
        // On the acceptor's strand, ordered with stop()'s cancel: a stop() that came first
        // leaves no signal wait behind to keep run() from returning.
        asio::post(listener.strand(), [this, handle_signals] {
            if (handle_signals && !stopping.load()) {
                signals.emplace(listener.strand(), SIGINT, SIGTERM, SIGHUP);
                wait_for_signal();
            }
            if (hooks.on_started) hooks.on_started();
        });
        listener.start([this](tcp::socket socket) { start_session(std::move(socket)); },
                       [this] { return pick_io(); });
        if (metrics_listener) {
            metrics_listener->start(
                [this](tcp::socket socket) { start_metrics_session(std::move(socket)); },
                [this] { return pick_io(); });
        }
        std::vector<std::thread> threads;
        threads.reserve(io_threads - 1);
        for (unsigned i = 1; i < io_threads; ++i)
            threads.emplace_back([this, i] {
                const IoThreadScope io_thread;
                ios[i]->run();
            });
        {
            const IoThreadScope io_thread;
            io.run();
        }
        for (auto& thread : threads)
            thread.join();
    }
};

HttpServer::HttpServer(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() {
    if (!impl_) return;
    impl_->stopping = true;
    impl_->workers.join();  // handlers still running must not outlive what they use
    impl_->stop_io();
}

std::uint16_t HttpServer::port() const noexcept {
    return impl_->listener.port();
}

std::uint16_t HttpServer::metrics_port() const noexcept {
    return impl_->metrics_listener ? impl_->metrics_listener->port() : 0;
}

void HttpServer::run(bool handle_signals, RunHooks hooks) {
    impl_->run(handle_signals, std::move(hooks));
}

void HttpServer::reload_tls() {
    impl_->reload_tls();
}

void HttpServer::stop() {
    impl_->stop();
}

}  // namespace signet::server::http
