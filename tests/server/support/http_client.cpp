// The test HTTP client: Beast over one keep-alive TCP or TLS connection, every operation bounded by
// a timeout so a misbehaving server fails a test instead of hanging it.
#include "server/support/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <exception>
#include <optional>
#include <stdexcept>

namespace signet::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kOperationTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kMaxResponseBody = 64 * 1024 * 1024;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Runs `coroutine` to completion on `io` and rethrows whatever it threw.
template <class T>
T run_coroutine(asio::io_context& io, asio::awaitable<T> coroutine) {
    std::exception_ptr failure;
    std::optional<T> value;
    io.restart();
    asio::co_spawn(io, std::move(coroutine), [&](std::exception_ptr e, T v) {
        failure = e;
        if (!e) value.emplace(std::move(v));
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*value);
}

}  // namespace

std::string HttpResult::header(std::string_view name) const {
    const std::string wanted = lower(name);
    for (const auto& [key, value] : headers) {
        if (key == wanted) return value;
    }
    return {};
}

std::vector<std::string> HttpResult::headers_named(std::string_view name) const {
    const std::string wanted = lower(name);
    std::vector<std::string> out;
    for (const auto& [key, value] : headers) {
        if (key == wanted) out.push_back(value);
    }
    return out;
}

boost::json::value HttpResult::json() const {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec) {
        ADD_FAILURE() << "response body is not JSON (status " << status << "): " << body;
        return nullptr;
    }
    return value;
}

std::string HttpResult::cookie(std::string_view name) const {
    for (const auto& set_cookie : headers_named("set-cookie")) {
        std::string_view pair(set_cookie);
        pair = pair.substr(0, pair.find(';'));
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        if (trim(pair.substr(0, eq)) == name) return std::string(trim(pair.substr(eq + 1)));
    }
    return {};
}

struct HttpClient::Impl {
    std::string host;
    std::uint16_t port;
    bool tls;
    asio::io_context io;
    asio::ssl::context ssl_context{asio::ssl::context::tls_client};
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    bool reused = false;  // the open connection already carried a request

    Impl(std::string h, std::uint16_t p, bool t) : host(std::move(h)), port(p), tls(t) {
        ssl_context.set_verify_mode(asio::ssl::verify_none);
    }

    bool connected() const { return tls ? secure.has_value() : plain.has_value(); }

    void close() {
        boost::system::error_code ignored;
        if (plain) plain->socket().close(ignored);
        if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
        plain.reset();
        secure.reset();
        buffer.clear();
        reused = false;
    }

    asio::awaitable<int> connect() {
        tcp::resolver resolver(io);
        auto endpoints =
            co_await resolver.async_resolve(host, std::to_string(port), asio::use_awaitable);
        if (tls) {
            secure.emplace(io, ssl_context);
            auto& lowest = beast::get_lowest_layer(*secure);
            lowest.expires_after(kOperationTimeout);
            co_await lowest.async_connect(endpoints, asio::use_awaitable);
            lowest.expires_after(kOperationTimeout);
            co_await secure->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        } else {
            plain.emplace(io);
            plain->expires_after(kOperationTimeout);
            co_await plain->async_connect(endpoints, asio::use_awaitable);
        }
        co_return 0;
    }

    template <class Stream>
    asio::awaitable<HttpResult> exchange(Stream& stream,
                                         const http::request<http::string_body>& req) {
        beast::get_lowest_layer(stream).expires_after(kOperationTimeout);
        // A failed write (the server may answer and close early, e.g. 413) still lets us read the
        // response the server sent before closing.
        auto [write_error, written] =
            co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
        (void)written;
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxResponseBody);
        parser.header_limit(1024 * 1024);
        beast::get_lowest_layer(stream).expires_after(kOperationTimeout);
        auto [read_error, read] =
            co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)read;
        if (read_error) {
            throw boost::system::system_error(read_error ? read_error : write_error,
                                              "no response read");
        }
        auto response = parser.release();
        HttpResult result;
        result.status = response.result_int();
        result.body = std::move(response.body());
        for (const auto& field : response) {
            result.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
        }
        if (!response.keep_alive()) close();
        co_return result;
    }

    asio::awaitable<HttpResult> send(const http::request<http::string_body>& req) {
        if (!connected()) co_await connect();
        if (tls) co_return co_await exchange(*secure, req);
        co_return co_await exchange(*plain, req);
    }

    HttpResult request(const http::request<http::string_body>& req) {
        const bool was_reused = connected() && reused;
        try {
            HttpResult result = run_coroutine(io, send(req));
            if (connected()) reused = true;
            return result;
        } catch (const std::exception& first) {
            close();
            if (!was_reused) {
                throw std::runtime_error(std::string("HTTP request failed: ") + first.what());
            }
        }
        // The server closed the idle keep-alive connection: one retry on a fresh connection.
        try {
            HttpResult result = run_coroutine(io, send(req));
            if (connected()) reused = true;
            return result;
        } catch (const std::exception& second) {
            close();
            throw std::runtime_error(std::string("HTTP request failed: ") + second.what());
        }
    }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, bool tls)
    : impl_(std::make_unique<Impl>(std::move(host), port, tls)) {}
