// PostgresServer: initdb, postgres and its signals driven directly (fork/exec), as the postgres OS
// user when the tests run as root (initdb and postgres refuse to run as root, docs 19.1).
#include "server/support/postgres_server.hpp"

#include "server/support/free_port.hpp"

#include <fcntl.h>
#include <glob.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grp.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace signet::test {
namespace {

constexpr const char* kInstallHint = "run `bash scripts/install-deps.sh` to install PostgreSQL";

struct OsUser {
    uid_t uid = 0;
    gid_t gid = 0;
};

// The account initdb and postgres run as: ourselves, or "postgres" when we are root.
std::optional<OsUser> server_user(std::string& error) {
    if (::geteuid() != 0) return OsUser{::geteuid(), ::getegid()};
    const passwd* account = ::getpwnam("postgres");
    if (account == nullptr) {
        error = "running as root, and there is no \"postgres\" OS user to run the server as; " +
                std::string(kInstallHint);
        return std::nullopt;
    }
    return OsUser{account->pw_uid, account->pw_gid};
}

// The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres.
std::filesystem::path find_bin_dir() {
    glob_t found{};
    std::vector<std::filesystem::path> dirs;
    if (::glob("/usr/lib/postgresql/*/bin", 0, nullptr, &found) == 0) {
        for (std::size_t i = 0; i < found.gl_pathc; ++i)
            dirs.emplace_back(found.gl_pathv[i]);
    }
    ::globfree(&found);
    std::sort(dirs.begin(), dirs.end(), [](const auto& a, const auto& b) {
        return std::atoi(a.parent_path().filename().c_str()) <
               std::atoi(b.parent_path().filename().c_str());
    });
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
        if (::access((*it / "initdb").c_str(), X_OK) == 0 &&
            ::access((*it / "postgres").c_str(), X_OK) == 0)
            return *it;
    }
    return {};
}

// Starts `args` with stdout and stderr appended to `log`, as `user`. Only async-signal-safe calls
// between fork and exec (the test process may have threads).
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& log,
            const OsUser& user, bool die_with_parent) {
    std::vector<char*> argv;
    for (const std::string& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const std::string log_path = log.string();
    const bool switch_user = ::geteuid() == 0;

    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out >= 0) {
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        ::close(out);
    }
    ::setpgid(0, 0);  // signals for the test's terminal do not reach the server directly
    if (switch_user) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)
            ::_exit(126);
    }
    // Set after setuid (which clears it): a test process that dies leaves no server behind.
    if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

std::string tail_of(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

bool wait_exit(pid_t pid, std::chrono::milliseconds timeout, int* status) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const pid_t done = ::waitpid(pid, status, WNOHANG);
        if (done == pid || done < 0) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string unique_database_name() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    std::ostringstream name;
    name << "signet_test_" << ::getpid() << '_' << counter++ << '_' << std::hex << random();
    return name.str();
}

