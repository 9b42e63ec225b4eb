// The settings of `signet serve`: one table of settings, read from a TOML file, SIGNET_*
// environment variables and command-line flags (last wins), then checked as a whole.
#include "server/config.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "server/http/client_address.hpp"

namespace signet::server {

namespace {

// A TOML file is a handful of lines; anything this large is not a config file.
constexpr std::size_t kMaxConfigFileBytes = 1024 * 1024;

// One value as a source gave it: a TOML node, or the text of an environment variable or a flag.
struct Raw {
    const toml::node* node = nullptr;
    std::string_view text;
};

[[noreturn]] void fail(const std::string& where, const std::string& message) {
    throw ConfigError(where + ": " + message);
}

std::string toml_type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "an unknown type";
}

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

std::string read_string(const Raw& raw, const std::string& where) {
    std::string text;
    if (raw.node != nullptr) {
        const auto* value = raw.node->as_string();
        if (value == nullptr) fail(where, "must be a string, not " + toml_type_name(*raw.node));
        text = value->get();
    } else {
        text = std::string(raw.text);
    }
    if (text.empty()) fail(where, "must not be empty");
    return text;
}

// A whole number within [min, max]. TOML gives an integer; the environment and flags give decimal
// digits only (no sign, no spaces). `expected` says what is wanted, for the message.
std::uint64_t read_number(const Raw& raw, const std::string& where, std::uint64_t min,
                          std::uint64_t max, const std::string& expected) {
    std::uint64_t number = 0;
    bool ok = false;
    if (raw.node != nullptr) {
        const auto* value = raw.node->as_integer();
        if (value == nullptr) {
            fail(where, "must be " + expected + ", not " + toml_type_name(*raw.node));
        }
        if (value->get() >= 0) {
            number = static_cast<std::uint64_t>(value->get());
            ok = true;
        }
    } else {
        const char* first = raw.text.data();
        const char* last = first + raw.text.size();
        // from_chars on an unsigned type takes digits only: no '+', '-' or whitespace.
        auto [end, ec] = std::from_chars(first, last, number);
        ok = !raw.text.empty() && ec == std::errc{} && end == last;
    }
    if (!ok || number < min || number > max) fail(where, "must be " + expected);
    return number;
}

std::string range_text(std::uint64_t min, std::uint64_t max) {
    return "from " + std::to_string(min) + " to " + std::to_string(max);
}

std::chrono::seconds read_duration(const Raw& raw, const std::string& where, std::uint64_t min,
                                   std::uint64_t max) {
    const std::string expected =
        (min > 0 ? "a positive whole number of seconds" : "a whole number of seconds") +
        std::string(" (") + range_text(min, max) + ")";
    return std::chrono::seconds(
        static_cast<std::chrono::seconds::rep>(read_number(raw, where, min, max, expected)));
}

bool read_bool(const Raw& raw, const std::string& where) {
    if (raw.node != nullptr) {
        const auto* value = raw.node->as_boolean();
        if (value == nullptr) {
            fail(where, "must be true or false, not " + toml_type_name(*raw.node));
        }
        return value->get();
    }
    if (raw.text == "true" || raw.text == "1") return true;
    if (raw.text == "false" || raw.text == "0") return false;
    fail(where, "must be true, false, 1 or 0");
}

// Setters, one per kind of value; bounds are template arguments so each table row stays one line.
template <auto Member, std::uint64_t Min, std::uint64_t Max>
void set_duration(ServerConfig& config, const Raw& raw, const std::string& where) {
    config.*Member = read_duration(raw, where, Min, Max);
}

template <auto Member, std::uint64_t Min, std::uint64_t Max>
void set_number(ServerConfig& config, const Raw& raw, const std::string& where) {
    using T = std::remove_reference_t<decltype(config.*Member)>;
    const std::string expected = (Min > 0 ? "a positive whole number" : "a whole number") +
                                 std::string(" (") + range_text(Min, Max) + ")";
    config.*Member = static_cast<T>(read_number(raw, where, Min, Max, expected));
}

template <auto Member>
void set_bool(ServerConfig& config, const Raw& raw, const std::string& where) {
    config.*Member = read_bool(raw, where);
}

template <auto Member>
void set_path(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    if (text.find('\0') != std::string::npos) fail(where, "must not contain a NUL character");
    config.*Member = std::filesystem::path(text);
}

// A host name (RFC 1123 §2.1): dot-separated labels of letters, digits and inner hyphens. The last
// label is not all digits, so a mistyped IPv4 address is not taken for a name.
bool is_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    std::size_t start = 0;
    bool all_digits = false;
    while (start <= host.size()) {
        std::size_t dot = host.find('.', start);
        if (dot == std::string_view::npos) dot = host.size();
        const std::string_view label = host.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        all_digits = true;
        for (char c : label) {
            const bool digit = c >= '0' && c <= '9';
            const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!digit && !letter && c != '-') return false;
            all_digits = all_digits && digit;
        }
        start = dot + 1;
    }
    return !all_digits;
}

