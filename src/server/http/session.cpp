// The per-connection coroutine. Deadlines: header_timeout from accept (and for the TLS handshake)
// to a whole request head, idle_timeout between keep-alive requests.
#include "server/http/session.hpp"
#include "server/http/text.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "server/http/request_head.hpp"
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

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find_first_of("?#"));
}

std::string_view to_view(beast::string_view s) {
    return {s.data(), s.size()};
}

// RFC 6797: a year, renewed by every answer (§6.1.1), and only over TLS (§7.2 forbids it over
// plain HTTP, where a proxy in front that ends TLS must send it). No includeSubDomains: a node
// cannot know that every subdomain of its host serves HTTPS, and the pin would last the year.
constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

// IMF-fixdate (RFC 9110 §5.6.7) of the current second; an origin server with a clock sends it in
// every answer (§6.6.1). Formatted once per second per thread, without the locale.
std::string_view http_date_now() {
    static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> kMonths{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    thread_local std::time_t formatted_second = -1;
    thread_local std::array<char, 32> text{};
    thread_local std::size_t size = 0;
    const std::time_t now = std::time(nullptr);
    if (now != formatted_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        const int n =
            std::snprintf(text.data(), text.size(), "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
                          kDays[static_cast<std::size_t>(utc.tm_wday) % 7].data(), utc.tm_mday,
                          kMonths[static_cast<std::size_t>(utc.tm_mon) % 12].data(),
                          utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
        size = n > 0 ? std::min(static_cast<std::size_t>(n), text.size() - 1) : 0;
        formatted_second = now;
    }
    return {text.data(), size};
}

// The status line and header fields of `response` as HTTP/1.1 bytes, into `out` (reused across
// the connection's requests): the response's own fields, which Beast's serializer would write
// as they are (prepare_payload has set Content-Length or Connection), then the ones every answer
// carries, appended here rather than built as fields of each response. The body is written from
// the response itself, after these bytes.
void serialize_head(const Response& response, std::string_view request_id, bool tls,
                    std::string& out) {
    out.clear();
    out.append(response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    char code[8];
    const auto [end, ec] = std::to_chars(code, code + sizeof code, response.result_int());
    (void)ec;
    out.append(code, end);
    out.push_back(' ');
    const auto reason = response.reason();
    out.append(to_view(reason.empty() ? bhttp::obsolete_reason(response.result()) : reason));
    out.append("\r\n");
    for (const auto& field : response) {
        out.append(to_view(field.name_string())).append(": ").append(to_view(field.value()));
        out.append("\r\n");
    }
    out.append("Date: ").append(http_date_now()).append("\r\n");
    out.append("Server: signet\r\nX-Content-Type-Options: nosniff\r\n");
    out.append("X-Request-Id: ").append(request_id).append("\r\n");
    if (tls) {
        out.append("Strict-Transport-Security: ").append(kStrictTransportSecurity).append("\r\n");
    }
    out.append("\r\n");
}

template <class Stream>
class Session {
  public:
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

    Session(ServerContext& server, Stream& stream, std::string client)
        : server_(server),
          options_(server.options),
          stream_(stream),
          lowest_(beast::get_lowest_layer(stream)),
          client_(std::move(client)) {}

    asio::awaitable<void> serve(Connection* state, ConnectionRegistry::Refusal admission) {
        lowest_.expires_after(options_.header_timeout);
        if constexpr (kTls) {
            // The handshake gets header_timeout too, then the first request a fresh one.
            auto [ec] =
                co_await stream_.async_handshake(asio::ssl::stream_base::server, kUseAwaitable);
            if (ec) co_return;
            lowest_.expires_after(options_.header_timeout);
        }
        if (state == nullptr) {
            // RFC 9110 §15.6.4: 503 and close; the request itself is never read.
            Request head;
            head.version(11);
            Response response =
                error_response(head, Status::service_unavailable, "unavailable",
                               admission == ConnectionRegistry::Refusal::client_full
                                   ? "This client address has too many open connections."
                                   : "The server is at its connection limit.");
            response.set(bhttp::field::retry_after, "1");
            co_await answer_and_close(response, "", Clock::now());
            co_return;
        }

        beast::flat_buffer buffer;
        bool first = true;
        for (;;) {
            // Waiting for the next request: stop() may close us here.
            state->set_idle(first);
            if (server_.stopping.load()) co_return;
            if (buffer.size() == 0) {
                // The first request's deadline runs from accept; later ones get idle_timeout to
                // start, then header_timeout to arrive whole.
                if (!first) lowest_.expires_after(options_.idle_timeout);
                auto [ec, n] =
                    co_await stream_.async_read_some(buffer.prepare(kReadChunk), kUseAwaitable);
                if (ec) co_return;
                buffer.commit(n);
            }
            // Evicted while idle to make room for another connection: read no more.
            if (!state->set_busy()) co_return;
            if (!first) lowest_.expires_after(options_.header_timeout);
            first = false;

            const auto started = Clock::now();
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(
                std::min<std::size_t>(options_.max_header_bytes, UINT32_MAX)));
            parser.body_limit(options_.max_body_bytes);

            auto [header_ec, header_n] =
                co_await bhttp::async_read_header(stream_, buffer, parser, kUseAwaitable);
            (void)header_n;
            boost::system::error_code ec = header_ec;
            if (!ec) {
                if (const auto fault = check_request_head(parser.get())) {
                    // The body's end is unknown, so nothing after this head can be trusted.
                    Response refusal = refuse(fault->status, fault->description);
                    const auto& head = parser.get();
                    co_await answer_and_close(refusal, to_view(head.method_string()), started,
                                              to_view(head.target()));
                    co_return;
                }
            }
            if (!ec && !parser.is_done()) {
                // RFC 9110 §10.1.1: tell a client that waits for it to send the body.
                const auto expect = parser.get()[bhttp::field::expect];
                if (http::iequals_ascii(expect, "100-continue")) {
                    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
                    auto [write_ec, written] =
                        co_await bhttp::async_write(stream_, go_on, kUseAwaitable);
                    (void)written;
                    if (write_ec) co_return;
                }
                auto [body_ec, body_n] =
                    co_await bhttp::async_read(stream_, buffer, parser, kUseAwaitable);
                (void)body_n;
                ec = body_ec;
            }
            if (ec) {
                if (auto refusal = refusal_for(ec)) {
                    const auto& partial = parser.get();
                    co_await answer_and_close(*refusal, to_view(partial.method_string()), started,
                                              to_view(partial.target()));
                }
                // Timeouts, resets and closes end the connection without an answer.
                co_return;
            }

            Request request = parser.release();
            if (!to_origin_form(request)) {
                Response refusal = refuse(Status::bad_request, "The request target is not valid.");
                co_await answer_and_close(refusal, to_view(request.method_string()), started,
                                          to_view(request.target()));
                co_return;
            }
            const bool keep_open = co_await respond(request, started);
            if (!keep_open) {
                co_await linger_and_close();
                co_return;
            }
        }
    }

  private:
    static Response refuse(Status status, std::string_view description) {
        Request head;
        head.version(11);
        return error_response(
            head, status, status == Status::not_implemented ? "not_implemented" : "invalid_request",
            description);
    }

    // The answer to a request that could not be read, if it gets one.
    static std::optional<Response> refusal_for(const boost::system::error_code& ec) {
        Request head;
        head.version(11);
        if (ec == bhttp::error::header_limit) {
            return error_response(head, Status::request_header_fields_too_large,
                                  "request_header_fields_too_large",
                                  "The request headers are too large.");
        }
        if (ec == bhttp::error::body_limit) {
            return error_response(head, Status::payload_too_large, "payload_too_large",
                                  "The request body is too large.");
        }
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
            ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
            // A malformed request. One cut short by the client gets no answer.
            return error_response(head, Status::bad_request, "invalid_request",
                                  "The request is not valid HTTP/1.1.");
        }
        return std::nullopt;
    }

    // Handles one request and writes the answer; false when the connection must close.
    asio::awaitable<bool> respond(const Request& request, Clock::time_point started) {
        RequestContext context;
        context.client_address = client_;
        if (options_.client_addresses.any_trusted()) {
            boost::system::error_code ec;
            const auto peer = asio::ip::make_address(client_, ec);
            if (!ec) context.client_address = options_.client_addresses.resolve(request, peer);
        }
        context.tls = kTls;
        context.request_id = server_.request_ids.next();

        const auto match = route(request);
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
                    server_.workers.get_executor(),
                    [&]() -> asio::awaitable<Response> {
                        co_return invoke(route, request, context);
                    },
                    asio::use_awaitable);
            } else {
                response = invoke(route, request, context);
            }
        }

        const bool keep_open =
            request.keep_alive() && response.keep_alive() && !server_.stopping.load();
        response.version(request.version());
        response.keep_alive(keep_open);
        response.prepare_payload();

        lowest_.expires_after(
            std::max<std::chrono::seconds>(options_.idle_timeout, std::chrono::seconds(5)));
        // RFC 9110 §9.3.2: HEAD gets GET's header fields, Content-Length included, and no content.
        const auto [ec, written] =
            co_await write(response, context.request_id, request.method() != Verb::head);
        finish(context, to_view(request.method_string()), path_of(to_view(request.target())),
               response.result_int(), started, written);
        co_return keep_open && !ec;
    }

    // The head, then the body unless `with_body` is false, in one gathered write.
    asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write(
        const Response& response, std::string_view request_id, bool with_body) {
        serialize_head(response, request_id, kTls, head_);
        const std::array<asio::const_buffer, 2> buffers{
            asio::buffer(head_), with_body ? asio::buffer(response.body()) : asio::const_buffer{}};
        co_return co_await asio::async_write(stream_, buffers, kUseAwaitable);
    }

    // The router's match, limited to what this listener serves.
    Router::Match route(const Request& request) const {
        if (server_.surface != Surface::all) {
            const bool metrics_path =
                path_of(to_view(request.target())) == std::string_view(options_.metrics_path);
            if (metrics_path != (server_.surface == Surface::metrics)) {
                Router::Match hidden;
                hidden.status = Status::not_found;
                return hidden;
            }
        }
        return server_.router.match(request.method(), request.target());
    }

    std::optional<Response> invoke_inline(const Route& route, const Request& request,
                                          RequestContext& context) {
        return guarded(request, context, [&] { return route.try_inline(request, context); });
    }

    Response invoke(const Route& route, const Request& request, RequestContext& context) {
        return guarded(request, context, [&] { return route.handler(request, context); });
    }

    // A handler's answer, or the 500 when it threw; the message stays in the log, since it may
    // name internals.
    template <class Call>
    auto guarded(const Request& request, RequestContext& context, Call call) -> decltype(call()) {
        try {
            return call();
        } catch (const std::exception& e) {
            server_.log.error(context.request_id, std::string("handler failed: ") + e.what());
        } catch (...) {
            server_.log.error(context.request_id, "handler failed with a non-standard exception");
        }
        return error_response(request, Status::internal_server_error, "server_error",
                              "The server failed to handle the request.");
    }

    // Writes an answer to a request that could not be read (or a connection over the limit),
    // then closes.
    asio::awaitable<void> answer_and_close(Response& response, std::string_view method,
                                           Clock::time_point started,
                                           std::string_view target = {}) {
        RequestContext context;
        context.client_address = client_;
        context.request_id = server_.request_ids.next();
        context.route = "unmatched";
        response.keep_alive(false);
        response.prepare_payload();
        lowest_.expires_after(std::chrono::seconds(5));
        auto [ec, written] = co_await write(response, context.request_id, true);
        finish(context, method, path_of(target), response.result_int(), started, written);
        if (!ec) co_await linger_and_close();
    }

    // Half-closes, then reads and discards (bounded in time and bytes) until the client closes,
    // so unread request bytes do not turn our close into a reset that loses the response.
    asio::awaitable<void> linger_and_close() {
        boost::system::error_code ignored;
        lowest_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest_.expires_after(kLingerTime);
        std::vector<char> sink(kReadChunk);
        std::size_t discarded = 0;
        while (discarded < kLingerBytes) {
            auto [ec, n] = co_await lowest_.async_read_some(asio::buffer(sink), kUseAwaitable);
            if (ec) break;
            discarded += n;
        }
        lowest_.socket().close(ignored);
    }

    void finish(const RequestContext& context, std::string_view method, std::string_view path,
                unsigned status, Clock::time_point started, std::size_t bytes_out) {
        const std::chrono::duration<double> elapsed = Clock::now() - started;
        server_.metrics.observe_request(context.route, status, elapsed.count());
        server_.log.request(context, method, path, status, elapsed, bytes_out);
    }

    ServerContext& server_;
    const ServerOptions& options_;
    Stream& stream_;
    beast::tcp_stream& lowest_;
    std::string client_;
    std::string head_;  // the serialized status line and fields of the answer being written
};

}  // namespace

template <class Stream>
asio::awaitable<void> run_session(ServerContext& server, Stream stream,
                                  ConnectionRegistry::Admission admission, std::string client) {
    auto& lowest = beast::get_lowest_layer(stream);
    const std::shared_ptr<Connection> connection = std::move(admission.connection);
    if (connection) connection->lowest = &lowest;
    try {
        Session<Stream> session(server, stream, std::move(client));
        co_await session.serve(connection.get(), admission.refusal);
    } catch (const std::exception& e) {
        server.log.error("", std::string("connection failed: ") + e.what());
    }
    boost::system::error_code ignored;
    lowest.socket().close(ignored);
    if (connection) {
        connection->lowest = nullptr;
        server.connections.release(connection);
    }
}

template asio::awaitable<void> run_session(ServerContext&, beast::tcp_stream,
                                           ConnectionRegistry::Admission, std::string);
template asio::awaitable<void> run_session(ServerContext&, TlsStream, ConnectionRegistry::Admission,
                                           std::string);

}  // namespace signet::server::http
