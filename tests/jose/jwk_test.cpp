// JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037 §2): parse and serialize every key type, reject
// malformed or weak key material with its exact code, bind keys to algorithms (check_usable),
// generate, PEM import/export, and the RFC 7638 thumbprint.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::read_vector;
using testing::test_key;
using testing::trim;

// RFC 8037 Appendix A.1 Ed25519 key and its RFC 7638 thumbprint (A.3).
constexpr const char* kRfc8037Ed25519 =
    R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",)"
    R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
constexpr const char* kRfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

// X25519 and X448 key pairs (generated once with OpenSSL; public halves derived from d).
constexpr const char* kX25519 =
    R"({"kty":"OKP","crv":"X25519","d":"gHS1AgWeyLIvgS14_pMRkJIDTgUZjxndQESeRi3dCEM",)"
    R"("x":"O3VqNWpaX3qS_t7rKpP29ZMKnGNDlnq-Yv34jIXpoEY"})";
constexpr const char* kX448 =
    R"({"kty":"OKP","crv":"X448",)"
    R"("d":"nHaN2GXCkplo5ltiOAOY4cZTYm9k9hMSrIY3k1JQ4x0WgfVG6cVB6_GUmtXFgM23yJj9VeUtrfc",)"
    R"("x":"8agNojYslNRRjlu786SoBR7aRvWmj7KX16DojxIIl9ck8LZ0T_KHZ-ofeCdcPURYSWZoa3RQW-E"})";

// The modulus of a real 1024-bit RSA key.
constexpr const char* kRsa1024Modulus =
    "orglphV8Lgs-53-AUOcE9TPc_3YfJMIWPaEDLa-4r_RU2BEX-QEi1qoiBFEULRyHNlNW3HdiHZVP_eCm0k54sxXHg9PYG"
    "ejAbOWJ5kK1KcTfLt8GcPkVRplxQf0MW6FGm-tBdaFO9G61aZ-X-P6cMbPeZJHCn4lwgfRGz9ZK7JE";

// A 2048-bit RSA key in the traditional PKCS#1 "RSA PRIVATE KEY" form, and its SPKI public key.
constexpr const char* kRsaTraditionalPem = R"(-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEA8U1le0wY7E6OI2z8TfYjoyAkNCG9VIJJpIUpU0YB0qdkx6ti
s5tOBBjeXObL0MaIji5aXRmmm8K0nXjAsHoB59seFpH2qeUrkgb4D52ajvDAFDXj
vR4FWIUqvi4OLecuNnSDj9M6bTUXTFImux8doc6qfKPeeEAEGWEssJpyQkXzGdBV
01AtyoLy8OG4wpc/1k2uUmaYfmPqoSvo+lI6HhEHI6088K65f+ICvLjGuZ0d2Hcu
FaIYzfxbQMBpkUuFDfhyCsc5Tbvwrz/Jg8Yp0hkwbOK89HqPGI33aN3OpMSXDc3y
wRtkK4gOjXkqY4uoB9eRVRp+J8tM+VQdKfBQOwIDAQABAoIBAFvB25okGMIbKQ+t
jM+0jl6khT/RqKYvGQPXoxxIXb8V6kvHDzRPFT6Xmk7ncI+GPz0ZwUDv1Rwb0QSk
e1lgO8NH3kwk2xBF1eikf8WoX7KFN/U3fM9YUB4WHWfOKZQo+bi5W6HgZ7JJYv+h
qZq0PVdfOBNHWPyPEz/3ZMAPKu2p4Lj+KePjLL4cIidjDEQiZ6vtvRxUJVMhA3cX
gCeCMw0HNPLA0jBErI6KyxYlsGYqg6NNoxhoseU9OLQXgbNS2+bSc1ljjQdxH/fW
MS6ewAX6Zqi+rgJk4cZXrGPLw+iuiKhuEb8AEZMDRw67ycosQu0whYLW5rgBTZ1A
QofZz6kCgYEA/ETD2+LxBEHcmYlpjSyXtA7AhbfadRwimVAtAzCx6A8p+xueuCE8
H04CR51GKjwfqU9yyJEp0aeVhojqNcNKaOcXrHWQq9JaW0MZ+F1D3LiOGi7hszln
1O1eiTLr13laQDQc82/inCRjIVfG5t6CltIvljqfswXfi5G+c3hqVzcCgYEA9N8b
TPnSXIX68LOwYn2IWKuq8CVDm6Fi3yWtVOzeEAOkKcqMLrIEutlH2J2dyoXH5Dgj
psxo+AWcXH8MZEg9qe+GwKIYhZ+kMkXm1hqK0hmho39QGO7ou05/VRw7SxntVyit
3MfRu36ikX9CTyDBUCTy1D/Q2bXIUcSiRPiIiR0CgYEAgb40JWEAqDnfZS/hE3R9
yWNU7PDz8As6WDN+Ewf2V+2En9tCtFyTeV47me1vasVlW0S7OiA+q89O/dRo8KGy
IWXJLS+B6nzTb+CA+NWu01Qv8ZNvDShXGJHEbze7SCTnn+Gtih5fJAMq4LkuWQrT
ixIq207nV8GLiVK56tVhi90CgYEApTzob0klasn+S+71V4DeQPeWofaDaMG+tlX2
YRh1wNi0Ln8/mUMHbg6xLLsvfzpHaPl5FVVagANJQCF7ezBEbCf2BodbhM/1PPdu
jYvboWsqZ+nBYxHUepC92/DxEfys6+PHbvRn0t3hVc1KMZso16wXMKLfjAne406N
MX2EpQECgYEA2+C95bxqyl/+37abPyG3wyhkkQu0WC1ot/Cc4fZlj27sCY0sAGKn
NOEpww/w56uLjsk1ljUlD3IzMnaJBnc5uoVtNmyXF/i0Ffki8Wa2v80YJQjNw2nK
xU1YBK832mIJ7Bb78AZEeIjfbTSFMahSeN1SYLLPiFnSihtfLe+c0l0=
-----END RSA PRIVATE KEY-----
)";
constexpr const char* kRsaTraditionalPublicPem = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA8U1le0wY7E6OI2z8TfYj
oyAkNCG9VIJJpIUpU0YB0qdkx6tis5tOBBjeXObL0MaIji5aXRmmm8K0nXjAsHoB
59seFpH2qeUrkgb4D52ajvDAFDXjvR4FWIUqvi4OLecuNnSDj9M6bTUXTFImux8d
oc6qfKPeeEAEGWEssJpyQkXzGdBV01AtyoLy8OG4wpc/1k2uUmaYfmPqoSvo+lI6
HhEHI6088K65f+ICvLjGuZ0d2HcuFaIYzfxbQMBpkUuFDfhyCsc5Tbvwrz/Jg8Yp
0hkwbOK89HqPGI33aN3OpMSXDc3ywRtkK4gOjXkqY4uoB9eRVRp+J8tM+VQdKfBQ
OwIDAQAB
-----END PUBLIC KEY-----
)";

