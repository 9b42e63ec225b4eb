// End-to-end tests of `signet serve` as a command: its help, usage errors, configuration errors
// (exit 2, naming the setting and its source), and one start, request and SIGTERM on loopback.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_runner.hpp"

extern char** environ;

namespace signet::cli::test {
namespace {

using ServeCommand = CliTest;

// Expects a configuration error: exit 2, nothing on stdout, every part named on stderr.
void expect_config_error(const RunResult& result, const std::vector<std::string>& parts) {
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_TRUE(result.out.empty()) << describe(result);
    for (const std::string& part : parts) {
        EXPECT_NE(result.err.find(part), std::string::npos) << part << "\n" << describe(result);
    }
}

TEST_F(ServeCommand, HelpShowsTheOptions) {
    const RunResult result = run({"serve", "--help"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_TRUE(result.err.empty());
    EXPECT_TRUE(
        starts_with(result.out,
                    "Usage: signet serve [--config FILE] [--listen HOST:PORT] "
                    "[--data-dir DIR] [--database-url URL] [--redis-url URL] "
                    "[--trusted-proxies CIDR,...] [--issuer URL] [--access-token-ttl SECONDS] "
                    "[--refresh-token-ttl SECONDS] [--tls-cert FILE] [--tls-key FILE] "
                    "[--signing-alg ALG] [--trust-issuer URL] [--trust-issuer-ca-file FILE]\n"))
        << result.out;
    EXPECT_NE(result.out.find("SIGNET_"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("signet: listening on"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("verify-only"), std::string::npos) << result.out;
}

TEST_F(ServeCommand, GlobalHelpListsServeAndTheUserCommands) {
    const RunResult result = run({"--help"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    for (const char* command :
         {"  serve ", "user add", "user list", "user disable", "user enable", "key rotate"}) {
        EXPECT_NE(result.out.find(command), std::string::npos) << command << "\n" << result.out;
    }
    const RunResult group = run({"user", "--help"});
    EXPECT_EQ(group.exit_code, 0) << describe(group);
    EXPECT_TRUE(starts_with(group.out, "Usage: signet user <command>")) << group.out;
}

TEST_F(ServeCommand, UnknownOptionOrOperandIsAUsageError) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"serve", "--frobnicate"},
          std::vector<std::string>{"serve", "extra"}, std::vector<std::string>{"serve", "--listen"},
          std::vector<std::string>{"serve", "--listen", "127.0.0.1:1", "--listen", "127.0.0.1:2"},
          std::vector<std::string>{"serve", "--config", ""}}) {
        const RunResult result = run(args);
        EXPECT_EQ(result.exit_code, 2) << describe(result);
        EXPECT_TRUE(result.out.empty()) << describe(result);
        EXPECT_NE(result.err.find("signet serve --help"), std::string::npos) << describe(result);
    }
}

TEST_F(ServeCommand, UnknownKeyInTheConfigFileExitsTwoNamingIt) {
    const std::string config = write_file("signet.toml", "access_token_ttl = 60\nlistne = \"x\"\n");
    expect_config_error(run({"serve", "--config", config, "--data-dir", path("data")}),
                        {"signet.toml:2:", "unknown setting \"listne\""});
    EXPECT_FALSE(std::filesystem::exists(path("data"))) << "the data dir was created";
}

TEST_F(ServeCommand, MissingConfigFileExitsTwo) {
    expect_config_error(run({"serve", "--config", path("absent.toml")}),
                        {"absent.toml", "cannot be read"});
}

TEST_F(ServeCommand, WeakHmacSecretFromTheEnvironmentExitsTwo) {
    const ScopedEnv secret("SIGNET_HMAC_SECRET", "too-short-secret");
    const RunResult result = run(
        {"serve", "--signing-alg", "HS256", "--data-dir", path("data"), "--listen", "127.0.0.1:0"});
    expect_config_error(result, {"SIGNET_HMAC_SECRET", "weak HMAC secret"});
    EXPECT_EQ(result.err.find("too-short-secret"), std::string::npos) << "the secret is echoed";
    EXPECT_FALSE(std::filesystem::exists(path("data")));
}

TEST_F(ServeCommand, UnknownSignetVariableExitsTwo) {
    const ScopedEnv unknown("SIGNET_LISTNE", "127.0.0.1:0");
    expect_config_error(run({"serve", "--data-dir", path("data")}),
                        {"SIGNET_LISTNE", "unknown setting"});
}

TEST_F(ServeCommand, InvalidFlagValuesExitTwoNamingTheOption) {
    expect_config_error(run({"serve", "--listen", "::1:8080"}), {"--listen", "brackets"});
    expect_config_error(run({"serve", "--access-token-ttl", "0"}), {"--access-token-ttl"});
    expect_config_error(run({"serve", "--issuer", "https://a.example/?x"}), {"--issuer", "query"});
    expect_config_error(run({"serve", "--signing-alg", "none"}), {"--signing-alg", "'none'"});
    expect_config_error(run({"serve", "--tls-cert", write_file("cert.pem", "x")}),
                        {"--tls-cert", "tls_key"});
}

TEST_F(ServeCommand, FlagsOverrideTheEnvironment) {
    // A 32-byte secret suits the variable's HS256 but not the flag's HS512: the flag won.
    const ScopedEnv alg("SIGNET_SIGNING_ALG", "HS256");
    const ScopedEnv secret("SIGNET_HMAC_SECRET", std::string(32, 'k'));
    expect_config_error(run({"serve", "--signing-alg", "HS512", "--data-dir", path("data")}),
                        {"SIGNET_HMAC_SECRET", "weak HMAC secret", "HS512"});
}

TEST_F(ServeCommand, InvalidEnvironmentValueIsRefusedEvenWhenAFlagReplacesIt) {
    const ScopedEnv ttl("SIGNET_ACCESS_TOKEN_TTL", "abc");
    expect_config_error(run({"serve", "--access-token-ttl", "60", "--data-dir", path("data")}),
                        {"SIGNET_ACCESS_TOKEN_TTL", "seconds"});
}

// A running `signet serve` child with its stdout on a pipe.
class ServerChild {
  public:
    explicit ServerChild(const std::vector<std::string>& args, const std::string& stderr_file) {
        int fds[2];
        if (::pipe(fds) != 0) {
            ADD_FAILURE() << "pipe: " << std::strerror(errno);
            return;
        }
        std::vector<std::string> storage = {SIGNET_CLI_PATH};
        storage.insert(storage.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& arg : storage)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        if (spawned != 0) {
            ADD_FAILURE() << "cannot start signet: " << std::strerror(spawned);
            pid_ = -1;
        }
    }
    ~ServerChild() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        if (out_ >= 0) ::close(out_);
    }
    ServerChild(const ServerChild&) = delete;
    ServerChild& operator=(const ServerChild&) = delete;

    // Everything the child wrote to stdout until its first newline (or EOF, or the timeout).
    std::string read_line(std::chrono::seconds timeout) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd fd{out_, POLLIN, 0};
            if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[256];
            const ssize_t n = ::read(out_, buffer, sizeof buffer);
            if (n <= 0) break;
            line.append(buffer, static_cast<std::size_t>(n));
        }
        return line;
    }

