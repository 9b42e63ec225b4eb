// The test issuer: one io_context on two threads and a coroutine per connection, each on its own
// strand, so a delayed answer waits on a timer and holds up no other connection. Stopping stops
// the io_context outright instead of winding connections down: a test's end must not wait for a
// slow answer it set up.
#include "jwks_client/support/jwks_test_server.hpp"

#include <stdlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace signet::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr int kThreads = 2;
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// How long a keep-alive connection may sit idle, and a write may take; generous, since only the
// destructor needs to end connections and it does not wait for them.
constexpr auto kIdleTimeout = std::chrono::minutes(5);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kCloseTimeout = std::chrono::seconds(2);  // the TLS close_notify exchange
constexpr std::uint64_t kMaxRequestBody = 1024 * 1024;
constexpr auto kAcceptRetryPause = std::chrono::milliseconds(10);

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// A fresh directory under the system's temporary directory, removed with everything in it.
class TemporaryDirectory {
  public:
    TemporaryDirectory() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "signet-jwks-server-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        }
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// TLS 1.2 and up with a leaf certificate for `names`, signed by `ca`, sent without a chain.
asio::ssl::context make_tls_context(const TestCa& ca, const std::vector<std::string>& names) {
    const TestCertificate certificate = ca.issue(names);
    asio::ssl::context tls(asio::ssl::context::tls_server);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    tls.use_certificate(asio::buffer(certificate.certificate_pem), asio::ssl::context::pem);
    tls.use_private_key(asio::buffer(certificate.private_key_pem), asio::ssl::context::pem);
    return tls;
}

// The answer to `request`: `canned`, or 404 when the path has none. Content-Length is always set
// from the body, except on 204 (which has neither) and 304 (the length a 200 would have had).
Response make_response(const Request& request, const std::optional<CannedResponse>& canned) {
    Response response;
    response.version(request.version());
    if (!canned) {
        response.result(http::status::not_found);
        response.set(http::field::content_type, "text/plain");
        response.body() = "not found";
        response.content_length(response.body().size());
        response.keep_alive(request.keep_alive());
        return response;
    }
    bool typed = false;
    for (const auto& [name, value] : canned->headers) {
        response.insert(name, value);
        if (beast::iequals(name, "content-type")) typed = true;
    }
    if (!typed) response.set(http::field::content_type, "application/json");
    // Open only when both sides want it: a canned "Connection: close" closes too.
    response.keep_alive(request.keep_alive() && response.keep_alive());

    const bool not_modified =
        !canned->etag.empty() && request[http::field::if_none_match] == canned->etag;
    if (!canned->etag.empty()) response.set(http::field::etag, canned->etag);
    response.result(not_modified ? static_cast<unsigned>(http::status::not_modified)
                                 : canned->status);
    if (response.result() == http::status::no_content) return response;
    if (response.result() == http::status::not_modified) {
        response.content_length(canned->body.size());
        return response;
    }
    response.body() = canned->body;
    response.content_length(response.body().size());
    return response;
}

// How a connection ends once requests stop: dropped (the client left, or a canned answer closes
// without answering), or closed after a response that said Connection: close.
enum class Ending { dropped, closed };

}  // namespace

struct JwksTestServer::Impl {
    struct PathRecord {
        std::size_t requests = 0;
        HeaderList last_headers;
    };

    Options options;
    TestCa ca;
    TemporaryDirectory directory;
    std::filesystem::path ca_file = directory.path() / "ca.pem";

    mutable std::mutex mutex;  // guards the three below
    std::map<std::string, CannedResponse, std::less<>> responses;
    std::map<std::string, PathRecord, std::less<>> records;
    std::size_t total_requests = 0;

    std::optional<asio::ssl::context> tls;
    // Declared after everything a connection uses: destroying it destroys the connections'
    // coroutines that never finished, which must find the rest still alive.
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::uint16_t port = 0;  // read once: the acceptor is the accepting coroutine's alone
    std::vector<std::thread> threads;

    explicit Impl(Options o) : options(std::move(o)) {
        ca.write_certificate(ca_file);
        if (options.tls) tls.emplace(make_tls_context(ca, options.certificate_names));
        const tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
        acceptor.open(loopback.protocol());
        acceptor.bind(loopback);
        acceptor.listen();
        port = acceptor.local_endpoint().port();
        asio::co_spawn(io, accept_connections(), [](std::exception_ptr) {});
        try {
            for (int i = 0; i < kThreads; ++i)
                threads.emplace_back([this] { io.run(); });
        } catch (...) {
            stop();  // a thread that started must not outlive a constructor that failed
            throw;
        }
    }