// A P-256 key in the traditional SEC 1 "EC PRIVATE KEY" form, and its SPKI public key.
constexpr const char* kEcTraditionalPem = R"(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIKW9lvR32CLP3X3kQhqx1w4xbK5yrORFYlJ5s5ahHRmOoAoGCCqGSM49
AwEHoUQDQgAEC52TaEUIB6Pk8FvHade83b+IUVXot74HLNehWfcuTVUEpU/6WnXS
rmSzmI49gKt3DbZmDQHp173aaWJ1gCwrDQ==
-----END EC PRIVATE KEY-----
)";
constexpr const char* kEcTraditionalPublicPem = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC52TaEUIB6Pk8FvHade83b+IUVXo
t74HLNehWfcuTVUEpU/6WnXSrmSzmI49gKt3DbZmDQHp173aaWJ1gCwrDQ==
-----END PUBLIC KEY-----
)";

// An Ed25519 PKCS#8 key encrypted with PBES2 (passphrase "secret").
constexpr const char* kEncryptedPem = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgl98tsctQJSQICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEG2951CGJ9zppOFTpJGJ9AMEQPsl
S75x0jP4n0bt0YJ3eK+mOTg9Z8BJXCGuZl5P5jBSzVAK3pPNnmEZe1Ipvpo740TO
jd1FvqWPNlL44ezo12E=
-----END ENCRYPTED PRIVATE KEY-----
)";

json::object private_json(Algorithm alg) {
    return test_key(alg).to_json(true);
}

Result<Jwk> parse_obj(const json::object& obj) {
    return Jwk::parse(json::serialize(obj));
}

std::string member_bytes(const json::object& obj, std::string_view name) {
    return base64url_decode(obj.at(name).as_string()).value();
}

void set_bytes(json::object& obj, std::string_view name, std::string_view bytes) {
    obj[name] = b64(bytes);
}

// Big-endian unsigned arithmetic, just enough to build special RSA moduli.
using Big = std::vector<unsigned char>;
Big big_mul_small(const Big& a, unsigned m) {
    Big out(a.size() + 4, 0);
    unsigned long long carry = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t at = a.size() - 1 - i;
        const unsigned long long v = static_cast<unsigned long long>(a[at]) * m + carry;
        out[out.size() - 1 - i] = static_cast<unsigned char>(v & 0xff);
        carry = v >> 8;
    }
    for (std::size_t i = a.size(); carry != 0; ++i) {
        out[out.size() - 1 - i] = static_cast<unsigned char>(carry & 0xff);
        carry >>= 8;
    }
    std::size_t lead = 0;
    while (lead + 1 < out.size() && out[lead] == 0)
        ++lead;
    return Big(out.begin() + static_cast<std::ptrdiff_t>(lead), out.end());
}
std::size_t big_bits(const Big& a) {
    if (a.empty()) return 0;
    std::size_t bits = (a.size() - 1) * 8;
    for (unsigned v = a[0]; v != 0; v >>= 1)
        ++bits;
    return bits;
}

// A 2048-bit odd modulus carrying the ROCA fingerprint (CVE-2017-15361): M * 2^s + 65537, where
// M is the product of the small primes the fingerprint test uses, so that modulo each of them the
// value is 65537, trivially in the subgroup generated by 65537.
std::string roca_modulus() {
    Big m{1};
    for (unsigned p : {3u,   5u,   7u,   11u,  13u,  17u,  19u,  23u,  29u,  31u,  37u,  41u,  43u,
                       47u,  53u,  59u,  61u,  67u,  71u,  73u,  79u,  83u,  89u,  97u,  101u, 103u,
                       107u, 109u, 113u, 127u, 131u, 137u, 139u, 149u, 151u, 157u, 163u, 167u}) {
        m = big_mul_small(m, p);
    }
    while (big_bits(m) < 2048)
        m = big_mul_small(m, 2);
    // m is now an even number of exactly 2048 bits; adding 65537 keeps the size and makes it odd.
    unsigned long long carry = 65537;
    for (std::size_t i = m.size(); i-- > 0 && carry != 0;) {
        const unsigned long long v = m[i] + (carry & 0xff);
        m[i] = static_cast<unsigned char>(v & 0xff);
        carry = (carry >> 8) + (v >> 8);
    }
    return std::string(m.begin(), m.end());
}

// ---------------------------------------------------------------------------------------------
// Parse and serialize

TEST(Jwk, ParsesAndSerializesRsaKeys) {
    const json::object priv = private_json(Algorithm::RS256);
    for (const char* m : {"n", "e", "d", "p", "q", "dp", "dq", "qi"}) {
        EXPECT_TRUE(priv.contains(m)) << m;
    }
    auto key = parse_obj(priv);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->kty(), KeyType::RSA);
    EXPECT_EQ(key->curve(), Curve::none);
    EXPECT_EQ(key->bits(), 2048u);
    EXPECT_TRUE(key->is_private());
    EXPECT_FALSE(key->is_symmetric());
    EXPECT_EQ(key->kid(), "RS256-key");
    EXPECT_EQ(key->alg(), Algorithm::RS256);
    EXPECT_EQ(key->use(), "sig");
    EXPECT_EQ(key->to_json(true), priv);
    const json::object pub = key->to_json();
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi"})
        EXPECT_FALSE(pub.contains(m)) << m;
    EXPECT_EQ(pub.at("n"), priv.at("n"));
    EXPECT_EQ(pub.at("e").as_string(), "AQAB");
}

TEST(Jwk, ParsesAndSerializesEcKeysOnEveryCurve) {
    const std::pair<Algorithm, std::pair<const char*, std::size_t>> cases[] = {
        {Algorithm::ES256, {"P-256", 32}},
        {Algorithm::ES384, {"P-384", 48}},
        {Algorithm::ES512, {"P-521", 66}},
        {Algorithm::ES256K, {"secp256k1", 32}}};
    for (const auto& [alg, expect] : cases) {
        const json::object priv = private_json(alg);
        EXPECT_EQ(priv.at("crv").as_string(), expect.first);
        EXPECT_EQ(member_bytes(priv, "x").size(), expect.second) << expect.first;
        EXPECT_EQ(member_bytes(priv, "y").size(), expect.second) << expect.first;
        EXPECT_EQ(member_bytes(priv, "d").size(), expect.second) << expect.first;
        auto key = parse_obj(priv);
        ASSERT_TRUE(key) << expect.first << ": " << key.error().to_string();
        EXPECT_EQ(key->kty(), KeyType::EC);
        EXPECT_EQ(to_string(key->curve()), expect.first);
        EXPECT_TRUE(key->is_private());
        EXPECT_EQ(key->to_json(true), priv) << expect.first;
        const json::object pub = key->to_json();
        EXPECT_FALSE(pub.contains("d")) << expect.first;
        EXPECT_EQ(pub.at("x"), priv.at("x"));
        EXPECT_EQ(pub.at("y"), priv.at("y"));
    }
    EXPECT_EQ(test_key(Algorithm::ES512).bits(), 521u);
    EXPECT_EQ(test_key(Algorithm::ES384).bits(), 384u);
}