    void signal(int number) { ::kill(pid_, number); }

    // Sends `signal` and waits for the exit status (-1: killed by a signal or timed out).
    int stop(int signal, std::chrono::seconds timeout) {
        ::kill(pid_, signal);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            const pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;  // the destructor kills it
    }

  private:
    pid_t pid_ = -1;
    int out_ = -1;
};

// One plain HTTP/1.1 request over loopback; the whole response.
std::string http_get(unsigned port, const std::string& target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "";
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
        const std::string request =
            "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
            char buffer[4096];
            ssize_t n = 0;
            while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
                response.append(buffer, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    return response;
}

TEST_F(ServeCommand, ServesOnAFreePortRotatesAndStopsCleanlyOnSigterm) {
    ServerChild server({"serve", "--listen", "127.0.0.1:0", "--data-dir", path("data")},
                       path("server.log"));
    const std::string line = server.read_line(std::chrono::seconds(60));
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match,
                                 std::regex(R"(signet: listening on http://127\.0\.0\.1:(\d+)\n)")))
        << "stdout: " << line << "\nstderr: " << read_file(path("server.log"));
    const unsigned port = static_cast<unsigned>(std::stoul(match[1].str()));
    EXPECT_GT(port, 0u);
    EXPECT_LE(port, 65535u);

    EXPECT_TRUE(starts_with(http_get(port, "/healthz"), "HTTP/1.1 200"))
        << read_file(path("server.log"));
    // Rotation works on the data dir of a running server.
    const RunResult rotated = run({"key", "rotate", "--data-dir", path("data")});
    EXPECT_EQ(rotated.exit_code, 0) << describe(rotated);

    EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(30)), 0) << read_file(path("server.log"));
}

