// Manual pages and the bash completion script, written from the command tables (commands.hpp):
// the same summaries, descriptions and options that --help prints.
#include "cli/manual.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "signet/version.hpp"

namespace signet::cli {
namespace {

// Text for troff: a backslash is written \e and a hyphen \- (so that options copy and paste as
// ASCII), and a line that would start with a control character ('.' or ''') starts with \& instead.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        line_start = c == '\n';
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    return out;
}

// A paragraph of --help text: its line breaks are kept, since the descriptions are laid out by
// hand (examples, lists).
std::string paragraph(std::string_view text) {
    std::string out = ".nf\n" + roff(text);
    if (!out.ends_with('\n')) out += '\n';
    return out + ".fi\n";
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string header(std::string_view name, std::string_view summary) {
    return ".TH " + upper(roff(name)) +
           " 1 \"\" \"signet " SIGNET_VERSION_STRING "\" \"User Commands\"\n.SH NAME\n" +
           roff(name) + " \\- " + roff(summary) + "\n";
}

constexpr std::string_view kExitStatus =
    ".SH EXIT STATUS\n"
    ".TP\n0\nSuccess.\n"
    ".TP\n1\nThe operation failed, or the token was rejected.\n"
    ".TP\n2\nThe command line or a setting is wrong.\n";

// One command: its usage line, its description and its options, as --help shows them.
std::string command_section(const CommandSpec& spec) {
    std::string text = ".SS \"" + roff(usage_line(spec)) + "\"\n";
    text += paragraph(spec.description);
    for (const Option& option : spec.options) {
        text += ".TP\n\\fB\\-\\-" + roff(option.name) + "\\fR";
        if (!option.value_name.empty()) text += " \\fI" + roff(option.value_name) + "\\fR";
        text += '\n' + roff(option.help);
        if (option.required) text += " (required)";
        if (option.repeatable) text += " (repeatable)";
        text += '\n';
    }
    text += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the command's help and exit.\n";
    return text;
}

std::string see_also(std::string_view self) {
    std::vector<std::string> pages = {"signet(1)"};
    for (const Command& command : standalone_commands())
        pages.push_back("signet-" + std::string(command.name) + "(1)");
    for (const CommandGroup& group : command_groups())
        pages.push_back("signet-" + std::string(group.name) + "(1)");
    pages.emplace_back("signet.toml(5)");
    std::string text = ".SH SEE ALSO\n";
    bool first = true;
    for (const std::string& page : pages) {
        if (page.starts_with(std::string(self) + "(")) continue;
        const auto open = page.find('(');
        text += (first ? "" : ",\n") + std::string("\\fB") + roff(page.substr(0, open)) + "\\fR" +
                page.substr(open);
        first = false;
    }
    return text + "\n";
}

std::string main_page() {
    std::string text =
        header("signet", "JSON Web Tokens and JOSE from the command line, and the auth server");
    text +=
        ".SH SYNOPSIS\n"
        "\\fBsignet\\fR \\fIgroup\\fR \\fIcommand\\fR [\\fIoptions\\fR] [\\fIoperands\\fR]\n"
        ".br\n"
        "\\fBsignet\\fR \\fIcommand\\fR [\\fIoptions\\fR]\n"
        ".br\n"
        "\\fBsignet \\-\\-version\\fR\n"
        ".SH DESCRIPTION\n"
        "Signet creates, converts and inspects JSON Web Keys, signs, verifies, encrypts and "
        "decrypts JSON Web Tokens (JWS, JWE, JWT), manages the users and OAuth clients of a "
        "deployment, and runs the auth server that issues tokens.\n"
        ".SH COMMANDS\n";
    for (const Command& command : standalone_commands()) {
        text += ".TP\n\\fBsignet " + roff(command.name) + "\\fR\n" + roff(command.spec.summary) +
                "; see \\fBsignet\\-" + roff(command.name) + "\\fR(1).\n";
    }
    for (const CommandGroup& group : command_groups()) {
        for (const Command& command : group.commands()) {
            text += ".TP\n\\fBsignet " + roff(group.name) + " " + roff(command.name) + "\\fR\n" +
                    roff(command.spec.summary) + "; see \\fBsignet\\-" + roff(group.name) +
                    "\\fR(1).\n";
        }
    }
    text +=
        ".SH OPTIONS\n"
        ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the list of commands and exit.\n"
        ".TP\n\\fB\\-\\-version\\fR\nShow the version, the OpenSSL library in use and the "
        "build's git revision, and exit.\n";
    text += kExitStatus;
    return text + see_also("signet");
}

std::string group_page(const CommandGroup& group) {
    const std::string name = "signet-" + std::string(group.name);
    std::string text = header(name, group.summary);
    text += ".SH SYNOPSIS\n";
    for (const Command& command : group.commands())
        text += roff(usage_line(command.spec)) + "\n.br\n";
    text += ".SH DESCRIPTION\n" + paragraph(group.description) + ".SH COMMANDS\n";
    for (const Command& command : group.commands())
        text += command_section(command.spec);
    text += kExitStatus;
    return text + see_also(name);
}

std::string standalone_page(const Command& command) {
    const std::string name = "signet-" + std::string(command.name);
    std::string text = header(name, command.spec.summary);
    text += ".SH SYNOPSIS\n" + roff(usage_line(command.spec)) + "\n";
    text += ".SH DESCRIPTION\n" + paragraph(command.spec.description) + ".SH OPTIONS\n";
    // The section heading repeats the synopsis; the options follow it.
    std::string section = command_section(command.spec);
    text += section.substr(section.find('\n') + 1);
    if (command.name == "serve") {
        text +=
            ".SH SIGNALS\n"
            ".TP\nSIGTERM, SIGINT\nStop accepting connections, let in-flight requests finish "
            "(drain_timeout), and exit 0.\n"
            ".TP\nSIGHUP\nRe-read the signing keys from the store and the TLS certificate and "
            "key files, without closing any connection. New connections get the new "
            "certificate; a certificate that cannot be loaded is logged and the old one kept.\n"
            ".SH ENVIRONMENT\n"
            ".TP\nSIGNET_*\nEvery setting, by its name in upper case; see "
            "\\fBsignet.toml\\fR(5).\n"
            ".TP\nNOTIFY_SOCKET\nWhen set (by systemd for Type=notify), READY=1 is sent once the "
            "server listens and STOPPING=1 when it starts to drain.\n"
            ".SH FILES\n"
            ".TP\n/etc/signet/signet.toml\nThe settings of the packaged service "
            "(\\fBsignet.service\\fR).\n"
            ".TP\n/var/lib/signet\nIts data dir.\n";
    }
    text += kExitStatus;
    return text + see_also(name);
}

// Shell words: the names and option lists below hold only letters, digits, '-' and spaces.
std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words)
        out += (out.empty() ? "" : " ") + word;
    return out;
}