TEST(Jwk, ParsesAndSerializesOkpSigningKeys) {
    auto ed = Jwk::parse(kRfc8037Ed25519);
    ASSERT_TRUE(ed) << ed.error().to_string();
    EXPECT_EQ(ed->kty(), KeyType::OKP);
    EXPECT_EQ(ed->curve(), Curve::Ed25519);
    EXPECT_TRUE(ed->is_private());
    EXPECT_EQ(ed->to_json(true), json::parse(kRfc8037Ed25519).as_object());
    EXPECT_FALSE(ed->to_json().contains("d"));

    KeyGenOptions options;
    options.curve = Curve::Ed448;
    auto ed448 = Jwk::generate(Algorithm::EdDSA, options);
    ASSERT_TRUE(ed448);
    const json::object priv = ed448->to_json(true);
    EXPECT_EQ(priv.at("crv").as_string(), "Ed448");
    EXPECT_EQ(member_bytes(priv, "x").size(), 57u);
    EXPECT_EQ(member_bytes(priv, "d").size(), 57u);
    auto again = parse_obj(priv);
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(again->curve(), Curve::Ed448);
    EXPECT_EQ(again->to_json(true), priv);
}

TEST(Jwk, ParsesAndSerializesOkpKeyAgreementKeys) {
    for (const char* text : {kX25519, kX448}) {
        auto key = Jwk::parse(text);
        ASSERT_TRUE(key) << text << ": " << key.error().to_string();
        EXPECT_EQ(key->kty(), KeyType::OKP);
        EXPECT_TRUE(key->is_private());
        EXPECT_EQ(key->to_json(true), json::parse(text).as_object());
        EXPECT_FALSE(key->to_json().contains("d"));
        auto pub = key->public_key();
        ASSERT_TRUE(pub);
        EXPECT_FALSE(pub->is_private());
    }
    EXPECT_EQ(Jwk::parse(kX25519)->curve(), Curve::X25519);
    EXPECT_EQ(Jwk::parse(kX448)->curve(), Curve::X448);
}

TEST(Jwk, ParsesAndSerializesOctKeys) {
    const std::string secret(32, '\x5a');
    const std::string text = R"({"kty":"oct","k":")" + b64(secret) + R"(","kid":"s1"})";
    auto key = Jwk::parse(text);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->kty(), KeyType::oct);
    EXPECT_TRUE(key->is_symmetric());
    EXPECT_TRUE(key->is_private());
    EXPECT_EQ(key->bits(), 256u);
    EXPECT_EQ(key->kid(), "s1");
    EXPECT_EQ(key->to_json(true), json::parse(text).as_object());
    // The secret is private material: absent unless asked for.
    EXPECT_FALSE(key->to_json().contains("k"));
    EXPECT_EQ(key->to_json().at("kty").as_string(), "oct");
    EXPECT_EQ(key->public_key().code(), Errc::invalid_argument);
    EXPECT_EQ(key->secret(), secret);
    EXPECT_EQ(test_key(Algorithm::ES256).secret(), "");  // only oct keys have one
}

TEST(Jwk, PublicKeyDropsPrivateMembersAndKeepsMetadata) {
    for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
        const Jwk& key = test_key(alg);
        auto pub = key.public_key();
        ASSERT_TRUE(pub) << to_string(alg);
        EXPECT_FALSE(pub->is_private());
        EXPECT_EQ(pub->kid(), key.kid());
        EXPECT_EQ(pub->alg(), key.alg());
        EXPECT_EQ(pub->use(), "sig");
        EXPECT_EQ(pub->thumbprint(), key.thumbprint());
        // Even when asked for private members, a public key has none.
        const json::object j = pub->to_json(true);
        for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
            EXPECT_FALSE(j.contains(m)) << to_string(alg) << " " << m;
        }
        EXPECT_EQ(j, key.to_json(false));
    }
}

TEST(Jwk, KeepsUnknownMembersVerbatim) {
    json::object obj = private_json(Algorithm::ES256);
    obj["x5t"] = "abc";
    obj["ext"] = json::object{{"nested", true}};
    auto key = parse_obj(obj);
    ASSERT_TRUE(key);
    const json::object out = key->to_json();
    EXPECT_EQ(out.at("x5t").as_string(), "abc");
    EXPECT_EQ(out.at("ext").as_object().at("nested").as_bool(), true);
}

TEST(Jwk, KeepsJweAlgorithmNameWithoutBindingASignatureAlgorithm) {
    json::object obj = private_json(Algorithm::RS256);
    obj["alg"] = "RSA-OAEP-256";
    auto key = parse_obj(obj);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->alg_name(), "RSA-OAEP-256");
    EXPECT_FALSE(key->alg().has_value());
    // Bound to a non-signature algorithm: usable for none of the signature algorithms.
    EXPECT_EQ(key->check_usable(Algorithm::RS256, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
}

TEST(Jwk, ParsesKeyOpsAndUse) {
    json::object obj = private_json(Algorithm::ES256);
    obj["key_ops"] = json::array{"sign", "verify"};
    auto key = parse_obj(obj);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->key_ops(), (std::vector<std::string>{"sign", "verify"}));
    EXPECT_EQ(key->to_json().at("key_ops"), obj.at("key_ops"));
}

TEST(Jwk, WithKidAndWithAlgReturnModifiedCopies) {
    const Jwk& key = test_key(Algorithm::PS256);
    const Jwk renamed = key.with_kid("other");
    EXPECT_EQ(renamed.kid(), "other");
    EXPECT_EQ(key.kid(), "PS256-key");
    const Jwk rebound = key.with_alg(Algorithm::PS384);
    EXPECT_EQ(rebound.alg(), Algorithm::PS384);
    EXPECT_EQ(rebound.alg_name(), "PS384");
    EXPECT_TRUE(rebound.allows(Algorithm::PS384));
    EXPECT_FALSE(rebound.allows(Algorithm::PS256));
}

// ---------------------------------------------------------------------------------------------
// Rejections: EC

TEST(Jwk, RejectsEcPointOffTheCurve) {
    for (Algorithm alg :
         {Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::ES256K}) {
        json::object obj = test_key(alg).to_json(false);
        std::string y = member_bytes(obj, "y");
        y.back() = static_cast<char>(y.back() ^ 1);
        set_bytes(obj, "y", y);
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key) << to_string(alg);
    }
}

TEST(Jwk, RejectsPrivateEcKeyWithPointOffTheCurve) {
    json::object obj = private_json(Algorithm::ES256);
    std::string x = member_bytes(obj, "x");
    x[5] = static_cast<char>(x[5] ^ 0x10);
    set_bytes(obj, "x", x);
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsEcCoordinateOfWrongLength) {
    const json::object good = test_key(Algorithm::ES256).to_json(false);
    {
        json::object obj = good;
        set_bytes(obj, "x", member_bytes(good, "x").substr(1));  // 31 bytes
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    }
    {
        json::object obj = good;
        set_bytes(obj, "y", std::string(1, '\0') + member_bytes(good, "y"));  // 33 bytes
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    }
    {
        // P-384-sized coordinates labelled P-256.
        json::object obj = test_key(Algorithm::ES384).to_json(false);
        obj["crv"] = "P-256";
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    }
    {
        // A byte moved from y to x: the concatenation x||y is still the valid point, but the
        // coordinates are not (RFC 7518 §6.2.1.2: each is exactly the field size).
        json::object obj = good;
        const std::string x = member_bytes(good, "x");
        const std::string y = member_bytes(good, "y");
        set_bytes(obj, "x", x + y.substr(0, 1));  // 33 bytes
        set_bytes(obj, "y", y.substr(1));         // 31 bytes
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    }
}