bool is_ipv4(const std::string& host) {
    in_addr address{};
    return ::inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool is_ipv6(const std::string& host) {
    in6_addr address{};
    return ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
    if (text.empty() || text.size() > 5) return false;
    unsigned number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size() || number > 65535) return false;
    port = static_cast<std::uint16_t>(number);
    return true;
}

// "HOST:PORT" with HOST an IPv4 address, a host name, or an IPv6 address in brackets (RFC 3986
// §3.2.2). Port 0 asks for any free port.
std::pair<std::string, std::uint16_t> read_listen(const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    const std::string usage = " (HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)";
    std::string host;
    std::string_view port_text;
    const std::string_view view = text;
    if (view.starts_with('[')) {
        const std::size_t close = view.find(']');
        if (close == std::string_view::npos || close + 1 >= view.size() || view[close + 1] != ':') {
            fail(where, "must be [IPV6]:PORT" + usage);
        }
        host = std::string(view.substr(1, close - 1));
        if (!is_ipv6(host)) fail(where, "'" + host + "' is not an IPv6 address" + usage);
        port_text = view.substr(close + 2);
    } else {
        const std::size_t colon = view.rfind(':');
        if (colon == std::string_view::npos) fail(where, "must name a port" + usage);
        host = std::string(view.substr(0, colon));
        if (host.find(':') != std::string::npos) {
            fail(where, "an IPv6 address goes in brackets" + usage);
        }
        if (!is_ipv4(host) && !is_host_name(host)) {
            fail(where, "'" + host + "' is not an IP address or host name" + usage);
        }
        port_text = view.substr(colon + 1);
    }
    std::uint16_t port = 0;
    if (!parse_port(port_text, port)) {
        fail(where, "the port must be a whole number from 0 to 65535" + usage);
    }
    return {host, port};
}

void set_listen(ServerConfig& config, const Raw& raw, const std::string& where) {
    std::tie(config.listen_host, config.listen_port) = read_listen(raw, where);
}

void set_metrics_listen(ServerConfig& config, const Raw& raw, const std::string& where) {
    auto [host, port] = read_listen(raw, where);
    config.metrics_listen_host = std::move(host);
    config.metrics_listen_port = port;
}

bool is_unreserved_or_sub_delim(char c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 §3.3 path characters (pchar and '/'), percent-encodings well formed.
bool is_uri_path(std::string_view path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])) return false;
            i += 2;
        } else if (!is_unreserved_or_sub_delim(c) && c != ':' && c != '@' && c != '/') {
            return false;
        }
    }
    return true;
}

// The issuer identifier (RFC 8414 §2): an absolute URL with no query or fragment. https is the
// rule; plain http is accepted for loopback and development deployments.
// An issuer URL and the host it names.
struct IssuerUrl {
    std::string text;
    std::string host;  // without brackets
};