// One `case` branch of the completion function: the options of one command, and which of them
// take a file or a directory.
std::string completion_case(const std::string& path, const CommandSpec& spec) {
    std::vector<std::string> options = {"--help"};
    std::vector<std::string> valued, files, dirs;
    for (const Option& option : spec.options) {
        const std::string flag = "--" + std::string(option.name);
        options.push_back(flag);
        if (option.value_name.empty()) continue;
        valued.push_back(flag);
        if (option.value_name.find("FILE") != std::string_view::npos) files.push_back(flag);
        if (option.value_name == "DIR") dirs.push_back(flag);
    }
    return "        \"" + path + "\")\n            options=\"" + join(options) +
           "\"\n            valued=\"" + join(valued) + "\"\n            files=\"" + join(files) +
           "\"\n            dirs=\"" + join(dirs) +
           "\"\n            operands=" + (spec.max_operands > 0 ? "1" : "0") + " ;;\n";
}

}  // namespace

std::vector<ManPage> man_pages() {
    std::vector<ManPage> pages;
    pages.push_back({"signet.1", main_page()});
    for (const CommandGroup& group : command_groups())
        pages.push_back({"signet-" + std::string(group.name) + ".1", group_page(group)});
    for (const Command& command : standalone_commands())
        pages.push_back({"signet-" + std::string(command.name) + ".1", standalone_page(command)});
    return pages;
}