TEST(Jwk, RejectsEcPrivateKeyOfWrongLength) {
    const json::object good = private_json(Algorithm::ES256);
    json::object shorter = good;
    set_bytes(shorter, "d", member_bytes(good, "d").substr(1));
    EXPECT_EQ(parse_obj(shorter).code(), Errc::invalid_key);
    json::object longer = good;
    set_bytes(longer, "d", std::string(1, '\0') + member_bytes(good, "d"));
    EXPECT_EQ(parse_obj(longer).code(), Errc::invalid_key);
    json::object empty = good;
    empty["d"] = "";
    EXPECT_EQ(parse_obj(empty).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsEcPrivateKeyNotMatchingPublicPoint) {
    json::object obj = private_json(Algorithm::ES256);
    auto other = Jwk::generate(Algorithm::ES256);
    ASSERT_TRUE(other);
    obj["d"] = other->to_json(true).at("d");
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsEcKeyWithMissingMembers) {
    const json::object good = test_key(Algorithm::ES256).to_json(false);
    for (const char* m : {"crv", "x", "y"}) {
        json::object obj = good;
        obj.erase(m);
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key) << m;
    }
}

TEST(Jwk, RejectsKeyMembersThatAreNotStrictBase64url) {
    const json::object good = test_key(Algorithm::ES256).to_json(false);
    json::object padded = good;
    padded["x"] = std::string(good.at("x").as_string()) + "=";
    EXPECT_EQ(parse_obj(padded).code(), Errc::invalid_key);
    json::object number = good;
    number["y"] = 12345;
    EXPECT_EQ(parse_obj(number).code(), Errc::invalid_key);
}

// ---------------------------------------------------------------------------------------------
// Rejections: RSA

TEST(Jwk, RejectsRsaModulusBelow2048BitsAsWeak) {
    json::object obj{{"kty", "RSA"}, {"n", kRsa1024Modulus}, {"e", "AQAB"}};
    EXPECT_EQ(parse_obj(obj).code(), Errc::weak_key);
    // One bit short of 2048.
    json::object obj2 = test_key(Algorithm::RS256).to_json(false);
    std::string n = member_bytes(obj2, "n");
    n[0] = 0x7f;
    set_bytes(obj2, "n", n);
    EXPECT_EQ(parse_obj(obj2).code(), Errc::weak_key);
}

TEST(Jwk, RejectsRsaModulusAbove16384BitsAsUnsupported) {
    json::object obj{{"kty", "RSA"}, {"n", b64(std::string(2049, '\xff'))}, {"e", "AQAB"}};
    EXPECT_EQ(parse_obj(obj).code(), Errc::unsupported_key);
}

// Checking a private key given by d alone costs a private-key operation of the modulus size, so a
// large one is refused before any arithmetic (a hostile JWK would otherwise cost seconds).
TEST(Jwk, RejectsRsaPrivateKeyAbove8192BitsWithoutCrtParameters) {
    std::string modulus(1100, '\x5a');  // 8800 bits, odd
    modulus.front() = '\xc3';
    modulus.back() = '\x6b';
    json::object obj{
        {"kty", "RSA"}, {"n", b64(modulus)}, {"e", "AQAB"}, {"d", b64(std::string(1099, '\x27'))}};
    auto key = parse_obj(obj);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.code(), Errc::unsupported_key) << key.error().to_string();
    EXPECT_NE(key.error().message().find("CRT"), std::string::npos) << key.error().message();
    // The public half of the same modulus is a valid key: the limit is on d-only checks.
    obj.erase("d");
    auto public_key = parse_obj(obj);
    EXPECT_TRUE(public_key) << public_key.error().to_string();
}

TEST(Jwk, RejectsEvenRsaModulus) {
    json::object obj = test_key(Algorithm::RS256).to_json(false);
    std::string n = member_bytes(obj, "n");
    n.back() = static_cast<char>(n.back() & ~1);
    set_bytes(obj, "n", n);
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsRsaExponentOne) {
    json::object obj = test_key(Algorithm::RS256).to_json(false);
    obj["e"] = "AQ";
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsEvenRsaExponent) {
    json::object obj = test_key(Algorithm::RS256).to_json(false);
    obj["e"] = "Ag";  // 2
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    obj["e"] = "AQAA";  // 65536
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsRsaExponentLongerThan64Bits) {
    json::object obj = test_key(Algorithm::RS256).to_json(false);
    obj["e"] = b64(std::string(9, '\x01'));  // odd, 65 bits
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsRsaModulusWithRocaFingerprint) {
    json::object obj{{"kty", "RSA"}, {"n", b64(roca_modulus())}, {"e", "AQAB"}};
    ASSERT_EQ(member_bytes(obj, "n").size(), 256u);
    EXPECT_EQ(parse_obj(obj).code(), Errc::weak_key);
}

TEST(Jwk, RejectsRsaKeyWithSomeButNotAllCrtParameters) {
    const json::object good = private_json(Algorithm::RS256);
    for (const char* m : {"p", "q", "dp", "dq", "qi"}) {
        json::object obj = good;
        obj.erase(m);
        auto r = parse_obj(obj);
        EXPECT_EQ(r.code(), Errc::invalid_key) << "without " << m;
        // Named as what it is, not as a mismatch found later.
        EXPECT_NE(r.error().message().find("CRT"), std::string::npos) << r.error().message();
    }
}

TEST(Jwk, RejectsRsaCrtParametersWithoutPrivateExponent) {
    json::object obj = private_json(Algorithm::RS256);
    obj.erase("d");
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsRsaPrivateKeyNotMatchingPublicKey) {
    // CRT form (RFC 7518 §6.3.2): each private member taken from another key makes the key
    // inconsistent, whichever it is.
    const json::object other = private_json(Algorithm::PS256);
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi"}) {
        json::object obj = private_json(Algorithm::RS256);
        obj[m] = other.at(m);
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key) << m << " from another key";
    }
}

TEST(Jwk, AcceptsRsaPrivateKeyWithoutCrtParameters) {
    json::object obj = private_json(Algorithm::RS256);
    for (const char* m : {"p", "q", "dp", "dq", "qi"})
        obj.erase(m);
    auto key = parse_obj(obj);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_TRUE(key->is_private());
    auto sig = sign_bytes(Algorithm::RS256, *key, "data");
    ASSERT_TRUE(sig) << sig.error().to_string();
    EXPECT_TRUE(verify_bytes(Algorithm::RS256, test_key(Algorithm::RS256), "data", *sig));
}

TEST(Jwk, RejectsRsaPrivateExponentNotMatchingModulusWithoutCrt) {
    // n, e, d only: d belongs to another modulus, so the key could never produce a signature
    // that its own public half verifies.
    json::object obj = private_json(Algorithm::RS256);
    for (const char* m : {"p", "q", "dp", "dq", "qi"})
        obj.erase(m);
    obj["d"] = private_json(Algorithm::PS256).at("d");
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsMultiPrimeRsaKeys) {
    json::object obj = private_json(Algorithm::RS256);
    obj["oth"] = json::array{json::object{{"r", "AQAB"}, {"d", "AQAB"}, {"t", "AQAB"}}};
    EXPECT_EQ(parse_obj(obj).code(), Errc::unsupported_key);
}