IssuerUrl read_issuer_url(const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    const std::string rule =
        " (an absolute http or https URL without query or fragment, RFC 8414 §2)";
    std::string_view rest = text;
    if (rest.starts_with("https://")) {
        rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else {
        fail(where, "must start with https:// or http://" + rule);
    }
    if (text.find('?') != std::string::npos) fail(where, "must not have a query" + rule);
    if (text.find('#') != std::string::npos) fail(where, "must not have a fragment" + rule);
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos)
        fail(where, "must not hold user info" + rule);
    std::string host;
    std::optional<std::string_view> port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) fail(where, "has an unclosed '['" + rule);
        host = std::string(authority.substr(1, close - 1));
        if (!is_ipv6(host)) fail(where, "'" + host + "' is not an IPv6 address" + rule);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') fail(where, "has stray characters after ']'" + rule);
            port = after.substr(1);
        }
    } else {
        const std::size_t colon = authority.find(':');
        host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (!is_ipv4(host) && !is_host_name(host)) {
            fail(where, "'" + host + "' is not a host name or IP address" + rule);
        }
    }
    std::uint16_t port_number = 0;
    if (port && (!parse_port(*port, port_number) || port_number == 0)) {
        fail(where, "has a bad port" + rule);
    }
    if (!is_uri_path(path)) fail(where, "has characters not allowed in a URL path" + rule);
    return {text, host};
}

void set_issuer(ServerConfig& config, const Raw& raw, const std::string& where) {
    config.issuer = read_issuer_url(raw, where).text;
}

// 127.0.0.0/8, ::1 and "localhost" (RFC 6761 §6.3): traffic that never leaves the machine.
bool is_loopback_host(const std::string& host) {
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    std::string name = host;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name == "localhost" || name.ends_with(".localhost");
}

// The issuer's keys decide which tokens are genuine, so they are fetched over TLS; plain HTTP
// only where nobody can sit in between.
void set_trust_issuer(ServerConfig& config, const Raw& raw, const std::string& where) {
    IssuerUrl url = read_issuer_url(raw, where);
    if (url.text.starts_with("http://") && !is_loopback_host(url.host)) {
        fail(where,
             "must be an https:// URL; http:// is allowed only for a loopback host "
             "(127.0.0.0/8, ::1, localhost), not '" +
                 url.host + "'");
    }
    while (url.text.ends_with('/'))
        url.text.pop_back();
    config.trust_issuer = std::move(url.text);
}

// Connection URLs carry passwords: messages name the setting, never the value.
void set_database_url(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    if (!text.starts_with("postgresql://") && !text.starts_with("postgres://")) {
        fail(where, "must be a PostgreSQL URL (postgresql://user:password@host:port/database)");
    }
    if (has_control_characters(text)) fail(where, "must not contain control characters");
    config.database_url = text;
}

void set_redis_url(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    if (text.starts_with("rediss://")) {
        fail(where,
             "rediss:// (Redis over TLS) is not supported by this build's hiredis 0.14; "
             "reach Redis over a private network or a TLS tunnel with redis://");
    }
    if (!text.starts_with("redis://")) {
        fail(where,
             "must be a Redis URL (redis://[[user]:password@]host[:port][/db][?key_prefix=P])");
    }
    if (has_control_characters(text)) fail(where, "must not contain control characters");
    config.redis_url = text;
}

