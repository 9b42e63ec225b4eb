// The Beast HTTP/1.1 server: an acceptor coroutine, then one coroutine per connection on its own
// strand, generic over plain TCP and TLS streams. Blocking routes hop to a worker pool and back.
#include "server/http/http_server.hpp"

#include <openssl/ssl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/http/response.hpp"

namespace signet::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kUseAwaitable = asio::as_tuple(asio::use_awaitable);
// After an early answer (413, 431, 400, 503) the client may still be sending: read and discard
// for a short while so that closing does not reset the connection before the answer arrives.
constexpr auto kLingerTime = std::chrono::milliseconds(1000);
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr std::size_t kReadChunk = 4096;

// One write(2) per line, so lines from several threads never interleave (lines are short).
void write_stderr_line(const std::string& line) {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
}

// RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.123Z.
std::string rfc3339_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[40];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string out(buffer, n);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
    out.append(fraction);
    return out;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find_first_of("?#"));
}

std::string_view to_view(beast::string_view s) {
    return {s.data(), s.size()};
}

// What stop() may do to a connection depends on where it is: one waiting for a request is closed
// at once, one receiving or handling a request finishes it first.
enum class Phase { idle, busy };

struct Connection {
    asio::any_io_executor strand;         // the connection's strand
    beast::tcp_stream* lowest = nullptr;  // null once the coroutine is gone (touched on strand)
    Phase phase = Phase::idle;

    explicit Connection(asio::any_io_executor s) : strand(std::move(s)) {}
};

}  // namespace

struct HttpServer::Impl {
    ServerOptions options;
    const Router& router;
    Metrics& metrics;
    unsigned io_threads;
    asio::io_context io;
    asio::thread_pool workers;
    std::optional<asio::ssl::context> tls;
    asio::strand<asio::io_context::executor_type> acceptor_strand;
    tcp::acceptor acceptor;
    std::optional<asio::signal_set> signals;

    std::atomic<bool> stopping{false};
    std::atomic<std::int64_t> open_connections{0};
    std::atomic<std::uint64_t> request_counter{0};
    std::string id_prefix;
    std::uint16_t bound_port = 0;

    std::mutex connections_mutex;
    std::unordered_set<std::shared_ptr<Connection>> connections;

