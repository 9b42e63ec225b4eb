// Small text rules of HTTP shared by the header readers.
#pragma once

#include <cstddef>
#include <string_view>

namespace signet::server::http {

// Without the optional whitespace (spaces and tabs) around a field value or list element
// (RFC 9110 §5.6.3).
inline std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// ASCII case-insensitive equality (RFC 9110 §5.1 field names, §7.1 schemes, tokens). Not
// Beast's iequals: in Boost 1.81 it reads one byte past the end when the strings differ only in
// the case of their last character.
inline bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
        };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace signet::server::http