// A TOML array of strings, or one string of comma-separated blocks (environment, flags).
void set_trusted_proxies(ServerConfig& config, const Raw& raw, const std::string& where) {
    std::vector<std::string> blocks;
    if (raw.node != nullptr && raw.node->is_array()) {
        for (const toml::node& item : *raw.node->as_array()) {
            const auto* text = item.as_string();
            if (text == nullptr) fail(where, "must be an array of CIDR strings");
            blocks.push_back(text->get());
        }
    } else {
        const std::string text =
            raw.node != nullptr ? read_string(raw, where) : std::string(raw.text);
        std::string_view rest = text;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            std::string_view block = rest.substr(0, comma);
            while (!block.empty() && block.front() == ' ')
                block.remove_prefix(1);
            while (!block.empty() && block.back() == ' ')
                block.remove_suffix(1);
            if (!block.empty()) blocks.emplace_back(block);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    for (const std::string& block : blocks) {
        if (!http::parse_cidr(block)) {
            fail(where, "'" + block + "' is not a CIDR block (such as 10.0.0.0/8 or ::1/128)");
        }
    }
    config.trusted_proxies = std::move(blocks);
}

void set_audience(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    if (has_control_characters(text)) fail(where, "must not contain control characters");
    config.audience = text;
}

// RFC 6749 §3.3: space-delimited scope tokens of printable ASCII other than '"' and '\'.
void set_scope(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    std::string_view rest = text;
    while (true) {
        const std::size_t space = rest.find(' ');
        const std::string_view token = rest.substr(0, space);
        const bool valid = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
            return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
        });
        if (!valid) {
            fail(where, "must be scope tokens separated by single spaces (RFC 6749 §3.3)");
        }
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    config.scope = text;
}

void set_signing_alg(ServerConfig& config, const Raw& raw, const std::string& where) {
    const std::string text = read_string(raw, where);
    if (auto alg = parse_algorithm(text)) {
        config.signing_alg = *alg;
        return;
    }
    std::string message = "unsupported algorithm '" + text + "'";
    if (text == "none") message += " (unsecured tokens are never issued)";
    message += "; use one of";
    for (Algorithm alg : all_algorithms()) {
        message += ' ';
        message += to_string(alg);
    }
    fail(where, message);
}

void set_hmac_secret(ServerConfig& config, const Raw& raw, const std::string& where) {
    // Never echoed in messages: it is a secret.
    config.hmac_secret = read_string(raw, where);
}

constexpr std::uint64_t kMinute = 60;
constexpr std::uint64_t kHour = 3600;
constexpr std::uint64_t kDay = 24 * kHour;
constexpr std::uint64_t kMiB = 1024 * 1024;

// Which nodes a setting means something to. A verify-only node (trust_issuer) keeps no data and
// issues nothing, so it refuses the settings of stores, keys, logins and token lifetimes.
enum class Applies { every_node, issuing_node, verify_only_node };

struct Setting {
    std::string_view key;  // the TOML key; SIGNET_<KEY> and --<key-with-dashes> derive from it
    void (*apply)(ServerConfig& config, const Raw& raw, const std::string& where);
    Applies applies;
};

