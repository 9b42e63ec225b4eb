// Scope strings.
#include "server/auth/scopes.hpp"

#include <algorithm>

namespace signet::server {

namespace {

// Calls `visit` with each scope of `scopes` until it returns false; false then. No allocation:
// the access-token checks run this on the verify path.
template <typename Visit>
bool each_scope(std::string_view scopes, Visit&& visit) {
    while (!scopes.empty()) {
        const std::size_t space = std::min(scopes.find(' '), scopes.size());
        if (space > 0 && !visit(scopes.substr(0, space))) return false;
        scopes.remove_prefix(std::min(space + 1, scopes.size()));
    }
    return true;
}

}  // namespace

std::vector<std::string_view> split_scopes(std::string_view scopes) {
    std::vector<std::string_view> out;
    each_scope(scopes, [&](std::string_view scope) {
        out.push_back(scope);
        return true;
    });
    return out;
}

bool has_scope(std::string_view scopes, std::string_view scope) {
    return !each_scope(scopes, [&](std::string_view listed) { return listed != scope; });
}

bool scopes_within(std::string_view requested, std::string_view granted) {
    return each_scope(requested, [&](std::string_view scope) { return has_scope(granted, scope); });
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