// A kept-alive plain HTTP/1.1 connection on loopback, for requests one after another.
class KeepAlive {
  public:
    explicit KeepAlive(unsigned port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 ||
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            ADD_FAILURE() << "connect: " << std::strerror(errno);
        }
    }
    ~KeepAlive() {
        if (fd_ >= 0) ::close(fd_);
    }
    KeepAlive(const KeepAlive&) = delete;
    KeepAlive& operator=(const KeepAlive&) = delete;

    // One GET on this connection; the response's head and body ("" when the connection ended).
    std::string get(const std::string& target) {
        const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
            return "";
        }
        std::string response;
        char buffer[4096];
        while (true) {
            const std::size_t head_end = response.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::smatch length;
                const std::string head = response.substr(0, head_end);
                if (std::regex_search(head, length,
                                      std::regex(R"(Content-Length: (\d+))", std::regex::icase)) &&
                    response.size() >= head_end + 4 + std::stoul(length[1].str())) {
                    return response;
                }
            }
            pollfd fd{fd_, POLLIN, 0};
            if (::poll(&fd, 1, 10000) <= 0) return "";
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return "";
            response.append(buffer, static_cast<std::size_t>(n));
        }
    }

  private:
    int fd_;
};

unsigned listening_port(ServerChild& server, const std::string& scheme, const std::string& log) {
    const std::string line = server.read_line(std::chrono::seconds(60));
    std::smatch match;
    if (!std::regex_match(
            line, match,
            std::regex("signet: listening on " + scheme + R"(://127\.0\.0\.1:(\d+)\n)"))) {
        ADD_FAILURE() << "stdout: " << line << "\nstderr: " << log;
        return 0;
    }
    return static_cast<unsigned>(std::stoul(match[1].str()));
}

TEST_F(ServeCommand, SighupReloadsTheKeysWithoutClosingConnections) {
    // No periodic reload during the test: only SIGHUP can bring the new key in.
    ScopedEnv no_reload("SIGNET_KEY_RELOAD_INTERVAL", "3600");
    ServerChild server({"serve", "--listen", "127.0.0.1:0", "--data-dir", path("data")},
                       path("server.log"));
    const unsigned port = listening_port(server, "http", read_file(path("server.log")));
    ASSERT_NE(port, 0U);
    KeepAlive connection(port);
    ASSERT_TRUE(starts_with(connection.get("/healthz"), "HTTP/1.1 200"));

    const RunResult rotated = run({"key", "rotate", "--now", "--data-dir", path("data")});
    ASSERT_EQ(rotated.exit_code, 0) << describe(rotated);
    const std::string kid = chomp(rotated.out);
    ASSERT_FALSE(kid.empty());
    EXPECT_EQ(connection.get("/.well-known/jwks.json").find(kid), std::string::npos)
        << "the new key is served before any reload";

    server.signal(SIGHUP);
    std::string jwks;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        // The same connection throughout: SIGHUP closes none.
        jwks = connection.get("/.well-known/jwks.json");
        ASSERT_TRUE(starts_with(jwks, "HTTP/1.1 200")) << jwks << read_file(path("server.log"));
        if (jwks.find(kid) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_NE(jwks.find(kid), std::string::npos) << jwks << read_file(path("server.log"));
    EXPECT_TRUE(starts_with(connection.get("/healthz"), "HTTP/1.1 200"));

    EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(30)), 0) << read_file(path("server.log"));
    const std::string log = read_file(path("server.log"));
    EXPECT_NE(log.find(R"("msg":"reloaded","ok":true)"), std::string::npos) << log;
}

// Runs a shell command line; its standard output.
std::string shell(const std::string& command) {
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        std::size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
            out.append(buffer, n);
        ::pclose(pipe);
    }
    return out;
}

std::string make_certificate(const std::string& key, const std::string& cert) {
    return shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                 key + " -out " + cert + " -days 1 -subj /CN=localhost 2>&1 && openssl x509 -in " +
                 cert + " -noout -fingerprint -sha256");
}

std::string served_fingerprint(unsigned port) {
    return shell("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                 " -servername localhost </dev/null 2>/dev/null | openssl x509 -noout "
                 "-fingerprint -sha256 2>/dev/null");
}