// Every setting. Bounds: an access token lives at most a day and a refresh token or session at
// most a year; Argon2id memory of at least 8 MiB (libsodium's minimum is 8 KiB, far below any
// useful cost) and at most 4 GiB.
const std::array kSettings = {
    Setting{"listen", set_listen, Applies::every_node},
    Setting{"metrics_listen", set_metrics_listen, Applies::every_node},
    Setting{"data_dir", set_path<&ServerConfig::data_dir>, Applies::issuing_node},
    Setting{"database_url", set_database_url, Applies::issuing_node},
    Setting{"redis_url", set_redis_url, Applies::issuing_node},
    Setting{"database_pool_size", set_number<&ServerConfig::database_pool_size, 1, 1024>,
            Applies::issuing_node},
    Setting{"trusted_proxies", set_trusted_proxies, Applies::every_node},
    Setting{"issuer", set_issuer, Applies::issuing_node},
    Setting{"audience", set_audience, Applies::every_node},
    Setting{"scope", set_scope, Applies::every_node},
    Setting{"access_token_ttl", set_duration<&ServerConfig::access_token_ttl, 1, kDay>,
            Applies::issuing_node},
    Setting{"refresh_token_ttl", set_duration<&ServerConfig::refresh_token_ttl, 1, 365 * kDay>,
            Applies::issuing_node},
    Setting{"refresh_family_max_lifetime",
            set_duration<&ServerConfig::refresh_family_max_lifetime, 1, 365 * kDay>,
            Applies::issuing_node},
    Setting{"session_ttl", set_duration<&ServerConfig::session_ttl, 1, 365 * kDay>,
            Applies::issuing_node},
    Setting{"session_idle_timeout",
            set_duration<&ServerConfig::session_idle_timeout, kMinute, 365 * kDay>,
            Applies::issuing_node},
    Setting{"leeway", set_duration<&ServerConfig::leeway, 0, 5 * kMinute>, Applies::every_node},
    Setting{"tls_cert", set_path<&ServerConfig::tls_cert>, Applies::every_node},
    Setting{"tls_key", set_path<&ServerConfig::tls_key>, Applies::every_node},
    Setting{"signing_alg", set_signing_alg, Applies::issuing_node},
    Setting{"hmac_secret", set_hmac_secret, Applies::issuing_node},
    Setting{"registration", set_bool<&ServerConfig::registration>, Applies::issuing_node},
    Setting{"argon2_memory_kib", set_number<&ServerConfig::argon2_memory_kib, 8192, 4 * kMiB>,
            Applies::issuing_node},
    Setting{"argon2_iterations", set_number<&ServerConfig::argon2_iterations, 1, 100>,
            Applies::issuing_node},
    Setting{"login_limit_per_email", set_number<&ServerConfig::login_limit_per_email, 1, 1'000'000>,
            Applies::issuing_node},
    Setting{"login_limit_per_address",
            set_number<&ServerConfig::login_limit_per_address, 1, 1'000'000'000>,
            Applies::issuing_node},
    Setting{"login_limit_window", set_duration<&ServerConfig::login_limit_window, 1, kDay>,
            Applies::issuing_node},
    Setting{"max_body_bytes", set_number<&ServerConfig::max_body_bytes, 1, 64 * kMiB>,
            Applies::every_node},
    Setting{"max_header_bytes", set_number<&ServerConfig::max_header_bytes, 1, kMiB>,
            Applies::every_node},
    Setting{"max_connections", set_number<&ServerConfig::max_connections, 1, 1'000'000>,
            Applies::every_node},
    Setting{"max_connections_per_client",
            set_number<&ServerConfig::max_connections_per_client, 1, 1'000'000>,
            Applies::every_node},
    Setting{"header_timeout", set_duration<&ServerConfig::header_timeout, 1, kHour>,
            Applies::every_node},
    Setting{"idle_timeout", set_duration<&ServerConfig::idle_timeout, 1, kDay>,
            Applies::every_node},
    Setting{"drain_timeout", set_duration<&ServerConfig::drain_timeout, 0, kHour>,
            Applies::every_node},
    Setting{"io_threads", set_number<&ServerConfig::io_threads, 0, 1024>, Applies::every_node},
    Setting{"worker_threads", set_number<&ServerConfig::worker_threads, 0, 1024>,
            Applies::every_node},
    Setting{"key_reload_interval", set_duration<&ServerConfig::key_reload_interval, 1, kHour>,
            Applies::issuing_node},
    Setting{"log_requests", set_bool<&ServerConfig::log_requests>, Applies::every_node},
    Setting{"token_cache_size", set_number<&ServerConfig::token_cache_size, 0, 10'000'000>,
            Applies::issuing_node},
    Setting{"trust_issuer", set_trust_issuer, Applies::verify_only_node},
    Setting{"trust_issuer_ca_file", set_path<&ServerConfig::trust_issuer_ca_file>,
            Applies::verify_only_node},
    Setting{"jwks_refresh_cooldown", set_duration<&ServerConfig::jwks_refresh_cooldown, 1, kHour>,
            Applies::verify_only_node},
};

const Setting* find_setting(std::string_view key) {
    for (const Setting& setting : kSettings) {
        if (setting.key == key) return &setting;
    }
    return nullptr;
}

std::string env_name(std::string_view key) {
    std::string name = "SIGNET_";
    for (char c : key)
        name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return name;
}

std::string flag_name(std::string_view key) {
    std::string name(key);
    std::replace(name.begin(), name.end(), '_', '-');
    return name;
}

