// AVX2 base64url kernels (RFC 4648 §5 alphabet). The decoder validates and translates 32
// characters at a time through 16-entry tables indexed by each character's nibbles; the bit
// packing and unpacking use the multiply-add formulation (W. Muła and D. Lemire, "Faster Base64
// Encoding and Decoding Using AVX2 Instructions", ACM TOW 2018), written here for the url-safe
// alphabet.
#include "base64url_blocks.hpp"

#include "vector_kernels.hpp"

#if SIGNET_AVX2_KERNELS
#include <immintrin.h>
#endif

namespace signet::detail {
namespace {

#if SIGNET_AVX2_KERNELS

__attribute__((target("avx2"))) std::size_t decode_avx2(const unsigned char* in, std::size_t n,
                                                        char* out) noexcept {
    // A character is split into its high and low nibble. For each low nibble, a bit set of the
    // high nibbles that make an alphabet character with it: 0 '0' 'P' 'p'; 1-9 digits and
    // letters; A 'J' 'Z' 'j' 'z'; B, C, E letters only; D '-' 'M' 'm'; F 'O' '_' 'o'. Bytes at or
    // above 0x80 (high nibble 8-15) map to no bit at all.
    const __m256i valid_high = _mm256_setr_epi8(
        char(0xa8), char(0xf8), char(0xf8), char(0xf8), char(0xf8), char(0xf8), char(0xf8),
        char(0xf8), char(0xf8), char(0xf8), char(0xf0), 0x50, 0x50, 0x54, 0x50, 0x70, char(0xa8),
        char(0xf8), char(0xf8), char(0xf8), char(0xf8), char(0xf8), char(0xf8), char(0xf8),
        char(0xf8), char(0xf8), char(0xf0), 0x50, 0x50, 0x54, 0x50, 0x70);
    const __m256i high_bit =
        _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, char(0x80), 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16,
                         32, 64, char(0x80), 0, 0, 0, 0, 0, 0, 0, 0);
    // What a character adds to its code to give its 6-bit value, by high nibble: '-' 62, digits
    // 52.., 'A'.. 0.., 'a'.. 26..; '_' (high nibble 5, with 'P'..'Z') is corrected on its own.
    const __m256i shift = _mm256_setr_epi8(0, 0, 62 - '-', 52 - '0', -'A', -'A', 26 - 'a', 26 - 'a',
                                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 62 - '-', 52 - '0', -'A',
                                           -'A', 26 - 'a', 26 - 'a', 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i underscore = _mm256_set1_epi8('_');
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
        const __m256i high = _mm256_and_si256(_mm256_srli_epi16(c, 4), nibble);
        const __m256i low = _mm256_and_si256(c, nibble);
        const __m256i fit = _mm256_and_si256(_mm256_shuffle_epi8(valid_high, low),
                                             _mm256_shuffle_epi8(high_bit, high));
        if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(fit, _mm256_setzero_si256())) != 0) {
            break;  // a character outside the alphabet: the portable code reports it
        }
        const __m256i is_underscore = _mm256_cmpeq_epi8(c, underscore);
        const __m256i values =
            _mm256_add_epi8(_mm256_add_epi8(c, _mm256_shuffle_epi8(shift, high)),
                            _mm256_and_si256(is_underscore, _mm256_set1_epi8((63 - '_') - -'A')));
        // Pairs of 6-bit values into 12 bits per 16-bit word, then pairs of words into 24 bits
        // per 32-bit word: (v0 << 18) | (v1 << 12) | (v2 << 6) | v3.
        const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
        const __m256i groups = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        // Each group's three bytes, most significant first, packed to the front of its lane...
        const __m256i packed = _mm256_shuffle_epi8(
            groups, _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1,
                                     0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
        // ...and the two lanes' 12 bytes made contiguous.
        const __m256i bytes =
            _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
        char* o = out + i / 4 * 3;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm256_castsi256_si128(bytes));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(o + 16), _mm256_extracti128_si256(bytes, 1));
    }
    return i;
}

__attribute__((target("avx2"))) std::size_t encode_avx2(const unsigned char* in, std::size_t n,
                                                        char* out) noexcept {
    std::size_t i = 0;
    // Each lane takes 12 input bytes; the two 16-byte loads read 28 bytes in all.
    for (; i + 28 <= n; i += 24) {
        const __m256i loaded = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 12)), 1);
        // Bytes a, b, c of each group placed as b, a, c, b: the low 16-bit word is then a:b and
        // the high one b:c, and each 6-bit field sits at a fixed place in its word.
        const __m256i spread = _mm256_shuffle_epi8(
            loaded, _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10, 1, 0, 2, 1,
                                     4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
        // First and third fields shifted down (a high multiply by 2^6 and 2^10 is >> 10 and >> 6),
        // second and fourth shifted up (by 4 and 8) into bytes 1 and 3 of the word.
        const __m256i down = _mm256_mulhi_epu16(
            _mm256_and_si256(spread, _mm256_set1_epi32(0x0fc0fc00)), _mm256_set1_epi32(0x04000040));
        const __m256i up = _mm256_mullo_epi16(
            _mm256_and_si256(spread, _mm256_set1_epi32(0x003f03f0)), _mm256_set1_epi32(0x01000010));
        const __m256i values = _mm256_or_si256(down, up);
        // 6-bit values to characters: 0..25 'A'.., 26..51 'a'.., 52..61 '0'.., 62 '-', 63 '_'.
        // Index 13 for 0..25, 0 for 26..51, 1..12 for 52..63, into a table of what to add.
        const __m256i below26 = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), values);
        const __m256i index = _mm256_or_si256(_mm256_subs_epu8(values, _mm256_set1_epi8(51)),
                                              _mm256_and_si256(below26, _mm256_set1_epi8(13)));
        const __m256i add = _mm256_shuffle_epi8(
            _mm256_setr_epi8('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                             '0' - 52, '0' - 52, '0' - 52, '0' - 52, '-' - 62, '_' - 63, 'A', 0, 0,
                             'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                             '0' - 52, '0' - 52, '0' - 52, '0' - 52, '-' - 62, '_' - 63, 'A', 0, 0),
            index);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 3 * 4),
                            _mm256_add_epi8(values, add));
    }
    return i;
}

#endif

}  // namespace

std::size_t decode_base64url_blocks(const unsigned char* in, std::size_t n, char* out) noexcept {
#if SIGNET_AVX2_KERNELS
    if (n >= 32 && vector_kernels_enabled()) return decode_avx2(in, n, out);
#else
    (void)in, (void)n, (void)out;
#endif
    return 0;
}

std::size_t encode_base64url_blocks(const unsigned char* in, std::size_t n, char* out) noexcept {
#if SIGNET_AVX2_KERNELS
    if (n >= 28 && vector_kernels_enabled()) return encode_avx2(in, n, out);
#else
    (void)in, (void)n, (void)out;
#endif
    return 0;
}

}  // namespace signet::detail
