// A real redis-server for tests: started as a child process on a free loopback port in a fresh
// temporary directory, with no persistence; it can be stopped, killed, paused and restarted on the
// same port. test_redis_url() hands each test its own key prefix on a shared server.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace signet::test {

class RedisServer {
  public:
    struct Options {
        std::optional<std::string> password;  // --requirepass
    };

    RedisServer() : RedisServer(Options{}) {}
    explicit RedisServer(Options options);
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;
    ~RedisServer();  // stops the server and removes its directory

    // Starts the server (on the port of the previous start, if any) and waits until it answers
    // PING. The child dies with the thread that started it (PR_SET_PDEATHSIG): start it from the
    // test's main thread.
    ::testing::AssertionResult start();
    // SIGTERM and wait for it to exit.
    void stop();
    // SIGKILL and wait: a crash.
    void kill9();
    // SIGSTOP / SIGCONT: a server that accepts connections but never answers.
    void pause();
    void resume();

    bool running() const { return pid_ > 0; }
    int port() const { return port_; }
    // redis://[:password@]127.0.0.1:<port>/?key_prefix=<prefix> (no query for an empty prefix).
    std::string url(const std::string& key_prefix = "") const;

  private:
    void wait_for_exit();
    std::string log_tail() const;

    Options options_;
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
    bool paused_ = false;
};

// A key prefix no other test (or earlier run) uses: "signet-test:<pid>:<n>:<random>:".
std::string unique_key_prefix();

// A Redis URL with a fresh key prefix: on TEST_REDIS_URL when set (a server provided by
// CI), else on a RedisServer this process starts on first use and keeps for its lifetime. When
// that server cannot start, the test fails and the URL returned names a closed port.
std::string test_redis_url();

}  // namespace signet::test