TEST_F(ServeCommand, SighupReloadsTheTlsCertificate) {
    const std::string key = path("tls.key");
    const std::string cert = path("tls.crt");
    const std::string first = make_certificate(key, cert);
    ASSERT_NE(first.find("Fingerprint="), std::string::npos) << first;
    ServerChild server({"serve", "--listen", "127.0.0.1:0", "--data-dir", path("data"),
                        "--tls-cert", cert, "--tls-key", key},
                       path("server.log"));
    const unsigned port = listening_port(server, "https", read_file(path("server.log")));
    ASSERT_NE(port, 0U);
    const std::string before = served_fingerprint(port);
    EXPECT_NE(before.find(first.substr(first.find("Fingerprint="))), std::string::npos)
        << before << " vs " << first;

    // A renewed certificate with a new key, as certbot leaves it; then SIGHUP.
    const std::string second = make_certificate(key, cert);
    ASSERT_NE(second, first);
    server.signal(SIGHUP);
    std::string after;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        after = served_fingerprint(port);
        if (after.find(second.substr(second.find("Fingerprint="))) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(after.find(second.substr(second.find("Fingerprint="))), std::string::npos)
        << after << " vs " << second << "\n"
        << read_file(path("server.log"));

    // A certificate that does not load is logged, and the one in use stays.
    write_file("tls.crt", "not a certificate");
    server.signal(SIGHUP);
    std::string log;
    for (int i = 0; i < 200 && log.find("TLS reload failed") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        log = read_file(path("server.log"));
    }
    EXPECT_NE(log.find("TLS reload failed"), std::string::npos) << log;
    EXPECT_NE(served_fingerprint(port).find(second.substr(second.find("Fingerprint="))),
              std::string::npos);
    EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(30)), 0) << read_file(path("server.log"));
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
  public:
    // `name`: a path, or "@name" for an abstract socket (as $NOTIFY_SOCKET writes them).
    explicit NotifySocket(const std::string& name)
        : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.data(), name.size());
        if (name.front() == '@') address.sun_path[0] = '\0';
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
            ADD_FAILURE() << "bind " << name << ": " << std::strerror(errno);
        }
    }
    ~NotifySocket() { ::close(fd_); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // The next datagram, or "" after the timeout.
    std::string receive(std::chrono::seconds timeout) {
        pollfd fd{fd_, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(timeout.count() * 1000)) <= 0) return "";
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
    }

  private:
    int fd_;
};

TEST_F(ServeCommand, TellsTheServiceManagerReadyReloadingAndStopping) {
    const std::string abstract = "@signet-test-" + std::to_string(::getpid());
    for (const std::string& name : {abstract, path("notify.sock")}) {
        SCOPED_TRACE(name);
        NotifySocket notify(name);
        ScopedEnv variable("NOTIFY_SOCKET", name);
        ServerChild server({"serve", "--listen", "127.0.0.1:0", "--data-dir", path("data")},
                           path("server.log"));
        const unsigned port = listening_port(server, "http", read_file(path("server.log")));
        ASSERT_NE(port, 0U);
        EXPECT_EQ(notify.receive(std::chrono::seconds(30)),
                  "READY=1\nSTATUS=listening on port " + std::to_string(port));
        server.signal(SIGHUP);
        EXPECT_EQ(notify.receive(std::chrono::seconds(30)), "RELOADING=1");
        EXPECT_EQ(notify.receive(std::chrono::seconds(30)), "READY=1");
        EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(30)), 0)
            << read_file(path("server.log"));
        EXPECT_EQ(notify.receive(std::chrono::seconds(5)), "STOPPING=1");
    }
}

// Waits until `file` holds `text`; the file's content.
std::string wait_for_log(const std::string& file, const std::string& text) {
    std::string log;
    for (int i = 0; i < 400; ++i) {
        std::ifstream in(file);
        log.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (log.find(text) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return log;
}

TEST_F(ServeCommand, SighupMakesAVerifyOnlyNodeRefetchTheIssuersKeys) {
    ServerChild issuer({"serve", "--listen", "127.0.0.1:0", "--data-dir", path("data")},
                       path("issuer.log"));
    const unsigned issuer_port = listening_port(issuer, "http", read_file(path("issuer.log")));
    ASSERT_NE(issuer_port, 0U);
    const std::string issuer_url = "http://127.0.0.1:" + std::to_string(issuer_port);
    ServerChild node({"serve", "--listen", "127.0.0.1:0", "--trust-issuer", issuer_url},
                     path("node.log"));
    const unsigned node_port = listening_port(node, "http", read_file(path("node.log")));
    ASSERT_NE(node_port, 0U);

    node.signal(SIGHUP);
    std::string log = wait_for_log(path("node.log"), R"("msg":"reloaded")");
    EXPECT_NE(log.find(R"("msg":"reloaded","ok":true)"), std::string::npos) << log;

    // The issuer gone: the refetch fails, is logged, and the node serves on with the keys it has.
    EXPECT_EQ(issuer.stop(SIGTERM, std::chrono::seconds(30)), 0);
    node.signal(SIGHUP);
    log = wait_for_log(path("node.log"), R"("msg":"reloaded","ok":false)");
    EXPECT_NE(log.find(R"("msg":"key reload failed")"), std::string::npos) << log;
    EXPECT_NE(log.find(R"("msg":"reloaded","ok":false)"), std::string::npos) << log;
    EXPECT_TRUE(starts_with(http_get(node_port, "/healthz"), "HTTP/1.1 200"));
    EXPECT_EQ(node.stop(SIGTERM, std::chrono::seconds(30)), 0) << read_file(path("node.log"));
}

}  // namespace
}  // namespace signet::cli::test
