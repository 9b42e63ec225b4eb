// RedisServer: fork/exec of /usr/bin/redis-server, readiness by PING over hiredis, and signals for
// stop, crash and hang.
#include "server/support/redis_server.hpp"

#include "server/support/child_process.hpp"
#include "server/support/free_port.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

namespace signet::test {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(10);

// True once the server answers anything to PING (NOAUTH counts: it is up).
bool answers_ping(int port) {
    const timeval timeout{.tv_sec = 0, .tv_usec = 200'000};
    redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeout);
    if (context == nullptr) return false;
    bool answered = false;
    if (context->err == 0 && redisSetTimeout(context, timeout) == REDIS_OK) {
        auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
        answered = reply != nullptr;
        if (reply != nullptr) freeReplyObject(reply);
    }
    redisFree(context);
    return answered;
}

}  // namespace

RedisServer::RedisServer(Options options) : options_(std::move(options)) {
    std::string pattern = std::filesystem::temp_directory_path() / "signet-redis-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for RedisServer";
    dir_ = pattern;
}

RedisServer::~RedisServer() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

::testing::AssertionResult RedisServer::start() {
    if (running()) return ::testing::AssertionFailure() << "redis-server is already running";
    if (::access(kRedisServer, X_OK) != 0) {
        return ::testing::AssertionFailure()
               << kRedisServer << " is missing: `bash scripts/install-deps.sh` installs it "
               << "(Debian package redis-server)";
    }
    // A fresh port may be taken between our probe and redis's bind: try a few. A restart keeps
    // its port, since clients hold URLs naming it.
    const bool keep_port = port_ != 0;
    for (int attempt = 0; attempt < (keep_port ? 1 : 3); ++attempt) {
        if (!keep_port) port_ = free_loopback_port();
        const std::string port = std::to_string(port_);
        const std::string dir = dir_.string();
        const std::string log = (dir_ / "redis.log").string();
        std::vector<std::string> args = {kRedisServer, "--port",    port, "--bind",
                                         "127.0.0.1",  "--save",    "",   "--appendonly",
                                         "no",         "--dir",     dir,  "--daemonize",
                                         "no",         "--logfile", log};
        if (options_.password) {
            args.push_back("--requirepass");
            args.push_back(*options_.password);
        }
        const pid_t pid = spawn_quiet(std::move(args));
        if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
        pid_ = pid;

        const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            if (answers_ping(port_)) return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (running()) {
            kill9();
            return ::testing::AssertionFailure()
                   << "redis-server on port " << port_ << " did not answer PING within "
                   << kStartTimeout.count() << " s; log:\n"
                   << log_tail();
        }
    }
    return ::testing::AssertionFailure()
           << "redis-server exited at start (port " << port_ << "); log:\n"
           << log_tail();
}

void RedisServer::stop() {
    if (!running()) return;
    if (paused_) resume();
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "redis-server ignored SIGTERM for " << kStopTimeout.count() << " s";
    kill9();
}

void RedisServer::kill9() {
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    wait_for_exit();
    paused_ = false;
}

void RedisServer::pause() {
    if (running() && ::kill(pid_, SIGSTOP) == 0) paused_ = true;
}

void RedisServer::resume() {
    if (running() && ::kill(pid_, SIGCONT) == 0) paused_ = false;
}

void RedisServer::wait_for_exit() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

std::string RedisServer::url(const std::string& key_prefix) const {
    std::string url = "redis://";
    if (options_.password) url += ":" + *options_.password + "@";
    url += "127.0.0.1:" + std::to_string(port_) + "/";
    if (!key_prefix.empty()) url += "?key_prefix=" + key_prefix;
    return url;
}

std::string RedisServer::log_tail() const {
    std::ifstream in(dir_ / "redis.log");
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

std::string unique_key_prefix() {
    static std::atomic<unsigned> counter{0};
    static const unsigned salt = std::random_device{}();
    std::ostringstream prefix;
    prefix << "signet-test:" << ::getpid() << ":" << counter.fetch_add(1) << ":" << std::hex << salt
           << ":";
    return prefix.str();
}

std::string test_redis_url() {
    const std::string prefix = unique_key_prefix();
    if (const char* provided = std::getenv("TEST_REDIS_URL");
        provided != nullptr && *provided != '\0') {
        const std::string url = provided;
        return url + (url.find('?') == std::string::npos ? "?" : "&") + "key_prefix=" + prefix;
    }
    static std::mutex mutex;
    static std::unique_ptr<RedisServer> server;  // stopped when the process exits
    static bool failed = false;
    std::lock_guard lock(mutex);
    if (!server && !failed) {
        server = std::make_unique<RedisServer>();
        if (const auto started = server->start(); !started) {
            ADD_FAILURE() << "cannot start the test Redis: " << started.message();
            server.reset();
            failed = true;
        }
    }
    if (!server) return "redis://127.0.0.1:1/?key_prefix=" + prefix;  // refused: the test fails
    return server->url(prefix);
}

}  // namespace signet::test
