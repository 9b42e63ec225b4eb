// Vector kernels for base64url (AVX2 on x86-64; see vector_kernels.hpp for how they are chosen).
// Each converts a prefix of whole blocks and returns how much of the input it consumed; the
// portable code in base64url.cpp does the rest, including the canonical-form checks of the last
// block and the rejection of any character outside the alphabet (a kernel stops before such a
// block).
#pragma once

#include <cstddef>
#include <string_view>

namespace signet::detail {

// Decodes 32 characters to 24 bytes per block; returns the characters consumed (a multiple of
// 32). Writes exactly consumed / 4 * 3 bytes to `out`.
std::size_t decode_base64url_blocks(const unsigned char* in, std::size_t n, char* out) noexcept;

// Encodes 24 bytes to 32 characters per block, reading at most n bytes; returns the bytes
// consumed (a multiple of 24). Writes exactly consumed / 3 * 4 characters to `out`.
std::size_t encode_base64url_blocks(const unsigned char* in, std::size_t n, char* out) noexcept;

// base64url_decode_into for a buffer of base64url_decoded_size(text.size()) bytes the caller
// owns (defined in base64url.cpp, which the kernels serve).
bool base64url_decode_to(std::string_view text, char* out) noexcept;

}  // namespace signet::detail
