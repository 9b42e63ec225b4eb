// The command table of the signet command line: each command is a spec (options, operands, help)
// and a handler. Groups ("key", "token", "user", "client") list their commands, and a few commands
// stand alone ("serve"); main.cpp only dispatches.
#pragma once

#include <span>
#include <string_view>

#include "cli/args.hpp"

namespace signet::cli {

struct Command {
    std::string_view name;  // within its group: "generate"
    CommandSpec spec;
    int (*run)(const Args& args);  // returns the exit status
};

struct CommandGroup {
    std::string_view name;
    std::string_view summary;
    std::string_view description;
    std::span<const Command> (*commands)();
};

std::span<const Command> key_commands();
std::span<const Command> token_commands();
std::span<const Command> user_commands();
std::span<const Command> client_commands();
// Commands without a group, run as `signet <name>`: "serve".
std::span<const Command> standalone_commands();
// The groups, in the order --help lists them.
std::span<const CommandGroup> command_groups();

}  // namespace signet::cli
