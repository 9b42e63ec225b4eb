// Runs the real `signet serve` binary for black-box tests: a temp directory per server, the process
// started on 127.0.0.1 port 0, its port read from the one "listening" line, stderr kept in a file.
#pragma once

#include <sys/types.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/support/http_client.hpp"

namespace signet::test {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// A private directory under the system temp dir, removed with its contents on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
    // Writes `content` to `name` inside the directory; returns the full path.
    std::filesystem::path write(std::string_view name, std::string_view content) const;

  private:
    std::filesystem::path path_;
};

std::string read_text_file(const std::filesystem::path& file);

struct CommandResult {
    int exit_code = -1;  // the exit status; -1 when the process did not exit normally
    std::string out;
    std::string err;
};
std::string describe(const CommandResult& result);

// Runs `argv` (argv[0] is a path) with `input` on stdin and `env` added to a copy of this process's
// environment without its SIGNET_* variables; captures stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {},
                          const EnvVars& env = {});
// Runs `signet args...` (SIGNET_CLI_PATH).
CommandResult run_cli(const std::vector<std::string>& args, std::string_view input = {},
                      const EnvVars& env = {});

struct ServerOptions {
    ServerOptions() = default;
    explicit ServerOptions(std::vector<std::string> args_, EnvVars env_ = {},
                           std::filesystem::path data_dir_ = {})
        : args(std::move(args_)), env(std::move(env_)), data_dir(std::move(data_dir_)) {}

    // Added after `serve --listen 127.0.0.1:0 --data-dir DIR`.
    std::vector<std::string> args;
    EnvVars env;
    // Unset: "<temp dir>/data".
    std::filesystem::path data_dir;
    // false: no --data-dir argument (a verify-only node refuses one).
    bool pass_data_dir = true;
};

// One `signet serve` process. The destructor kills a server still running.
class ServerProcess {
  public:
    explicit ServerProcess(ServerOptions options = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts the process and waits (up to `timeout`) for `signet: listening on http(s)://...:PORT`.
    // On failure the message carries the exit status and stderr; exit_status() then tells how the
    // process ended (if it did).
    ::testing::AssertionResult start(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // start() again with the same options and data dir (a new port).
    ::testing::AssertionResult restart(
        std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // SIGTERM, then waits up to `timeout`; returns the exit status (-1: killed by a signal or did
    // not exit in time, in which case it is killed).
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // SIGKILL and reap.
    void kill9();
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    // The exit status of the last process that ended (-1: signal or still running).
    int exit_status() const { return exit_status_; }

    std::uint16_t port() const { return port_; }
    bool tls() const { return tls_; }
    std::string base_url() const;
    // The full "listening" line the server printed.
    const std::string& ready_line() const { return ready_line_; }
    HttpClient client() const { return HttpClient("127.0.0.1", port_, tls_); }

    const std::filesystem::path& data_dir() const { return options_.data_dir; }
    const TempDir& dir() const { return dir_; }
    // The stderr of the current (or last) process so far.
    std::string stderr_text() const;
    const std::filesystem::path& stderr_path() const { return stderr_path_; }

  private:
    void reap(int options);
    void close_stdout();

    TempDir dir_;
    ServerOptions options_;
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    int exit_status_ = -1;
    int starts_ = 0;
    std::uint16_t port_ = 0;
    bool tls_ = false;
    std::string ready_line_;
    std::filesystem::path stderr_path_;
};

}  // namespace signet::test
