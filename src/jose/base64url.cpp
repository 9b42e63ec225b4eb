// Strict base64url (RFC 4648 §5 without padding, RFC 7515 §2).
#include "signet/base64url.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "base64url_blocks.hpp"

namespace signet {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table)
        v = -1;
    for (int i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}
constexpr auto kDecode = make_decode_table();

// The same values pre-shifted into their place in a 24-bit group, one table per position, with
// bit 31 set for characters outside the alphabet: four loads and three ORs decode four chars.
constexpr std::array<std::uint32_t, 256> make_shifted_table(int shift) {
    std::array<std::uint32_t, 256> table{};
    for (std::size_t c = 0; c < 256; ++c) {
        table[c] = kDecode[c] < 0 ? 0x80000000u : static_cast<std::uint32_t>(kDecode[c]) << shift;
    }
    return table;
}
constexpr auto kDecode0 = make_shifted_table(18);
constexpr auto kDecode1 = make_shifted_table(12);
constexpr auto kDecode2 = make_shifted_table(6);
constexpr auto kDecode3 = make_shifted_table(0);

// Two output characters per 12 input bits: half the lookups of one character per 6 bits.
constexpr std::array<std::array<char, 2>, 4096> make_pair_table() {
    std::array<std::array<char, 2>, 4096> table{};
    for (std::size_t v = 0; v < 4096; ++v)
        table[v] = {kAlphabet[v >> 6], kAlphabet[v & 63]};
    return table;
}
constexpr auto kEncodePairs = make_pair_table();

}  // namespace

void base64url_encode_append(std::string_view bytes, std::string& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    const std::size_t start = out.size();
    out.resize(start + (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1));
    char* o = out.data() + start;
    std::size_t i = detail::encode_base64url_blocks(p, n, o);
    o += i / 3 * 4;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t v =
            (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        std::memcpy(o, kEncodePairs[v >> 12].data(), 2);
        std::memcpy(o + 2, kEncodePairs[v & 0xfff].data(), 2);
        o += 4;
    }
    if (n - i == 1) {
        const std::uint32_t v = std::uint32_t{p[i]} << 16;
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
    }
}

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    base64url_encode_append(bytes, out);
    return out;
}

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
    return base64url_encode(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool base64url_decode_into(std::string_view text, std::string& out) {
    out.resize(base64url_decoded_size(text.size()));
    return detail::base64url_decode_to(text, out.data());
}

bool detail::base64url_decode_to(std::string_view text, char* out) noexcept {
    const std::size_t n = text.size();
    // A single leftover character carries only 6 bits: never a whole octet.
    if (n % 4 == 1) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    char* o = out;
    std::size_t i = detail::decode_base64url_blocks(p, n, o);
    o += i / 4 * 3;
    std::uint32_t invalid = 0;
    // Eight characters to six bytes with one 8-byte store, while at least four more characters
    // follow (so the two bytes stored beyond the six are overwritten later, never past the end).
    for (; i + 12 <= n; i += 8) {
        const std::uint32_t a =
            kDecode0[p[i]] | kDecode1[p[i + 1]] | kDecode2[p[i + 2]] | kDecode3[p[i + 3]];
        const std::uint32_t b =
            kDecode0[p[i + 4]] | kDecode1[p[i + 5]] | kDecode2[p[i + 6]] | kDecode3[p[i + 7]];
        invalid |= a | b;
        // The 48 decoded bits at the top of a word, first byte most significant.
        std::uint64_t word = ((static_cast<std::uint64_t>(a) << 24) | (b & 0xffffffu)) << 16;
        if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap64(word);
        std::memcpy(o, &word, 8);
        o += 6;
    }
    for (; i + 4 <= n; i += 4) {
        const std::uint32_t v =
            kDecode0[p[i]] | kDecode1[p[i + 1]] | kDecode2[p[i + 2]] | kDecode3[p[i + 3]];
        invalid |= v;
        o[0] = static_cast<char>(v >> 16);
        o[1] = static_cast<char>(v >> 8);
        o[2] = static_cast<char>(v);
        o += 3;
    }
    if ((invalid & 0x80000000u) != 0) return false;
    const std::size_t rest = n - i;
    if (rest == 2) {
        const int a = kDecode[p[i]], b = kDecode[p[i + 1]];
        // Canonical form (RFC 4648 §3.5): the 4 unused low bits must be zero.
        if ((a | b) < 0 || (b & 0x0f) != 0) return false;
        *o++ = static_cast<char>((a << 2) | (b >> 4));
    } else if (rest == 3) {
        const int a = kDecode[p[i]], b = kDecode[p[i + 1]], c = kDecode[p[i + 2]];
        if ((a | b | c) < 0 || (c & 0x03) != 0) return false;  // 2 unused bits must be zero
        const std::uint32_t v =
            (std::uint32_t(a) << 12) | (std::uint32_t(b) << 6) | std::uint32_t(c);
        *o++ = static_cast<char>(v >> 10);
        *o++ = static_cast<char>(v >> 2);
    }
    return true;
}

Result<std::string> base64url_decode(std::string_view text) {
    std::string out;
    if (!base64url_decode_into(text, out)) {
        return Error(Errc::bad_base64, "not canonical unpadded base64url");
    }
    return out;
}

}  // namespace signet
