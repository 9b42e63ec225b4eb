// Fuzz target for strict base64url (RFC 4648 §5 without padding, RFC 7515 §2): the table-driven
// decoder must accept exactly the canonical strings a bit-by-bit reference accepts, decode them to
// the same bytes, and encode(decode(s)) == s and decode(encode(x)) == x must hold. The vector
// kernels and the portable code must agree on every input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "jose/base64url_blocks.hpp"
#include "jose/vector_kernels.hpp"
#include "signet/base64url.hpp"

namespace {

using namespace signet;
using namespace signet::fuzz;

int reference_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// Six bits per character into an accumulator; a canonical string leaves fewer than 8 bits over,
// all zero (RFC 4648 §3.5), so a lone trailing character (6 bits, no whole octet) is refused.
std::optional<std::string> reference_decode(std::string_view text) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = reference_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
        acc &= (1u << bits) - 1;
    }
    if (bits >= 6 || acc != 0) return std::nullopt;
    return out;
}

bool in_alphabet(std::string_view text) {
    for (char c : text) {
        if (reference_value(c) < 0) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = as_text(data, size);

    // Decoding arbitrary text.
    const auto decoded = base64url_decode(input);
    check_error(decoded);
    const auto expected = reference_decode(input);
    FUZZ_CHECK(decoded.ok() == expected.has_value());
    std::string reused = "stale bytes that a successful decode must replace entirely";
    FUZZ_CHECK(base64url_decode_into(input, reused) == decoded.ok());
    if (decoded) {
        FUZZ_CHECK(*decoded == *expected);
        FUZZ_CHECK(reused == *decoded);
        FUZZ_CHECK(decoded->size() == base64url_decoded_size(input.size()));
        FUZZ_CHECK(base64url_encode(*decoded) == input);  // only the canonical form decodes
    } else {
        FUZZ_CHECK(decoded.code() == Errc::bad_base64);
    }

    // Encoding arbitrary bytes.
    const std::string encoded = base64url_encode(input);
    FUZZ_CHECK(encoded.size() == size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1));
    FUZZ_CHECK(in_alphabet(encoded));
    FUZZ_CHECK(base64url_decoded_size(encoded.size()) == size);
    FUZZ_CHECK(base64url_encode(std::span<const std::uint8_t>(data, size)) == encoded);
    std::string appended = "prefix.";
    base64url_encode_append(input, appended);
    FUZZ_CHECK(appended == "prefix." + encoded);
    const auto round_trip = base64url_decode(encoded);
    FUZZ_CHECK(round_trip.ok() && *round_trip == input);

    // The same through the portable code alone.
    if (detail::vector_kernels_enabled()) {
        detail::set_vector_kernels_enabled(false);
        std::string portable;
        const bool portable_ok = base64url_decode_into(input, portable);
        const std::string portable_encoded = base64url_encode(input);
        detail::set_vector_kernels_enabled(true);
        FUZZ_CHECK(portable_ok == decoded.ok());
        if (decoded) FUZZ_CHECK(portable == *decoded);
        FUZZ_CHECK(portable_encoded == encoded);
    }
    return 0;
}
