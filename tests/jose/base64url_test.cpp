// Strict base64url (RFC 4648 §5 without padding, RFC 7515 §2): round trips against an independent
// bit-by-bit reference, and every non-canonical form rejected with bad_base64.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "jose/base64url_blocks.hpp"
#include "jose/kernel_paths.hpp"
#include "signet/base64url.hpp"

namespace signet {
namespace {

// Reference encoder: walks the input bit by bit, six bits per output character (RFC 4648 §4/§5).
std::string reference_encode(const std::string& bytes) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::vector<int> bits;
    for (unsigned char c : bytes) {
        for (int i = 7; i >= 0; --i)
            bits.push_back((c >> i) & 1);
    }
    while (bits.size() % 6 != 0)
        bits.push_back(0);
    std::string out;
    for (std::size_t i = 0; i < bits.size(); i += 6) {
        int v = 0;
        for (std::size_t j = 0; j < 6; ++j)
            v = (v << 1) | bits[i + j];
        out.push_back(alphabet[v]);
    }
    return out;
}

std::string pattern(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s.push_back(static_cast<char>((i * 151 + 7) & 0xff));
    return s;
}

void expect_rejected(std::string_view text) {
    auto r = base64url_decode(text);
    EXPECT_EQ(r.code(), Errc::bad_base64) << "accepted \"" << text << "\"";
    std::string out;
    EXPECT_FALSE(base64url_decode_into(text, out)) << "accepted \"" << text << "\"";
}

TEST(Base64url, RoundTripsEveryLengthUpTo64AgainstReference) {
    for (std::size_t n = 0; n <= 64; ++n) {
        const std::string bytes = pattern(n);
        const std::string encoded = base64url_encode(bytes);
        EXPECT_EQ(encoded, reference_encode(bytes)) << "length " << n;
        auto decoded = base64url_decode(encoded);
        ASSERT_TRUE(decoded) << "length " << n << ": " << decoded.error().to_string();
        EXPECT_EQ(*decoded, bytes) << "length " << n;
        EXPECT_GE(base64url_decoded_size(encoded.size()), n);
    }
}

TEST(Base64url, RoundTripsAllByteValues) {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    const std::string encoded = base64url_encode(bytes);
    EXPECT_EQ(encoded, reference_encode(bytes));
    EXPECT_EQ(base64url_decode(encoded).value(), bytes);
}

TEST(Base64url, EncodesRfc4648TestVectorsWithoutPadding) {
    // RFC 4648 §10, padding removed (RFC 7515 §2).
    EXPECT_EQ(base64url_encode(std::string_view("")), "");
    EXPECT_EQ(base64url_encode(std::string_view("f")), "Zg");
    EXPECT_EQ(base64url_encode(std::string_view("fo")), "Zm8");
    EXPECT_EQ(base64url_encode(std::string_view("foo")), "Zm9v");
    EXPECT_EQ(base64url_encode(std::string_view("foob")), "Zm9vYg");
    EXPECT_EQ(base64url_encode(std::string_view("fooba")), "Zm9vYmE");
    EXPECT_EQ(base64url_encode(std::string_view("foobar")), "Zm9vYmFy");
}

TEST(Base64url, UsesUrlSafeAlphabet) {
    // 0xfb 0xff encodes to "+/8" in standard base64.
    EXPECT_EQ(base64url_encode(std::string_view("\xfb\xff")), "-_8");
    EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
}

TEST(Base64url, SpanOverloadAndAppendMatchStringOverload) {
    const std::vector<std::uint8_t> bytes{0x00, 0x10, 0x83, 0xff};
    EXPECT_EQ(base64url_encode(std::span<const std::uint8_t>(bytes)), "ABCD_w");
    std::string out = "prefix.";
    base64url_encode_append(std::string_view("foo"), out);
    EXPECT_EQ(out, "prefix.Zm9v");
}

TEST(Base64url, DecodeIntoReusesBufferAndReplacesContents) {
    std::string out = "old contents that are longer";
    ASSERT_TRUE(base64url_decode_into("Zm9v", out));
    EXPECT_EQ(out, "foo");
}

TEST(Base64url, RejectsPadding) {
    expect_rejected("Zg==");
    expect_rejected("Zm8=");
    expect_rejected("Zg=");
    expect_rejected("====");
}

TEST(Base64url, RejectsStandardAlphabetPlusAndSlash) {
    expect_rejected("+/8");
    expect_rejected("ab+d");
    expect_rejected("ab/d");
}

TEST(Base64url, RejectsWhitespaceAndNewlines) {
    expect_rejected("Zm9v Yg");
    expect_rejected(" Zm9v");
    expect_rejected("Zm9v\n");
    expect_rejected("Zm9v\r\nYmFy");
    expect_rejected("Zm9v\tYmFy");
}

TEST(Base64url, RejectsLengthOneModuloFour) {
    expect_rejected("A");
    expect_rejected("Zm9vY");
    expect_rejected("Zm9vYmFyZ");
}

TEST(Base64url, RejectsNonCanonicalFinalCharacter) {
    // "QQ" is 'A'; "QR" sets one of the four unused bits.
    EXPECT_EQ(base64url_decode("QQ").value(), "A");
    expect_rejected("QR");
    expect_rejected("QB");
    expect_rejected("Q_");
    // Three characters leave two unused bits: "QUI" is "AB", "QUJ" and "QUL" are not canonical.
    EXPECT_EQ(base64url_decode("QUI").value(), "AB");
    expect_rejected("QUJ");
    expect_rejected("QUL");
    // Same at the end of a longer input.
    EXPECT_EQ(base64url_decode("Zm9vYg").value(), "foob");
    expect_rejected("Zm9vYh");
}

TEST(Base64url, RejectsNonAsciiBytes) {
    expect_rejected("Zm9v\xc3\xa9");
    expect_rejected(
        "\x80"
        "AAA");
    expect_rejected("AAA\xff");
    expect_rejected(std::string_view("AA\0A", 4));
}

TEST(Base64url, RejectsInvalidCharacterInEveryPosition) {
    const std::string good = "Zm9vYmFy";
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = '*';
        expect_rejected(bad);
    }
}

