// Attacks on JWE decryption: PBES2 iteration counts as a denial of service, a DEFLATE bomb,
// invalid-curve and small-order ECDH-ES ephemeral keys, the RSA1_5 padding oracle, truncated
// or stretched authentication tags, wrong IV lengths, modified ciphertexts, and keys pressed
// into algorithms they are not bound to. Hostile tokens are assembled here segment by segment,
// with OpenSSL and zlib where a real encryption is needed.
#include <gtest/gtest.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "security/alloc_tracker.hpp"
#include "security/security_support.hpp"

namespace signet::security {
namespace {

namespace json = boost::json;

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string compact(std::string_view header_json, std::string_view encrypted_key,
                    std::string_view iv, std::string_view ciphertext, std::string_view tag) {
    return b64(header_json) + "." + b64(encrypted_key) + "." + b64(iv) + "." + b64(ciphertext) +
           "." + b64(tag);
}

JweDecryptOptions decrypt_options(std::vector<KeyManagement> algs) {
    JweDecryptOptions o;
    o.algorithms = std::move(algs);
    return o;
}

Jwk jwe_key(KeyManagement alg, std::optional<Curve> curve = std::nullopt,
            std::optional<ContentEncryption> enc = std::nullopt,
            std::optional<std::string> kid = std::nullopt) {
    KeyGenOptions o;
    o.curve = curve;
    o.enc = enc;
    o.kid = std::move(kid);
    return Jwk::generate(alg, o).value();
}

std::string member_bytes(const Jwk& key, std::string_view name, bool include_private = false) {
    return unb64(std::string(key.to_json(include_private).at(name).as_string()));
}

// --- PBES2 ------------------------------------------------------------------------------------

const Jwk& password_key() {
    static const Jwk key =
        Jwk::from_json(json::object{{"kty", "oct"}, {"k", b64("correct horse battery staple")}})
            .value();
    return key;
}

// A PBES2 header; "p2s" and "p2c" are raw JSON values, left out when absent (nullopt, "").
std::string pbes2_header(std::string_view alg, std::string_view p2c,
                         const std::optional<std::string>& p2s) {
    std::string header = R"({"alg":")" + std::string(alg) + R"(","enc":"A128GCM")";
    if (p2s) header += R"(,"p2s":)" + *p2s;
    if (!p2c.empty()) header += R"(,"p2c":)" + std::string(p2c);
    return header + "}";
}

std::string json_string(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

// CVE-2022-36083 (panva/jose: PBES2 "p2c" taken from the token unbounded), RFC 7518 §4.8.1.2,
// RFC 8725 §3.4 (validate cryptographic inputs). 2^31 or 10^9 PBKDF2 iterations would cost
// minutes per token; the count is checked against the limit before any derivation, so each
// rejection is immediate. Counts that are not integers in [1000, limit] are refused alike.
TEST(Pbes2IterationCount, HugeP2cRejectedFastWithPbes2Limit) {
    const KeySet keys = key_set({password_key()});
    const JweDecryptOptions options =
        decrypt_options({KeyManagement::PBES2_HS256_A128KW, KeyManagement::PBES2_HS384_A192KW,
                         KeyManagement::PBES2_HS512_A256KW});
    const std::string p2s = json_string(b64(std::string(16, 's')));
    const std::vector<std::string> counts = {
        "2147483648",
        "1000000000",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "18446744073709551615",
        "1e30",
        "1e9",
        "1000000000.0",
        "1000001",
        "-1",
        "-2147483648",
        "0",
        "999",
        "1000.5",
        R"("1000")",
        R"("1000000000")",
        "null",
        "true",
        "[1000]",
        "{}",
        "",  // absent
    };
    for (const std::string alg :
         {"PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW"}) {
        for (const std::string& p2c : counts) {
            SCOPED_TRACE(alg + " p2c=" + p2c);
            const std::string token = compact(pbes2_header(alg, p2c, p2s), random_bytes(40),
                                              random_bytes(12), random_bytes(16), random_bytes(16));
            Result<DecryptedJwe> r = DecryptedJwe{};
            const double elapsed = seconds_of([&] { r = jwe::decrypt(token, keys, options); });
            EXPECT_EQ(r.code(), Errc::pbes2_limit) << describe(r);
            EXPECT_LT(elapsed, 1.0);
        }
    }
    // The count may sit in a per-recipient unprotected header of the JSON serialization.
    json::object flattened{{"protected", b64(R"({"enc":"A128GCM"})")},
                           {"header",
                            {{"alg", "PBES2-HS256+A128KW"},
                             {"p2s", b64(std::string(16, 's'))},
                             {"p2c", 2147483648ull}}},
                           {"encrypted_key", b64(random_bytes(24))},
                           {"iv", b64(random_bytes(12))},
                           {"ciphertext", b64(random_bytes(16))},
                           {"tag", b64(random_bytes(16))}};
    Result<DecryptedJwe> r = DecryptedJwe{};
    double elapsed =
        seconds_of([&] { r = jwe::decrypt_json(json::serialize(flattened), keys, options); });
    EXPECT_EQ(r.code(), Errc::pbes2_limit) << describe(r);
    EXPECT_LT(elapsed, 1.0);
    // And inside a nested JWT handed to a Verifier.
    VerifierOptions vo = verifier_options({signing_key(Algorithm::HS256)});
    vo.decryption_keys = keys;
    vo.decryption = options;
    const Verifier verifier = make_verifier(vo);
    const std::string nested =
        compact(pbes2_header("PBES2-HS256+A128KW", "1000000000", p2s), random_bytes(24),
                random_bytes(12), random_bytes(16), random_bytes(16));
    elapsed = seconds_of([&] { EXPECT_VERIFIER(verifier, nested, Errc::pbes2_limit); });
    EXPECT_LT(elapsed, 2.0);
}

// RFC 7518 §4.8.1.1: the salt input "p2s" is at least 8 octets. A short or missing salt makes
// precomputed dictionaries across tokens practical.
TEST(Pbes2IterationCount, ShortOrMissingSaltRejectedWithPbes2Limit) {
    const KeySet keys = key_set({password_key()});
    const JweDecryptOptions options = decrypt_options({KeyManagement::PBES2_HS256_A128KW});
    const std::vector<std::optional<std::string>> salts = {
        json_string(b64(std::string(7, 's'))),
        json_string(b64("s")),
        json_string(""),
        std::nullopt,
        json_string("!!!!!!!!!!!!"),
        "7",
        "null",
        R"(["c2FsdHNhbHQ"])",
    };
    for (const auto& p2s : salts) {
        SCOPED_TRACE(p2s.value_or("absent"));
        const std::string token =
            compact(pbes2_header("PBES2-HS256+A128KW", "1000", p2s), random_bytes(24),
                    random_bytes(12), random_bytes(16), random_bytes(16));
        const auto r = jwe::decrypt(token, keys, options);
        EXPECT_EQ(r.code(), Errc::pbes2_limit) << describe(r);
    }
}

// The bound is exact, and the sender side refuses counts below RFC 7518's minimum of 1000.
TEST(Pbes2IterationCount, LimitIsABoundaryNotAnEstimate) {
    const KeySet keys = key_set({password_key()});
    JweEncryptOptions eo;
    eo.pbes2_count = 2000;
    const std::string token =
        jwe::encrypt("payload", password_key(), KeyManagement::PBES2_HS256_A128KW,
                     ContentEncryption::A128GCM, eo)
            .value();
    JweDecryptOptions options = decrypt_options({KeyManagement::PBES2_HS256_A128KW});
    options.max_pbes2_count = 2000;
    EXPECT_EQ(jwe::decrypt(token, keys, options).value().plaintext, "payload");
    options.max_pbes2_count = 1999;
    EXPECT_EQ(jwe::decrypt(token, keys, options).code(), Errc::pbes2_limit);
    eo.pbes2_count = 999;
    EXPECT_EQ(jwe::encrypt("payload", password_key(), KeyManagement::PBES2_HS256_A128KW,
                           ContentEncryption::A128GCM, eo)
                  .code(),
              Errc::pbes2_limit);
}

// --- zip bomb --------------------------------------------------------------------------------

// Raw DEFLATE (RFC 1951, as "zip":"DEF" requires) of `size` zero bytes, streamed so that the
// inflated form never exists in memory here either.
std::string deflate_zeros(std::size_t size) {
    z_stream zs{};
    if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_RLE) != Z_OK)
        throw std::runtime_error("deflateInit2");
    const std::string zeros(1 << 20, '\0');
    std::string out;
    char buf[1 << 16];
    std::size_t left = size;
    for (;;) {
        const std::size_t n = std::min(left, zeros.size());
        left -= n;
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        zs.avail_in = static_cast<uInt>(n);
        const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            zs.next_out = reinterpret_cast<Bytef*>(buf);
            zs.avail_out = sizeof(buf);
            deflate(&zs, flush);
            out.append(buf, sizeof(buf) - zs.avail_out);
        } while (zs.avail_out == 0);
        if (flush == Z_FINISH) break;
    }
    deflateEnd(&zs);
    return out;
}

