// HttpServer over real loopback sockets: routing errors, limits (413, 431, 400, slowloris,
// connection count), keep-alive, the worker pool, draining on stop(), TLS, and the request log
// line.
#include "server/http/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/http/io_thread.hpp"
#include "server/http/response.hpp"
#include "server/support/http_client.hpp"

namespace signet::server::http {
namespace {

using namespace std::chrono_literals;
using signet::test::HttpClient;
using signet::test::raw_exchange;

std::string thread_tag() {
    std::ostringstream out;
    out << std::this_thread::get_id();
    return out.str();
}

// A router with one route per behaviour under test.
struct TestRoutes {
    std::atomic<bool> slow_started{false};
    Router router;

    TestRoutes() {
        router.add(Verb::get, "/hello", [](const Request& request, RequestContext&) {
            return json_response(request, Status::ok, boost::json::object{{"hello", "world"}});
        });
        router.add(Verb::post, "/echo", [](const Request& request, RequestContext&) {
            return json_response(request, Status::ok,
                                 boost::json::object{{"length", request.body().size()}});
        });
        router.add(Verb::get, "/context", [](const Request& request, RequestContext& context) {
            return json_response(request, Status::ok,
                                 boost::json::object{{"request_id", context.request_id},
                                                     {"route", context.route},
                                                     {"client", context.client_address},
                                                     {"tls", context.tls},
                                                     {"thread", thread_tag()},
                                                     {"io_thread", on_io_thread()}});
        });
        router.add(
            Verb::get, "/blocking",
            [](const Request& request, RequestContext&) {
                return json_response(
                    request, Status::ok,
                    boost::json::object{{"thread", thread_tag()}, {"io_thread", on_io_thread()}});
            },
            true);
        router.add(
            Verb::get, "/slow",
            [this](const Request& request, RequestContext&) {
                slow_started = true;
                std::this_thread::sleep_for(500ms);
                return json_response(request, Status::ok, boost::json::object{{"slept", true}});
            },
            true);
        router.add(Verb::get, "/metrics", [](const Request& request, RequestContext&) {
            return json_response(request, Status::ok, boost::json::object{{"metrics", true}});
        });
        router.add(Verb::get, "/throw", [](const Request&, RequestContext&) -> Response {
            throw std::runtime_error("secret internal detail");
        });
    }
};

ServerOptions test_options() {
    ServerOptions options;
    options.port = 0;
    options.max_header_bytes = 1024;
    options.max_body_bytes = 1024;
    options.header_timeout = 1s;
    options.idle_timeout = 2s;
    options.drain_timeout = 5s;
    options.io_threads = 2;
    options.worker_threads = 2;
    options.log_requests = false;
    return options;
}

// The server running on its own thread; stop() returns once run() has returned.
class RunningServer {
  public:
    explicit RunningServer(ServerOptions options = test_options(), bool handle_signals = false)
        : server_(std::move(options), routes_.router, metrics_), thread_([this, handle_signals] {
              server_.run(handle_signals);
              returned_ = true;
          }) {}
    ~RunningServer() { stop(); }

    void stop() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    std::uint16_t port() const { return server_.port(); }
    HttpServer& server() { return server_; }
    TestRoutes& routes() { return routes_; }
    Metrics& metrics() { return metrics_; }
    bool returned() const { return returned_; }
    HttpClient client(bool tls = false) const { return HttpClient("127.0.0.1", port(), tls); }

