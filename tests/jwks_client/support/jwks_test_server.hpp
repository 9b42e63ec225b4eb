// "The issuer" for JWKS client tests and benchmarks: an in-process HTTP or HTTPS server on
// 127.0.0.1 that answers each path with a canned response a test sets (and changes while clients
// run), and records what it was asked, so a test can make the issuer slow, broken, redirecting or
// conditional and then check what the client sent.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jwks_client/support/test_ca.hpp"

namespace signet::test {

struct CannedResponse {
    unsigned status = 200;
    std::string body;
    // Sent as given, e.g. {"Cache-Control", "max-age=60"} or {"Location", url}. Content-Type is
    // application/json unless set here; Content-Length is always the server's own.
    std::vector<std::pair<std::string, std::string>> headers;
    // Waited (on a timer) before answering or closing: other connections are answered meanwhile,
    // and the server's destructor does not wait for it.
    std::chrono::milliseconds delay{0};
    // Reads the request, then closes the connection without a byte of answer.
    bool close_without_answer = false;
    // When set, sent as ETag; a request whose If-None-Match equals it exactly gets 304 with the
    // same headers, no body, and the Content-Length a 200 would have had (RFC 9110 §8.6).
    std::string etag;
};

class JwksTestServer {
  public:
    struct Options {
        bool tls = false;
        // The names the HTTPS certificate covers (see TestCa::issue); {"wrong.example"} makes
        // a host-name mismatch for 127.0.0.1.
        std::vector<std::string> certificate_names = {"127.0.0.1", "localhost"};
    };

    // Listens on an ephemeral port of 127.0.0.1 and answers at once, on background threads.
    JwksTestServer();  // plain HTTP
    explicit JwksTestServer(Options options);
    // Stops at once: connections are dropped, delayed answers abandoned.
    ~JwksTestServer();
    JwksTestServer(const JwksTestServer&) = delete;
    JwksTestServer& operator=(const JwksTestServer&) = delete;

    std::uint16_t port() const;
    std::string origin() const;                    // "http(s)://127.0.0.1:<port>"
    std::string url(std::string_view path) const;  // origin() + path
    // The CA that signed the HTTPS certificate (there is one in plain mode too).
    const TestCa& ca() const;
    // A PEM file holding ca().certificate_pem(), in a temporary directory the server removes.
    std::string ca_file() const;

    // What requests for `path` (the target without its query) are answered with from now on,
    // replacing any earlier response; paths without one get 404 "not found". Thread-safe.
    void set(std::string path, CannedResponse response);

    // Requests read for `path` (queries ignored), counted when read: whatever they were answered
    // with, 304 and 404 included, and whether or not an answer was sent.
    std::size_t requests(std::string_view path) const;
    std::size_t total_requests() const;
    // The value of header `name` (case-insensitive) on the last request for `path`, or "".
    std::string last_header(std::string_view path, std::string_view name) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace signet::test
