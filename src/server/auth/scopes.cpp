// Scope strings.
#include "server/auth/scopes.hpp"

#include <algorithm>

namespace signet::server {

std::vector<std::string_view> split_scopes(std::string_view scopes) {
    std::vector<std::string_view> out;
    while (!scopes.empty()) {
        const std::size_t space = std::min(scopes.find(' '), scopes.size());
        if (space > 0) out.push_back(scopes.substr(0, space));
        scopes.remove_prefix(std::min(space + 1, scopes.size()));
    }
    return out;
}

bool has_scope(std::string_view scopes, std::string_view scope) {
    const std::vector<std::string_view> list = split_scopes(scopes);
    return std::find(list.begin(), list.end(), scope) != list.end();
}

bool scopes_within(std::string_view requested, std::string_view granted) {
    for (std::string_view scope : split_scopes(requested)) {
        if (!has_scope(granted, scope)) return false;
    }
    return true;
}

std::string supported_scopes(std::string_view requested,
                             const std::vector<std::string>& supported) {
    std::string out;
    for (std::string_view scope : split_scopes(requested)) {
        if (std::find(supported.begin(), supported.end(), scope) == supported.end()) continue;
        if (has_scope(out, scope)) continue;
        if (!out.empty()) out += ' ';
        out += scope;
    }
    return out;
}

}  // namespace signet::server
