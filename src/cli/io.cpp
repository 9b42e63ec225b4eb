// Input and output helpers of the signet command line.
#include "cli/io.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.hpp"

namespace signet::cli {

namespace {

bool stdin_consumed = false;

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

// Reads at most kMaxInputBytes from `file`; `name` is used in messages only.
Result<std::string> read_stream(std::FILE* file, std::string_view name) {
    std::string data;
    char buffer[16 * 1024];
    while (true) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, file);
        data.append(buffer, n);
        if (data.size() > kMaxInputBytes) {
            return Error(Errc::invalid_argument, "input " + std::string(name) + " exceeds " +
                                                     std::to_string(kMaxInputBytes) + " bytes");
        }
        if (n < sizeof buffer) break;
    }
    if (std::ferror(file) != 0) {
        return Error(Errc::invalid_argument,
                     "cannot read " + std::string(name) + ": " + std::strerror(errno));
    }
    return data;
}

bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::string input_name(std::string_view path) {
    return path == "-" ? std::string("standard input") : "'" + std::string(path) + "'";
}

Result<std::string> read_input(std::string_view path) {
    if (path == "-") {
        if (stdin_consumed) {
            throw UsageError("standard input ('-') can be used only once");
        }
        stdin_consumed = true;
        return read_stream(stdin, input_name(path));
    }
    const std::string name = input_name(path);
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(std::string(path).c_str(), "rb"));
    if (!file) {
        return Error(Errc::invalid_argument, "cannot open " + name + ": " + std::strerror(errno));
    }
    return read_stream(file.get(), name);
}

std::string_view trim_trailing_whitespace(std::string_view text) noexcept {
    while (!text.empty() && is_ascii_space(text.back()))
        text.remove_suffix(1);
    return text;
}

Result<std::string> read_token(std::string_view operand) {
    bool from_file = operand == "-";
    if (!from_file) {
        // A compact token never contains '/', and is never the name of an existing file in
        // practice; a name that cannot be a path (too long, ...) simply fails the status query.
        std::error_code ec;
        const auto status = std::filesystem::status(std::filesystem::path(operand), ec);
        from_file =
            !ec && std::filesystem::exists(status) && !std::filesystem::is_directory(status);
    }
    if (!from_file) return std::string(operand);
    auto text = read_input(operand);
    if (!text) return std::move(text).error();
    return std::string(trim_trailing_whitespace(*text));
}

Result<Jwk> parse_single_key(std::string_view text, std::string_view name) {
    switch (detect_key_text_format(text)) {
        case KeyTextFormat::pem: return Jwk::from_pem(text);
        case KeyTextFormat::jwk: return Jwk::parse(text);
        case KeyTextFormat::jwks: break;
    }
    auto set = KeySet::parse(text);
    if (!set) return std::move(set).error();
    if (set->size() != 1) {
        return Error(Errc::invalid_argument, "the key set in " + std::string(name) + " holds " +
                                                 std::to_string(set->size()) +
                                                 " keys; this command needs exactly one");
    }
    return set->keys().front();
}

Result<KeySet> load_key_set(std::string_view path) {
    auto text = read_input(path);
    if (!text) return std::move(text).error();
    return KeySet::parse_any(*text);
}

Result<Jwk> load_single_key(std::string_view path) {
    auto text = read_input(path);
    if (!text) return std::move(text).error();
    return parse_single_key(*text, input_name(path));
}

void print_json(const boost::json::object& json) {
    std::cout << boost::json::serialize(json) << '\n';
}

void print_line(std::string_view text) {
    std::cout << text << '\n';
}

int report(const Error& error) {
    return report(error.code(), error.message());
}

int report(Errc code, std::string_view message) {
    std::cerr << to_string(code) << ": " << message << '\n';
    return kExitFailure;
}

}  // namespace signet::cli
