// Runs the real signet binary for end-to-end tests (posix_spawn with files for stdin, stdout and
// stderr, so the three streams and the exit status are observed independently).
#include "cli/cli_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "signet/base64url.hpp"

extern char** environ;

namespace signet::cli::test {

void CliTest::SetUp() {
    std::string pattern = (std::filesystem::temp_directory_path() / "signet-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
}

void CliTest::TearDown() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string CliTest::path(std::string_view name) const {
    return (dir_ / name).string();
}

std::string CliTest::write_file(std::string_view name, std::string_view content) {
    const std::string file = path(name);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    EXPECT_TRUE(out.good()) << "cannot write " << file;
    return file;
}

std::string CliTest::read_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

RunResult CliTest::run(const std::vector<std::string>& args, std::string_view input) {
    const int id = ++runs_;
    const std::string in_path = write_file("stdin-" + std::to_string(id), input);
    const std::string out_path = path("stdout-" + std::to_string(id));
    const std::string err_path = path("stderr-" + std::to_string(id));

    std::vector<std::string> storage;
    storage.emplace_back(SIGNET_CLI_PATH);
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : storage)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);

    RunResult result;
    if (spawned != 0) {
        ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(spawned);
        return result;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

std::string CliTest::generate_key(std::string_view name, const std::vector<std::string>& args) {
    std::vector<std::string> full = {"key", "generate"};
    full.insert(full.end(), args.begin(), args.end());
    const RunResult result = run(full);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    if (result.exit_code != 0) return "";
    return write_file(name, result.out);
}

std::string CliTest::save_output(std::string_view name, const std::vector<std::string>& args) {
    const RunResult result = run(args);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    if (result.exit_code != 0) return "";
    return write_file(name, result.out);
}

std::string CliTest::sign(const std::string& key, std::string_view claims_json,
                          const std::vector<std::string>& extra) {
    const std::string claims = write_file("claims-" + std::to_string(runs_ + 1), claims_json);
    std::vector<std::string> args = {"token", "sign", "--key", key};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(claims);
    const RunResult result = run(args);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(line_count(result.out), 1u) << describe(result);
    return chomp(result.out);
}

boost::json::object parse_object(std::string_view text) {
    boost::json::error_code ec;
    boost::json::value value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << text;
        return {};
    }
    return std::move(value.get_object());
}

std::string chomp(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.starts_with(prefix);
}

std::size_t line_count(std::string_view text) {
    std::size_t lines = 0;
    for (char c : text)
        lines += c == '\n' ? 1 : 0;
    if (!text.empty() && text.back() != '\n') ++lines;
    return lines;
}

std::string describe(const RunResult& result) {
    return "exit " + std::to_string(result.exit_code) + "\n--- stdout:\n" + result.out +
           "\n--- stderr:\n" + result.err;
}

void expect_rejected(const RunResult& result, const std::string& code) {
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty()) << describe(result);
    EXPECT_TRUE(starts_with(result.err, code + ": ")) << "expected " << code << "\n"
                                                      << describe(result);
    EXPECT_EQ(line_count(result.err), 1u) << describe(result);
}

std::vector<std::string> split_token(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = token.find('.', start);
        parts.push_back(token.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

boost::json::object token_header(const std::string& token) {
    auto json = base64url_decode(split_token(token).front());
    if (!json) {
        ADD_FAILURE() << "the header of " << token << " is not base64url";
        return {};
    }
    return parse_object(*json);
}

}  // namespace signet::cli::test
