// The argument parser of the signet command line: `--flag value`, `--flag=value`, repeatable
// flags, positional operands (`-` meaning standard input), `--` to end options, and help text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"

namespace signet::cli {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the operation failed or the token was rejected
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

// A wrong invocation (unknown option, missing operand, bad number): exit status 2 and a hint to
// --help. The message names the offending argument but never echoes file contents.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Option {
    std::string_view name;        // without the leading "--"
    std::string_view value_name;  // "" for a switch that takes no value
    std::string_view help;
    bool repeatable = false;
    bool required = false;
};

inline constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

struct CommandSpec {
    std::string_view path;         // "key generate"
    std::string_view summary;      // one line, for the command lists
    std::string_view operands;     // synopsis of the positionals, e.g. "TOKEN|-"
    std::string_view description;  // the paragraph printed after the usage line
    std::vector<Option> options;
    std::size_t min_operands = 0;
    std::size_t max_operands = 0;
    bool operands_first = false;  // show "PEMFILE [--alg ALG]" rather than "[--alg ALG] PEMFILE"
};

// The result of parsing one command's arguments.
class Args {
  public:
    bool help_requested() const noexcept { return help_; }
    bool has(std::string_view name) const;
    // The value of a non-repeatable option, if given.
    std::optional<std::string> value(std::string_view name) const;
    // Every value of an option in command-line order (empty when absent).
    const std::vector<std::string>& values(std::string_view name) const;
    const std::vector<std::string>& operands() const noexcept { return operands_; }

  private:
    friend Args parse_args(const CommandSpec& spec, std::span<const std::string_view> argv);

    bool help_ = false;
    std::map<std::string, std::vector<std::string>, std::less<>> options_;
    std::vector<std::string> operands_;
};

// Parses the arguments that follow the command path. Throws UsageError. "-h"/"--help" anywhere
// among the options stops parsing and sets help_requested().
Args parse_args(const CommandSpec& spec, std::span<const std::string_view> argv);

// "signet key generate --alg ALG [--kid KID] ... FILE|-"
std::string usage_line(const CommandSpec& spec);
// The full --help text of a command.
std::string help_text(const CommandSpec& spec);

// Value parsers for option arguments; each throws UsageError naming the option.
std::int64_t parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                           std::int64_t max);
// A JWS algorithm name as registered (RFC 7518 §3.1). "none" is refused: the command line never
// creates or accepts unsecured tokens.
Algorithm parse_algorithm_option(std::string_view option, std::string_view text);
Curve parse_curve_option(std::string_view option, std::string_view text);
// A JWE key management algorithm (RFC 7518 §4.1) or content encryption (RFC 7518 §5.1) name.
KeyManagement parse_key_management_option(std::string_view option, std::string_view text);
ContentEncryption parse_content_encryption_option(std::string_view option, std::string_view text);

}  // namespace signet::cli
