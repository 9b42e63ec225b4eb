// Strict base64url (RFC 4648 §5 without padding, RFC 7515 §2): round trips against an independent
// bit-by-bit reference, and every non-canonical form rejected with bad_base64.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

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

TEST(Base64url, DecodedSizeBoundIsExactForCanonicalLengths) {
    EXPECT_EQ(base64url_decoded_size(0), 0u);
    EXPECT_EQ(base64url_decoded_size(2), 1u);
    EXPECT_EQ(base64url_decoded_size(3), 2u);
    EXPECT_EQ(base64url_decoded_size(4), 3u);
    EXPECT_EQ(base64url_decoded_size(6), 4u);
}

}  // namespace
}  // namespace signet