    Impl(ServerOptions opts, const Router& r, Metrics& m)
        : options(std::move(opts)),
          router(r),
          metrics(m),
          io_threads(options.io_threads != 0 ? options.io_threads
                                             : std::max(1u, std::thread::hardware_concurrency())),
          io(static_cast<int>(io_threads)),
          workers(options.worker_threads != 0 ? options.worker_threads
                                              : std::max(1u, std::thread::hardware_concurrency())),
          acceptor_strand(asio::make_strand(io)),
          acceptor(acceptor_strand) {
        if (options.tls) load_tls(*options.tls);
        listen();
        std::random_device random;
        char prefix[16];
        std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(random()));
        id_prefix = prefix;
    }

    void load_tls(const TlsFiles& files) {
        tls.emplace(asio::ssl::context::tls_server);
        tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
        boost::system::error_code ec;
        tls->use_certificate_chain_file(files.certificate_chain.string(), ec);
        if (ec) {
            throw std::runtime_error("cannot load the TLS certificate chain " +
                                     files.certificate_chain.string() + ": " + ec.message());
        }
        tls->use_private_key_file(files.private_key.string(), asio::ssl::context::pem, ec);
        if (ec) {
            throw std::runtime_error("cannot load the TLS private key " +
                                     files.private_key.string() + ": " + ec.message());
        }
        if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
            throw std::runtime_error("the TLS private key " + files.private_key.string() +
                                     " does not match the certificate " +
                                     files.certificate_chain.string());
        }
    }

    void listen() {
        const std::string where = options.host + ":" + std::to_string(options.port);
        boost::system::error_code ec;
        tcp::resolver resolver(io);
        auto endpoints =
            resolver.resolve(options.host, std::to_string(options.port),
                             tcp::resolver::passive | tcp::resolver::numeric_service, ec);
        if (ec || endpoints.empty()) {
            throw std::runtime_error("cannot listen on " + where + ": " +
                                     (ec ? ec.message() : "no address"));
        }
        const tcp::endpoint endpoint = endpoints.begin()->endpoint();
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
        bound_port = acceptor.local_endpoint().port();
    }

    std::string next_request_id() {
        const std::uint64_t n = request_counter.fetch_add(1, std::memory_order_relaxed) + 1;
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "-%llx", static_cast<unsigned long long>(n));
        return id_prefix + buffer;
    }

    // ---- accepting -------------------------------------------------------------------------

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto strand = asio::make_strand(io);
            auto [ec, socket] = co_await acceptor.async_accept(strand, kUseAwaitable);
            if (stopping.load() || !acceptor.is_open()) break;
            if (ec) {
                if (ec == asio::error::operation_aborted) break;
                // Out of descriptors or the like: back off briefly instead of spinning.
                asio::steady_timer pause(acceptor_strand, std::chrono::milliseconds(50));
                co_await pause.async_wait(kUseAwaitable);
                continue;
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            const bool over_limit =
                static_cast<std::size_t>(open_connections.load()) >= options.max_connections;
            if (!over_limit) metrics.set_connections(++open_connections);
            if (tls) {
                beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
                asio::co_spawn(strand, connection(std::move(stream), over_limit), asio::detached);
            } else {
                beast::tcp_stream stream(std::move(socket));
                asio::co_spawn(strand, connection(std::move(stream), over_limit), asio::detached);
            }
        }
    }

    // ---- one connection --------------------------------------------------------------------

    template <class Stream>
    asio::awaitable<void> connection(Stream stream, bool over_limit) {
        auto& lowest = beast::get_lowest_layer(stream);
        auto state = std::make_shared<Connection>(co_await asio::this_coro::executor);
        std::string client;
        {
            boost::system::error_code ec;
            const auto peer = lowest.socket().remote_endpoint(ec);
            if (!ec) client = peer.address().to_string();
        }
        if (!over_limit) {
            state->lowest = &lowest;
            std::lock_guard lock(connections_mutex);
            connections.insert(state);
        }
        try {
            co_await serve(stream, *state, client, over_limit);
        } catch (const std::exception& e) {
            log_error("", std::string("connection failed: ") + e.what());
        }
        boost::system::error_code ignored;
        lowest.socket().close(ignored);
        if (!over_limit) {
            state->lowest = nullptr;
            {
                std::lock_guard lock(connections_mutex);
                connections.erase(state);
            }
            metrics.set_connections(--open_connections);
        }
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream, Connection& state, const std::string& client,
                                bool over_limit) {
        constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(options.header_timeout);
        if constexpr (kTls) {
            // The handshake gets header_timeout too, then the first request a fresh one.
            auto [ec] =
                co_await stream.async_handshake(asio::ssl::stream_base::server, kUseAwaitable);
            if (ec) co_return;
            lowest.expires_after(options.header_timeout);
        }
        if (over_limit) {
            // RFC 9110 §15.6.4: 503 and close; the request itself is never read.
            Request head;
            head.version(11);
            Response response = error_response(head, Status::service_unavailable, "unavailable",
                                               "The server is at its connection limit.");
            response.set(bhttp::field::retry_after, "1");
            co_await answer_and_close(stream, response, "", client, Clock::now());
            co_return;
        }

        beast::flat_buffer buffer;
        bool first = true;
        for (;;) {
            // Waiting for the next request: stop() may close us here.
            state.phase = Phase::idle;
            if (stopping.load()) co_return;
            if (buffer.size() == 0) {
                // The first request's deadline runs from accept; later ones get idle_timeout to
                // start, then header_timeout to arrive whole.
                if (!first) lowest.expires_after(options.idle_timeout);
                auto [ec, n] =
                    co_await stream.async_read_some(buffer.prepare(kReadChunk), kUseAwaitable);
                if (ec) co_return;
                buffer.commit(n);
            }
            state.phase = Phase::busy;
            if (!first) lowest.expires_after(options.header_timeout);
            first = false;

            const auto started = Clock::now();
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(
                std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
            parser.body_limit(options.max_body_bytes);

            auto [header_ec, header_n] =
                co_await bhttp::async_read_header(stream, buffer, parser, kUseAwaitable);
            (void)header_n;
            boost::system::error_code ec = header_ec;
            if (!ec && !parser.is_done()) {
                // RFC 9110 §10.1.1: tell a client that waits for it to send the body.
                const auto expect = parser.get()[bhttp::field::expect];
                if (beast::iequals(expect, "100-continue")) {
                    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
                    auto [write_ec, written] =
                        co_await bhttp::async_write(stream, go_on, kUseAwaitable);
                    (void)written;
                    if (write_ec) co_return;
                }
                auto [body_ec, body_n] =
                    co_await bhttp::async_read(stream, buffer, parser, kUseAwaitable);
                (void)body_n;
                ec = body_ec;
            }
            if (ec) {
                Request head;
                head.version(11);
                std::optional<Response> refusal;
                if (ec == bhttp::error::header_limit) {
                    refusal = error_response(head, Status::request_header_fields_too_large,
                                             "request_header_fields_too_large",
                                             "The request headers are too large.");
                } else if (ec == bhttp::error::body_limit) {
                    refusal = error_response(head, Status::payload_too_large, "payload_too_large",
                                             "The request body is too large.");
                } else if (ec.category() ==
                               bhttp::make_error_code(bhttp::error::bad_target).category() &&
                           ec != bhttp::error::end_of_stream &&
                           ec != bhttp::error::partial_message) {
                    // A malformed request. One cut short by the client gets no answer.
                    refusal = error_response(head, Status::bad_request, "invalid_request",
                                             "The request is not valid HTTP/1.1.");
                }
                // Timeouts, resets and closes end the connection without an answer.
                if (refusal) {
                    const auto& partial = parser.get();
                    co_await answer_and_close(stream, *refusal, to_view(partial.method_string()),
                                              client, started, to_view(partial.target()));
                }
                co_return;
            }

            Request request = parser.release();
            const bool keep_open = co_await respond(stream, request, client, started);
            if (!keep_open) {
                co_await linger_and_close(stream);
                co_return;
            }
        }
    }

    // Handles one request and writes the answer; false when the connection must close.
    template <class Stream>
    asio::awaitable<bool> respond(Stream& stream, const Request& request, const std::string& client,
                                  Clock::time_point started) {
        constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
        RequestContext context;
        context.client_address = client;
        if (options.client_addresses.any_trusted()) {
            boost::system::error_code ec;
            const auto peer = asio::ip::make_address(client, ec);
            if (!ec) context.client_address = options.client_addresses.resolve(request, peer);
        }
        context.tls = kTls;
        context.request_id = next_request_id();

        const auto match = router.match(request.method(), request.target());
        Response response;
        if (match.route == nullptr) {
            context.route = "unmatched";
            response = unroutable(request, match);
        } else {
            context.route = match.route->path;
            const Route& route = *match.route;
            std::optional<Response> inline_response;
            if (route.try_inline) inline_response = invoke_inline(route, request, context);
            if (inline_response) {
                response = std::move(*inline_response);
            } else if (route.blocking) {
                // Off the I/O threads; co_spawn's completion brings us back to our strand.
                response = co_await asio::co_spawn(
                    workers.get_executor(),
                    [&]() -> asio::awaitable<Response> {
                        co_return invoke(route, request, context);
                    },
                    asio::use_awaitable);
            } else {
                response = invoke(route, request, context);
            }
        }

        const bool keep_open = request.keep_alive() && response.keep_alive() && !stopping.load();
        response.version(request.version());
        response.keep_alive(keep_open);
        decorate(response, context.request_id);
        response.prepare_payload();

        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(
            std::max<std::chrono::seconds>(options.idle_timeout, std::chrono::seconds(5)));
        auto [ec, written] = co_await bhttp::async_write(stream, response, kUseAwaitable);
        finish(context, to_view(request.method_string()), path_of(to_view(request.target())),
               response.result_int(), started, written);
        co_return keep_open && !ec;
    }

    std::optional<Response> invoke_inline(const Route& route, const Request& request,
                                          RequestContext& context) {
        try {
            return route.try_inline(request, context);
        } catch (const std::exception& e) {
            log_error(context.request_id, std::string("handler failed: ") + e.what());
        } catch (...) {
            log_error(context.request_id, "handler failed with a non-standard exception");
        }
        return error_response(request, Status::internal_server_error, "server_error",
                              "The server failed to handle the request.");
    }

    Response invoke(const Route& route, const Request& request, RequestContext& context) {
        try {
            return route.handler(request, context);
        } catch (const std::exception& e) {
            log_error(context.request_id, std::string("handler failed: ") + e.what());
        } catch (...) {
            log_error(context.request_id, "handler failed with a non-standard exception");
        }
        // The message stays in the log: it may name internals.
        return error_response(request, Status::internal_server_error, "server_error",
                              "The server failed to handle the request.");
    }

    void decorate(Response& response, const std::string& request_id) const {
        response.set("X-Request-Id", request_id);
        response.set(bhttp::field::server, "signet");
        response.set("X-Content-Type-Options", "nosniff");
    }

    // Writes an answer to a request that could not be read (or a connection over the limit),
    // then closes.
    template <class Stream>
    asio::awaitable<void> answer_and_close(Stream& stream, Response& response,
                                           std::string_view method, const std::string& client,
                                           Clock::time_point started,
                                           std::string_view target = {}) {
        RequestContext context;
        context.client_address = client;
        context.request_id = next_request_id();
        context.route = "unmatched";
        response.keep_alive(false);
        decorate(response, context.request_id);
        response.prepare_payload();
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(std::chrono::seconds(5));
        auto [ec, written] = co_await bhttp::async_write(stream, response, kUseAwaitable);
        finish(context, method, path_of(target), response.result_int(), started, written);
        if (!ec) co_await linger_and_close(stream);
    }

    // Half-closes, then reads and discards (bounded in time and bytes) until the client closes,
    // so unread request bytes do not turn our close into a reset that loses the response.
    template <class Stream>
    asio::awaitable<void> linger_and_close(Stream& stream) {
        auto& lowest = beast::get_lowest_layer(stream);
        boost::system::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest.expires_after(kLingerTime);
        std::vector<char> sink(kReadChunk);
        std::size_t discarded = 0;
        while (discarded < kLingerBytes) {
            auto [ec, n] = co_await lowest.async_read_some(asio::buffer(sink), kUseAwaitable);
            if (ec) break;
            discarded += n;
        }
        lowest.socket().close(ignored);
    }

    // ---- logging and metrics -----------------------------------------------------------------

    void finish(const RequestContext& context, std::string_view method, std::string_view path,
                unsigned status, Clock::time_point started, std::size_t bytes_out) {
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        metrics.observe_request(context.route, status, seconds);
        if (!options.log_requests) return;
        // Strings go through Boost.JSON's serializer (escaping); numbers are formatted here so
        // the duration reads 0.350 rather than Boost.JSON 1.81's 3.5E-1.
        std::string line;
        line.reserve(256);
        const auto field = [&line](std::string_view name, std::string_view value) {
            line.append(line.empty() ? "{\"" : ",\"").append(name).append("\":");
            line.append(
                boost::json::serialize(boost::json::string_view(value.data(), value.size())));
        };
        char number[64];
        field("time", rfc3339_now());
        field("level", "info");
        field("request_id", context.request_id);
        field("method", method);
        field("path", path);
        field("route", context.route);
        std::snprintf(number, sizeof number, ",\"status\":%u,\"duration_ms\":%.3f", status,
                      seconds * 1e3);
        line.append(number);
        field("client", context.client_address);
        std::snprintf(number, sizeof number, ",\"bytes_out\":%zu}\n", bytes_out);
        line.append(number);
        write_stderr_line(line);
    }

    void log_error(std::string_view request_id, std::string_view message) const {
        boost::json::object line;
        line["time"] = rfc3339_now();
        line["level"] = "error";
        if (!request_id.empty()) line["request_id"] = request_id;
        line["message"] = message;
        write_stderr_line(boost::json::serialize(line) + "\n");
    }

    // ---- stopping ----------------------------------------------------------------------------

    void stop() {
        if (stopping.exchange(true)) return;
        asio::post(acceptor_strand, [this] {
            boost::system::error_code ignored;
            acceptor.close(ignored);
            if (signals) signals->cancel(ignored);
        });
        close_connections(/*idle_only=*/true);
        asio::co_spawn(io, drain(), asio::detached);
    }

    void close_connections(bool idle_only) {
        std::lock_guard lock(connections_mutex);
        for (const auto& connection : connections) {
            asio::post(connection->strand, [connection, idle_only] {
                if (connection->lowest == nullptr) return;
                if (idle_only && connection->phase != Phase::idle) return;
                connection->lowest->close();
            });
        }
    }

    // In-flight requests get until drain_timeout to finish; then the rest is cut off.
    asio::awaitable<void> drain() {
        const auto deadline = Clock::now() + options.drain_timeout;
        asio::steady_timer timer(io);
        while (open_connections.load() > 0 && Clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(kUseAwaitable);
        }
        if (open_connections.load() == 0) co_return;
        close_connections(/*idle_only=*/false);
        // A handler still running on the worker pool keeps its connection's work alive; give the
        // closes a moment, then leave run() regardless.
        timer.expires_after(std::chrono::milliseconds(200));
        co_await timer.async_wait(kUseAwaitable);
        io.stop();
    }

    void run(bool handle_signals) {
        if (handle_signals) {
            // On the acceptor's strand, ordered with stop()'s cancel: a stop() that came first
            // leaves no signal wait behind to keep run() from returning.
            asio::post(acceptor_strand, [this] {
                if (stopping.load()) return;
                signals.emplace(acceptor_strand, SIGINT, SIGTERM);
                signals->async_wait([this](const boost::system::error_code& ec, int) {
                    if (!ec) stop();
                });
            });
        }
        asio::co_spawn(acceptor_strand, accept_loop(), asio::detached);
        std::vector<std::thread> threads;
        threads.reserve(io_threads - 1);
        for (unsigned i = 1; i < io_threads; ++i)
            threads.emplace_back([this] { io.run(); });
        io.run();
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
    impl_->io.stop();
}

std::uint16_t HttpServer::port() const noexcept {
    return impl_->bound_port;
}

void HttpServer::run(bool handle_signals) {
    impl_->run(handle_signals);
}

void HttpServer::stop() {
    impl_->stop();
}

}  // namespace signet::server::http
