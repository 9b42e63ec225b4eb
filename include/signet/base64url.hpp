// Strict base64url without padding (RFC 4648 §5, as profiled by RFC 7515 §2): no '=', no '+' or
// '/', no whitespace, and the unused low bits of the last character must be zero (canonical).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "signet/error.hpp"

namespace signet {

std::string base64url_encode(std::string_view bytes);
std::string base64url_encode(std::span<const std::uint8_t> bytes);
// Appends the encoding of `bytes` to `out`.
void base64url_encode_append(std::string_view bytes, std::string& out);

// Upper bound of the decoded size of `encoded_size` characters.
constexpr std::size_t base64url_decoded_size(std::size_t encoded_size) noexcept {
    return encoded_size / 4 * 3 + (encoded_size % 4 == 0 ? 0 : encoded_size % 4 - 1);
}

Result<std::string> base64url_decode(std::string_view text);
// Replaces the contents of `out` with the decoding; false (out unspecified) when `text` is not
// strict canonical base64url. Reuses `out`'s capacity, so hot paths can decode without allocating.
bool base64url_decode_into(std::string_view text, std::string& out);

}  // namespace signet
