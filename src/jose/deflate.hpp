// Raw DEFLATE (RFC 1951) for the JWE "zip": "DEF" option (RFC 7516 §4.1.3), with a hard cap on
// the inflated size so that a small token cannot expand into a memory bomb.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "signet/error.hpp"

namespace signet::detail {

Result<std::string> deflate_raw(std::string_view data);
// Fails with decompressed_too_large as soon as the output would pass max_size bytes.
Result<std::string> inflate_raw(std::string_view data, std::size_t max_size);

}  // namespace signet::detail