// The size a raw DEFLATE stream inflates to, counted without keeping the output.
std::size_t inflated_size(std::string_view data) {
    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK) throw std::runtime_error("inflateInit2");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    char buf[1 << 16];
    std::size_t total = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof(buf);
        rc = inflate(&zs, Z_NO_FLUSH);
        total += sizeof(buf) - zs.avail_out;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("not a DEFLATE stream");
    return total;
}

struct Sealed {
    std::string ciphertext, tag;
};

// AES-GCM with a 96-bit IV and 128-bit tag (RFC 7518 §5.3), independent of the library.
Sealed aes_gcm_seal(std::string_view key, std::string_view iv, std::string_view aad,
                    std::string_view plaintext) {
    const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_gcm()
                               : key.size() == 24 ? EVP_aes_192_gcm()
                                                  : EVP_aes_256_gcm();
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    Sealed out;
    out.ciphertext.resize(plaintext.size());
    out.tag.resize(16);
    int len = 0;
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    const auto* v = reinterpret_cast<const unsigned char*>(iv.data());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, k, v) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.ciphertext.data()), &len,
                          reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.tag.data()) != 1) {
        throw std::runtime_error("AES-GCM failed");
    }
    return out;
}

// A compact "dir" JWE whose protected header is exactly `header` and whose plaintext is
// exactly `content` (no compression applied here: "zip" in the header is the attacker's word).
std::string dir_token(const Jwk& key, std::string_view header, std::string_view content) {
    const std::string protected_b64 = b64(header);
    const std::string iv = random_bytes(12);
    const Sealed s = aes_gcm_seal(member_bytes(key, "k", true), iv, protected_b64, content);
    return protected_b64 + ".." + b64(iv) + "." + b64(s.ciphertext) + "." + b64(s.tag);
}

constexpr std::size_t kBombSize = 100 * 1024 * 1024;

const std::string& bomb() {
    static const std::string data = deflate_zeros(kBombSize);
    return data;
}