  private:
    TestRoutes routes_;
    Metrics metrics_;
    HttpServer server_;
    std::atomic<bool> returned_{false};
    std::thread thread_;
};

std::string status_line(const std::string& received) {
    return received.substr(0, received.find("\r\n"));
}

// The JSON body of the first response in raw bytes.
boost::json::value raw_body(const std::string& received) {
    const auto start = received.find("\r\n\r\n");
    if (start == std::string::npos) return nullptr;
    boost::system::error_code ec;
    auto value = boost::json::parse(received.substr(start + 4), ec);
    return ec ? boost::json::value(nullptr) : value;
}

TEST(HttpServer, AnswersWithJsonAndStandardHeaders) {
    RunningServer running;
    auto client = running.client();
    const auto first = client.get("/hello");
    EXPECT_EQ(first.status, 200u);
    EXPECT_EQ(first.json(), (boost::json::object{{"hello", "world"}}));
    EXPECT_EQ(first.header("content-type"), "application/json");
    EXPECT_EQ(first.header("cache-control"), "no-store");
    EXPECT_EQ(first.header("server"), "signet");
    EXPECT_EQ(first.header("x-content-type-options"), "nosniff");
    EXPECT_FALSE(first.header("x-request-id").empty());
    // RFC 9110 §6.6.1 and §5.6.7: an IMF-fixdate.
    const std::regex imf_fixdate(
        R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d )"
        R"((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)");
    EXPECT_TRUE(std::regex_match(first.header("date"), imf_fixdate)) << first.header("date");
    const auto second = client.get("/hello");
    EXPECT_NE(first.header("x-request-id"), second.header("x-request-id"));
}

TEST(HttpServer, FillsTheRequestContext) {
    RunningServer running;
    auto client = running.client();
    const auto result = client.get("/context?x=1");
    ASSERT_EQ(result.status, 200u);
    const auto body = result.json().as_object();
    EXPECT_EQ(body.at("request_id"), boost::json::value(result.header("x-request-id")));
    EXPECT_EQ(body.at("route"), "/context");
    EXPECT_EQ(body.at("client"), "127.0.0.1");
    EXPECT_EQ(body.at("tls"), false);
}

TEST(HttpServer, UnknownPathIsJsonNotFound) {
    RunningServer running;
    const auto result = running.client().get("/nowhere");
    EXPECT_EQ(result.status, 404u);
    EXPECT_EQ(result.json().at("error"), "not_found");
    EXPECT_FALSE(result.header("x-request-id").empty());
}

TEST(HttpServer, OtherMethodIsJsonMethodNotAllowedWithAllow) {
    RunningServer running;
    const auto result = running.client().request(Verb::put, "/hello", "{}");
    EXPECT_EQ(result.status, 405u);
    EXPECT_EQ(result.json().at("error"), "method_not_allowed");
    EXPECT_EQ(result.header("allow"), "GET, HEAD");  // RFC 9110 §9.3.2
}

TEST(HttpServer, ThrowingHandlerGivesServerErrorWithoutTheMessage) {
    RunningServer running;
    auto client = running.client();
    testing::internal::CaptureStderr();
    const auto result = client.get("/throw");
    running.stop();
    const std::string log = testing::internal::GetCapturedStderr();
    EXPECT_EQ(result.status, 500u);
    EXPECT_EQ(result.json().at("error"), "server_error");
    EXPECT_EQ(result.body.find("secret"), std::string::npos);
    EXPECT_NE(log.find("secret internal detail"), std::string::npos) << log;
}

TEST(HttpServer, AcceptsABodyWithinTheLimit) {
    RunningServer running;
    const auto result = running.client().request(Verb::post, "/echo", std::string(1024, 'x'));
    EXPECT_EQ(result.status, 200u);
    EXPECT_EQ(result.json().at("length"), 1024);
}

TEST(HttpServer, BodyOverTheLimitWithContentLengthGets413AndClose) {
    RunningServer running;
    const std::string request = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\n\r\n" +
                                std::string(200000, 'x');
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 5s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 413 Payload Too Large");
    EXPECT_EQ(raw_body(exchange.received).at("error"), "payload_too_large");
    EXPECT_TRUE(exchange.closed_by_server);

    // The client sees the same through its own connection.
    const auto result = running.client().request(Verb::post, "/echo", std::string(5000, 'x'));
    EXPECT_EQ(result.status, 413u);
    EXPECT_EQ(result.json().at("error"), "payload_too_large");
    EXPECT_EQ(result.header("connection"), "close");
}

TEST(HttpServer, ChunkedBodyOverTheLimitGets413AndClose) {
    RunningServer running;
    std::string request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i)
        request += "100\r\n" + std::string(256, 'y') + "\r\n";
    request += "0\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 5s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 413 Payload Too Large");
    EXPECT_EQ(raw_body(exchange.received).at("error"), "payload_too_large");
    EXPECT_TRUE(exchange.closed_by_server);
}

