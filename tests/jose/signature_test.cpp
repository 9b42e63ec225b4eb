// The raw JWS signature primitive (RFC 7518 §3): every algorithm signs and verifies; ECDSA takes
// only raw R||S of the exact length with r and s in [1, n-1] (RFC 7518 §3.4, CVE-2022-21449);
// RSA, EdDSA and HMAC signatures of the wrong length are refused; the key binding is enforced.
#include <gtest/gtest.h>

#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::public_of;
using testing::test_key;

constexpr std::string_view kData = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";

std::string hex(std::string_view h) {
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

struct EcCase {
    Algorithm alg;
    std::size_t size;       // bytes of r and of s
    std::string order_hex;  // the group order n (SEC 2 §2.4.2, §2.5.1, §2.6.1; FIPS 186-4 D.1.2)
};

const EcCase kEcCases[] = {
    {Algorithm::ES256, 32, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"},
    {Algorithm::ES384, 48,
     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52"
     "973"},
    {Algorithm::ES512, 66,
     "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F"
     "709A5D03BB5C9B8899C47AEBB6FB71E91386409"},
    {Algorithm::ES256K, 32, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"},
};

// DER INTEGER of an unsigned big-endian value (X.690 §8.3).
std::string der_integer(std::string_view v) {
    while (v.size() > 1 && v[0] == '\0')
        v.remove_prefix(1);
    std::string body(v);
    if ((static_cast<unsigned char>(body[0]) & 0x80) != 0) body.insert(body.begin(), '\0');
    return std::string{'\x02', static_cast<char>(body.size())} + body;
}

// The ECDSA-Sig-Value DER form (RFC 3279 §2.2.3) of a raw R||S signature.
std::string to_der(std::string_view raw) {
    const std::string body =
        der_integer(raw.substr(0, raw.size() / 2)) + der_integer(raw.substr(raw.size() / 2));
    std::string out{'\x30'};
    if (body.size() >= 0x80) out.push_back('\x81');
    out.push_back(static_cast<char>(body.size()));
    return out + body;
}

TEST(Signature, EveryAlgorithmSignsAndVerifies) {
    for (Algorithm alg : all_algorithms()) {
        const Jwk& key = test_key(alg);
        auto sig = sign_bytes(alg, key, kData);
        ASSERT_TRUE(sig) << to_string(alg) << ": " << sig.error().to_string();
        EXPECT_TRUE(verify_bytes(alg, public_of(key), kData, *sig)) << to_string(alg);
        // Other data, or a flipped signature bit, does not verify.
        EXPECT_EQ(verify_bytes(alg, public_of(key), "other data", *sig).code(), Errc::bad_signature)
            << to_string(alg);
        std::string flipped = *sig;
        flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
        EXPECT_EQ(verify_bytes(alg, public_of(key), kData, flipped).code(), Errc::bad_signature)
            << to_string(alg);
    }
}

TEST(Signature, SignatureFromAnotherKeyDoesNotVerify) {
    for (Algorithm alg : all_algorithms()) {
        if (key_type_for(alg) == KeyType::RSA) continue;  // covered below with the RS/PS pair
        auto other = Jwk::generate(alg);
        ASSERT_TRUE(other);
        auto sig = sign_bytes(alg, *other, kData);
        ASSERT_TRUE(sig);
        EXPECT_EQ(verify_bytes(alg, test_key(alg), kData, *sig).code(), Errc::bad_signature)
            << to_string(alg);
    }
    auto sig = sign_bytes(Algorithm::RS256, test_key(Algorithm::RS256), kData);
    ASSERT_TRUE(sig);
    EXPECT_EQ(verify_bytes(Algorithm::RS256, test_key(Algorithm::RS384).with_alg(Algorithm::RS256),
                           kData, *sig)
                  .code(),
              Errc::bad_signature);
}

TEST(Signature, EcdsaSignaturesAreRawRAndSOfTheOrderSize) {
    for (const auto& c : kEcCases) {
        auto sig = sign_bytes(c.alg, test_key(c.alg), kData);
        ASSERT_TRUE(sig) << to_string(c.alg);
        EXPECT_EQ(sig->size(), 2 * c.size) << to_string(c.alg);
    }
}

// About one signature in 128 has an r or s with a leading zero byte, which DER shortens; the
// JOSE form pads it back to the order size. Many signatures cover those cases on every curve.
TEST(Signature, EcdsaSignaturesOfEverySizeRoundTrip) {
    for (const EcCase& c : kEcCases) {
        const Jwk& key = test_key(c.alg);
        std::size_t short_values = 0;
        // Until two short values were seen (about 256 signatures on the 256-bit curves).
        for (int i = 0; i < 5000 && short_values < 2; ++i) {
            const std::string data = "message " + std::to_string(i);
            auto sig = sign_bytes(c.alg, key, data);
            ASSERT_TRUE(sig) << to_string(c.alg);
            ASSERT_EQ(sig->size(), 2 * c.size);
            short_values += (*sig)[0] == '\0' || (*sig)[c.size] == '\0';
            ASSERT_TRUE(verify_bytes(c.alg, key, data, *sig)) << to_string(c.alg) << " " << i;
        }
        // P-521's order starts with 0x01, so its r and s nearly always have a zero first byte.
        EXPECT_EQ(short_values, 2u) << to_string(c.alg);
    }
}

TEST(Signature, EcdsaRejectsWrongLength) {
    for (const auto& c : kEcCases) {
        const Jwk& key = test_key(c.alg);
        const std::string sig = sign_bytes(c.alg, key, kData).value();
        EXPECT_EQ(verify_bytes(c.alg, key, kData, sig.substr(0, sig.size() - 1)).code(),
                  Errc::bad_signature)
            << to_string(c.alg);
        EXPECT_EQ(verify_bytes(c.alg, key, kData, sig + std::string(1, '\0')).code(),
                  Errc::bad_signature)
            << to_string(c.alg);
        EXPECT_EQ(verify_bytes(c.alg, key, kData, std::string(1, '\0') + sig).code(),
                  Errc::bad_signature)
            << to_string(c.alg);
        EXPECT_EQ(verify_bytes(c.alg, key, kData, "").code(), Errc::bad_signature);
    }
}

TEST(Signature, EcdsaRejectsDerEncodedSignature) {
    for (const auto& c : kEcCases) {
        const Jwk& key = test_key(c.alg);
        const std::string sig = sign_bytes(c.alg, key, kData).value();
        const std::string der = to_der(sig);
        ASSERT_NE(der.size(), sig.size());
        EXPECT_EQ(verify_bytes(c.alg, key, kData, der).code(), Errc::bad_signature)
            << to_string(c.alg);
    }
}

TEST(Signature, EcdsaRejectsRAndSOutsideOneToOrderMinusOne) {
    for (const auto& c : kEcCases) {
        const std::string n = hex(c.order_hex);
        ASSERT_EQ(n.size(), c.size) << to_string(c.alg);
        const Jwk& key = test_key(c.alg);
        const std::string sig = sign_bytes(c.alg, key, kData).value();
        const std::string r = sig.substr(0, c.size);
        const std::string s = sig.substr(c.size);
        const std::string zero(c.size, '\0');
        ASSERT_TRUE(verify_bytes(c.alg, key, kData, r + s));
        const std::pair<const char*, std::string> bad[] = {
            {"r=0", zero + s},
            {"s=0", r + zero},
            {"r=s=0 (CVE-2022-21449)", zero + zero},
            {"r=n", n + s},
            {"s=n", r + n},
            {"r=s=n", n + n},
            {"r=0xff..", std::string(c.size, '\xff') + s},
        };
        for (const auto& [what, candidate] : bad) {
            EXPECT_EQ(verify_bytes(c.alg, key, kData, candidate).code(), Errc::bad_signature)
                << to_string(c.alg) << " " << what;
        }
    }
}

TEST(Signature, EcdsaPsychicSignatureIsRejectedForEveryMessage) {
    // CVE-2022-21449: r = s = 0 "verifies" anything in a broken implementation.
    for (const auto& c : kEcCases) {
        const std::string zeros(2 * c.size, '\0');
        for (std::string_view data : {std::string_view(""), kData, std::string_view("x")}) {
            EXPECT_EQ(verify_bytes(c.alg, test_key(c.alg), data, zeros).code(), Errc::bad_signature)
                << to_string(c.alg);
        }
    }
}

TEST(Signature, RsaRejectsWrongLength) {
    for (Algorithm alg : {Algorithm::RS256, Algorithm::PS256}) {
        const Jwk& key = test_key(alg);
        const std::string sig = sign_bytes(alg, key, kData).value();
        ASSERT_EQ(sig.size(), 256u);
        // A leading zero octet leaves the integer unchanged but the length wrong (RFC 8017 §8.2.2).
        EXPECT_EQ(verify_bytes(alg, key, kData, std::string(1, '\0') + sig).code(),
                  Errc::bad_signature)
            << to_string(alg);
        EXPECT_EQ(verify_bytes(alg, key, kData, sig.substr(1)).code(), Errc::bad_signature);
        EXPECT_EQ(verify_bytes(alg, key, kData, sig.substr(0, 255)).code(), Errc::bad_signature);
        EXPECT_EQ(verify_bytes(alg, key, kData, "").code(), Errc::bad_signature);
    }
}

TEST(Signature, RsaRejectsSignatureWithLeadingZeroOctetStripped) {
    // A signature whose integer value fits in fewer octets must still be sent at full length
    // (RFC 8017 §8.2.2 step 1); the shortened form would otherwise decode to the same integer.
    const Jwk& key = test_key(Algorithm::RS256);
    std::string data, sig;
    for (int i = 0; i < 5000; ++i) {
        data = "message " + std::to_string(i);
        sig = sign_bytes(Algorithm::RS256, key, data).value();
        if (sig[0] == '\0') break;
    }
    ASSERT_EQ(sig[0], '\0') << "no signature with a leading zero octet found";
    EXPECT_TRUE(verify_bytes(Algorithm::RS256, key, data, sig));
    EXPECT_EQ(verify_bytes(Algorithm::RS256, key, data, sig.substr(1)).code(), Errc::bad_signature);
}

TEST(Signature, RsaPssAndPkcs1AreNotInterchangeable) {
    json::object unbound = test_key(Algorithm::RS256).to_json(true);
    unbound.erase("alg");
    const Jwk key = Jwk::parse(json::serialize(unbound)).value();
    const std::string pkcs1 = sign_bytes(Algorithm::RS256, key, kData).value();
    const std::string pss = sign_bytes(Algorithm::PS256, key, kData).value();
    EXPECT_TRUE(verify_bytes(Algorithm::RS256, key, kData, pkcs1));
    EXPECT_TRUE(verify_bytes(Algorithm::PS256, key, kData, pss));
    EXPECT_EQ(verify_bytes(Algorithm::PS256, key, kData, pkcs1).code(), Errc::bad_signature);
    EXPECT_EQ(verify_bytes(Algorithm::RS256, key, kData, pss).code(), Errc::bad_signature);
    EXPECT_EQ(verify_bytes(Algorithm::RS384, key, kData, pkcs1).code(), Errc::bad_signature);
}

TEST(Signature, EdDsaRejectsWrongLength) {
    const Jwk& ed25519 = test_key(Algorithm::EdDSA);
    const std::string sig = sign_bytes(Algorithm::EdDSA, ed25519, kData).value();
    ASSERT_EQ(sig.size(), 64u);
    EXPECT_EQ(verify_bytes(Algorithm::EdDSA, ed25519, kData, sig.substr(0, 63)).code(),
              Errc::bad_signature);
    EXPECT_EQ(verify_bytes(Algorithm::EdDSA, ed25519, kData, sig + std::string(1, '\0')).code(),
              Errc::bad_signature);
    EXPECT_EQ(verify_bytes(Algorithm::EdDSA, ed25519, kData, "").code(), Errc::bad_signature);

    KeyGenOptions options;
    options.curve = Curve::Ed448;
    const Jwk ed448 = Jwk::generate(Algorithm::EdDSA, options).value();
    const std::string sig448 = sign_bytes(Algorithm::EdDSA, ed448, kData).value();
    ASSERT_EQ(sig448.size(), 114u);
    EXPECT_TRUE(verify_bytes(Algorithm::EdDSA, ed448, kData, sig448));
    EXPECT_EQ(verify_bytes(Algorithm::EdDSA, ed448, kData, sig448.substr(1)).code(),
              Errc::bad_signature);
    // An Ed25519-sized signature for an Ed448 key.
    EXPECT_EQ(verify_bytes(Algorithm::EdDSA, ed448, kData, sig).code(), Errc::bad_signature);
}

TEST(Signature, HmacRejectsTruncatedOrExtendedTag) {
    for (Algorithm alg : {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512}) {
        const Jwk& key = test_key(alg);
        const std::string tag = sign_bytes(alg, key, kData).value();
        ASSERT_EQ(tag.size(), min_hmac_key_bytes(alg));
        EXPECT_TRUE(verify_bytes(alg, key, kData, tag));
        EXPECT_EQ(verify_bytes(alg, key, kData, tag.substr(0, tag.size() / 2)).code(),
                  Errc::bad_signature)
            << to_string(alg);
        EXPECT_EQ(verify_bytes(alg, key, kData, tag.substr(0, tag.size() - 1)).code(),
                  Errc::bad_signature);
        EXPECT_EQ(verify_bytes(alg, key, kData, tag + tag).code(), Errc::bad_signature);
        EXPECT_EQ(verify_bytes(alg, key, kData, "").code(), Errc::bad_signature);
    }
}

TEST(Signature, HmacTagsMatchRfc4231) {
    // RFC 4231 §4.7 (test case 6): a 131-byte key, longer than the hash block.
    const std::string secret(131, '\xaa');
    const std::string data = "Test Using Larger Than Block-Size Key - Hash Key First";
    const std::pair<Algorithm, const char*> cases[] = {
        {Algorithm::HS256, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {Algorithm::HS384,
         "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df16"
         "3f44952"},
        {Algorithm::HS512,
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215"
         "d6a1e5295e64f73f63f0aec8b915a985d786598"},
    };
    for (const auto& [alg, expected] : cases) {
        const Jwk key = Jwk::from_secret(secret, alg).value();
        EXPECT_EQ(sign_bytes(alg, key, data).value(), hex(expected)) << to_string(alg);
        EXPECT_TRUE(verify_bytes(alg, key, data, hex(expected))) << to_string(alg);
    }
}

TEST(Signature, EnforcesTheKeyBinding) {
    // An ES256 key cannot verify RS256; a key bound to ES256 cannot do ES384.
    const std::string sig = sign_bytes(Algorithm::ES256, test_key(Algorithm::ES256), kData).value();
    EXPECT_EQ(verify_bytes(Algorithm::RS256, test_key(Algorithm::ES256), kData, sig).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(verify_bytes(Algorithm::ES384, test_key(Algorithm::ES256), kData, sig).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(sign_bytes(Algorithm::HS256, test_key(Algorithm::RS256), kData).code(),
              Errc::key_alg_mismatch);
    // A key bound to HS512 does not sign HS256, even though it is long enough.
    EXPECT_EQ(sign_bytes(Algorithm::HS256, test_key(Algorithm::HS512), kData).code(),
              Errc::key_alg_mismatch);
}

TEST(Signature, SigningNeedsAPrivateKey) {
    for (Algorithm alg :
         {Algorithm::RS256, Algorithm::PS512, Algorithm::ES256K, Algorithm::EdDSA}) {
        EXPECT_EQ(sign_bytes(alg, public_of(test_key(alg)), kData).code(), Errc::invalid_key)
            << to_string(alg);
    }
}

TEST(Signature, ConstantTimeEqualCompares) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "bbc"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_TRUE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
    EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace signet