HttpClient::~HttpClient() {
    if (impl_) impl_->close();
}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResult HttpClient::request(http::verb method, std::string_view target, std::string_view body,
                               const Headers& headers) {
    http::request<http::string_body> req{method, std::string(target), 11};
    bool host_given = false;
    for (const auto& [name, value] : headers) {
        if (beast::iequals(name, "host")) host_given = true;
        req.insert(name, value);
    }
    if (!host_given) req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
    if (req.find(http::field::user_agent) == req.end()) {
        req.set(http::field::user_agent, "signet-tests");
    }
    req.body() = std::string(body);
    req.keep_alive(true);
    req.prepare_payload();
    return impl_->request(req);
}

HttpResult HttpClient::get(std::string_view target, const Headers& headers) {
    return request(http::verb::get, target, {}, headers);
}

HttpResult HttpClient::post_json(std::string_view target, const boost::json::value& body,
                                 const Headers& headers) {
    Headers with_type = headers;
    const bool typed = std::any_of(headers.begin(), headers.end(), [](const auto& h) {
        return beast::iequals(h.first, "content-type");
    });
    if (!typed) with_type.emplace_back("Content-Type", "application/json");
    return request(http::verb::post, target, boost::json::serialize(body), with_type);
}

HttpResult HttpClient::del(std::string_view target, const Headers& headers) {
    return request(http::verb::delete_, target, {}, headers);
}

namespace {

asio::awaitable<void> raw_session(tcp::socket& socket, std::string_view host, std::uint16_t port,
                                  std::string_view bytes, std::size_t pieces,
                                  std::chrono::milliseconds pause, RawExchange& out,
                                  std::chrono::steady_clock::time_point start) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(std::string(host), std::to_string(port),
                                                     asio::use_awaitable);
    co_await asio::async_connect(socket, endpoints, asio::use_awaitable);

    pieces = std::max<std::size_t>(1, std::min(pieces, std::max<std::size_t>(1, bytes.size())));
    const std::size_t step = (bytes.size() + pieces - 1) / pieces;
    bool write_failed = false;
    for (std::size_t offset = 0; offset < bytes.size() && !write_failed; offset += step) {
        const auto piece = bytes.substr(offset, step);
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(piece.data(), piece.size()),
                                                  asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (ec) {
            write_failed = true;
            break;
        }
        if (offset + step < bytes.size() && pause.count() > 0) {
            // While pausing, notice a server that closes on us (the slowloris case).
            asio::steady_timer timer(executor, pause);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (socket.available() > 0 || !socket.is_open()) break;
        }
    }
    // Read until the server closes (or the outer deadline closes the socket).
    char chunk[4096];
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk),
                                                       asio::as_tuple(asio::use_awaitable));
        out.received.append(chunk, n);
        if (ec) {
            if (ec != asio::error::operation_aborted) {
                out.closed_by_server = true;
                out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start);
            }
            break;
        }
    }
}

}  // namespace

RawExchange raw_exchange(std::string_view host, std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout, std::size_t pieces,
                         std::chrono::milliseconds pause) {
    asio::io_context io;
    tcp::socket socket(io);
    RawExchange out;
    const auto start = std::chrono::steady_clock::now();
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(io, raw_session(socket, host, port, bytes, pieces, pause, out, start),
                   [&](std::exception_ptr e) {
                       failure = e;
                       done = true;
                   });
    io.run_until(start + timeout);
    if (!done) {
        boost::system::error_code ignored;
        socket.cancel(ignored);
        socket.close(ignored);
        io.restart();
        io.run();
    }
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("raw exchange failed: ") + e.what());
        }
    }
    if (!out.closed_by_server) {
        out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
    }
    return out;
}

}  // namespace signet::test