    ~Impl() { stop(); }

    void stop() {
        io.stop();
        for (auto& thread : threads)
            thread.join();
    }

    // Counts the request and returns its canned response, or nullopt when its path has none.
    std::optional<CannedResponse> take(const Request& request) {
        const std::string_view path = path_of(request.target());
        HeaderList headers;
        for (const auto& field : request) {
            headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        }
        std::lock_guard lock(mutex);
        ++total_requests;
        auto record = records.find(path);
        if (record == records.end())
            record = records.emplace(std::string(path), PathRecord{}).first;
        ++record->second.requests;
        record->second.last_headers = std::move(headers);
        const auto canned = responses.find(path);
        if (canned == responses.end()) return std::nullopt;
        return canned->second;
    }

    asio::awaitable<void> accept_connections() {
        for (;;) {
            // Its own strand per connection: Beast's stream timers need one with two threads.
            tcp::socket socket(asio::make_strand(io));
            auto [error] =
                co_await acceptor.async_accept(socket, asio::as_tuple(asio::use_awaitable));
            if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (error) {
                // E.g. out of file descriptors: pause rather than spin.
                asio::steady_timer pause(io, kAcceptRetryPause);
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            const auto executor = socket.get_executor();
            asio::co_spawn(executor, serve(std::move(socket)), [](std::exception_ptr) {});
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        if (!tls) {
            beast::tcp_stream stream(std::move(socket));
            if (co_await answer_requests(stream) == Ending::closed) {
                boost::system::error_code ignored;
                stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            }
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
        beast::get_lowest_layer(stream).expires_after(kHandshakeTimeout);
        // A failed handshake (the client refused the certificate, or spoke plain HTTP) just
        // ends the connection.
        auto [handshake_error] = co_await stream.async_handshake(
            asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
        if (handshake_error) co_return;
        if (co_await answer_requests(stream) == Ending::closed) {
            beast::get_lowest_layer(stream).expires_after(kCloseTimeout);
            co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
        }
    }

    // Reads requests one after the other on a keep-alive connection and answers each.
    template <class Stream>
    asio::awaitable<Ending> answer_requests(Stream& stream) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(kMaxRequestBody);
            beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
            auto [read_error, read] = co_await http::async_read(
                stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            (void)read;
            if (read_error) co_return Ending::dropped;
            const Request request = parser.release();
            const std::optional<CannedResponse> canned = take(request);
            if (canned && canned->delay.count() > 0) {
                asio::steady_timer timer(co_await asio::this_coro::executor, canned->delay);
                co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            if (canned && canned->close_without_answer) co_return Ending::dropped;

            Response response = make_response(request, canned);
            beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
            auto [write_error, written] =
                co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
            (void)written;
            if (write_error) co_return Ending::dropped;
            if (!response.keep_alive()) co_return Ending::closed;
        }
    }
};

JwksTestServer::JwksTestServer() : JwksTestServer(Options{}) {}

JwksTestServer::JwksTestServer(Options options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

JwksTestServer::~JwksTestServer() = default;

std::uint16_t JwksTestServer::port() const {
    return impl_->port;
}

std::string JwksTestServer::origin() const {
    return std::string(impl_->options.tls ? "https" : "http") +
           "://127.0.0.1:" + std::to_string(port());
}

std::string JwksTestServer::url(std::string_view path) const {
    return origin() + std::string(path);
}

const TestCa& JwksTestServer::ca() const {
    return impl_->ca;
}

std::string JwksTestServer::ca_file() const {
    return impl_->ca_file.string();
}

void JwksTestServer::set(std::string path, CannedResponse response) {
    std::lock_guard lock(impl_->mutex);
    impl_->responses.insert_or_assign(std::move(path), std::move(response));
}

std::size_t JwksTestServer::requests(std::string_view path) const {
    std::lock_guard lock(impl_->mutex);
    const auto record = impl_->records.find(path_of(path));
    return record == impl_->records.end() ? 0 : record->second.requests;
}

std::size_t JwksTestServer::total_requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->total_requests;
}

std::string JwksTestServer::last_header(std::string_view path, std::string_view name) const {
    std::lock_guard lock(impl_->mutex);
    const auto record = impl_->records.find(path_of(path));
    if (record == impl_->records.end()) return {};
    for (const auto& [key, value] : record->second.last_headers) {
        if (beast::iequals(key, name)) return value;
    }
    return {};
}

}  // namespace signet::test
