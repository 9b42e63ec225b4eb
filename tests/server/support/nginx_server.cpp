// nginx started from deploy/nginx.conf for the cluster tests.
#include "server/support/nginx_server.hpp"

#include "server/support/child_process.hpp"
#include "server/support/free_port.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace signet::test {
namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

NginxServer::NginxServer(std::uint16_t port) : port_(port != 0 ? port : free_loopback_port()) {
    std::string pattern = std::filesystem::temp_directory_path() / "signet-nginx-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for NginxServer";
    dir_ = pattern;
    // nginx's workers run as nobody when the master is root: they must reach their temp dirs.
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    app_port_ = free_loopback_port();
}

NginxServer::~NginxServer() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string NginxServer::error_log() const {
    return read_file(dir_ / "error.log");
}

::testing::AssertionResult NginxServer::start(const std::vector<std::uint16_t>& node_ports) {
    if (::access(kNginx, X_OK) != 0) {
        return ::testing::AssertionFailure()
               << kNginx << " is missing: `bash scripts/install-deps.sh` installs it";
    }
    std::string config = read_file(std::filesystem::path(SIGNET_SOURCE_DIR) / "deploy/nginx.conf");
    if (config.empty()) return ::testing::AssertionFailure() << "deploy/nginx.conf is missing";
    // The shipped file names nodes 127.0.0.1:8081..8083, listens on 8080 and protects an app on
    // 9000; the test's processes have other ports.
    std::string nodes;
    for (std::uint16_t port : node_ports) {
        nodes +=
            "        server 127.0.0.1:" + std::to_string(port) + " max_fails=1 fail_timeout=5s;\n";
    }
    const std::regex node_lines(R"((        server 127\.0\.0\.1:808[1-9][^\n]*\n)+)");
    if (!std::regex_search(config, node_lines)) {
        return ::testing::AssertionFailure() << "deploy/nginx.conf has no upstream node lines";
    }
    config = std::regex_replace(config, node_lines, nodes, std::regex_constants::format_first_only);
    config = std::regex_replace(config, std::regex(R"(listen 8080;)"),
                                "listen 127.0.0.1:" + std::to_string(port_) + ";");
    config = std::regex_replace(config, std::regex(R"(server 127\.0\.0\.1:9000;)"),
                                "server 127.0.0.1:" + std::to_string(app_port_) + ";");
    config =
        std::regex_replace(config, std::regex(R"(worker_processes auto;)"), "worker_processes 1;");
    // The protected application: it shows what nginx passed it.
    const std::string app =
        "    server {\n"
        "        listen 127.0.0.1:" +
        std::to_string(app_port_) +
        ";\n"
        "        location / {\n"
        "            default_type text/plain;\n"
        "            return 200 \"user=$http_x_user_id email=$http_x_user_email "
        "authorization=$http_authorization\";\n"
        "        }\n"
        "    }\n";
    const std::size_t last = config.rfind('}');
    config.insert(last, app);
    {
        std::ofstream out(dir_ / "nginx.conf");
        out << config;
    }

    const std::string prefix = dir_.string() + "/";
    const std::string globals = "daemon off; master_process on; pid " + prefix +
                                "nginx.pid; error_log " + prefix + "error.log warn;";
    std::vector<std::string> args = {kNginx, "-p",   prefix, "-c", prefix + "nginx.conf",
                                     "-g",   globals};
    const pid_t pid = spawn_quiet(std::move(args), (dir_ / "error.log").string());
    if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
    pid_ = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return ::testing::AssertionFailure() << "nginx exited at start:\n" << error_log();
        }
        if (accepts(port_) && accepts(app_port_)) return ::testing::AssertionSuccess();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return ::testing::AssertionFailure() << "nginx did not listen within 10 s:\n" << error_log();
}

void NginxServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // fast shutdown (SIGQUIT would wait for keep-alive clients)
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace signet::test