// The configuration being built and, per setting, where its current value came from.
struct Builder {
    ServerConfig config;
    std::map<std::string, std::string, std::less<>> origins;

    void apply(const Setting& setting, const Raw& raw, const std::string& where) {
        setting.apply(config, raw, where);
        origins[std::string(setting.key)] = where;
    }
    bool given(std::string_view key) const { return origins.find(key) != origins.end(); }
    // How messages name a setting: its source, or the key when it has its default.
    std::string where(std::string_view key) const {
        auto it = origins.find(key);
        return it == origins.end() ? std::string(key) : it->second;
    }
};

std::string read_config_file(const std::filesystem::path& file) {
    const std::string where = "config file " + file.string();
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(where, std::string("cannot be read: ") + std::strerror(errno));
    std::string text;
    std::array<char, 16384> buffer{};
    while (true) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail(where, std::string("cannot be read: ") + std::strerror(error));
        }
        if (n == 0) break;
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > kMaxConfigFileBytes) {
            ::close(fd);
            fail(where, "is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
        }
    }
    ::close(fd);
    return text;
}

std::string position(const std::string& file, const toml::source_position& at) {
    return file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

void apply_file(Builder& builder, const std::filesystem::path& file) {
    const std::string name = file.string();
    const std::string text = read_config_file(file);
    toml::table table;
    try {
        table = toml::parse(text, name);
    } catch (const toml::parse_error& error) {
        throw ConfigError("config file " + position(name, error.source().begin) + ": " +
                          std::string(error.description()));
    }
    for (auto&& [key, node] : table) {
        const std::string at = "config file " + position(name, key.source().begin);
        const Setting* setting = find_setting(key.str());
        if (setting == nullptr) {
            throw ConfigError(at + ": unknown setting \"" + std::string(key.str()) + "\"");
        }
        builder.apply(*setting, Raw{&node, {}}, at + ": " + std::string(key.str()));
    }
}

void apply_environment(Builder& builder, const std::vector<std::string>& environment) {
    for (const std::string& entry : environment) {
        const std::string_view view = entry;
        if (!view.starts_with("SIGNET_")) continue;
        const std::size_t eq = view.find('=');
        if (eq == std::string_view::npos) continue;  // not a NAME=VALUE entry
        const std::string_view name = view.substr(0, eq);
        const Setting* setting = nullptr;
        for (const Setting& candidate : kSettings) {
            if (env_name(candidate.key) == name) setting = &candidate;
        }
        if (setting == nullptr) {
            throw ConfigError(std::string(name) + ": unknown setting (no setting is named " +
                              std::string(name) + ")");
        }
        builder.apply(*setting, Raw{nullptr, view.substr(eq + 1)}, std::string(name));
    }
}

void apply_flags(Builder& builder, const ConfigFlags& flags) {
    for (const auto& [flag, value] : flags) {
        const Setting* setting = nullptr;
        for (const Setting& candidate : kSettings) {
            if (flag_name(candidate.key) == flag) setting = &candidate;
        }
        const std::string where = "option '--" + flag + "'";
        if (setting == nullptr) throw ConfigError(where + ": unknown setting");
        builder.apply(*setting, Raw{nullptr, value}, where);
    }
}

void check_readable_file(const std::string& where, const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        fail(where, "'" + file.string() + "' is not a readable file" +
                        (ec ? " (" + ec.message() + ")" : std::string()));
    }
    if (::access(file.c_str(), R_OK) != 0) {
        fail(where, "'" + file.string() + "' cannot be read: " + std::strerror(errno));
    }
}

