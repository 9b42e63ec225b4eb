// Small text rules of HTTP shared by the header readers.
#pragma once

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

}  // namespace signet::server::http
