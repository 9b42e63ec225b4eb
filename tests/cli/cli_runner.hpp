// Runs the real signet binary for end-to-end tests: each test gets a private temp directory, and
// every run captures exit status, stdout and stderr separately (stdin comes from a file).
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <boost/json/object.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace signet::cli::test {

struct RunResult {
    int exit_code = -1;  // the exit status; -1 when the process did not exit normally
    std::string out;
    std::string err;
};

// The fixture every CLI test uses.
class CliTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // Runs `signet args...` with `input` on stdin.
    RunResult run(const std::vector<std::string>& args, std::string_view input = {});

    // A path inside the test's temp directory.
    std::string path(std::string_view name) const;
    std::string write_file(std::string_view name, std::string_view content);
    static std::string read_file(const std::string& file);

    // `signet key generate args...` saved to `name`; the path, or "" after a test failure.
    std::string generate_key(std::string_view name, const std::vector<std::string>& args);
    // `signet key <command> <extra...>` output saved to `name`.
    std::string save_output(std::string_view name, const std::vector<std::string>& args);
    // `signet token sign --key KEY [extra...] CLAIMS` with `claims_json` in a file; the token.
    std::string sign(const std::string& key, std::string_view claims_json,
                     const std::vector<std::string>& extra = {});

  private:
    std::filesystem::path dir_;
    int runs_ = 0;
};

// Sets an environment variable for the duration of a test (the binary inherits environ).
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
};

// The JSON object in `text` (one line of compact JSON); records a failure when it is not one.
boost::json::object parse_object(std::string_view text);
// Text without its trailing newline characters.
std::string chomp(std::string text);
bool starts_with(std::string_view text, std::string_view prefix);
// The number of lines in `text` (a last line without '\n' counts).
std::size_t line_count(std::string_view text);

// Prints a RunResult in assertion messages.
std::string describe(const RunResult& result);

// Expects a rejection: exit 1, nothing on stdout, one "<code>: <message>" line on stderr.
void expect_rejected(const RunResult& result, const std::string& code);

// The dot-separated segments of a compact JWS (3) or JWE (5).
std::vector<std::string> split_token(const std::string& token);
// The protected header of a compact token (its first segment, base64url JSON).
boost::json::object token_header(const std::string& token);

}  // namespace signet::cli::test
