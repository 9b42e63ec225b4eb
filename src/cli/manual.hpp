// Manual pages (troff, man(7) macros) and the bash completion script of the signet command,
// generated from the same command tables as --help, so that none of them can drift from the
// others. The build runs `signet help-man DIR` and `signet help-completion bash` to make them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace signet::cli {

struct ManPage {
    std::string file_name;  // "signet-key.1"
    std::string text;       // troff source
};

// signet(1), then one page per command group (signet-key(1), ...) and per standalone command
// (signet-serve(1)).
std::vector<ManPage> man_pages();

// A bash completion script: command groups, commands, each command's options, and file names
// for options whose value is a FILE or DIR and for operands.
std::string bash_completion();

// The hidden `signet help-man DIR` and `signet help-completion bash` commands.
int run_help_man(std::span<const std::string_view> args);
int run_help_completion(std::span<const std::string_view> args);

}  // namespace signet::cli