// A verify-only node refuses what it would silently ignore: a store URL or key setting given to
// it is a deployment mistake, and saying so at start beats a node that quietly does otherwise.
void check_node_kind(const Builder& builder) {
    const bool verify_only = builder.config.trust_issuer.has_value();
    for (const auto& [key, where] : builder.origins) {
        const Applies applies = find_setting(key)->applies;
        if (verify_only && applies == Applies::issuing_node) {
            fail(where, key +
                            " does not apply to a verify-only node (trust_issuer is set): it "
                            "keeps no data and issues no tokens; remove the setting");
        }
        if (!verify_only && applies == Applies::verify_only_node) {
            fail(where, key + " applies only to a verify-only node; set trust_issuer too");
        }
    }
    if (builder.config.trust_issuer_ca_file) {
        check_readable_file(builder.where("trust_issuer_ca_file"),
                            *builder.config.trust_issuer_ca_file);
    }
}

// The checks that involve more than one setting, once every source has been applied.
void validate(const Builder& builder) {
    const ServerConfig& config = builder.config;
    check_node_kind(builder);

    if (config.refresh_token_ttl < config.access_token_ttl) {
        const std::string key =
            builder.given("refresh_token_ttl") ? "refresh_token_ttl" : "access_token_ttl";
        fail(builder.where(key), "refresh_token_ttl (" +
                                     std::to_string(config.refresh_token_ttl.count()) +
                                     " s) must be at least access_token_ttl (" +
                                     std::to_string(config.access_token_ttl.count()) + " s)");
    }
    // Each token of a family expires by the family's end, so a lifetime below the token's own
    // would silently shorten refresh_token_ttl.
    if (config.refresh_family_max_lifetime < config.refresh_token_ttl) {
        const std::string key = builder.given("refresh_family_max_lifetime")
                                    ? "refresh_family_max_lifetime"
                                    : "refresh_token_ttl";
        fail(builder.where(key), "refresh_family_max_lifetime (" +
                                     std::to_string(config.refresh_family_max_lifetime.count()) +
                                     " s) must be at least refresh_token_ttl (" +
                                     std::to_string(config.refresh_token_ttl.count()) + " s)");
    }

    // TLS needs both the certificate chain and its private key.
    if (config.tls_cert.has_value() != config.tls_key.has_value()) {
        if (config.tls_cert) {
            fail(builder.where("tls_cert"), "tls_cert needs tls_key too (both or neither)");
        }
        fail(builder.where("tls_key"), "tls_key needs tls_cert too (both or neither)");
    }
    if (config.tls_cert) check_readable_file(builder.where("tls_cert"), *config.tls_cert);
    if (config.tls_key) check_readable_file(builder.where("tls_key"), *config.tls_key);

    // RFC 7518 §3.2: an HMAC key at least as long as the hash output.
    if (config.hmac_secret) {
        const std::string where = builder.where("hmac_secret");
        if (!is_hmac(config.signing_alg)) {
            fail(where, "hmac_secret applies to signing_alg HS256, HS384 or HS512 only, not " +
                            std::string(to_string(config.signing_alg)));
        }
        const std::size_t needed = min_hmac_key_bytes(config.signing_alg);
        if (config.hmac_secret->size() < needed) {
            fail(where, "weak HMAC secret: " + std::string(to_string(config.signing_alg)) +
                            " needs at least " + std::to_string(needed) + " bytes, got " +
                            std::to_string(config.hmac_secret->size()) + " (RFC 7518 §3.2)");
        }
    }
}

}  // namespace

StoreSettings store_settings(const ServerConfig& config) {
    StoreSettings settings;
    settings.data_dir = config.data_dir;
    settings.database_url = config.database_url;
    settings.redis_url = config.redis_url;
    settings.database_pool_size = config.database_pool_size;
    return settings;
}

ServerConfig load_config(const std::optional<std::filesystem::path>& config_file,
                         const std::vector<std::string>& environment, const ConfigFlags& flags) {
    Builder builder;
    if (config_file) apply_file(builder, *config_file);
    apply_environment(builder, environment);
    apply_flags(builder, flags);
    validate(builder);
    return std::move(builder.config);
}

std::vector<std::string_view> setting_names() {
    std::vector<std::string_view> names;
    names.reserve(kSettings.size());
    for (const Setting& setting : kSettings)
        names.push_back(setting.key);
    return names;
}

}  // namespace signet::server