TEST(Jwk, RejectsRsaKeyWithMissingOrEmptyMembers) {
    const json::object good = test_key(Algorithm::RS256).to_json(false);
    for (const char* m : {"n", "e"}) {
        json::object obj = good;
        obj.erase(m);
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key) << "without " << m;
        obj[m] = "";
        EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key) << "empty " << m;
    }
    json::object empty_d = private_json(Algorithm::RS256);
    empty_d["d"] = "";
    EXPECT_EQ(parse_obj(empty_d).code(), Errc::invalid_key);
}

// ---------------------------------------------------------------------------------------------
// Rejections: OKP and oct

TEST(Jwk, RejectsOkpPublicKeyOfWrongLength) {
    json::object obj = json::parse(kRfc8037Ed25519).as_object();
    obj.erase("d");
    set_bytes(obj, "x", member_bytes(obj, "x").substr(1));
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    json::object x448 = json::parse(kX448).as_object();
    x448.erase("d");
    x448["crv"] = "Ed448";  // 56-byte X448 key where Ed448 needs 57
    EXPECT_EQ(parse_obj(x448).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsOkpPrivateKeyOfWrongLength) {
    json::object obj = json::parse(kRfc8037Ed25519).as_object();
    set_bytes(obj, "d", member_bytes(obj, "d") + std::string(1, '\0'));
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsOkpPrivateKeyNotMatchingX) {
    json::object obj = json::parse(kRfc8037Ed25519).as_object();
    std::string d = member_bytes(obj, "d");
    d[0] = static_cast<char>(d[0] ^ 1);
    set_bytes(obj, "d", d);
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
    json::object x = json::parse(kX25519).as_object();
    x["x"] = json::parse(kRfc8037Ed25519).as_object().at("x");
    EXPECT_EQ(parse_obj(x).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsOkpKeyWithY) {
    json::object obj = json::parse(kRfc8037Ed25519).as_object();
    obj["y"] = obj.at("x");
    EXPECT_EQ(parse_obj(obj).code(), Errc::invalid_key);
}

TEST(Jwk, RejectsOctKeyWithoutSecret) {
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct"})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":""})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AA=="})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":7})").code(), Errc::invalid_key);
}

// ---------------------------------------------------------------------------------------------
// Rejections: common members

TEST(Jwk, RejectsUnknownKeyTypeAsUnsupported) {
    EXPECT_EQ(Jwk::parse(R"({"kty":"DSA","x":"AAAA"})").code(), Errc::unsupported_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"rsa","n":"AAAA","e":"AQAB"})").code(), Errc::unsupported_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"ec","crv":"P-256","x":"AA","y":"AA"})").code(),
              Errc::unsupported_key);
}

TEST(Jwk, RejectsUnknownCurveAsUnsupported) {
    json::object ec = test_key(Algorithm::ES256).to_json(false);
    for (const char* crv : {"P-192", "p-256", "brainpoolP256r1", "Ed25519", "X25519"}) {
        ec["crv"] = crv;
        auto r = parse_obj(ec);
        EXPECT_EQ(r.code(), Errc::unsupported_key) << "EC " << crv;
        // The message names the curve the key claimed.
        EXPECT_NE(r.error().message().find(crv), std::string::npos) << r.error().message();
    }
    json::object okp = json::parse(kRfc8037Ed25519).as_object();
    for (const char* crv : {"Ed1174", "ed25519", "P-256", "secp256k1"}) {
        okp["crv"] = crv;
        auto r = parse_obj(okp);
        EXPECT_EQ(r.code(), Errc::unsupported_key) << "OKP " << crv;
        EXPECT_NE(r.error().message().find(crv), std::string::npos) << r.error().message();
    }
}

TEST(Jwk, RejectsMissingOrNonStringKty) {
    EXPECT_EQ(Jwk::parse(R"({"k":"AAAA"})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"","k":"AAAA"})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":1,"k":"AAAA"})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":["oct"],"k":"AAAA"})").code(), Errc::invalid_key);
}

TEST(Jwk, RejectsNonStringKidAlgAndUse) {
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","kid":1})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","kid":null})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","alg":["HS256"]})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","use":true})").code(), Errc::invalid_key);
}

TEST(Jwk, RejectsMalformedKeyOps) {
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","key_ops":["sign","sign"]})").code(),
              Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","key_ops":"sign"})").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","key_ops":{"sign":true}})").code(),
              Errc::invalid_key);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","key_ops":["sign",1]})").code(),
              Errc::invalid_key);
    EXPECT_TRUE(Jwk::parse(R"({"kty":"oct","k":"AAAA","key_ops":["sign","verify"]})"));
}

TEST(Jwk, RejectsAlgThatContradictsKeyType) {
    json::object ec = test_key(Algorithm::ES256).to_json(false);
    for (const char* alg : {"RS256", "PS256", "HS256", "EdDSA"}) {
        ec["alg"] = alg;
        EXPECT_EQ(parse_obj(ec).code(), Errc::invalid_key) << alg << " on EC";
    }
    json::object rsa = test_key(Algorithm::RS256).to_json(false);
    for (const char* alg : {"ES256", "HS512", "EdDSA"}) {
        rsa["alg"] = alg;
        EXPECT_EQ(parse_obj(rsa).code(), Errc::invalid_key) << alg << " on RSA";
    }
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","alg":"RS256"})").code(), Errc::invalid_key);
    json::object okp = json::parse(kRfc8037Ed25519).as_object();
    okp["alg"] = "ES256";
    EXPECT_EQ(parse_obj(okp).code(), Errc::invalid_key);
}

// ---------------------------------------------------------------------------------------------
// check_usable: what a key may do