// The vector kernels (where the CPU has them) and the portable code must agree byte for byte: each
// check below runs once with the kernels on and once with them off.
class Base64urlBothPaths : public testing::KernelPaths {};
INSTANTIATE_TEST_SUITE_P(Vectors, Base64urlBothPaths, ::testing::Bool(), testing::kernel_path_name);

TEST_P(Base64urlBothPaths, RoundTripsLengthsAcrossSeveralBlocksAgainstReference) {
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 200; ++n) {
        std::string bytes(n, '\0');
        for (char& c : bytes)
            c = static_cast<char>(rng());
        const std::string encoded = base64url_encode(bytes);
        ASSERT_EQ(encoded, reference_encode(bytes)) << "length " << n;
        std::string appended = "x.";
        base64url_encode_append(bytes, appended);
        EXPECT_EQ(appended, "x." + encoded) << "length " << n;
        std::string decoded = "stale";
        ASSERT_TRUE(base64url_decode_into(encoded, decoded)) << "length " << n;
        EXPECT_EQ(decoded, bytes) << "length " << n;
    }
}

TEST_P(Base64urlBothPaths, EveryCharacterValueDecodesInEveryBlockPosition) {
    // 64 characters cover the whole alphabet; rotated so that each value meets each lane.
    const std::string alphabet = reference_encode(std::string(
        "\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f\x41\x14\x93\x51\x55\x97\x61\x96"
        "\x9b\x71\xd7\x9f\x82\x18\xa3\x92\x59\xa7\xa2\x9a\xab\xb2\xdb\xaf\xc3\x1c\xb3\xd3"
        "\x5d\xb7\xe3\x9e\xbb\xf3\xdf\xbf",
        48));
    ASSERT_EQ(alphabet, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    for (std::size_t shift = 0; shift < 64; ++shift) {
        const std::string text = alphabet.substr(shift) + alphabet.substr(0, shift);
        auto decoded = base64url_decode(text);
        ASSERT_TRUE(decoded) << "rotation " << shift;
        EXPECT_EQ(base64url_encode(*decoded), text) << "rotation " << shift;
    }
}

TEST_P(Base64urlBothPaths, RejectsEveryByteOutsideTheAlphabetAtEveryPosition) {
    const std::string good = base64url_encode(pattern(72));  // 96 characters: three blocks
    ASSERT_EQ(good.size(), 96u);
    const std::string allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    for (int byte = 0; byte < 256; ++byte) {
        if (allowed.find(static_cast<char>(byte)) != std::string::npos) continue;
        for (std::size_t i = 0; i < good.size(); ++i) {
            std::string bad = good;
            bad[i] = static_cast<char>(byte);
            ASSERT_FALSE(base64url_decode_into(bad, out)) << "byte " << byte << " at " << i;
        }
    }
}

TEST(Base64urlKernels, ConsumeWholeBlocksOnlyAndStopBeforeABadBlock) {
    if (!detail::vector_kernels_enabled()) GTEST_SKIP() << "no vector kernels on this CPU";
    const std::string bytes = pattern(96);
    const std::string text = base64url_encode(bytes);  // 128 characters
    std::string out(96, '\0');
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());
    EXPECT_EQ(detail::decode_base64url_blocks(in, text.size(), out.data()), 128u);
    EXPECT_EQ(out, bytes);
    EXPECT_EQ(detail::decode_base64url_blocks(in, 63, out.data()), 32u);
    EXPECT_EQ(detail::decode_base64url_blocks(in, 31, out.data()), 0u);
    std::string bad = text;
    bad[70] = '=';
    EXPECT_EQ(detail::decode_base64url_blocks(reinterpret_cast<const unsigned char*>(bad.data()),
                                              bad.size(), out.data()),
              64u);
    std::string encoded(128, '\0');
    const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
    // A block reads 28 bytes, so 96 bytes give three blocks and 27 give none.
    EXPECT_EQ(detail::encode_base64url_blocks(raw, 96, encoded.data()), 72u);
    EXPECT_EQ(encoded.substr(0, 96), text.substr(0, 96));
    EXPECT_EQ(detail::encode_base64url_blocks(raw, 27, encoded.data()), 0u);
}

TEST(Base64url, DecodedSizeBoundIsExactForCanonicalLengths) {
    EXPECT_EQ(base64url_decoded_size(0), 0u);
    EXPECT_EQ(base64url_decoded_size(2), 1u);
    EXPECT_EQ(base64url_decoded_size(3), 2u);
    EXPECT_EQ(base64url_decoded_size(4), 3u);
    EXPECT_EQ(base64url_decoded_size(6), 4u);
}

}  // namespace
}  // namespace signet
