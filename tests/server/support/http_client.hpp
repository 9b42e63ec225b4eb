// A small synchronous HTTP/1.1 client for server tests (Boost.Beast), over plain TCP or TLS, with
// one keep-alive connection that is reopened when the server closes it; plus a raw-bytes exchange
// for malformed and slow requests.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signet::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
    unsigned status = 0;
    std::string body;
    Headers headers;  // names lower-cased, in received order

    // The first header with this (case-insensitive) name, or "".
    std::string header(std::string_view name) const;
    std::vector<std::string> headers_named(std::string_view name) const;
    // The body parsed as JSON; records a test failure and returns null when it is not JSON.
    boost::json::value json() const;
    // The value a Set-Cookie header gives the cookie `name`, or "" when none sets it.
    std::string cookie(std::string_view name) const;
};

class HttpClient {
  public:
    // tls: HTTPS without certificate verification (tests use self-signed certificates).
    HttpClient(std::string host, std::uint16_t port, bool tls = false);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    // Throws std::runtime_error when no response could be read.
    HttpResult request(boost::beast::http::verb method, std::string_view target,
                       std::string_view body = {}, const Headers& headers = {});
    HttpResult get(std::string_view target, const Headers& headers = {});
    // Content-Type: application/json.
    HttpResult post_json(std::string_view target, const boost::json::value& body,
                         const Headers& headers = {});
    HttpResult del(std::string_view target, const Headers& headers = {});

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Connects, writes `bytes` (in one go, or in pieces with `pause` between them when `pieces` > 1),
// and returns everything read until the server closes or `timeout` passes.
struct RawExchange {
    std::string received;
    bool closed_by_server = false;
    std::chrono::milliseconds elapsed{0};
};
RawExchange raw_exchange(std::string_view host, std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout, std::size_t pieces = 1,
                         std::chrono::milliseconds pause = std::chrono::milliseconds(0));

}  // namespace signet::test