TEST(JwkUsable, KeyBoundToRs256CannotServeOtherAlgorithms) {
    const Jwk key = testing::public_of(test_key(Algorithm::RS256));
    EXPECT_TRUE(key.check_usable(Algorithm::RS256, KeyOperation::verify));
    EXPECT_EQ(key.check_usable(Algorithm::PS256, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key.check_usable(Algorithm::RS384, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key.check_usable(Algorithm::HS256, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key.allowed_algorithms(), std::vector<Algorithm>{Algorithm::RS256});
}

TEST(JwkUsable, UnboundRsaKeyServesEveryRsaAlgorithm) {
    json::object obj = test_key(Algorithm::RS256).to_json(false);
    obj.erase("alg");
    auto key = parse_obj(obj);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->allowed_algorithms(),
              (std::vector<Algorithm>{Algorithm::RS256, Algorithm::RS384, Algorithm::RS512,
                                      Algorithm::PS256, Algorithm::PS384, Algorithm::PS512}));
    EXPECT_EQ(key->check_usable(Algorithm::ES256, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
}

TEST(JwkUsable, RefusesEncryptionUse) {
    json::object obj = test_key(Algorithm::ES256).to_json(false);
    obj["use"] = "enc";
    auto key = parse_obj(obj);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->check_usable(Algorithm::ES256, KeyOperation::verify).code(),
              Errc::key_use_mismatch);
    obj["use"] = "SIG";
    EXPECT_EQ(parse_obj(obj)->check_usable(Algorithm::ES256, KeyOperation::verify).code(),
              Errc::key_use_mismatch);
}

TEST(JwkUsable, WithUseRebindsTheUse) {
    const Jwk enc = test_key(Algorithm::ES256).with_use("enc");
    EXPECT_EQ(enc.use(), "enc");
    EXPECT_EQ(enc.check_usable(Algorithm::ES256, KeyOperation::sign).code(),
              Errc::key_use_mismatch);
    EXPECT_TRUE(enc.with_use("sig").check_usable(Algorithm::ES256, KeyOperation::sign));
    EXPECT_TRUE(enc.with_use("").check_usable(Algorithm::ES256, KeyOperation::sign));
}

TEST(JwkUsable, KeyOpsMustListTheOperation) {
    json::object obj = private_json(Algorithm::ES256);
    obj["key_ops"] = json::array{"sign"};
    auto signer = parse_obj(obj);
    ASSERT_TRUE(signer);
    EXPECT_TRUE(signer->check_usable(Algorithm::ES256, KeyOperation::sign));
    EXPECT_EQ(signer->check_usable(Algorithm::ES256, KeyOperation::verify).code(),
              Errc::key_use_mismatch);
    obj["key_ops"] = json::array{"verify", "encrypt"};
    auto verifier = parse_obj(obj);
    ASSERT_TRUE(verifier);
    EXPECT_TRUE(verifier->check_usable(Algorithm::ES256, KeyOperation::verify));
    EXPECT_EQ(verifier->check_usable(Algorithm::ES256, KeyOperation::sign).code(),
              Errc::key_use_mismatch);
}

TEST(JwkUsable, HmacKeyShorterThanTheHashIsWeak) {
    for (Algorithm alg : {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512}) {
        const std::size_t need = min_hmac_key_bytes(alg);
        auto exact = Jwk::parse(R"({"kty":"oct","k":")" + b64(std::string(need, 'k')) + "\"}");
        ASSERT_TRUE(exact);
        EXPECT_TRUE(exact->check_usable(alg, KeyOperation::verify)) << to_string(alg);
        EXPECT_TRUE(exact->check_usable(alg, KeyOperation::sign)) << to_string(alg);
        auto shorter =
            Jwk::parse(R"({"kty":"oct","k":")" + b64(std::string(need - 1, 'k')) + "\"}");
        ASSERT_TRUE(shorter);
        EXPECT_EQ(shorter->check_usable(alg, KeyOperation::verify).code(), Errc::weak_key)
            << to_string(alg);
        EXPECT_EQ(shorter->check_usable(alg, KeyOperation::sign).code(), Errc::weak_key)
            << to_string(alg);
        EXPECT_EQ(Jwk::from_secret(std::string(need - 1, 'k'), alg).code(), Errc::weak_key);
        EXPECT_TRUE(Jwk::from_secret(std::string(need, 'k'), alg));
    }
    // A 32-byte key serves HS256 only.
    auto k32 = Jwk::parse(R"({"kty":"oct","k":")" + b64(std::string(32, 'k')) + "\"}");
    EXPECT_EQ(k32->allowed_algorithms(), std::vector<Algorithm>{Algorithm::HS256});
}

TEST(JwkUsable, FromSecretOnlyMakesHmacKeys) {
    EXPECT_EQ(Jwk::from_secret(std::string(64, 'k'), Algorithm::RS256).code(),
              Errc::invalid_argument);
    auto key = Jwk::from_secret(std::string(48, 'k'), Algorithm::HS384);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->alg(), Algorithm::HS384);
    EXPECT_EQ(key->bits(), 384u);
}

