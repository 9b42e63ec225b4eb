// The argument parser of the signet command line and the help text built from command specs.
#include "cli/args.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <system_error>

namespace signet::cli {

namespace {

const Option* find_option(const CommandSpec& spec, std::string_view name) {
    for (const Option& option : spec.options) {
        if (option.name == name) return &option;
    }
    return nullptr;
}

std::string option_synopsis(const Option& option) {
    std::string text = "--";
    text += option.name;
    if (!option.value_name.empty()) {
        text += ' ';
        text += option.value_name;
    }
    return text;
}

}  // namespace

bool Args::has(std::string_view name) const {
    return options_.find(name) != options_.end();
}

std::optional<std::string> Args::value(std::string_view name) const {
    auto it = options_.find(name);
    if (it == options_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

const std::vector<std::string>& Args::values(std::string_view name) const {
    static const std::vector<std::string> kNone;
    auto it = options_.find(name);
    return it == options_.end() ? kNone : it->second;
}

Args parse_args(const CommandSpec& spec, std::span<const std::string_view> argv) {
    Args args;
    bool options_ended = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string_view arg = argv[i];
        if (options_ended || arg == "-" || !arg.starts_with('-')) {
            args.operands_.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            args.help_ = true;
            return args;
        }
        if (!arg.starts_with("--")) {
            throw UsageError("unknown option '" + std::string(arg) + "'");
        }
        std::string_view name = arg.substr(2);
        std::optional<std::string_view> inline_value;
        if (auto eq = name.find('='); eq != std::string_view::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const Option* option = find_option(spec, name);
        if (option == nullptr) {
            throw UsageError("unknown option '--" + std::string(name) + "'");
        }
        std::string value;
        if (option->value_name.empty()) {
            if (inline_value) {
                throw UsageError("option '--" + std::string(name) + "' takes no value");
            }
        } else if (inline_value) {
            value = std::string(*inline_value);
        } else if (i + 1 < argv.size()) {
            value = std::string(argv[++i]);
        } else {
            throw UsageError("option '--" + std::string(name) + "' needs a value (" +
                             std::string(option->value_name) + ")");
        }
        auto& slot = args.options_[std::string(name)];
        if (!slot.empty() && !option->repeatable) {
            throw UsageError("option '--" + std::string(name) + "' given more than once");
        }
        slot.push_back(std::move(value));
    }

    for (const Option& option : spec.options) {
        if (option.required && !args.has(option.name)) {
            throw UsageError("missing required option '" + option_synopsis(option) + "'");
        }
    }
    const std::size_t count = args.operands_.size();
    if (count < spec.min_operands) {
        throw UsageError("missing operand " + std::string(spec.operands));
    }
    if (count > spec.max_operands) {
        throw UsageError(spec.max_operands == 0
                             ? "unexpected operand '" + args.operands_.front() + "'"
                             : "too many operands; expected " + std::string(spec.operands));
    }
    return args;
}

std::string usage_line(const CommandSpec& spec) {
    std::string line = "signet ";
    line += spec.path;
    auto add_operands = [&] {
        if (spec.operands.empty()) return;
        line += ' ';
        line += spec.operands;
    };
    if (spec.operands_first) add_operands();
    for (const Option& option : spec.options) {
        line += ' ';
        if (option.required) {
            line += option_synopsis(option);
        } else {
            line += '[';
            line += option_synopsis(option);
            line += ']';
        }
        if (option.repeatable) line += "...";
    }
    if (!spec.operands_first) add_operands();
    return line;
}

std::string help_text(const CommandSpec& spec) {
    std::string text = "Usage: " + usage_line(spec) + "\n\n";
    text += spec.description;
    text += "\n\nOptions:\n";
    std::size_t width = std::string_view("-h, --help").size();
    for (const Option& option : spec.options) {
        width = std::max(width, option_synopsis(option).size());
    }
    width += 3;
    auto add_row = [&](const std::string& left, std::string_view right) {
        text += "  ";
        text += left;
        text.append(width - left.size(), ' ');
        text += right;
        text += '\n';
    };
    for (const Option& option : spec.options) {
        add_row(option_synopsis(option), option.help);
    }
    add_row("-h, --help", "Show this help and exit");
    text += "\nExit status: 0 success, 1 failure, 2 usage error.\n";
    return text;
}

std::int64_t parse_integer(std::string_view option, std::string_view text, std::int64_t min,
                           std::int64_t max) {
    std::int64_t number = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    // from_chars accepts a leading '-' but no '+' and no whitespace, which is what we want.
    auto [end, ec] = std::from_chars(first, last, number);
    if (text.empty() || ec != std::errc{} || end != last || number < min || number > max) {
        throw UsageError("option '--" + std::string(option) + "' expects a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                         std::string(text) + "'");
    }
    return number;
}

Algorithm parse_algorithm_option(std::string_view option, std::string_view text) {
    if (auto alg = parse_algorithm(text)) return *alg;
    std::string message =
        "option '--" + std::string(option) + "': unsupported algorithm '" + std::string(text) + "'";
    if (text == "none") {
        message += " (unsecured tokens are never created or accepted)";
    }
    message += "; use one of";
    for (Algorithm alg : all_algorithms()) {
        message += ' ';
        message += to_string(alg);
    }
    throw UsageError(message);
}

Curve parse_curve_option(std::string_view option, std::string_view text) {
    if (auto crv = parse_curve(text)) return *crv;
    throw UsageError("option '--" + std::string(option) + "': unknown curve '" + std::string(text) +
                     "'");
}

KeyManagement parse_key_management_option(std::string_view option, std::string_view text) {
    if (auto alg = parse_key_management(text)) return *alg;
    std::string message = "option '--" + std::string(option) +
                          "': unsupported key management algorithm '" + std::string(text) +
                          "'; use one of";
    for (KeyManagement alg : all_key_management()) {
        message += ' ';
        message += to_string(alg);
    }
    throw UsageError(message);
}

ContentEncryption parse_content_encryption_option(std::string_view option, std::string_view text) {
    if (auto enc = parse_content_encryption(text)) return *enc;
    std::string message = "option '--" + std::string(option) +
                          "': unsupported content encryption '" + std::string(text) +
                          "'; use one of";
    for (ContentEncryption enc : all_content_encryption()) {
        message += ' ';
        message += to_string(enc);
    }
    throw UsageError(message);
}

}  // namespace signet::cli
