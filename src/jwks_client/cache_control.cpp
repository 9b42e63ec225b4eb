#include "cache_control.hpp"

#include <charconv>
#include <cstdint>

namespace signet::jwks_client {
namespace {

// Not Beast's iequals: in Boost 1.81 it reads one byte past the end when the strings differ only
// in the case of their last character (found by fuzz_jwks_documents).
bool iequals_ascii(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// delta-seconds (RFC 9111 §1.2.2): digits; values beyond any sane range saturate.
std::optional<std::int64_t> delta_seconds(std::string_view s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    if (s.empty()) return std::nullopt;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    if (s.size() > 10) return std::int64_t{2147483648};
    std::int64_t value = 0;
    std::from_chars(s.data(), s.data() + s.size(), value);
    return value;
}

}  // namespace

std::optional<std::chrono::seconds> stated_lifetime(std::string_view cache_control,
                                                    std::string_view age) {
    std::optional<std::int64_t> max_age;
    bool revalidate = false;
    while (!cache_control.empty()) {
        const std::size_t comma = cache_control.find(',');
        std::string_view directive = trim(cache_control.substr(0, comma));
        cache_control =
            comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
        const std::size_t eq = directive.find('=');
        const std::string_view name = trim(directive.substr(0, eq));
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view() : trim(directive.substr(eq + 1));
        if (iequals_ascii(name, "no-store") || iequals_ascii(name, "no-cache")) {
            revalidate = true;
        } else if (iequals_ascii(name, "max-age")) {
            // §4.2.1: an invalid or repeated max-age makes the response stale.
            const auto parsed = delta_seconds(value);
            if (!parsed || max_age) revalidate = true;
            max_age = parsed;
        }
    }
    if (revalidate) return std::chrono::seconds(0);
    if (!max_age) return std::nullopt;
    const std::int64_t used = delta_seconds(trim(age)).value_or(0);
    return std::chrono::seconds(*max_age > used ? *max_age - used : 0);
}

}  // namespace signet::jwks_client