// CVE-2024-28180 (go-jose decompression bomb), RFC 7516 §4.1.3 ("zip"; RFC 8725 §3.6 advises
// against compression altogether). About 100 KB of DEFLATE inflate to 100 MiB; decryption stops
// at the configured maximum, fast, and never allocates anything near the bomb's inflated size
// (allocations are counted by a replacement operator new, see alloc_tracker.hpp).
TEST(ZipBomb, InflationStoppedAtLimitWithoutAllocatingIt) {
    ASSERT_LT(bomb().size(), 200u * 1024);
    ASSERT_EQ(inflated_size(bomb()), kBombSize);  // it really is a bomb
    const Jwk key = jwe_key(KeyManagement::dir, std::nullopt, ContentEncryption::A256GCM);
    const KeySet keys = key_set({key});
    const std::string token =
        dir_token(key, R"({"alg":"dir","enc":"A256GCM","zip":"DEF"})", bomb());

    JweDecryptOptions options = decrypt_options({KeyManagement::dir});
    // The default token size limit already stops this token; raise it to reach the inflater.
    EXPECT_EQ(jwe::decrypt(token, keys, options).code(), Errc::token_too_large);
    options.limits.max_token_size = 1024 * 1024;

    Result<DecryptedJwe> r = DecryptedJwe{};
    AllocationStats stats;
    double elapsed = 0;
    {
        AllocationScope scope;
        elapsed = seconds_of([&] { r = jwe::decrypt(token, keys, options); });
        stats = scope.stats();
    }
    EXPECT_EQ(r.code(), Errc::decompressed_too_large) << describe(r);
    EXPECT_LT(stats.largest, 4u * 1024 * 1024) << "largest single allocation";
    EXPECT_LT(stats.total, 32u * 1024 * 1024) << "bytes allocated in all";
    EXPECT_LT(elapsed, 1.0);

    // The same through a Verifier that accepts nested JWTs.
    VerifierOptions vo = verifier_options({signing_key(Algorithm::HS256)});
    vo.decryption_keys = keys;
    vo.decryption = options;
    elapsed = seconds_of(
        [&] { EXPECT_VERIFIER(make_verifier(vo), token, Errc::decompressed_too_large); });
    EXPECT_LT(elapsed, 2.0);
}

