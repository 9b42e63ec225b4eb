// Strict JSON for JOSE: RFC 8259 text with no duplicate member names (RFC 7515 §5.2 step 4 and
// RFC 7519 §7.2 step 4 allow rejecting them; RFC 8725 §3.1 favours it), bounded nesting depth and
// valid UTF-8 (RFC 8259 §8.1). Boost.JSON's parser keeps the last duplicate silently, so we drive
// its basic_parser with a handler that tracks member names per object.
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>

#include "signet/error.hpp"

namespace signet::detail {

Result<boost::json::value> parse_json_strict(std::string_view text, std::size_t max_depth,
                                             boost::json::storage_ptr sp = {});

// As above, and the value must be an object. `what` names it in messages ("JWS header").
Result<boost::json::object> parse_json_object_strict(std::string_view text, std::size_t max_depth,
                                                     std::string_view what,
                                                     boost::json::storage_ptr sp = {});

}  // namespace signet::detail