// Creates a database on the server `admin_url` names; its name.
std::string create_database_on(const std::string& admin_url) {
    PGconn* admin = PQconnectdb(admin_url.c_str());
    if (PQstatus(admin) != CONNECTION_OK) {
        std::string error = PQerrorMessage(admin);
        PQfinish(admin);
        throw std::runtime_error("cannot connect to the test PostgreSQL server: " + error);
    }
    const std::string name = unique_database_name();
    // The name is ours (letters, digits, '_'), never a value from outside: safe to splice in.
    PGresult* result = PQexec(admin, ("CREATE DATABASE " + name).c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string error = ok ? "" : PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(admin);
    if (!ok) throw std::runtime_error("CREATE DATABASE failed: " + error);
    return name;
}

// The databases made on a shared server (TEST_POSTGRES_URL), dropped when the process
// exits so that a CI server does not fill up with one database per test.
class SharedDatabases {
  public:
    static SharedDatabases& instance() {
        static SharedDatabases databases;
        return databases;
    }
    void add(const std::string& admin_url, const std::string& name) {
        std::lock_guard lock(mutex_);
        admin_url_ = admin_url;
        names_.push_back(name);
    }
    ~SharedDatabases() {
        if (names_.empty()) return;
        PGconn* admin = PQconnectdb(admin_url_.c_str());
        if (PQstatus(admin) == CONNECTION_OK) {
            for (const std::string& name : names_) {
                // FORCE ends sessions still open on it (PostgreSQL 13+, docs "DROP DATABASE").
                PQclear(
                    PQexec(admin, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
            }
        }
        PQfinish(admin);
    }

  private:
    std::mutex mutex_;
    std::string admin_url_;
    std::vector<std::string> names_;
};

}  // namespace

std::string with_database(const std::string& url, const std::string& database) {
    const std::size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const std::size_t path = url.find_first_of("/?", scheme + 3);
    if (path == std::string::npos) return url + "/" + database;
    if (url[path] == '?') return url.substr(0, path) + "/" + database + url.substr(path);
    const std::size_t query = url.find('?', path);
    return url.substr(0, path) + "/" + database +
           (query == std::string::npos ? "" : url.substr(query));
}

PostgresServer::PostgresServer() {
    bin_dir_ = find_bin_dir();
    if (bin_dir_.empty()) {
        init_error_ =
            "no PostgreSQL server binaries (initdb, postgres) under "
            "/usr/lib/postgresql/*/bin; " +
            std::string(kInstallHint);
        return;
    }
    const auto user = server_user(init_error_);
    if (!user) return;

    std::string pattern = (std::filesystem::temp_directory_path() / "signet-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        init_error_ = "mkdtemp failed";
        return;
    }
    dir_ = pattern;
    if (::geteuid() == 0 && ::chown(dir_.c_str(), user->uid, user->gid) != 0) {
        init_error_ = "cannot chown " + dir_.string() + " to the postgres user";
        return;
    }
    // Trust on loopback only: the server listens nowhere else (docs, 21.4 "Trust Authentication").
    const pid_t initdb =
        spawn({(bin_dir_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "postgres",
               "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"},
              dir_ / "initdb.log", *user, false);
    int status = 0;
    if (initdb < 0 || ::waitpid(initdb, &status, 0) != initdb || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        init_error_ = "initdb failed: " + tail_of(dir_ / "initdb.log");
        return;
    }
    port_ = free_loopback_port();
}

PostgresServer::~PostgresServer() {
    if (running()) stop();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

::testing::AssertionResult PostgresServer::initialized() const {
    if (!init_error_.empty()) return ::testing::AssertionFailure() << init_error_;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult PostgresServer::start() {
    if (auto ok = initialized(); !ok) return ok;
    if (running()) return ::testing::AssertionSuccess();
    std::string error;
    const auto user = server_user(error);
    if (!user) return ::testing::AssertionFailure() << error;
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres user=postgres";

    // After kill9() the old backends take a moment to notice and exit; until they have, a new
    // postmaster refuses the data directory. Spawn again until it stays up.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        pid_ =
            spawn({(bin_dir_ / "postgres").string(), "-D", (dir_ / "data").string(), "-p",
                   std::to_string(port_), "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1",
                   "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                   "-c", "max_connections=200"},
                  dir_ / "server.log", *user, true);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;
            }
            if (PQping(conninfo.c_str()) == PQPING_OK) return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (running()) kill9();
    return ::testing::AssertionFailure()
           << "PostgreSQL did not start on port " << port_ << ": " << tail_of(dir_ / "server.log");
}

void PostgresServer::stop() {
    if (!running()) return;
    ::kill(pid_, SIGINT);  // fast shutdown (docs, 19.5 "Shutting Down the Server")
    int status = 0;
    if (!wait_exit(pid_, std::chrono::seconds(30), &status)) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
}

void PostgresServer::kill9() {
    if (!running()) return;
    // The whole process group (spawn() made the postmaster its leader): the backends die with it,
    // as in a crash of the machine, instead of serving a last query or two.
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string PostgresServer::admin_url() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

std::string PostgresServer::create_database() {
    return with_database(admin_url(), create_database_on(admin_url()));
}

std::string test_database_url() {
    if (const char* shared = std::getenv("TEST_POSTGRES_URL");
        shared != nullptr && *shared != '\0') {
        const std::string name = create_database_on(shared);
        SharedDatabases::instance().add(shared, name);
        return with_database(shared, name);
    }
    // Kept until the process exits; its destructor stops it and removes its directory.
    static std::mutex mutex;
    static std::unique_ptr<PostgresServer> server;
    std::lock_guard lock(mutex);
    if (!server) {
        auto fresh = std::make_unique<PostgresServer>();
        if (auto started = fresh->start(); !started) {
            throw std::runtime_error(std::string("cannot start a test PostgreSQL server: ") +
                                     started.message());
        }
        server = std::move(fresh);
    }
    return server->create_database();
}

}  // namespace signet::test
