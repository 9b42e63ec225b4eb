// OAuth scopes: space-delimited, case-sensitive strings (RFC 6749 §3.3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace signet::server {

// The scopes of a scope string, without empty entries.
std::vector<std::string_view> split_scopes(std::string_view scopes);
// `scopes` lists `scope`.
bool has_scope(std::string_view scopes, std::string_view scope);
// Every scope of `requested` is in `granted`.
bool scopes_within(std::string_view requested, std::string_view granted);
// The scopes of `requested` that `supported` lists, in request order, without repeats.
std::string supported_scopes(std::string_view requested, const std::vector<std::string>& supported);

}  // namespace signet::server