// The maximum is exact: content inflating to the limit passes, one byte more does not.
TEST(ZipBomb, DecompressedLimitIsABoundary) {
    const Jwk key = jwe_key(KeyManagement::dir, std::nullopt, ContentEncryption::A256GCM);
    JweEncryptOptions eo;
    eo.compress = true;
    const std::string plaintext(250'000, 'a');
    const std::string token =
        jwe::encrypt(plaintext, key, KeyManagement::dir, ContentEncryption::A256GCM, eo).value();
    JweDecryptOptions options = decrypt_options({KeyManagement::dir});
    options.max_decompressed_size = plaintext.size();
    EXPECT_EQ(jwe::decrypt(token, key_set({key}), options).value().plaintext, plaintext);
    options.max_decompressed_size = plaintext.size() - 1;
    EXPECT_EQ(jwe::decrypt(token, key_set({key}), options).code(), Errc::decompressed_too_large);
}

// RFC 7516 §4.1.3: "zip" is "DEF" and integrity protected; anything else is refused before any
// inflating, and a stream that is not DEFLATE fails as such.
TEST(ZipBomb, UnprotectedOrUnknownZipRefused) {
    const Jwk key = jwe_key(KeyManagement::dir, std::nullopt, ContentEncryption::A256GCM);
    const KeySet keys = key_set({key});
    const JweDecryptOptions options = decrypt_options({KeyManagement::dir});
    for (const std::string zip : {R"("GZIP")", R"("def")", R"("DEF ")", R"("")", "true", "null"}) {
        const std::string token =
            dir_token(key, R"({"alg":"dir","enc":"A256GCM","zip":)" + zip + "}", "x");
        EXPECT_EQ(jwe::decrypt(token, keys, options).code(), Errc::unsupported_zip) << zip;
    }
    // "zip" in the shared unprotected header of the JSON serialization.
    const std::string protected_b64 = b64(R"({"alg":"dir","enc":"A256GCM"})");
    const std::string iv = random_bytes(12);
    const Sealed s = aes_gcm_seal(member_bytes(key, "k", true), iv, protected_b64, bomb());
    const json::object flattened{{"protected", protected_b64},
                                 {"unprotected", {{"zip", "DEF"}}},
                                 {"iv", b64(iv)},
                                 {"ciphertext", b64(s.ciphertext)},
                                 {"tag", b64(s.tag)}};
    JweDecryptOptions big = options;
    big.limits.max_token_size = 1024 * 1024;
    EXPECT_EQ(jwe::decrypt_json(json::serialize(flattened), keys, big).code(),
              Errc::unsupported_zip);
    // Not DEFLATE at all, and DEFLATE followed by trailing bytes.
    const std::string header = R"({"alg":"dir","enc":"A256GCM","zip":"DEF"})";
    EXPECT_EQ(
        jwe::decrypt(dir_token(key, header, "\xff\xff\xff\xff not deflate"), keys, options).code(),
        Errc::decompression_failed);
    EXPECT_EQ(
        jwe::decrypt(dir_token(key, header, deflate_zeros(10) + "trailing"), keys, options).code(),
        Errc::decompression_failed);
}

// RFC 7516 §4.1.13 (as RFC 7515 §4.1.11): "crit" in a JWE protected header lists only
// understood, unregistered names, is a non-empty array, and is never in an unprotected header.
TEST(Crit, JweCritHonouredAndOnlyProtected) {
    const Jwk key = jwe_key(KeyManagement::dir, std::nullopt, ContentEncryption::A128GCM);
    const KeySet keys = key_set({key});
    const JweDecryptOptions options = decrypt_options({KeyManagement::dir});
    const std::vector<json::object> headers = {
        {{"crit", json::array{"https://example.com/ext"}}, {"https://example.com/ext", 1}},
        {{"crit", json::array{"enc"}}},
        {{"crit", json::array{"zip"}}},
        {{"crit", json::array{}}},
        {{"crit", "https://example.com/ext"}, {"https://example.com/ext", 1}},
        {{"crit", json::array{"https://example.com/ext"}}},
    };
    for (const auto& header : headers) {
        JweEncryptOptions eo;
        eo.header = header;
        const std::string token =
            jwe::encrypt("x", key, KeyManagement::dir, ContentEncryption::A128GCM, eo).value();
        EXPECT_EQ(jwe::decrypt(token, keys, options).code(), Errc::unsupported_crit)
            << json::serialize(header);
    }
    // Understood, present and protected: accepted (control); unprotected: refused.
    JweEncryptOptions eo;
    eo.header = headers[0];
    JweDecryptOptions understands = options;
    understands.understood_crit = {"https://example.com/ext"};
    const std::string token =
        jwe::encrypt("x", key, KeyManagement::dir, ContentEncryption::A128GCM, eo).value();
    EXPECT_EQ(jwe::decrypt(token, keys, understands).value().plaintext, "x");
    const JweRecipient recipient{key, KeyManagement::dir, {}};
    JweJsonOptions jo;
    jo.flattened = true;
    jo.unprotected_header = headers[0];
    const json::object jwe =
        jwe::encrypt_json("x", {&recipient, 1}, ContentEncryption::A128GCM, jo).value();
    EXPECT_EQ(jwe::decrypt_json(json::serialize(jwe), keys, understands).code(),
              Errc::unsupported_crit);
}

// --- ECDH-ES ephemeral keys ------------------------------------------------------------------

std::string ecdh_header(std::string_view alg, const json::value& epk) {
    json::object header{{"alg", alg}, {"enc", "A128GCM"}};
    header["epk"] = epk;
    return json::serialize(header);
}

std::string ecdh_token(std::string_view alg, const json::value& epk) {
    return compact(ecdh_header(alg, epk), alg == "ECDH-ES" ? "" : random_bytes(24),
                   random_bytes(12), random_bytes(16), random_bytes(16));
}

json::object ec_point(std::string_view crv, std::string_view x, std::string_view y) {
    return {{"kty", "EC"}, {"crv", crv}, {"x", b64(x)}, {"y", b64(y)}};
}

// CVE-2017-16007 (node-jose: invalid-curve attack on ECDH-ES), RFC 8725 §3.4, RFC 7518 §4.6:
// an "epk" off the recipient's curve, or a point of another curve presented as one of ours,
// would let an attacker learn the private key a few bits at a time from its small subgroups.
// The point is validated before any key agreement.
TEST(InvalidCurve, EpkOffTheCurveOrFromAnotherCurveRejected) {
    for (const Curve curve : {Curve::P256, Curve::P384, Curve::P521}) {
        SCOPED_TRACE(std::string(to_string(curve)));
        // One recipient key per algorithm: a key serves only the algorithm it is bound to.
        const Jwk recipient = jwe_key(KeyManagement::ECDH_ES, curve);
        const KeySet keys = key_set({recipient, jwe_key(KeyManagement::ECDH_ES_A128KW, curve)});
        const JweDecryptOptions options =
            decrypt_options({KeyManagement::ECDH_ES, KeyManagement::ECDH_ES_A128KW});
        const std::string crv(to_string(curve));
        const Jwk other = public_of(jwe_key(KeyManagement::ECDH_ES, curve));
        const std::string x = member_bytes(other, "x"), y = member_bytes(other, "y");
        std::string y_plus_one = y;
        y_plus_one.back() = static_cast<char>(y_plus_one.back() ^ 1);
        const std::string zero(x.size(), '\0');
        const std::string ones(x.size(), '\xff');

        std::vector<std::pair<std::string, json::value>> epks = {
            {"y changed: off the curve", ec_point(crv, x, y_plus_one)},
            // (0, 0) lies on y^2 = x^3 - 3x, the twin of the NIST curve with b = 0, where it
            // has order 2: the textbook invalid-curve point.
            {"(0, 0)", ec_point(crv, zero, zero)},
            {"coordinates of all ones, beyond the field", ec_point(crv, ones, ones)},
            {"x and y swapped", ec_point(crv, y, x)},
            {"coordinates one byte short", ec_point(crv, x.substr(1), y.substr(1))},
            {"a private key", other.to_json()},  // replaced below by one with "d"
            {"not an object", json::string(b64(x + y))},
            {"an oct key", json::object{{"kty", "oct"}, {"k", b64(x)}}},
            {"an X25519 key", public_of(jwe_key(KeyManagement::ECDH_ES, Curve::X25519)).to_json()},
            {"no kty", json::object{{"crv", crv}, {"x", b64(x)}, {"y", b64(y)}}},
        };
        epks[5].second = jwe_key(KeyManagement::ECDH_ES, curve).to_json(true);
        // A genuine point of another curve: P-384 / P-256 under their own names, and a
        // secp256k1 point (same coordinate size as P-256) under the name P-256.
        const Curve foreign = curve == Curve::P256 ? Curve::P384 : Curve::P256;
        epks.emplace_back("a point of " + std::string(to_string(foreign)),
                          public_of(jwe_key(KeyManagement::ECDH_ES, foreign)).to_json());
        if (curve == Curve::P256) {
            const Jwk k1 = public_of(signing_key(Algorithm::ES256K));
            epks.emplace_back("a secp256k1 point named P-256",
                              ec_point("P-256", member_bytes(k1, "x"), member_bytes(k1, "y")));
        }
        for (const auto& [label, epk] : epks) {
            SCOPED_TRACE(label);
            for (const std::string alg : {"ECDH-ES", "ECDH-ES+A128KW"}) {
                const auto r = jwe::decrypt(ecdh_token(alg, epk), keys, options);
                EXPECT_EQ(r.code(), Errc::invalid_epk) << alg << ": " << describe(r);
            }
        }
        // No "epk" at all.
        const auto missing =
            jwe::decrypt(compact(R"({"alg":"ECDH-ES","enc":"A128GCM"})", "", random_bytes(12),
                                 random_bytes(16), random_bytes(16)),
                         keys, options);
        EXPECT_EQ(missing.code(), Errc::invalid_epk) << describe(missing);
        // Control: a genuine ECDH-ES token decrypts.
        const std::string good =
            jwe::encrypt("hello", recipient, KeyManagement::ECDH_ES, ContentEncryption::A128GCM)
                .value();
        EXPECT_EQ(jwe::decrypt(good, keys, options).value().plaintext, "hello");
    }
}

// RFC 7748 §6.1 and RFC 8037 §3.2: X25519 and X448 with a small-order peer point give an
// all-zero shared secret, i.e. a key the attacker knows; such an "epk" is refused. The points
// are the published small-order u-coordinates (also in non-canonical forms >= p, and with the
// ignored top bit set).
TEST(X25519SmallOrder, SmallOrderEpkRejected) {
    const Jwk recipient = jwe_key(KeyManagement::ECDH_ES, Curve::X25519);
    const KeySet keys = key_set({recipient, jwe_key(KeyManagement::ECDH_ES_A256KW, Curve::X25519)});
    const JweDecryptOptions options =
        decrypt_options({KeyManagement::ECDH_ES, KeyManagement::ECDH_ES_A256KW});
    const std::vector<std::string> points = {
        "0000000000000000000000000000000000000000000000000000000000000000",  // 0
        "0100000000000000000000000000000000000000000000000000000000000000",  // 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1
        "0000000000000000000000000000000000000000000000000000000000000080",  // 0, top bit
        "0100000000000000000000000000000000000000000000000000000000000080",  // 1, top bit
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",  // order 8, top bit
    };
    for (const std::string& hex : points) {
        SCOPED_TRACE(hex);
        const json::object epk{{"kty", "OKP"}, {"crv", "X25519"}, {"x", b64(hex_decode(hex))}};
        for (const std::string alg : {"ECDH-ES", "ECDH-ES+A256KW"}) {
            const auto r = jwe::decrypt(
                compact(ecdh_header(alg, epk), alg == "ECDH-ES" ? "" : random_bytes(40),
                        random_bytes(12), random_bytes(16), random_bytes(16)),
                keys, options);
            EXPECT_EQ(r.code(), Errc::invalid_epk) << alg << ": " << describe(r);
        }
    }
    // X448: the points 0 and 1.
    const Jwk x448 = jwe_key(KeyManagement::ECDH_ES, Curve::X448);
    for (const std::string& u : {std::string(56, '\0'), "\x01" + std::string(55, '\0')}) {
        const json::object epk{{"kty", "OKP"}, {"crv", "X448"}, {"x", b64(u)}};
        const auto r = jwe::decrypt(ecdh_token("ECDH-ES", epk), key_set({x448}), options);
        EXPECT_EQ(r.code(), Errc::invalid_epk) << describe(r);
    }
    // Control: a genuine X25519 token decrypts.
    const std::string good =
        jwe::encrypt("hello", recipient, KeyManagement::ECDH_ES, ContentEncryption::A128GCM)
            .value();
    EXPECT_EQ(jwe::decrypt(good, keys, options).value().plaintext, "hello");
}

// --- RSA1_5 ------------------------------------------------------------------------------------

const Jwk& rsa1_5_key() {
    static const Jwk key = jwe_key(KeyManagement::RSA1_5, std::nullopt, std::nullopt, "rsa1_5");
    return key;
}

JweDecryptOptions rsa1_5_options() {
    JweDecryptOptions o = decrypt_options({KeyManagement::RSA1_5});
    o.allow_rsa1_5_unsafe = true;
    return o;
}

std::string rsa1_5_token(std::string_view plaintext) {
    JweEncryptOptions eo;
    eo.allow_rsa1_5_unsafe = true;
    return jwe::encrypt(plaintext, rsa1_5_key(), KeyManagement::RSA1_5, ContentEncryption::A128GCM,
                        eo)
        .value();
}

// RFC 8725 §3.2 and RFC 7516 §11.5: RSAES-PKCS1-v1_5 key encryption is a padding oracle
// (Bleichenbacher, CRYPTO '98) unless handled with care; it is off unless enabled by name, on
// both the sending and the receiving side.
TEST(Rsa1_5, RefusedUnlessExplicitlyEnabled) {
    const Jwk& key = rsa1_5_key();
    EXPECT_EQ(jwe::encrypt("x", key, KeyManagement::RSA1_5, ContentEncryption::A128GCM).code(),
              Errc::alg_not_allowed);
    const JweRecipient recipient{key, KeyManagement::RSA1_5, {}};
    EXPECT_EQ(jwe::encrypt_json("x", {&recipient, 1}, ContentEncryption::A128GCM).code(),
              Errc::alg_not_allowed);
    const std::string token = rsa1_5_token("secret");
    const KeySet keys = key_set({key});
    EXPECT_EQ(jwe::decrypt(token, keys, decrypt_options({KeyManagement::RSA1_5})).code(),
              Errc::alg_not_allowed);
    EXPECT_EQ(jwe::decrypt(token, keys,
                           decrypt_options({KeyManagement::RSA_OAEP, KeyManagement::RSA_OAEP_256}))
                  .code(),
              Errc::alg_not_allowed);
    // A Verifier whose decryption key is bound to RSA1_5 still does not decrypt it.
    VerifierOptions vo = verifier_options({signing_key(Algorithm::HS256)});
    vo.decryption_keys = keys;
    EXPECT_VERIFIER(make_verifier(vo), token, Errc::alg_not_allowed);
    // Control: enabled by name, it works.
    EXPECT_EQ(jwe::decrypt(token, keys, rsa1_5_options()).value().plaintext, "secret");
}

// m^e mod n: raw RSA, so that the test chooses the exact padded block the key holder decrypts.
std::string rsa_raw(std::string_view block, const Jwk& key) {
    const std::string n = member_bytes(key, "n"), e = member_bytes(key, "e");
    std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
    const auto bn = [](std::string_view bytes) {
        return std::unique_ptr<BIGNUM, decltype(&BN_free)>(
            BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr),
            &BN_free);
    };
    auto m = bn(block), bn_n = bn(n), bn_e = bn(e);
    std::unique_ptr<BIGNUM, decltype(&BN_free)> c(BN_new(), &BN_free);
    if (!ctx || !m || !bn_n || !bn_e || !c ||
        BN_mod_exp(c.get(), m.get(), bn_e.get(), bn_n.get(), ctx.get()) != 1) {
        throw std::runtime_error("BN_mod_exp failed");
    }
    std::string out(n.size(), '\0');
    BN_bn2binpad(c.get(), reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(out.size()));
    return out;
}

