// The fast path for the JSON a verifier meets on every request: flat objects such as
// {"alg":"ES256","typ":"JWT","kid":"..."} and a typical claims set. Values are printable-ASCII
// strings without escapes, small integers, booleans, null, and (for claims) arrays of such
// strings. On any other input the functions decline (return false) and the caller runs the full
// strict parser, which then also reports the precise error; on input they accept, the result is
// exactly what the full parser would produce.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "signet/claims_view.hpp"
#include "signet/error.hpp"

namespace signet::detail {

// A three-character name (a registered header or claim name) as one integer, so that a switch
// or one comparison finds it. `k` must have at least three characters.
constexpr std::uint32_t three_letter_code(std::string_view k) noexcept {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(k[0])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(k[1])) << 8 |
           static_cast<unsigned char>(k[2]);
}

struct FlatHeader {
    std::string_view alg, kid, typ, cty;
    bool has_alg = false, has_kid = false, has_typ = false, has_cty = false;
    bool has_b64 = false, b64 = true;
    std::size_t members = 0;
};

// Reads the members a JWS header check needs, without building a document.
bool scan_flat_header(std::string_view json, FlatHeader& out) noexcept;

// Builds the object in `sp` (depth at most 2: arrays of strings). Needs max_depth >= 2.
bool parse_flat_object(std::string_view json, std::size_t max_depth, boost::json::storage_ptr sp,
                       boost::json::object& out);

// The object `text` holds, built in `sp`: by parse_flat_object when it has the flat shape, else by
// the strict parser, which also reports the precise error (`what` names the text in it).
Result<boost::json::object> parse_object(std::string_view text, std::size_t max_depth,
                                         std::string_view what, boost::json::storage_ptr sp);

// Indexes a flat object's members into `out` (at most out.size(), offsets relative to
// `json.data()`), without building a document: the ClaimsView fast path. Declines (false) on
// anything parse_flat_object would decline, on duplicates and on more members than `out` holds.
bool index_flat_object(std::string_view json, std::size_t max_depth,
                       std::span<ClaimsView::Member> out, std::size_t& count) noexcept;

}  // namespace signet::detail
