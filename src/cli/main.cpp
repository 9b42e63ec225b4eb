// The signet command line: global --help/--version and dispatch, through tables, to the command
// groups and to the standalone commands (`serve`). All JOSE logic lives in the library and all
// server logic in the server; commands only parse arguments and print.
#include <algorithm>
#include <array>
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/manual.hpp"
#include "signet/version.hpp"

namespace signet::cli {
namespace {

const std::array kGroups = {
    CommandGroup{"key", "Generate, convert and inspect keys",
                 "Generate, convert and inspect JSON Web Keys (RFC 7517, RFC 7638).", key_commands},
    CommandGroup{"token", "Sign, encrypt, decrypt, verify and decode tokens",
                 "Sign, verify and decode JSON Web Tokens (RFC 7519) as compact JWS (RFC 7515),\n"
                 "encrypt and decrypt compact JWE (RFC 7516), and verify nested JWTs.",
                 token_commands},
    CommandGroup{"user", "Add, list, disable and enable users of a data dir",
                 "Manage the users of a `signet serve` data dir (its SQLite database). The data\n"
                 "dir is --data-dir, else $SIGNET_DATA_DIR, else ./signet-data.",
                 user_commands},
    CommandGroup{"client", "Add, list and remove OAuth clients of a deployment",
                 "Manage the OAuth clients registered with a `signet serve` deployment: the\n"
                 "applications that may send users to sign in and receive tokens for them. The\n"
                 "deployment is named as for `signet user` (--data-dir, --database-url, --config).",
                 client_commands},
};

}  // namespace

std::span<const CommandGroup> command_groups() {
    return kGroups;
}

namespace {

constexpr std::string_view kExitStatus = "Exit status: 0 success, 1 failure, 2 usage error.\n";

std::string global_help() {
    std::string text =
        "Usage: signet <group> <command> [options] [operands]\n"
        "       signet <command> [options]\n"
        "\n"
        "Signet: JSON Web Tokens and JOSE (JWS, JWE, JWK, JWT) from the command line, and\n"
        "the auth server that issues them.\n"
        "\n"
        "Commands:\n";
    for (const Command& command : standalone_commands()) {
        std::string name(command.name);
        name.resize(std::max<std::size_t>(name.size() + 2, 18), ' ');
        text += "  " + name + std::string(command.spec.summary) + "\n";
    }
    for (const CommandGroup& group : kGroups) {
        for (const Command& command : group.commands()) {
            std::string name = std::string(group.name) + " " + std::string(command.name);
            name.resize(std::max<std::size_t>(name.size() + 2, 18), ' ');
            text += "  " + name + std::string(command.spec.summary) + "\n";
        }
    }
    text +=
        "\n"
        "Options:\n"
        "  -h, --help        Show this help and exit\n"
        "  --version         Show the version and exit\n"
        "\n"
        "Run 'signet <command> --help' or 'signet <group> <command> --help' for a command's\n"
        "options.\n";
    text += kExitStatus;
    return text;
}

std::string group_help(const CommandGroup& group) {
    std::string text = "Usage: signet " + std::string(group.name) + " <command> [options]\n\n" +
                       std::string(group.description) + "\n\nCommands:\n";
    for (const Command& command : group.commands()) {
        std::string name(command.name);
        name.resize(std::max<std::size_t>(name.size() + 2, 13), ' ');
        text += "  " + name + std::string(command.spec.summary) + "\n";
    }
    text += "\nRun 'signet " + std::string(group.name) + " <command> --help' for its options.\n";
    text += kExitStatus;
    return text;
}

int usage_error(std::string_view context, std::string_view message, std::string_view help_for) {
    std::cerr << "signet" << (context.empty() ? "" : " ") << context << ": " << message << '\n'
              << "Try 'signet" << (help_for.empty() ? "" : " ") << help_for << " --help'.\n";
    return kExitUsage;
}

bool is_help(std::string_view arg) {
    return arg == "-h" || arg == "--help";
}

// Parses the arguments after the command path and runs the command.
int run_command(const Command& command, std::span<const std::string_view> rest) {
    const CommandSpec& spec = command.spec;
    try {
        const Args args = parse_args(spec, rest);
        if (args.help_requested()) {
            std::cout << help_text(spec);
            return kExitOk;
        }
        return command.run(args);
    } catch (const UsageError& error) {
        return usage_error(spec.path, error.what(), spec.path);
    }
}

int run(std::span<const std::string_view> argv) {
    if (argv.empty()) return usage_error("", "missing command", "");
    const std::string_view first = argv[0];
    if (is_help(first)) {
        std::cout << global_help();
        return kExitOk;
    }
    if (first == "--version") {
        if (argv.size() > 1) return usage_error("", "--version takes no operands", "");
        std::cout << "signet " << SIGNET_VERSION_STRING << '\n'
                  << "OpenSSL: " << openssl_version() << '\n'
                  << "git revision: " << SIGNET_GIT_REVISION << '\n';
        return kExitOk;
    }
    // Not listed in --help: what the build runs to write the manual pages and the completion.
    if (first == "help-man") return run_help_man(argv.subspan(1));
    if (first == "help-completion") return run_help_completion(argv.subspan(1));

    for (const Command& command : standalone_commands()) {
        if (command.name == first) return run_command(command, argv.subspan(1));
    }
    const CommandGroup* group = nullptr;
    for (const CommandGroup& candidate : kGroups) {
        if (candidate.name == first) group = &candidate;
    }
    if (group == nullptr) {
        return usage_error("", "unknown command '" + std::string(first) + "'", "");
    }
    if (argv.size() < 2) return usage_error(group->name, "missing command", group->name);
    const std::string_view second = argv[1];
    if (is_help(second)) {
        std::cout << group_help(*group);
        return kExitOk;
    }
    const Command* command = nullptr;
    for (const Command& candidate : group->commands()) {
        if (candidate.name == second) command = &candidate;
    }
    if (command == nullptr) {
        return usage_error(group->name, "unknown command '" + std::string(second) + "'",
                           group->name);
    }
    return run_command(*command, argv.subspan(2));
}

}  // namespace
}  // namespace signet::cli

int main(int argc, char** argv) {
    std::vector<std::string_view> args;
    args.reserve(argc > 1 ? static_cast<std::size_t>(argc - 1) : 0);
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    try {
        const int status = signet::cli::run(args);
        std::cout.flush();
        if (!std::cout) {
            std::cerr << "signet: cannot write to standard output\n";
            return signet::cli::kExitFailure;
        }
        return status;
    } catch (const std::exception& error) {
        // Library errors carry no key material (error.hpp); anything else is unexpected.
        std::cerr << "signet: internal error: " << error.what() << '\n';
        return signet::cli::kExitFailure;
    }
}