std::string nonzero_bytes(std::size_t n) {
    std::string out = random_bytes(n);
    for (char& c : out)
        if (c == '\0') c = '\x5a';
    return out;
}

// RFC 7516 §11.5 / RFC 3218 §2.3.2 countermeasure: whatever is wrong with the RSA1_5 encrypted
// key (block type, missing or early separator, a key of the wrong length, a ciphertext of the
// wrong size or beyond the modulus) the recipient goes on with a random CEK, and the only
// observable outcome is the one a wrong authentication tag gives: the same code, the same
// message. Any difference is an oracle.
TEST(Rsa1_5, EveryPaddingFailureLooksLikeAWrongTag) {
    const Jwk& key = rsa1_5_key();
    const KeySet keys = key_set({key});
    const JweDecryptOptions options = rsa1_5_options();
    const std::string good = rsa1_5_token("the plaintext");
    ASSERT_TRUE(jwe::decrypt(good, keys, options).ok());
    std::vector<std::string> parts = split_dots(good);

    std::vector<std::string> wrong_tag_parts = parts;
    std::string tag = unb64(parts[4]);
    tag[0] = static_cast<char>(tag[0] ^ 1);
    wrong_tag_parts[4] = b64(tag);
    const auto reference = jwe::decrypt(join_dots(wrong_tag_parts), keys, options);
    ASSERT_EQ(reference.code(), Errc::decryption_failed);

    const std::size_t k = member_bytes(key, "n").size();
    const auto pkcs1 = [&](std::string_view type, std::size_t ps, std::string_view message) {
        return std::string(type) + nonzero_bytes(ps) + std::string(1, '\0') + std::string(message);
    };
    const std::vector<std::pair<std::string, std::string>> blocks = {
        {"valid padding, wrong CEK",
         pkcs1(std::string("\x00\x02", 2), k - 3 - 16, random_bytes(16))},
        {"block type 1", pkcs1(std::string("\x00\x01", 2), k - 3 - 16, random_bytes(16))},
        {"block type 0", pkcs1(std::string("\x00\x00", 2), k - 3 - 16, random_bytes(16))},
        {"first byte not zero", pkcs1("\x01\x02", k - 3 - 16, random_bytes(16))},
        {"no separator", std::string("\x00\x02", 2) + nonzero_bytes(k - 2)},
        {"padding string of 7 bytes", pkcs1(std::string("\x00\x02", 2), 7, random_bytes(k - 10))},
        {"CEK of 15 bytes", pkcs1(std::string("\x00\x02", 2), k - 3 - 15, random_bytes(15))},
        {"CEK of 17 bytes", pkcs1(std::string("\x00\x02", 2), k - 3 - 17, random_bytes(17))},
        {"CEK of 32 bytes", pkcs1(std::string("\x00\x02", 2), k - 3 - 32, random_bytes(32))},
        {"empty CEK", pkcs1(std::string("\x00\x02", 2), k - 3, "")},
    };
    std::vector<std::pair<std::string, std::string>> encrypted_keys;
    for (const auto& [label, block] : blocks) {
        ASSERT_EQ(block.size(), k) << label;
        encrypted_keys.emplace_back(label, rsa_raw(block, key));
    }
    encrypted_keys.emplace_back("one byte short", random_bytes(k - 1));
    encrypted_keys.emplace_back("one byte long", std::string(1, '\0') + random_bytes(k));
    encrypted_keys.emplace_back("empty", "");
    encrypted_keys.emplace_back("the modulus itself", member_bytes(key, "n"));
    encrypted_keys.emplace_back("beyond the modulus", std::string(k, '\xff'));
    encrypted_keys.emplace_back("random", std::string(1, '\0') + random_bytes(k - 1));

    for (const auto& [label, encrypted_key] : encrypted_keys) {
        SCOPED_TRACE(label);
        std::vector<std::string> forged = parts;
        forged[1] = b64(encrypted_key);
        const auto r = jwe::decrypt(join_dots(forged), keys, options);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.code(), Errc::decryption_failed);
        EXPECT_EQ(r.error().message(), reference.error().message());
    }
}

