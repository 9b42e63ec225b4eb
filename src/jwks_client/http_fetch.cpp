#include "http_fetch.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <exception>
#include <mutex>
#include <optional>

#include "signet/version.hpp"

namespace signet::jwks_client {

struct HttpFetcher::Cancellation {
    std::mutex mutex;
    boost::asio::io_context* running = nullptr;  // the io_context of the fetch in flight
    bool cancelled = false;
};

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

struct Exchange {
    const FetchSettings& settings;
    asio::ssl::context* tls;
    const HttpUrl& url;
    const std::vector<std::pair<std::string, std::string>>& headers;
    Clock::time_point deadline;
    std::optional<Error> error;
    http::response<http::string_body> response;
};

std::chrono::milliseconds remaining(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(1);
}

Error failure(const HttpUrl& url, const std::string& why) {
    return Error(Errc::fetch_failed, "fetching " + url.text + " failed: " + why);
}

// Write the request and read the answer on an open stream, within the deadline and limits.
template <class Stream>
asio::awaitable<void> request(Stream& stream, Exchange& x) {
    http::request<http::empty_body> req(http::verb::get, x.url.target, 11);
    const bool default_port = x.url.port == (x.url.tls ? "443" : "80");
    const std::string host =
        x.url.host.find(':') != std::string::npos ? "[" + x.url.host + "]" : x.url.host;
    req.set(http::field::host, default_port ? host : host + ":" + x.url.port);
    req.set(http::field::user_agent, std::string("signet/") + SIGNET_VERSION_STRING);
    req.set(http::field::accept, "application/jwk-set+json, application/json");
    req.set(http::field::connection, "close");
    for (const auto& [name, value] : x.headers)
        req.set(name, value);
    beast::get_lowest_layer(stream).expires_after(remaining(x.deadline));
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(x.settings.max_response_bytes);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    x.response = parser.release();
}

asio::awaitable<void> exchange(Exchange& x) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_after(std::min(x.settings.connect_timeout, remaining(x.deadline)));
    const auto endpoints =
        co_await resolver.async_resolve(x.url.host, x.url.port, asio::use_awaitable);
    co_await tcp_stream.async_connect(endpoints, asio::use_awaitable);
    if (!x.url.tls) {
        co_await request(tcp_stream, x);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *x.tls);
    SSL* ssl = stream.native_handle();
    boost::system::error_code ec;
    (void)asio::ip::make_address(x.url.host, ec);  // an IP literal, or a name
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    // RFC 9110 §4.3.4 / RFC 6125: the certificate must name the host we asked for.
    if (ec) {
        SSL_set_tlsext_host_name(ssl, x.url.host.c_str());  // SNI only for names (RFC 6066 §3)
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, x.url.host.c_str(), 0);
    } else {
        X509_VERIFY_PARAM_set1_ip_asc(param, x.url.host.c_str());
    }
    stream.set_verify_mode(asio::ssl::verify_peer);
    beast::get_lowest_layer(stream).expires_after(remaining(x.deadline));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_await request(stream, x);
}

// One request, no redirects: the answer, or why there is none.
Result<http::response<http::string_body>> exchange_once(
    HttpFetcher::Cancellation& cancellation, const FetchSettings& settings, asio::ssl::context* tls,
    const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
    Clock::time_point deadline) {
    Exchange x{settings, tls, url, headers, deadline, std::nullopt, {}};
    asio::io_context io;
    std::exception_ptr thrown;
    bool done = false;
    asio::co_spawn(io, exchange(x), [&](std::exception_ptr e) {
        thrown = e;
        done = true;
    });
    {
        std::lock_guard lock(cancellation.mutex);
        if (cancellation.cancelled) return failure(url, "cancelled");
        cancellation.running = &io;
    }
    io.run();
    {
        std::lock_guard lock(cancellation.mutex);
        cancellation.running = nullptr;
    }
    if (!done) return failure(url, "cancelled");
    if (thrown) {
        try {
            std::rethrow_exception(thrown);
        } catch (const boost::system::system_error& e) {
            const auto& code = e.code();
            if (code == beast::error::timeout) {
                return failure(url, Clock::now() >= deadline ? "timed out" : "connect timed out");
            }
            if (code == http::error::body_limit) {
                return failure(url, "the answer is larger than " +
                                        std::to_string(settings.max_response_bytes) + " bytes");
            }
            if (code == http::error::header_limit)
                return failure(url, "the answer's header is too large");
            if (code.category() == asio::error::get_ssl_category()) {
                return failure(url, "TLS: " + code.message());
            }
            return failure(url, code.message());
        } catch (const std::exception& e) {
            return failure(url, e.what());
        }
    }
    return std::move(x.response);
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

HttpFetcher::HttpFetcher(FetchSettings settings, std::shared_ptr<asio::ssl::context> tls)
    : settings_(std::move(settings)),
      tls_(std::move(tls)),
      cancellation_(std::make_shared<Cancellation>()) {}

void HttpFetcher::cancel() const {
    std::lock_guard lock(cancellation_->mutex);
    cancellation_->cancelled = true;
    if (cancellation_->running != nullptr) cancellation_->running->stop();
}

Result<HttpFetcher> HttpFetcher::create(FetchSettings settings) {
    auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    if (settings.ca_file.empty()) {
        tls->set_default_verify_paths(ec);
    } else {
        tls->load_verify_file(settings.ca_file, ec);
    }
    if (ec) {
        return Error(
            Errc::invalid_argument,
            settings.ca_file.empty()
                ? "the system trust store cannot be loaded: " + ec.message()
                : "the CA file " + settings.ca_file + " cannot be loaded: " + ec.message());
    }
    return HttpFetcher(std::move(settings), std::move(tls));
}

Result<FetchedResponse> HttpFetcher::get(
    const HttpUrl& start, const std::vector<std::pair<std::string, std::string>>& headers) const {
    const auto deadline = Clock::now() + settings_.request_timeout;
    HttpUrl url = start;
    for (unsigned redirects = 0;; ++redirects) {
        auto response =
            exchange_once(*cancellation_, settings_, tls_.get(), url, headers, deadline);
        if (!response) return std::move(response).error();
        const unsigned status = response->result_int();
        if (is_redirect(status)) {
            if (redirects >= settings_.max_redirects) {
                return failure(url, "the server redirects (" + std::to_string(status) +
                                        ") and redirects are not followed");
            }
            const auto location = response->find(http::field::location);
            if (location == response->end()) return failure(url, "a redirect without Location");
            auto next = resolve_http_url(url, location->value(), settings_.allow_http);
            if (!next) return failure(url, next.error().message());
            url = std::move(*next);
            continue;
        }
        FetchedResponse out;
        out.status = status;
        out.body = std::move(response->body());
        const auto header = [&](http::field f) {
            const auto it = response->find(f);
            return it == response->end() ? std::string() : std::string(it->value());
        };
        out.etag = header(http::field::etag);
        out.cache_control = header(http::field::cache_control);
        out.age = header(http::field::age);
        out.url = std::move(url);
        return out;
    }
}

}  // namespace signet::jwks_client