TEST(HttpServer, ChunkedBodyWithinTheLimitIsRead) {
    RunningServer running;
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 5s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 200 OK");
    EXPECT_EQ(raw_body(exchange.received).at("length"), 11);
}

TEST(HttpServer, ExpectContinueGetsAnInterimResponse) {
    RunningServer running;
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n\r\nbody";
    // Two pieces: the head, then (after the pause) the body.
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 5s, 2, 200ms);
    EXPECT_EQ(exchange.received.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << exchange.received;
    EXPECT_NE(exchange.received.find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST(HttpServer, HeadersOverTheLimitGet431AndClose) {
    RunningServer running;
    const std::string request =
        "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 5s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 431 Request Header Fields Too Large");
    EXPECT_EQ(raw_body(exchange.received).at("error"), "request_header_fields_too_large");
    EXPECT_TRUE(exchange.closed_by_server);
}

TEST(HttpServer, GarbageGets400AndClose) {
    RunningServer running;
    for (const char* garbage : {"\x16\x03\x01\x02\x10garbage\r\n\r\n", "GET / FOO/1.1\r\n\r\n",
                                "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
                                "POST /echo HTTP/1.1\r\nContent-Length: nope\r\n\r\n"}) {
        const auto exchange = raw_exchange("127.0.0.1", running.port(), garbage, 5s);
        EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 400 Bad Request") << garbage;
        EXPECT_EQ(raw_body(exchange.received).at("error"), "invalid_request");
        EXPECT_TRUE(exchange.closed_by_server);
    }
}

TEST(HttpServer, SlowHeadersAreCutOffAtTheHeaderTimeout) {
    RunningServer running;
    // 40 pieces 100 ms apart would take 4 s; header_timeout is 1 s.
    const std::string request =
        "GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 4s, 40, 100ms);
    EXPECT_TRUE(exchange.closed_by_server);
    EXPECT_GE(exchange.elapsed, 900ms);
    EXPECT_LT(exchange.elapsed, 1800ms);
    EXPECT_EQ(exchange.received.find("200 OK"), std::string::npos);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
    RunningServer running;  // idle_timeout 2 s
    const auto exchange =
        raw_exchange("127.0.0.1", running.port(), "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 4s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 200 OK");
    EXPECT_TRUE(exchange.closed_by_server);
    EXPECT_GE(exchange.elapsed, 1800ms);
    EXPECT_LT(exchange.elapsed, 3000ms);
}

// A connection the test holds open, from a chosen loopback address (Linux routes all of
// 127.0.0.0/8 to lo), to play one client among several.
class HeldConnection {
  public:
    explicit HeldConnection(std::uint16_t port, const char* from = "127.0.0.1")
        : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        ::inet_pton(AF_INET, from, &local.sin_addr);
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
        connected_ = fd_ >= 0 &&
                     ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0 &&
                     ::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0;
    }
    ~HeldConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    HeldConnection(const HeldConnection&) = delete;
    HeldConnection& operator=(const HeldConnection&) = delete;

    bool connected() const { return connected_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // Sends a keep-alive GET and returns the status of the one response (0: none within 3 s).
    unsigned get(const std::string& target) {
        const std::string request = "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n";
        if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
            return 0;
        }
        std::string received;
        for (;;) {
            const auto head_end = received.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                const auto at = received.find("Content-Length: ");
                const std::size_t length =
                    at == std::string::npos ? 0 : std::stoul(received.substr(at + 16));
                if (received.size() >= head_end + 4 + length) break;
            }
            pollfd poll{fd_, POLLIN, 0};
            if (::poll(&poll, 1, 3000) != 1) return 0;
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return 0;
            received.append(buffer, static_cast<std::size_t>(n));
        }
        return static_cast<unsigned>(std::stoul(received.substr(9, 3)));
    }

    // True when the server closes the connection within `wait`.
    bool closed_by_server(std::chrono::milliseconds wait) {
        pollfd poll{fd_, POLLIN, 0};
        if (::poll(&poll, 1, static_cast<int>(wait.count())) != 1) return false;
        char byte;
        return ::recv(fd_, &byte, 1, MSG_PEEK) <= 0;
    }

  private:
    int fd_;
    bool connected_ = false;
};