// --- content encryption: tags, IVs, ciphertext --------------------------------------------------

struct Encrypted {
    Jwk key;
    ContentEncryption enc;
    std::vector<std::string> parts;  // the five segments, base64url
};

std::vector<Encrypted> encrypted_with_every_enc() {
    std::vector<Encrypted> out;
    for (const ContentEncryption enc : all_content_encryption()) {
        Jwk key = jwe_key(KeyManagement::dir, std::nullopt, enc);
        const std::string token =
            jwe::encrypt("a plaintext of a few blocks, long enough to span three AES blocks", key,
                         KeyManagement::dir, enc)
                .value();
        out.push_back({std::move(key), enc, split_dots(token)});
    }
    return out;
}

bool is_gcm(ContentEncryption enc) {
    return enc == ContentEncryption::A128GCM || enc == ContentEncryption::A192GCM ||
           enc == ContentEncryption::A256GCM;
}

// The untruncated HMAC of AES_CBC_HMAC_SHA2 (RFC 7518 §5.2.2.1): its first half is the tag.
std::string full_cbc_hmac(const Encrypted& e) {
    const std::string secret = member_bytes(e.key, "k", true);
    const std::string mac_key = secret.substr(0, secret.size() / 2);
    const std::string aad = e.parts[0];
    std::string al(8, '\0');
    const std::uint64_t bits = static_cast<std::uint64_t>(aad.size()) * 8;
    for (int i = 0; i < 8; ++i)
        al[static_cast<std::size_t>(i)] = static_cast<char>((bits >> (56 - 8 * i)) & 0xff);
    const std::string data = aad + unb64(e.parts[2]) + unb64(e.parts[3]) + al;
    const EVP_MD* md = mac_key.size() == 16   ? EVP_sha256()
                       : mac_key.size() == 24 ? EVP_sha384()
                                              : EVP_sha512();
    unsigned char out[64];
    unsigned int len = sizeof(out);
    HMAC(md, mac_key.data(), static_cast<int>(mac_key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

void expect_decryption_failed(const Encrypted& e, std::vector<std::string> parts,
                              const std::string& label) {
    SCOPED_TRACE(std::string(to_string(e.enc)) + ": " + label);
    const auto r =
        jwe::decrypt(join_dots(parts), key_set({e.key}), decrypt_options({KeyManagement::dir}));
    EXPECT_EQ(r.code(), Errc::decryption_failed) << describe(r);
}

// RFC 7518 §5.2.2.2 (the CBC-HMAC tag is exactly T_LEN octets, compared whole) and §5.3 (a
// 128-bit GCM tag); NIST SP 800-38D §5.2.1.2 and Appendix C on short GCM tags. A verifier that
// compares only as many bytes as it was given accepts a one-byte tag after 256 guesses; one
// that compares only the first T_LEN bytes accepts any suffix. Here every prefix of the right
// tag, the right tag with bytes appended, and the untruncated HMAC are refused.
TEST(ContentEncryption, TruncatedAndOverlongTagsRejected) {
    for (const Encrypted& e : encrypted_with_every_enc()) {
        const std::string tag = unb64(e.parts[4]);
        ASSERT_EQ(tag.size(), is_gcm(e.enc) ? 16u : cek_bytes(e.enc) / 2);
        for (const std::size_t n :
             {tag.size() - 1, tag.size() / 2, std::size_t{4}, std::size_t{1}, std::size_t{0}}) {
            std::vector<std::string> parts = e.parts;
            parts[4] = b64(tag.substr(0, n));
            expect_decryption_failed(e, parts, "tag truncated to " + std::to_string(n));
        }
        for (const std::string& extra : {std::string(1, '\0'), std::string(16, '\0'), tag}) {
            std::vector<std::string> parts = e.parts;
            parts[4] = b64(tag + extra);
            expect_decryption_failed(e, parts, "tag extended by " + std::to_string(extra.size()));
        }
        if (!is_gcm(e.enc)) {
            const std::string full = full_cbc_hmac(e);
            ASSERT_EQ(full.substr(0, tag.size()), tag);  // the construction is the real one
            std::vector<std::string> parts = e.parts;
            parts[4] = b64(full);
            expect_decryption_failed(e, parts, "the untruncated HMAC as tag");
        }
        // Control: the untouched token decrypts.
        EXPECT_TRUE(jwe::decrypt(join_dots(e.parts), key_set({e.key}),
                                 decrypt_options({KeyManagement::dir}))
                        .ok());
    }
}

// RFC 7518 §5.2.2.1 (a 128-bit IV for CBC) and §5.3 (a 96-bit IV for GCM). GCM accepts other
// IV lengths mathematically, and a short IV raises the chance of reuse; any length but the one
// specified is refused.
TEST(ContentEncryption, WrongIvLengthRejected) {
    for (const Encrypted& e : encrypted_with_every_enc()) {
        const std::string iv = unb64(e.parts[2]);
        ASSERT_EQ(iv.size(), is_gcm(e.enc) ? 12u : 16u);
        for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{8}, iv.size() - 1,
                                    iv.size() + 1, std::size_t{16}, std::size_t{32}}) {
            if (n == iv.size()) continue;
            std::string changed = iv.substr(0, std::min(n, iv.size()));
            changed.resize(n, '\0');
            std::vector<std::string> parts = e.parts;
            parts[2] = b64(changed);
            expect_decryption_failed(e, parts, "IV of " + std::to_string(n) + " bytes");
        }
    }
}

// RFC 7516 §5.2 step 16 and RFC 7518 §5.2.2.2: any change to the ciphertext, the IV or the
// protected header (the AAD) fails authentication, before any padding is looked at (the CBC
// padding oracle of Vaudenay, EUROCRYPT 2002), with the one decryption_failed error.
TEST(ContentEncryption, ModifiedCiphertextOrHeaderRejected) {
    for (const Encrypted& e : encrypted_with_every_enc()) {
        const std::string ct = unb64(e.parts[3]);
        const auto with_ct = [&](std::string changed) {
            std::vector<std::string> parts = e.parts;
            parts[3] = b64(changed);
            return parts;
        };
        std::string flipped_first = ct, flipped_last = ct;
        flipped_first[0] = static_cast<char>(flipped_first[0] ^ 0x01);
        flipped_last.back() = static_cast<char>(flipped_last.back() ^ 0x80);
        expect_decryption_failed(e, with_ct(flipped_first), "first ciphertext bit flipped");
        expect_decryption_failed(e, with_ct(flipped_last), "last ciphertext bit flipped");
        expect_decryption_failed(e, with_ct(ct.substr(0, ct.size() - 1)), "last byte dropped");
        expect_decryption_failed(e, with_ct(ct.substr(0, ct.size() - 16)), "last block dropped");
        expect_decryption_failed(e, with_ct(ct + std::string(16, '\0')), "a block appended");
        expect_decryption_failed(e, with_ct(""), "empty ciphertext");

        std::vector<std::string> iv_changed = e.parts;
        std::string iv = unb64(e.parts[2]);
        iv[0] = static_cast<char>(iv[0] ^ 1);
        iv_changed[2] = b64(iv);
        expect_decryption_failed(e, iv_changed, "IV changed");

        // The same header with different bytes: a space, and a member added.
        const std::string header = unb64(e.parts[0]);
        for (const std::string& changed :
             {" " + header, header.substr(0, header.size() - 1) + R"(,"x":1})"}) {
            std::vector<std::string> parts = e.parts;
            parts[0] = b64(changed);
            expect_decryption_failed(e, parts, "protected header changed: " + changed);
        }
    }
}

// --- key binding -------------------------------------------------------------------------------

// RFC 7517 §4.2-4.4 and RFC 8725 §3.1 ("each key should be used with exactly one algorithm"):
// a key bound by "alg", "use" or "key_ops" never serves another algorithm or operation, whatever
// the token's header asks for. Downgrading an RSA-OAEP key to the RSA1_5 oracle, using an HMAC
// signing secret as an encryption key, or an ECDH key as a signature key are all refused; by
// "kid" with key_alg_mismatch / key_use_mismatch, without "kid" no key fits (key_not_found).
TEST(KeyBinding, KeyNeverServesAnAlgorithmItIsNotBoundTo) {
    const auto garbage = [](std::string_view header, std::size_t ek) {
        return compact(header, random_bytes(ek), random_bytes(12), random_bytes(16),
                       random_bytes(16));
    };
    // An A128KW key named in a "dir" header (same 16-byte size as an A128GCM CEK).
    const Jwk kw = jwe_key(KeyManagement::A128KW, std::nullopt, std::nullopt, "kw");
    JweDecryptOptions o = decrypt_options({KeyManagement::A128KW, KeyManagement::dir});
    EXPECT_EQ(
        jwe::decrypt(garbage(R"({"alg":"dir","enc":"A128GCM","kid":"kw"})", 0), key_set({kw}), o)
            .code(),
        Errc::key_alg_mismatch);
    EXPECT_EQ(jwe::decrypt(garbage(R"({"alg":"dir","enc":"A128GCM"})", 0), key_set({kw}), o).code(),
              Errc::key_not_found);

    // An RSA-OAEP key asked for RSA-OAEP-256, or downgraded to RSA1_5.
    const Jwk oaep = jwe_key(KeyManagement::RSA_OAEP, std::nullopt, std::nullopt, "oaep");
    o = decrypt_options(
        {KeyManagement::RSA_OAEP, KeyManagement::RSA_OAEP_256, KeyManagement::RSA1_5});
    o.allow_rsa1_5_unsafe = true;
    for (const std::string alg : {"RSA-OAEP-256", "RSA1_5"}) {
        EXPECT_EQ(
            jwe::decrypt(garbage(R"({"alg":")" + alg + R"(","enc":"A128GCM","kid":"oaep"})", 256),
                         key_set({oaep}), o)
                .code(),
            Errc::key_alg_mismatch)
            << alg;
        EXPECT_EQ(jwe::decrypt(garbage(R"({"alg":")" + alg + R"(","enc":"A128GCM"})", 256),
                               key_set({oaep}), o)
                      .code(),
                  Errc::key_not_found)
            << alg;
    }

    // An HS256 signing secret (32 bytes, the size of an A128CBC-HS256 CEK) used for "dir".
    const Jwk& hs = signing_key(Algorithm::HS256);
    EXPECT_EQ(jwe::decrypt(garbage(R"({"alg":"dir","enc":"A128CBC-HS256","kid":"HS256-key"})", 0),
                           key_set({hs}), decrypt_options({KeyManagement::dir}))
                  .code(),
              Errc::key_alg_mismatch);

    // An ES256 signing key used for ECDH-ES key agreement.
    const Jwk& es = signing_key(Algorithm::ES256);
    const json::value epk = public_of(jwe_key(KeyManagement::ECDH_ES)).to_json();
    json::object ecdh_header{{"alg", "ECDH-ES"}, {"enc", "A128GCM"}, {"kid", "ES256-key"}};
    ecdh_header["epk"] = epk;
    EXPECT_EQ(jwe::decrypt(garbage(json::serialize(ecdh_header), 0), key_set({es}),
                           decrypt_options({KeyManagement::ECDH_ES}))
                  .code(),
              Errc::key_alg_mismatch);

    // An ECDH-ES key used to verify an ES256 signature.
    const Jwk ecdh = jwe_key(KeyManagement::ECDH_ES, std::nullopt, std::nullopt, "ecdh");
    const std::string es_token =
        signed_token(R"({"alg":"ES256","kid":"ecdh"})", valid_claims(),
                     ecdh.with_alg(Algorithm::ES256).with_use("sig"), Algorithm::ES256);
    EXPECT_JWS(es_token, key_set({public_of(ecdh)}), jws_options({Algorithm::ES256}),
               Errc::key_alg_mismatch);
    EXPECT_EQ(Verifier::create(verifier_options({public_of(ecdh)}, {Algorithm::ES256})).code(),
              Errc::key_alg_mismatch);

    // "use" and "key_ops" without "alg".
    const std::string secret16 = b64(std::string(16, 'q')), secret32 = b64(std::string(32, 'q'));
    const Jwk sig_use =
        Jwk::parse(R"({"kty":"oct","kid":"u","use":"sig","k":")" + secret16 + "\"}").value();
    EXPECT_EQ(jwe::decrypt(garbage(R"({"alg":"A128KW","enc":"A128GCM","kid":"u"})", 24),
                           key_set({sig_use}), decrypt_options({KeyManagement::A128KW}))
                  .code(),
              Errc::key_use_mismatch);
    const Jwk enc_use =
        Jwk::parse(R"({"kty":"oct","kid":"e","use":"enc","k":")" + secret32 + "\"}").value();
    const std::string hs_token = signed_token(
        R"({"alg":"HS256","kid":"e"})", valid_claims(),
        Jwk::from_secret(std::string(32, 'q'), Algorithm::HS256).value(), Algorithm::HS256);
    EXPECT_JWS(hs_token, key_set({enc_use}), jws_options({Algorithm::HS256}),
               Errc::key_use_mismatch);
    const Jwk sign_only =
        Jwk::parse(R"({"kty":"oct","kid":"e","key_ops":["sign"],"k":")" + secret32 + "\"}").value();
    EXPECT_JWS(hs_token, key_set({sign_only}), jws_options({Algorithm::HS256}),
               Errc::key_use_mismatch);
    const Jwk encrypt_only =
        Jwk::parse(R"({"kty":"oct","kid":"u","key_ops":["encrypt","wrapKey"],"k":")" + secret16 +
                   "\"}")
            .value();
    EXPECT_EQ(jwe::decrypt(garbage(R"({"alg":"A128KW","enc":"A128GCM","kid":"u"})", 24),
                           key_set({encrypt_only}), decrypt_options({KeyManagement::A128KW}))
                  .code(),
              Errc::key_use_mismatch);
}

}  // namespace
}  // namespace signet::security
