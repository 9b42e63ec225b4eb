// The manual pages and the bash completion come from the command tables that --help prints: every
// command and every option that --help shows is in its page, and the completion offers them.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace signet::cli::test {
namespace {

using ManualPages = CliTest;

struct Page {
    std::string file;
    std::vector<std::vector<std::string>> commands;  // whose --help it must cover
};

const std::vector<Page> kPages = {
    {"signet-key.1",
     {{"key", "generate"},
      {"key", "public"},
      {"key", "thumbprint"},
      {"key", "import"},
      {"key", "export"},
      {"key", "jwks"},
      {"key", "rotate"},
      {"key", "revoke"}}},
    {"signet-token.1",
     {{"token", "sign"},
      {"token", "verify"},
      {"token", "decode"},
      {"token", "encrypt"},
      {"token", "decrypt"}}},
    {"signet-user.1", {{"user", "add"}, {"user", "list"}, {"user", "disable"}, {"user", "enable"}}},
    {"signet-client.1", {{"client", "add"}, {"client", "list"}, {"client", "remove"}}},
    {"signet-serve.1", {{"serve"}}},
};

// "--alg" as troff writes it: \-\-alg.
std::string roff_option(const std::string& option) {
    std::string out;
    for (char c : option)
        out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
}

std::set<std::string> options_in_help(const std::string& help) {
    std::set<std::string> options;
    const std::regex option(R"(^  (--[a-z0-9_-]+))");
    std::smatch match;
    std::istringstream lines(help);
    std::string line;
    while (std::getline(lines, line)) {
        if (std::regex_search(line, match, option)) options.insert(match[1]);
    }
    return options;
}

TEST_F(ManualPages, EveryPageCoversEveryCommandAndOptionOfHelp) {
    const std::string dir = path("man");
    const RunResult written = run({"help-man", dir});
    ASSERT_EQ(written.exit_code, 0) << describe(written);
    ASSERT_TRUE(std::filesystem::exists(dir + "/signet.1"));
    const std::string main_page = read_file(dir + "/signet.1");
    EXPECT_TRUE(starts_with(main_page, ".TH SIGNET 1")) << main_page.substr(0, 80);
    EXPECT_NE(main_page.find("\\-\\-version"), std::string::npos);

    std::size_t option_count = 0;
    for (const Page& page : kPages) {
        ASSERT_TRUE(std::filesystem::exists(dir + "/" + page.file)) << page.file;
        const std::string text = read_file(dir + "/" + page.file);
        EXPECT_NE(text.find(".SH EXIT STATUS"), std::string::npos) << page.file;
        for (const auto& command : page.commands) {
            auto with_help = command;
            with_help.emplace_back("--help");
            const RunResult help = run(with_help);
            ASSERT_EQ(help.exit_code, 0) << describe(help);
            std::string path_text;
            for (const std::string& word : command)
                path_text += " " + word;
            // signet(1) lists the command with its summary.
            EXPECT_NE(main_page.find("\\fBsignet" + path_text + "\\fR"), std::string::npos)
                << path_text;
            const std::set<std::string> options = options_in_help(help.out);
            option_count += options.size();
            for (const std::string& option : options) {
                EXPECT_NE(text.find("\\fB" + roff_option(option) + "\\fR"), std::string::npos)
                    << page.file << " lacks " << option << " of" << path_text;
            }
        }
    }
    EXPECT_GT(option_count, 40U);
    // The serve page says what the service's signals do.
    const std::string serve = read_file(dir + "/signet-serve.1");
    EXPECT_NE(serve.find("SIGHUP"), std::string::npos);
    EXPECT_NE(serve.find("NOTIFY_SOCKET"), std::string::npos);
}

TEST_F(ManualPages, HelpManNeedsADirectory) {
    EXPECT_EQ(run({"help-man"}).exit_code, 2);
    EXPECT_EQ(run({"help-completion", "fish"}).exit_code, 2);
}

class BashCompletion : public CliTest {
  protected:
    // The words bash offers for the command line `line` with the cursor after its last word.
    std::string complete(const std::string& script, const std::string& line) {
        const std::string command = "source " + script + " && COMP_WORDS=(" + line +
                                    ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _signet && "
                                    "echo \"${COMPREPLY[*]}\"";
        const std::string shell = "bash -c '" + command + "' 2>&1";
        std::string out;
        if (FILE* pipe = ::popen(shell.c_str(), "r")) {
            char buffer[4096];
            std::size_t n = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
                out.append(buffer, n);
            EXPECT_EQ(::pclose(pipe), 0) << line << ": " << out;
        }
        return out;
    }
};

TEST_F(BashCompletion, CompletesGroupsCommandsOptionsAndFiles) {
    const RunResult script = run({"help-completion", "bash"});
    ASSERT_EQ(script.exit_code, 0) << describe(script);
    EXPECT_NE(script.out.find("complete -o filenames -F _signet signet"), std::string::npos);
    const std::string file = write_file("signet.bash", script.out);
    write_file("claims-of-test.json", "{}");

    const std::string first = complete(file, "signet \"\"");
    for (const char* word : {"serve", "key", "token", "user", "client", "--version"})
        EXPECT_NE(first.find(word), std::string::npos) << word << " in " << first;
    EXPECT_EQ(complete(file, "signet ke"), "key\n");
    const std::string key = complete(file, "signet key \"\"");
    EXPECT_NE(key.find("generate"), std::string::npos) << key;
    EXPECT_NE(key.find("thumbprint"), std::string::npos) << key;
    const std::string serve = complete(file, "signet serve --");
    EXPECT_NE(serve.find("--listen"), std::string::npos) << serve;
    EXPECT_NE(serve.find("--tls-cert"), std::string::npos) << serve;
    EXPECT_EQ(complete(file, "signet token verify --ke"), "--key\n");
    // A FILE option and an operand complete file names.
    const std::string prefix = path("claims-of");
    EXPECT_EQ(complete(file, "signet token verify --key " + prefix),
              path("claims-of-test.json") + "\n");
    EXPECT_EQ(complete(file, "signet token sign --key k.json " + prefix),
              path("claims-of-test.json") + "\n");
}

}  // namespace
}  // namespace signet::cli::test