TEST(HttpServer, ConnectionsOverTheLimitGet503WhenNoneIsIdle) {
    auto options = test_options();
    options.max_connections = 2;
    RunningServer running(options);
    // Connections that have not sent a request yet are not idle keep-alive ones: they stay.
    HeldConnection first(running.port());
    HeldConnection second(running.port());
    ASSERT_TRUE(first.connected() && second.connected());
    std::this_thread::sleep_for(50ms);  // accepted

    const auto third = running.client().get("/hello");
    EXPECT_EQ(third.status, 503u);
    EXPECT_EQ(third.json().at("error"), "unavailable");
    EXPECT_EQ(third.header("connection"), "close");

    // The kept connections still work, and a closed one frees its slot.
    EXPECT_EQ(first.get("/hello"), 200u);
    second.close();
    unsigned status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
        status = running.client().get("/hello").status;
        if (status != 200) std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(status, 200u);
}

TEST(HttpServer, AtTheLimitTheOldestIdleKeepAliveConnectionMakesRoom) {
    auto options = test_options();
    options.max_connections = 2;
    RunningServer running(options);
    HeldConnection oldest(running.port());
    ASSERT_EQ(oldest.get("/hello"), 200u);
    std::this_thread::sleep_for(20ms);
    HeldConnection newer(running.port());
    ASSERT_EQ(newer.get("/hello"), 200u);

    // Both slots hold idle keep-alive connections: the oldest is closed for the newcomer.
    EXPECT_EQ(running.client().get("/hello").status, 200u);
    EXPECT_TRUE(oldest.closed_by_server(1s));
    EXPECT_FALSE(newer.closed_by_server(200ms));
    EXPECT_EQ(newer.get("/hello"), 200u);
}

TEST(HttpServer, OneClientAddressIsCappedWhileOthersStillGetIn) {
    auto options = test_options();
    options.max_connections = 10;
    options.max_connections_per_client = 2;
    RunningServer running(options);
    HeldConnection first(running.port());
    HeldConnection second(running.port());
    ASSERT_EQ(first.get("/hello"), 200u);
    ASSERT_EQ(second.get("/hello"), 200u);

    const auto third = running.client().get("/hello");  // also from 127.0.0.1
    EXPECT_EQ(third.status, 503u);
    EXPECT_EQ(third.json().at("error"), "unavailable");
    EXPECT_EQ(third.header("connection"), "close");

    HeldConnection other(running.port(), "127.0.0.2");
    ASSERT_TRUE(other.connected());
    EXPECT_EQ(other.get("/hello"), 200u);
    // The capped client's own connections were not closed to make room.
    EXPECT_EQ(first.get("/hello"), 200u);
    EXPECT_EQ(second.get("/hello"), 200u);
}

TEST(HttpServer, TrustedProxyIsNotCappedPerClient) {
    auto options = test_options();
    options.max_connections_per_client = 1;
    options.client_addresses = ClientAddressResolver({*parse_cidr("127.0.0.1/32")});
    RunningServer running(options);
    HeldConnection first(running.port());
    HeldConnection second(running.port());
    EXPECT_EQ(first.get("/hello"), 200u);
    EXPECT_EQ(second.get("/hello"), 200u);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    RunningServer running;
    const std::string requests =
        "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
        "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
        "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), requests, 5s);
    EXPECT_TRUE(exchange.closed_by_server);
    EXPECT_LT(exchange.elapsed, 1500ms);  // closed after the third, not by a timeout
    std::size_t responses = 0;
    for (auto at = exchange.received.find("HTTP/1.1 "); at != std::string::npos;
         at = exchange.received.find("HTTP/1.1 ", at + 1)) {
        ++responses;
    }
    EXPECT_EQ(responses, 3u);
    EXPECT_NE(exchange.received.find("HTTP/1.1 404"), std::string::npos);
}