TEST(JwkUsable, EcKeyServesOnlyItsCurvesAlgorithm) {
    json::object obj = test_key(Algorithm::ES256).to_json(false);
    obj.erase("alg");
    auto key = parse_obj(obj);
    ASSERT_TRUE(key);
    EXPECT_TRUE(key->check_usable(Algorithm::ES256, KeyOperation::verify));
    EXPECT_EQ(key->check_usable(Algorithm::ES384, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key->check_usable(Algorithm::ES512, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key->check_usable(Algorithm::ES256K, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(key->allowed_algorithms(), std::vector<Algorithm>{Algorithm::ES256});
    // A P-256 key whose "alg" claims ES384 is usable for nothing.
    obj["alg"] = "ES384";
    auto lying = parse_obj(obj);
    ASSERT_TRUE(lying) << lying.error().to_string();
    EXPECT_EQ(lying->check_usable(Algorithm::ES384, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(lying->check_usable(Algorithm::ES256, KeyOperation::verify).code(),
              Errc::key_alg_mismatch);
    EXPECT_TRUE(lying->allowed_algorithms().empty());
}

TEST(JwkUsable, EdDsaNeedsAnEdwardsCurveKey) {
    for (const char* text : {kX25519, kX448}) {
        auto key = Jwk::parse(text);
        ASSERT_TRUE(key);
        EXPECT_EQ(key->check_usable(Algorithm::EdDSA, KeyOperation::verify).code(),
                  Errc::key_alg_mismatch)
            << text;
        EXPECT_EQ(key->check_usable(Algorithm::EdDSA, KeyOperation::sign).code(),
                  Errc::key_alg_mismatch);
        EXPECT_TRUE(key->allowed_algorithms().empty());
    }
    auto ed = Jwk::parse(kRfc8037Ed25519);
    EXPECT_TRUE(ed->check_usable(Algorithm::EdDSA, KeyOperation::sign));
}

TEST(JwkUsable, SigningNeedsAPrivateKey) {
    for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
        auto pub = test_key(alg).public_key();
        ASSERT_TRUE(pub);
        EXPECT_TRUE(pub->check_usable(alg, KeyOperation::verify)) << to_string(alg);
        EXPECT_EQ(pub->check_usable(alg, KeyOperation::sign).code(), Errc::invalid_key)
            << to_string(alg);
    }
}

// ---------------------------------------------------------------------------------------------
// Generation

TEST(JwkGenerate, EveryAlgorithmGivesABoundSigningKeyNamedByItsThumbprint) {
    for (Algorithm alg : all_algorithms()) {
        // RSA generation is slow: RsaKidDefaultsToThumbprint covers a fresh RSA key's kid.
        const bool rsa = key_type_for(alg) == KeyType::RSA;
        auto key = rsa ? Result<Jwk>(test_key(alg)) : Jwk::generate(alg);
        ASSERT_TRUE(key) << to_string(alg) << ": " << key.error().to_string();
        if (!rsa) {
            EXPECT_EQ(key->kid(), key->thumbprint()) << to_string(alg);
        }
        EXPECT_EQ(key->alg(), alg) << to_string(alg);
        EXPECT_EQ(key->alg_name(), to_string(alg));
        EXPECT_EQ(key->use(), "sig") << to_string(alg);
        EXPECT_TRUE(key->is_private()) << to_string(alg);
        EXPECT_EQ(key->kty(), key_type_for(alg)) << to_string(alg);
        EXPECT_TRUE(key->check_usable(alg, KeyOperation::sign)) << to_string(alg);
        EXPECT_EQ(key->allowed_algorithms(), std::vector<Algorithm>{alg}) << to_string(alg);
        // The serialized key parses back to the same key.
        auto again = Jwk::parse(key->to_json_string(true));
        ASSERT_TRUE(again) << to_string(alg) << ": " << again.error().to_string();
        EXPECT_EQ(again->to_json(true), key->to_json(true)) << to_string(alg);
        auto sig = sign_bytes(alg, *key, "payload");
        ASSERT_TRUE(sig) << to_string(alg);
        EXPECT_TRUE(verify_bytes(alg, *again, "payload", *sig)) << to_string(alg);
    }
}

TEST(JwkGenerate, RsaKidDefaultsToThumbprint) {
    auto key = Jwk::generate(Algorithm::PS384);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->kid(), key->thumbprint());
    EXPECT_EQ(key->bits(), 2048u);
    EXPECT_EQ(key->alg(), Algorithm::PS384);
}

TEST(JwkGenerate, HmacKeysHaveTheHashSize) {
    EXPECT_EQ(Jwk::generate(Algorithm::HS256)->bits(), 256u);
    EXPECT_EQ(Jwk::generate(Algorithm::HS384)->bits(), 384u);
    EXPECT_EQ(Jwk::generate(Algorithm::HS512)->bits(), 512u);
    EXPECT_NE(Jwk::generate(Algorithm::HS256)->to_json(true).at("k"),
              Jwk::generate(Algorithm::HS256)->to_json(true).at("k"));
}

TEST(JwkGenerate, HmacSecretSizeIsAtLeastTheHashSize) {
    KeyGenOptions options;
    options.secret_bytes = 64;
    auto big = Jwk::generate(Algorithm::HS256, options);
    ASSERT_TRUE(big) << big.error().to_string();
    EXPECT_EQ(big->bits(), 512u);
    EXPECT_TRUE(big->check_usable(Algorithm::HS256, KeyOperation::sign));
    options.secret_bytes = 31;
    EXPECT_EQ(Jwk::generate(Algorithm::HS256, options).code(), Errc::weak_key);
    options.secret_bytes = 47;
    EXPECT_EQ(Jwk::generate(Algorithm::HS384, options).code(), Errc::weak_key);
    options.secret_bytes = 32;
    EXPECT_EQ(Jwk::generate(Algorithm::ES256, options).code(), Errc::invalid_argument);
}

TEST(JwkGenerate, HonoursRsaBitsAndKid) {
    KeyGenOptions options;
    options.rsa_bits = 2304;
    options.kid = "k-2304";
    auto key = Jwk::generate(Algorithm::RS512, options);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->bits(), 2304u);
    EXPECT_EQ(key->kid(), "k-2304");
}

TEST(JwkGenerate, RefusesRsaBelow2048Bits) {
    KeyGenOptions options;
    options.rsa_bits = 1024;
    EXPECT_EQ(Jwk::generate(Algorithm::RS256, options).code(), Errc::weak_key);
}

TEST(JwkGenerate, RefusesRsaAbove16384Bits) {
    KeyGenOptions options;
    options.rsa_bits = 16385;
    EXPECT_EQ(Jwk::generate(Algorithm::PS256, options).code(), Errc::weak_key);
}

TEST(JwkGenerate, EdDsaCurveSelectsEd448) {
    KeyGenOptions options;
    options.curve = Curve::Ed448;
    auto key = Jwk::generate(Algorithm::EdDSA, options);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->curve(), Curve::Ed448);
    EXPECT_EQ(Jwk::generate(Algorithm::EdDSA)->curve(), Curve::Ed25519);
    options.curve = Curve::X25519;
    EXPECT_EQ(Jwk::generate(Algorithm::EdDSA, options).code(), Errc::invalid_argument);
    options.curve = Curve::P256;
    EXPECT_EQ(Jwk::generate(Algorithm::EdDSA, options).code(), Errc::invalid_argument);
}

TEST(JwkGenerate, RefusesCurveThatContradictsTheAlgorithm) {
    KeyGenOptions options;
    options.curve = Curve::P384;
    EXPECT_EQ(Jwk::generate(Algorithm::ES256, options).code(), Errc::invalid_argument);
    options.curve = Curve::P256;
    EXPECT_TRUE(Jwk::generate(Algorithm::ES256, options));
    options.curve = Curve::Ed25519;
    EXPECT_EQ(Jwk::generate(Algorithm::ES512, options).code(), Errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// PEM

TEST(JwkPem, RoundTripsPrivateAndPublicKeys) {
    for (Algorithm alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::ES384, Algorithm::ES512,
                          Algorithm::ES256K, Algorithm::EdDSA}) {
        const Jwk& key = test_key(alg);
        auto priv_pem = key.to_pem();
        ASSERT_TRUE(priv_pem) << to_string(alg);
        EXPECT_NE(priv_pem->find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
        auto priv = Jwk::from_pem(*priv_pem);
        ASSERT_TRUE(priv) << to_string(alg) << ": " << priv.error().to_string();
        EXPECT_TRUE(priv->is_private());
        EXPECT_EQ(priv->thumbprint(), key.thumbprint());
        // Same key material; PEM carries no JWK metadata.
        json::object expected = key.to_json(true);
        for (const char* m : {"kid", "alg", "use"})
            expected.erase(m);
        EXPECT_EQ(priv->to_json(true), expected) << to_string(alg);

        auto pub_pem = key.to_pem(true);
        ASSERT_TRUE(pub_pem);
        EXPECT_NE(pub_pem->find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
        EXPECT_EQ(pub_pem->find("PRIVATE"), std::string::npos);
        auto pub = Jwk::from_pem(*pub_pem);
        ASSERT_TRUE(pub) << to_string(alg);
        EXPECT_FALSE(pub->is_private());
        EXPECT_EQ(pub->thumbprint(), key.thumbprint());
        // A public key writes SPKI even without public_only.
        EXPECT_EQ(key.public_key()->to_pem().value(), *pub_pem);
    }
}

TEST(JwkPem, RoundTripsEd448) {
    KeyGenOptions options;
    options.curve = Curve::Ed448;
    auto key = Jwk::generate(Algorithm::EdDSA, options);
    ASSERT_TRUE(key);
    auto back = Jwk::from_pem(key->to_pem().value());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->curve(), Curve::Ed448);
    EXPECT_EQ(back->to_json(true).at("d"), key->to_json(true).at("d"));
}

TEST(JwkPem, ImportsTraditionalRsaPrivateKey) {
    // PKCS#1 "RSA PRIVATE KEY", as `openssl genrsa -traditional` writes it.
    auto rsa = Jwk::from_pem(kRsaTraditionalPem);
    ASSERT_TRUE(rsa) << rsa.error().to_string();
    EXPECT_TRUE(rsa->is_private());
    EXPECT_EQ(rsa->kty(), KeyType::RSA);
    EXPECT_EQ(rsa->thumbprint(), Jwk::from_pem(kRsaTraditionalPublicPem)->thumbprint());
}

TEST(JwkPem, ImportsTraditionalEcPrivateKey) {
    // SEC 1 "EC PRIVATE KEY", as `openssl ecparam -genkey` writes it.
    auto ec = Jwk::from_pem(kEcTraditionalPem);
    ASSERT_TRUE(ec) << ec.error().to_string();
    EXPECT_TRUE(ec->is_private());
    EXPECT_EQ(ec->curve(), Curve::P256);
    EXPECT_EQ(ec->thumbprint(), Jwk::from_pem(kEcTraditionalPublicPem)->thumbprint());
}

TEST(JwkPem, ImportsCertificatePublicKey) {
    // RFC 7517 Appendix B: the x5c certificate holds the same RSA key as the JWK around it.
    const json::object jwk = json::parse(read_vector("rfc-examples/rfc7517_B.jwk")).as_object();
    const std::string der_b64(jwk.at("x5c").as_array().at(0).as_string());
    std::string pem = "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < der_b64.size(); i += 64)
        pem += der_b64.substr(i, 64) + "\n";
    pem += "-----END CERTIFICATE-----\n";
    auto key = Jwk::from_pem(pem);
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_FALSE(key->is_private());
    EXPECT_EQ(key->kty(), KeyType::RSA);
    EXPECT_EQ(key->to_json().at("n"), jwk.at("n"));
    EXPECT_EQ(key->to_json().at("e"), jwk.at("e"));
    EXPECT_EQ(key->thumbprint(),
              Jwk::parse(read_vector("rfc-examples/rfc7517_B.jwk"))->thumbprint());

    // A damaged certificate body is refused.
    std::string broken = pem;
    broken.replace(40, 8, "AAAAAAAA");
    EXPECT_EQ(Jwk::from_pem(broken).code(), Errc::invalid_key);
}

TEST(JwkPem, RefusesEncryptedPrivateKey) {
    EXPECT_EQ(Jwk::from_pem(kEncryptedPem).code(), Errc::unsupported_key);
}

TEST(JwkPem, RefusesGarbage) {
    EXPECT_EQ(Jwk::from_pem("").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::from_pem("not a pem at all").code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::from_pem(kRfc8037Ed25519).code(), Errc::invalid_key);
    EXPECT_EQ(Jwk::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").code(),
              Errc::invalid_key);
    EXPECT_EQ(
        Jwk::from_pem("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n").code(),
        Errc::invalid_key);
    EXPECT_EQ(Jwk::from_pem("-----BEGIN DSA PARAMETERS-----\nAAAA\n-----END DSA PARAMETERS-----\n")
                  .code(),
              Errc::invalid_key);
    // A truncated key.
    std::string pem = test_key(Algorithm::ES256).to_pem().value();
    pem.erase(40, 20);
    EXPECT_EQ(Jwk::from_pem(pem).code(), Errc::invalid_key);
}

TEST(JwkPem, ValidatesImportedKeysLikeJwks) {
    // A 1024-bit RSA public key is as weak in PEM as in a JWK.
    constexpr const char* kRsa1024Pem = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCiuCWmFXwuCz7nf4BQ5wT1M9z/
dh8kwhY9oQMtr7iv9FTYERf5ASLWqiIEURQtHIc2U1bcd2IdlU/94KbSTnizFceD
09gZ6MBs5YnmQrUpxN8u3wZw+RVGmXFB/QxboUab60F1oU70brVpn5f4/pwxs95k
kcKfiXCB9EbP1krskQIDAQAB
-----END PUBLIC KEY-----
)";
    EXPECT_EQ(Jwk::from_pem(kRsa1024Pem).code(), Errc::weak_key);
}

TEST(JwkPem, RefusesKeysOfUnsupportedTypesAndCurves) {
    constexpr const char* kP224 = R"(-----BEGIN PUBLIC KEY-----
ME4wEAYHKoZIzj0CAQYFK4EEACEDOgAETGOD8TpLnE+pU7yfO9artbERvXEROr4G
aXg+btGDcsvleKF8aI21ahUgPCj3BrKW29pytORs4l0=
-----END PUBLIC KEY-----
)";
    constexpr const char* kDsa = R"(-----BEGIN PUBLIC KEY-----
MIIBvjCCATMGByqGSM44BAEwggEmAoGBAJ5QRSRYhkkZr4q19znod/wB0/YJx/M5
EKbREoaoYjyg5mj08i9Luf8H3KfRgf5xQe8srQD5tXbLbWAYYmiPDntC+Sd3jmG3
Gj4E+mw/c84pqVBuCshMH54eEIGzvUfwkdn27qyNTpYq9NH4dVvC1YXbMAFSkgd4
9oUj4nAJ8F69Ah0A8XCHTqGvBkXLcR50eIBmixE5eEL9rrcW/V+ZLwKBgCXWjh5Q
xoTG2U+XVQp742gXWcBXNuP4bwGaU8dAlVu9p5O2EQHQUGcL5T/fflcE8HEH22eo
dtrraJ6PDNCXzo0vjNX1Q/5NPzDCb14r8ftohUUs+Zk2RhTpPzm14bsKqFctxi9+
END1bOYNNMerNQRQRgvwsAxf6qCTmJrct7F9A4GEAAKBgEi7JfKhAO+H2IHJqFZT
MaS7/qVd2PfTXbNPJOLu3LEHyeXr+JmH0WsM8vbmpTKXUJDXur/kWtDh3qGC2yhc
534FrZQ6TPu1yVgie3S0TCyDdmQJXr/gaO2x3dDYfxXzQP0VY7Ii5LOffrAJD40g
mx2ZNYXAtzXqwlYGiL4PrjZK
-----END PUBLIC KEY-----
)";
    auto p224 = Jwk::from_pem(kP224);  // P-224: no JOSE curve
    EXPECT_EQ(p224.code(), Errc::unsupported_key);
    EXPECT_NE(p224.error().message().find("secp224r1"), std::string::npos)
        << p224.error().message();
    EXPECT_EQ(Jwk::from_pem(kDsa).code(), Errc::unsupported_key);
}

TEST(JwkPem, RefusesInputOverOneMebibyte) {
    std::string pem = test_key(Algorithm::ES256).to_pem(true).value();
    ASSERT_TRUE(Jwk::from_pem(pem));
    pem.append((1u << 20) - pem.size() + 1, '\n');
    EXPECT_EQ(Jwk::from_pem(pem).code(), Errc::invalid_key);
}

TEST(JwkPem, OctKeysHaveNoPem) {
    EXPECT_EQ(test_key(Algorithm::HS256).to_pem().code(), Errc::invalid_argument);
    EXPECT_EQ(test_key(Algorithm::HS256).to_pem(true).code(), Errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Thumbprint

TEST(JwkThumbprint, MatchesRfc7638Example) {
    auto key = Jwk::parse(read_vector("rfc-examples/rfc7638_3.1.jwk"));
    ASSERT_TRUE(key) << key.error().to_string();
    EXPECT_EQ(key->thumbprint(), trim(read_vector("rfc-examples/rfc7638_3.1.thp")));
}

TEST(JwkThumbprint, MatchesRfc8037Example) {
    auto key = Jwk::parse(kRfc8037Ed25519);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->thumbprint(), kRfc8037Thumbprint);
}

TEST(JwkThumbprint, IgnoresMetadataAndPrivateMembers) {
    const Jwk& key = test_key(Algorithm::ES384);
    EXPECT_EQ(key.with_kid("x").thumbprint(), key.thumbprint());
    EXPECT_EQ(key.public_key()->thumbprint(), key.thumbprint());
    EXPECT_NE(test_key(Algorithm::ES256).thumbprint(), key.thumbprint());
    // 32 bytes of SHA-256, base64url.
    EXPECT_EQ(key.thumbprint().size(), 43u);
}

}  // namespace
}  // namespace signet