std::string bash_completion() {
    std::vector<std::string> first_words;
    for (const Command& command : standalone_commands())
        first_words.emplace_back(command.name);
    for (const CommandGroup& group : command_groups())
        first_words.emplace_back(group.name);
    first_words.emplace_back("--help");
    first_words.emplace_back("--version");

    std::string groups_case;
    std::string commands_case;
    for (const Command& command : standalone_commands()) {
        commands_case += completion_case(std::string(command.name), command.spec);
    }
    for (const CommandGroup& group : command_groups()) {
        std::vector<std::string> names;
        for (const Command& command : group.commands()) {
            names.emplace_back(command.name);
            commands_case += completion_case(
                std::string(group.name) + " " + std::string(command.name), command.spec);
        }
        names.emplace_back("--help");
        groups_case +=
            "        " + std::string(group.name) + ") commands=\"" + join(names) + "\" ;;\n";
    }

    return "# bash completion for signet(1). Generated by `signet help-completion bash` from the\n"
           "# command tables that --help prints; do not edit.\n"
           "_signet() {\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
           "    local commands=\"\" path=\"\" options=\"\" valued=\"\" files=\"\" dirs=\"\"\n"
           "    local operands=0 start=2\n"
           "    COMPREPLY=()\n"
           "    if ((COMP_CWORD == 1)); then\n"
           "        COMPREPLY=($(compgen -W \"" +
           join(first_words) +
           "\" -- \"$cur\"))\n"
           "        return 0\n"
           "    fi\n"
           "    case ${COMP_WORDS[1]} in\n" +
           groups_case +
           "    esac\n"
           "    if [[ -n $commands ]]; then\n"
           "        if ((COMP_CWORD == 2)); then\n"
           "            COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
           "            return 0\n"
           "        fi\n"
           "        path=\"${COMP_WORDS[1]} ${COMP_WORDS[2]}\"\n"
           "        start=3\n"
           "    else\n"
           "        path=${COMP_WORDS[1]}\n"
           "    fi\n"
           "    case $path in\n" +
           commands_case +
           "        *) return 0 ;;\n"
           "    esac\n"
           "    if ((COMP_CWORD > start - 1)) && [[ \" $valued \" == *\" $prev \"* ]]; then\n"
           "        if [[ \" $dirs \" == *\" $prev \"* ]]; then\n"
           "            COMPREPLY=($(compgen -d -- \"$cur\"))\n"
           "        elif [[ \" $files \" == *\" $prev \"* ]]; then\n"
           "            COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "        fi\n"
           "        return 0\n"
           "    fi\n"
           "    if [[ $cur == -* ]] || ((operands == 0)); then\n"
           "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
           "    else\n"
           "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "    fi\n"
           "    return 0\n"
           "}\n"
           "complete -o filenames -F _signet signet\n";
}

int run_help_man(std::span<const std::string_view> args) {
    if (args.size() != 1 || args[0].empty() || args[0].starts_with('-')) {
        std::cerr << "signet help-man: expects one operand, the directory to write the pages to\n";
        return kExitUsage;
    }
    const std::filesystem::path dir(args[0]);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const ManPage& page : man_pages()) {
        const std::filesystem::path file = dir / page.file_name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << page.text;
        out.close();
        if (!out) {
            std::cerr << "signet help-man: cannot write " << file.string() << ": "
                      << std::strerror(errno) << '\n';
            return kExitFailure;
        }
        std::cout << file.string() << '\n';
    }
    return kExitOk;
}

int run_help_completion(std::span<const std::string_view> args) {
    if (args.size() != 1 || args[0] != "bash") {
        std::cerr << "signet help-completion: expects one operand, the shell: bash\n";
        return kExitUsage;
    }
    std::cout << bash_completion();
    return kExitOk;
}

}  // namespace signet::cli