TEST(HttpServer, Http10ClosesUnlessKeepAliveIsAsked) {
    RunningServer running;
    const auto plain = raw_exchange("127.0.0.1", running.port(), "GET /hello HTTP/1.0\r\n\r\n", 3s);
    EXPECT_EQ(status_line(plain.received), "HTTP/1.0 200 OK");
    EXPECT_TRUE(plain.closed_by_server);
    EXPECT_LT(plain.elapsed, 1500ms);

    const auto kept = raw_exchange("127.0.0.1", running.port(),
                                   "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 500ms);
    EXPECT_EQ(status_line(kept.received), "HTTP/1.0 200 OK");
    EXPECT_NE(kept.received.find("Connection: keep-alive"), std::string::npos);
    EXPECT_FALSE(kept.closed_by_server);
}

TEST(HttpServer, BlockingRoutesRunOnTheWorkerPool) {
    auto options = test_options();
    options.io_threads = 1;
    options.worker_threads = 1;
    RunningServer running(options);
    auto client = running.client();
    const auto io_thread = client.get("/context").json().at("thread");
    EXPECT_EQ(client.get("/context").json().at("thread"), io_thread);
    const auto worker_thread = client.get("/blocking").json().at("thread");
    EXPECT_NE(worker_thread, io_thread);
    // What Argon2id checks before it runs.
    EXPECT_EQ(client.get("/context").json().at("io_thread"), true);
    EXPECT_EQ(client.get("/blocking").json().at("io_thread"), false);
    // The connection resumes on its strand afterwards and keeps working.
    EXPECT_EQ(client.get("/context").json().at("thread"), io_thread);
}

TEST(HttpServer, StopDrainsInFlightRequestsAndRunReturns) {
    RunningServer running;
    auto idle = running.client();
    ASSERT_EQ(idle.get("/hello").status, 200u);  // now an idle keep-alive connection

    signet::test::HttpResult slow;
    std::thread request([&] { slow = running.client().get("/slow"); });
    for (int i = 0; i < 200 && !running.routes().slow_started; ++i)
        std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(running.routes().slow_started);

    const auto before = std::chrono::steady_clock::now();
    running.stop();  // returns once run() has returned
    const auto took = std::chrono::steady_clock::now() - before;
    request.join();

    EXPECT_TRUE(running.returned());
    EXPECT_EQ(slow.status, 200u);
    EXPECT_EQ(slow.json().at("slept"), true);
    EXPECT_EQ(slow.header("connection"), "close");
    EXPECT_LT(took, 3s);
    // Nothing listens any more.
    EXPECT_THROW(idle.get("/hello"), std::runtime_error);
}

TEST(HttpServer, SigtermDrainsAndRunReturns) {
    RunningServer running(test_options(), /*handle_signals=*/true);
    // A served request shows run() has installed its signal handler (it does so before accepting).
    ASSERT_EQ(running.client().get("/hello").status, 200u);
    signet::test::HttpResult slow;
    std::thread request([&] { slow = running.client().get("/slow"); });
    for (int i = 0; i < 200 && !running.routes().slow_started; ++i)
        std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(running.routes().slow_started);
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    request.join();
    for (int i = 0; i < 300 && !running.returned(); ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(running.returned());
    EXPECT_EQ(slow.status, 200u);
    EXPECT_EQ(slow.header("connection"), "close");
}

TEST(HttpServer, StopWithoutConnectionsReturnsPromptly) {
    RunningServer running;
    const auto before = std::chrono::steady_clock::now();
    running.stop();
    EXPECT_TRUE(running.returned());
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

TEST(HttpServer, CountsRequestsInMetrics) {
    RunningServer running;
    auto client = running.client();
    client.get("/hello");
    client.get("/hello");
    client.get("/nowhere");
    running.stop();
    const auto text = running.metrics().render();
    EXPECT_NE(text.find(R"(signet_http_requests_total{route="/hello",status="200"} 2)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(signet_http_requests_total{route="unmatched",status="404"} 1)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("signet_http_connections_open 0"), std::string::npos) << text;
}

TEST(HttpServer, WithoutAMetricsListenerMetricsIsServedOnTheApiListener) {
    RunningServer running;
    EXPECT_EQ(running.server().metrics_port(), 0);
    EXPECT_EQ(running.client().get("/metrics").status, 200u);
}

TEST(HttpServer, MetricsListenerAloneServesMetrics) {
    auto options = test_options();
    options.metrics_listen = ServerOptions::ListenAddress{"127.0.0.1", 0};
    RunningServer running(options);
    const auto metrics_port = running.server().metrics_port();
    ASSERT_NE(metrics_port, 0);
    ASSERT_NE(metrics_port, running.port());

    const auto on_api = running.client().get("/metrics?x=1");
    EXPECT_EQ(on_api.status, 404u);
    EXPECT_EQ(on_api.json().at("error"), "not_found");
    EXPECT_EQ(running.client().get("/hello").status, 200u);

    HttpClient admin("127.0.0.1", metrics_port);
    const auto metrics = admin.get("/metrics");
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_EQ(metrics.json().at("metrics"), true);
    EXPECT_EQ(admin.get("/hello").status, 404u);  // the API is not served there
}

TEST(HttpServer, MetricsListenerHasItsOwnConnectionBudget) {
    auto options = test_options();
    options.max_connections = 2;
    options.metrics_listen = ServerOptions::ListenAddress{"127.0.0.1", 0};
    RunningServer running(options);
    // The API listener is full of connections that are not idle...
    HeldConnection first(running.port());
    HeldConnection second(running.port());
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(running.client().get("/hello").status, 503u);
    // ...and monitoring still gets in, up to its own limit of 16.
    std::vector<std::unique_ptr<HeldConnection>> held;
    for (int i = 0; i < 16; ++i) {
        held.push_back(std::make_unique<HeldConnection>(running.server().metrics_port()));
        EXPECT_EQ(held.back()->get("/metrics"), 200u) << i;
    }
    HttpClient one_more("127.0.0.1", running.server().metrics_port());
    EXPECT_EQ(one_more.get("/metrics").status, 503u);
}

TEST(HttpServer, MetricsListenerOnABusyPortIsNamed) {
    RunningServer running;
    auto options = test_options();
    options.metrics_listen = ServerOptions::ListenAddress{"127.0.0.1", running.port()};
    TestRoutes routes;
    Metrics metrics;
    try {
        HttpServer second(options, routes.router, metrics);
        FAIL() << "the metrics listener bound a busy port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(running.port())),
                  std::string::npos)
            << e.what();
    }
}

TEST(HttpServer, FailsToListenOnABusyPortNamingTheAddress) {
    RunningServer running;
    auto options = test_options();
    options.port = running.port();
    TestRoutes routes;
    Metrics metrics;
    try {
        HttpServer second(options, routes.router, metrics);
        FAIL() << "a second server bound the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(running.port())),
                  std::string::npos)
            << e.what();
    }
}

TEST(HttpServer, WritesOneJsonLogLinePerRequest) {
    auto options = test_options();
    options.log_requests = true;
    testing::internal::CaptureStderr();
    signet::test::HttpResult result;
    {
        RunningServer running(options);
        result = running.client().get("/hello?token=secret");
        running.stop();
    }
    const std::string log = testing::internal::GetCapturedStderr();
    ASSERT_EQ(result.status, 200u);

    std::istringstream lines(log);
    std::string line;
    int found = 0;
    while (std::getline(lines, line)) {
        boost::system::error_code ec;
        const auto value = boost::json::parse(line, ec);
        ASSERT_FALSE(ec) << "not JSON: " << line;
        const auto& entry = value.as_object();
        if (entry.at("request_id") != boost::json::value(result.header("x-request-id"))) continue;
        ++found;
        EXPECT_TRUE(std::regex_match(std::string(entry.at("time").as_string()),
                                     std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
            << line;
        EXPECT_EQ(entry.at("level"), "info");
        EXPECT_EQ(entry.at("method"), "GET");
        EXPECT_EQ(entry.at("path"), "/hello");
        EXPECT_EQ(entry.at("route"), "/hello");
        EXPECT_EQ(entry.at("status"), 200);
        EXPECT_TRUE(entry.at("duration_ms").is_number());
        EXPECT_GE(entry.at("duration_ms").to_number<double>(), 0.0);
        EXPECT_EQ(entry.at("client"), "127.0.0.1");
        EXPECT_GT(entry.at("bytes_out").to_number<double>(), 0.0);
        EXPECT_EQ(line.find("secret"), std::string::npos);
    }
    EXPECT_EQ(found, 1) << log;
}

// ---- TLS ---------------------------------------------------------------------------------------

// ---- request framing and the request line (RFC 9112) ---------------------------------------

std::size_t count_responses(const std::string& received) {
    std::size_t responses = 0;
    for (auto at = received.find("HTTP/1.1 "); at != std::string::npos;
         at = received.find("HTTP/1.1 ", at + 1)) {
        ++responses;
    }
    return responses;
}

TEST(HttpServer, TransferEncodingNotEndingInChunkedGets400AndCloseWithoutASmuggledRequest) {
    RunningServer running;
    const std::string smuggled = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
    for (const std::string encoding :
         {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked, gzip\r\n",
          "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
          "Transfer-Encoding: chunked, chunked\r\n"}) {
        const std::string request =
            "POST /echo HTTP/1.1\r\nHost: t\r\n" + encoding + "\r\n" + smuggled;
        const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 3s);
        EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 400 Bad Request") << encoding;
        EXPECT_EQ(count_responses(exchange.received), 1u) << exchange.received;
        EXPECT_TRUE(exchange.closed_by_server) << encoding;
    }
}

TEST(HttpServer, TransferCodingOtherThanChunkedGets501AndClose) {
    RunningServer running;
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 3s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 501 Not Implemented");
    EXPECT_EQ(raw_body(exchange.received).at("error"), "not_implemented");
    EXPECT_TRUE(exchange.closed_by_server);
}

TEST(HttpServer, Http10WithTransferEncodingGets400AndClose) {
    RunningServer running;
    const std::string request =
        "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 3s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 400 Bad Request");
    EXPECT_TRUE(exchange.closed_by_server);
}

TEST(HttpServer, TransferEncodingWithContentLengthGets400AndClose) {
    RunningServer running;
    const std::string request =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
    const auto exchange = raw_exchange("127.0.0.1", running.port(), request, 3s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(raw_body(exchange.received).at("error"), "invalid_request");
    EXPECT_EQ(count_responses(exchange.received), 1u) << exchange.received;
    EXPECT_TRUE(exchange.closed_by_server);
}

TEST(HttpServer, Http11RequestWithoutOneHostGets400AndClose) {
    RunningServer running;
    for (const std::string head :
         {"GET /hello HTTP/1.1\r\n\r\n", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
        const auto exchange = raw_exchange("127.0.0.1", running.port(), head, 3s);
        EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 400 Bad Request") << head;
        EXPECT_EQ(raw_body(exchange.received).at("error"), "invalid_request");
        EXPECT_TRUE(exchange.closed_by_server);
    }
}

TEST(HttpServer, AbsoluteFormTargetIsRoutedByItsPath) {
    RunningServer running;
    const auto exchange = raw_exchange(
        "127.0.0.1", running.port(),
        "GET http://t:8080/context?x=1 HTTP/1.1\r\nHost: t:8080\r\nConnection: close\r\n\r\n", 3s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 200 OK") << exchange.received;
    EXPECT_EQ(raw_body(exchange.received).at("route"), "/context");
}

TEST(HttpServer, HeadGetsTheHeadersOfGetWithoutTheBody) {
    RunningServer running;
    const auto get = running.client().get("/hello");
    ASSERT_EQ(get.status, 200u);
    // The HEAD answer must end at its blank line: the next bytes are the second response.
    const auto exchange =
        raw_exchange("127.0.0.1", running.port(),
                     "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                     "GET /nowhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                     3s);
    EXPECT_EQ(status_line(exchange.received), "HTTP/1.1 200 OK") << exchange.received;
    const auto end_of_head = exchange.received.find("\r\n\r\n");
    ASSERT_NE(end_of_head, std::string::npos);
    const std::string head = exchange.received.substr(0, end_of_head);
    EXPECT_NE(head.find("Content-Length: " + std::to_string(get.body.size())), std::string::npos)
        << head;
    EXPECT_NE(head.find("Content-Type: application/json"), std::string::npos) << head;
    EXPECT_EQ(exchange.received.substr(end_of_head + 4, 12), "HTTP/1.1 404") << exchange.received;
}

class TlsFixture : public testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = std::filesystem::temp_directory_path() /
               ("signet-http-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        const std::string command =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
            "-subj /CN=127.0.0.1 -keyout '" +
            (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
            "' 2>/dev/null";
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

    static ServerOptions tls_options() {
        auto options = test_options();
        options.tls = TlsFiles{dir_ / "cert.pem", dir_ / "key.pem"};
        return options;
    }

    static inline std::filesystem::path dir_;
};

TEST_F(TlsFixture, ServesHttpsWithASelfSignedCertificate) {
    RunningServer running(tls_options());
    auto client = running.client(/*tls=*/true);
    const auto hello = client.get("/hello");
    EXPECT_EQ(hello.status, 200u);
    EXPECT_EQ(hello.json().at("hello"), "world");
    const auto context = client.get("/context");
    EXPECT_EQ(context.json().at("tls"), true);
    EXPECT_EQ(client.request(Verb::post, "/echo", std::string(5000, 'x')).status, 413u);
    EXPECT_EQ(client.get("/hello").status, 200u);  // on a new connection
}

TEST_F(TlsFixture, MetricsListenerIsPlainHttpBesideHttps) {
    auto options = tls_options();
    options.metrics_listen = ServerOptions::ListenAddress{"127.0.0.1", 0};
    RunningServer running(options);
    EXPECT_EQ(running.client(/*tls=*/true).get("/metrics").status, 404u);
    HttpClient admin("127.0.0.1", running.server().metrics_port());
    EXPECT_EQ(admin.get("/metrics").status, 200u);
}

TEST_F(TlsFixture, PlainHttpOnTheTlsPortGetsNoHttpResponse) {
    RunningServer running(tls_options());
    const auto exchange =
        raw_exchange("127.0.0.1", running.port(), "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 3s);
    EXPECT_TRUE(exchange.closed_by_server);
    EXPECT_EQ(exchange.received.find("200 OK"), std::string::npos);
}

TEST_F(TlsFixture, SilentClientIsDroppedAtTheHandshakeTimeout) {
    RunningServer running(tls_options());
    const auto exchange = raw_exchange("127.0.0.1", running.port(), "", 3s);
    EXPECT_TRUE(exchange.closed_by_server);
    EXPECT_GE(exchange.elapsed, 900ms);
    EXPECT_LT(exchange.elapsed, 1800ms);
}

TEST_F(TlsFixture, MissingCertificateFileIsNamed) {
    auto options = tls_options();
    options.tls->certificate_chain = dir_ / "missing.pem";
    TestRoutes routes;
    Metrics metrics;
    try {
        HttpServer server(options, routes.router, metrics);
        FAIL() << "started without a certificate";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.pem"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace signet::server::http
