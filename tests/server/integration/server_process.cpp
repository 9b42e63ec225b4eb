// Runs the real `signet serve` binary for black-box tests (fork/exec with a pipe for stdout, where
// the server announces its port, and a file for stderr, where it logs one JSON line per request).
#include "server/integration/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

extern char** environ;

namespace signet::test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> child_environment(const EnvVars& extra) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        // The tests decide every setting themselves: inherited SIGNET_* variables would leak in.
        if (text.starts_with("SIGNET_")) continue;
        env.emplace_back(text);
    }
    for (const auto& [name, value] : extra)
        env.push_back(name + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (std::string& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// fork + execve with the given descriptors as stdin/stdout/stderr. The child dies with the test
// process (PR_SET_PDEATHSIG), so an aborted test leaves no server behind. Everything the child
// needs is prepared before fork: after it only async-signal-safe calls are made.
pid_t spawn(std::vector<std::string> argv, const EnvVars& env, int in_fd, int out_fd, int err_fd) {
    std::vector<std::string> envs = child_environment(env);
    std::vector<char*> argp = pointers(argv);
    std::vector<char*> envp = pointers(envs);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
    ::execve(argp[0], argp.data(), envp.data());
    ::_exit(127);
}

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int open_or_fail(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
    }
    return fd;
}

}  // namespace

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "signet-it-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(std::string_view name, std::string_view content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.good()) throw std::runtime_error("cannot write " + file.string());
    return file;
}

std::string read_text_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const CommandResult& result) {
    return "exit " + std::to_string(result.exit_code) + "\n--- stdout ---\n" + result.out +
           "\n--- stderr ---\n" + result.err;
}

CommandResult run_command(const std::vector<std::string>& argv, std::string_view input,
                          const EnvVars& env) {
    const TempDir dir;
    const std::filesystem::path in_path = dir.write("stdin", input);
    const std::filesystem::path out_path = dir / "stdout";
    const std::filesystem::path err_path = dir / "stderr";
    const int in_fd = open_or_fail(in_path, O_RDONLY);
    const int out_fd = open_or_fail(out_path, O_WRONLY | O_CREAT | O_TRUNC);
    const int err_fd = open_or_fail(err_path, O_WRONLY | O_CREAT | O_TRUNC);
    const pid_t pid = spawn(argv, env, in_fd, out_fd, err_fd);
    ::close(in_fd);
    ::close(out_fd);
    ::close(err_fd);
    CommandResult result;
    if (pid < 0) {
        result.err = std::string("fork: ") + std::strerror(errno);
        return result;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = decode_status(status);
    result.out = read_text_file(out_path);
    result.err = read_text_file(err_path);
    return result;
}

CommandResult run_cli(const std::vector<std::string>& args, std::string_view input,
                      const EnvVars& env) {
    std::vector<std::string> argv{SIGNET_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, input, env);
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
    if (options_.data_dir.empty()) options_.data_dir = dir_ / "data";
}

ServerProcess::~ServerProcess() {
    if (running()) kill9();
    close_stdout();
}

std::string ServerProcess::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string ServerProcess::stderr_text() const {
    return stderr_path_.empty() ? std::string() : read_text_file(stderr_path_);
}

void ServerProcess::close_stdout() {
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
}

void ServerProcess::reap(int options) {
    if (pid_ <= 0) return;
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(pid_, &status, options)) < 0 && errno == EINTR) {
    }
    if (done == pid_) {
        exit_status_ = decode_status(status);
        pid_ = -1;
        close_stdout();
    }
}

::testing::AssertionResult ServerProcess::start(std::chrono::milliseconds timeout) {
    if (running()) return ::testing::AssertionFailure() << "server already running";
    ++starts_;
    exit_status_ = -1;
    port_ = 0;
    ready_line_.clear();
    stderr_path_ = dir_ / ("server-" + std::to_string(starts_) + ".stderr");

    std::vector<std::string> argv{SIGNET_CLI_PATH, "serve", "--listen", "127.0.0.1:0"};
    if (options_.pass_data_dir) argv.insert(argv.end(), {"--data-dir", options_.data_dir.string()});
    argv.insert(argv.end(), options_.args.begin(), options_.args.end());

    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        return ::testing::AssertionFailure() << "pipe: " << std::strerror(errno);
    }
    const int in_fd = open_or_fail("/dev/null", O_RDONLY);
    const int err_fd = open_or_fail(stderr_path_, O_WRONLY | O_CREAT | O_TRUNC);
    pid_ = spawn(argv, options_.env, in_fd, out_pipe[1], err_fd);
    ::close(in_fd);
    ::close(err_fd);
    ::close(out_pipe[1]);
    stdout_fd_ = out_pipe[0];
    if (pid_ < 0) {
        close_stdout();
        return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
    }

    // Read stdout until the first complete line, EOF (the process ended) or the deadline.
    std::string out;
    const auto deadline = Clock::now() + timeout;
    bool eof = false;
    while (out.find('\n') == std::string::npos && !eof) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        pollfd pfd{stdout_fd_, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        char buffer[512];
        const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            eof = true;
        } else {
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }

    const auto fail = [&](std::string_view why) {
        if (eof) {
            // The process closed stdout: give it a moment to exit so its status is known.
            for (int i = 0; i < 100 && running(); ++i) {
                reap(WNOHANG);
                if (running()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        if (running()) kill9();
        return ::testing::AssertionFailure()
               << "signet serve did not become ready: " << why << "\nexit status " << exit_status_
               << "\n--- stdout ---\n"
               << out << "\n--- stderr ---\n"
               << stderr_text();
    };

    const std::size_t newline = out.find('\n');
    if (newline == std::string::npos) {
        return fail(eof ? "stdout closed before the listening line" : "timed out");
    }
    ready_line_ = out.substr(0, newline);
    constexpr std::string_view kPrefix = "signet: listening on ";
    if (!ready_line_.starts_with(kPrefix)) return fail("unexpected first line: " + ready_line_);
    const std::string_view url = std::string_view(ready_line_).substr(kPrefix.size());
    if (url.starts_with("https://127.0.0.1:")) {
        tls_ = true;
    } else if (url.starts_with("http://127.0.0.1:")) {
        tls_ = false;
    } else {
        return fail("unexpected URL: " + std::string(url));
    }
    const std::string_view port_text = url.substr(url.rfind(':') + 1);
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
        return fail("no port in: " + ready_line_);
    }
    port_ = static_cast<std::uint16_t>(value);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult ServerProcess::restart(std::chrono::milliseconds timeout) {
    if (running()) stop();
    return start(timeout);
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
    if (!running()) return exit_status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + timeout;
    while (running() && Clock::now() < deadline) {
        reap(WNOHANG);
        if (running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (running()) {
        kill9();
        exit_status_ = -1;
    }
    return exit_status_;
}

void ServerProcess::kill9() {
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    reap(0);
}

}  // namespace signet::test
