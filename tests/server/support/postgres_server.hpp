// A real PostgreSQL server for tests: initdb into a private temporary directory, listening on
// 127.0.0.1 only, with durability turned off (tests need speed, not crash safety), and a fresh
// database per test. Started, stopped and killed for real to test how the engine recovers.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace signet::test {

class PostgresServer {
  public:
    // Creates the data directory (initdb) and picks a free port; start() runs the server.
    // initialized() says whether that worked, and why not.
    PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    // Stops the server and removes the directory.
    ~PostgresServer();

    ::testing::AssertionResult initialized() const;
    // Starts the server (again, on the same port and data) and waits until it accepts connections.
    // The server dies with the thread that started it (PR_SET_PDEATHSIG, so a crashed test leaves
    // no server behind): start it from a thread that outlives its use.
    ::testing::AssertionResult start();
    // Fast shutdown (SIGINT): sessions are ended and the server exits cleanly.
    void stop();
    // SIGKILL to the postmaster and its backends: no shutdown at all.
    void kill9();
    bool running() const { return pid_ > 0; }

    int port() const { return port_; }
    // The superuser's URL, on the "postgres" database.
    std::string admin_url() const;
    // A new empty database with a unique name; its URL, for one test.
    std::string create_database();

  private:
    std::string init_error_;
    std::filesystem::path dir_;
    std::filesystem::path bin_dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// A fresh database for one test: on the server TEST_POSTGRES_URL names (an admin URL, as
// the CI script provides), or else on one PostgresServer started for this process and kept for its
// life. Throws std::runtime_error (a test failure, never a skip) when neither works. Databases
// made on the shared server are dropped when the process exits.
std::string test_database_url();

// Replaces the database name in a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& database);

}  // namespace signet::test
