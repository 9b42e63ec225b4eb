// JWE compact serialization (RFC 7516 §7.1): round trips for every key management × content
// encryption pair of RFC 7518 §4-5 (and ECDH-ES over X25519/X448, RFC 8037), "zip": "DEF", and a
// negative test with its exact error code for each way jwe::decrypt and jwe::encrypt refuse input.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "jose/crypto/crypto.hpp"
#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::key_set;
using testing::public_of;
using testing::test_key;

// Every compact decryption here runs through both overloads of jwe::decrypt, which must reach the
// same verdict and, on success, the same plaintext and header members; one DecryptedCompactJwe is
// reused across the whole binary, so stale members of an earlier token would show.
Result<DecryptedJwe> checked_decrypt(std::string_view token, const KeySet& keys,
                                     const JweDecryptOptions& options) {
    static DecryptedCompactJwe reused;
    auto full = jwe::decrypt(token, keys, options);
    const auto into = jwe::decrypt(token, keys, options, reused);
    EXPECT_EQ(into.code(), full.code()) << "the reused-output overload disagrees";
    if (!full) {
        EXPECT_TRUE(reused.plaintext.empty() && reused.kid.empty() && reused.cty.empty() &&
                    reused.typ.empty());
        return full;
    }
    const json::object& h = full->protected_header;
    const auto text = [&](std::string_view name) {
        const json::value* v = h.if_contains(name);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    EXPECT_EQ(reused.plaintext, full->plaintext);
    EXPECT_EQ(to_string(reused.alg), text("alg"));
    EXPECT_EQ(to_string(reused.enc), text("enc"));
    EXPECT_EQ(reused.kid, text("kid"));
    EXPECT_EQ(reused.cty, text("cty"));
    EXPECT_EQ(reused.typ, text("typ"));
    return full;
}

// ---------------------------------------------------------------------------------------------
// Keys and token surgery

std::string kid_for(KeyManagement alg, Curve curve, ContentEncryption enc) {
    std::string kid(to_string(alg));
    if (alg == KeyManagement::dir) kid += "-" + std::string(to_string(enc));
    if (curve != Curve::none) kid += "-" + std::string(to_string(curve));
    return kid + "-key";
}

bool is_rsa(KeyManagement alg) {
    return alg == KeyManagement::RSA1_5 || alg == KeyManagement::RSA_OAEP ||
           alg == KeyManagement::RSA_OAEP_256;
}
bool is_ecdh(KeyManagement alg) {
    return alg == KeyManagement::ECDH_ES || alg == KeyManagement::ECDH_ES_A128KW ||
           alg == KeyManagement::ECDH_ES_A192KW || alg == KeyManagement::ECDH_ES_A256KW;
}
bool is_gcm_kw(KeyManagement alg) {
    return alg == KeyManagement::A128GCMKW || alg == KeyManagement::A192GCMKW ||
           alg == KeyManagement::A256GCMKW;
}
bool is_pbes2(KeyManagement alg) {
    return alg == KeyManagement::PBES2_HS256_A128KW || alg == KeyManagement::PBES2_HS384_A192KW ||
           alg == KeyManagement::PBES2_HS512_A256KW;
}
bool is_gcm(ContentEncryption enc) {
    return enc == ContentEncryption::A128GCM || enc == ContentEncryption::A192GCM ||
           enc == ContentEncryption::A256GCM;
}

// The private key of a recipient for `alg`, made once per process. RSA keys reuse the RSA key
// material the other tests of the binary generate (RSA generation is the slow part).
Jwk recipient_key(KeyManagement alg, ContentEncryption enc = ContentEncryption::A256GCM,
                  Curve curve = Curve::P256) {
    static std::map<std::tuple<KeyManagement, ContentEncryption, Curve>, Jwk> cache;
    if (!is_ecdh(alg)) curve = Curve::none;
    if (alg != KeyManagement::dir) enc = ContentEncryption::A256GCM;
    const auto id = std::make_tuple(alg, enc, curve);
    auto it = cache.find(id);
    if (it != cache.end()) return it->second;
    const std::string kid = kid_for(alg, curve, enc);
    Jwk key = [&] {
        if (is_rsa(alg)) {
            return test_key(Algorithm::RS256).with_alg(alg).with_use("enc").with_kid(kid);
        }
        KeyGenOptions options;
        options.kid = kid;
        if (is_ecdh(alg)) options.curve = curve;
        if (alg == KeyManagement::dir) options.enc = enc;
        return Jwk::generate(alg, options).value();
    }();
    return cache.emplace(id, std::move(key)).first->second;
}

JweDecryptOptions allow(std::initializer_list<KeyManagement> algs) {
    JweDecryptOptions o;
    o.algorithms = algs;
    return o;
}

std::vector<std::string> split(std::string_view token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = token.find('.', start);
        parts.emplace_back(token.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i != 0) out.push_back('.');
        out += parts[i];
    }
    return out;
}

std::string decode(std::string_view segment) {
    return base64url_decode(segment).value();
}

json::object header_of(std::string_view token) {
    return json::parse(decode(split(token)[0])).as_object();
}

// The token with its protected header replaced (which also changes the AAD).
std::string with_header(std::string_view token, const json::object& header) {
    auto parts = split(token);
    parts[0] = testing::b64_json(header);
    return join(parts);
}

std::string with_segment(std::string_view token, std::size_t index, std::string_view raw) {
    auto parts = split(token);
    parts[index] = b64(raw);
    return join(parts);
}

// Flips the lowest bit of one decoded byte of a segment.
std::string flip_bit(std::string_view token, std::size_t index, std::size_t byte = 0) {
    std::string raw = decode(split(token)[index]);
    raw.at(byte) = static_cast<char>(raw.at(byte) ^ 0x01);
    return with_segment(token, index, raw);
}

std::string secret_of(const Jwk& key) {
    return decode(key.to_json(true).at("k").as_string());
}

// Text of `size` bytes, fixed for a size, that compresses somewhat (as claims do).
std::string text_of(std::size_t size) {
    static constexpr std::string_view alphabet = "abcdefghij{}\":, 0123456789ABCDEF";
    std::mt19937 rng(static_cast<std::uint32_t>(size));
    std::string out(size, '\0');
    for (char& c : out)
        c = alphabet[rng() % alphabet.size()];
    return out;
}

// A compact JWE built by hand: `content` sealed with `cek` under A256GCM (or A128GCM for a
// 16-byte CEK) with exactly this header as the AAD, and `encrypted_key` as given. Lets tests make
// authentic tokens that the library's encrypt refuses to write.
std::string seal_by_hand(const json::object& header, std::string_view cek, std::string_view content,
                         std::string_view encrypted_key = {}) {
    const std::string protected_b64 = testing::b64_json(header);
    const std::string iv = "0123456789ab";
    auto sealed = detail::aes_gcm_encrypt(cek, iv, protected_b64, content).value();
    return protected_b64 + "." + b64(encrypted_key) + "." + b64(iv) + "." + b64(sealed.ciphertext) +
           "." + b64(sealed.tag);
}

// Raw DEFLATE of `data` (RFC 1951), independent of the library: stored blocks, as a minimal
// encoder writes them (RFC 1951 §3.2.4).
std::string stored_deflate(std::string_view data) {
    std::string out;
    std::size_t at = 0;
    do {
        const std::size_t n = std::min<std::size_t>(data.size() - at, 65535);
        const bool final_block = at + n == data.size();
        out.push_back(static_cast<char>(final_block ? 1 : 0));
        out.push_back(static_cast<char>(n & 0xff));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(~n & 0xff));
        out.push_back(static_cast<char>((~n >> 8) & 0xff));
        out.append(data.substr(at, n));
        at += n;
    } while (at < data.size());
    return out;
}

// AES-256-GCM with an IV of any length and a 128-bit tag, straight from OpenSSL.
std::pair<std::string, std::string> gcm_any_iv(std::string_view key, std::string_view iv,
                                               std::string_view aad, std::string_view plaintext) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    const auto* i = reinterpret_cast<const unsigned char*>(iv.data());
    std::string ct(plaintext.size(), '\0'), tag(16, '\0');
    int len = 0;
    const bool ok =
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                            nullptr) == 1 &&
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, k, i) == 1 &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                          reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) == 1 &&
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()), &len,
                          reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()), &len) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1;
    if (!ok) throw std::runtime_error("AES-GCM failed");
    return {ct, tag};
}

// AES_CBC_HMAC_SHA2 for A128CBC-HS256 (RFC 7518 §5.2.2.1) written out with OpenSSL over blocks
// the caller has padded, or not: lets a test send a valid tag over a ciphertext whose padding is
// wrong. Returns {ciphertext, tag}.
std::pair<std::string, std::string> cbc_hmac_unpadded(std::string_view key, std::string_view iv,
                                                      std::string_view aad,
                                                      std::string_view blocks) {
    const std::string_view mac_key = key.substr(0, 16), enc_key = key.substr(16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    std::string ct(blocks.size(), '\0');
    int len = 0;
    const bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr,
                                       reinterpret_cast<const unsigned char*>(enc_key.data()),
                                       reinterpret_cast<const unsigned char*>(iv.data())) == 1 &&
                    EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()), &len,
                                      reinterpret_cast<const unsigned char*>(blocks.data()),
                                      static_cast<int>(blocks.size())) == 1;
    if (!ok) throw std::runtime_error("AES-CBC failed");
    // AL: the AAD length in bits as a 64-bit big-endian integer.
    std::string mac_input = std::string(aad) + std::string(iv) + ct;
    const std::uint64_t al = static_cast<std::uint64_t>(aad.size()) * 8;
    for (int shift = 56; shift >= 0; shift -= 8)
        mac_input.push_back(static_cast<char>((al >> shift) & 0xff));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), mac_key.data(), static_cast<int>(mac_key.size()),
             reinterpret_cast<const unsigned char*>(mac_input.data()), mac_input.size(), mac,
             &mac_len) == nullptr) {
        throw std::runtime_error("HMAC failed");
    }
    return {ct, std::string(reinterpret_cast<const char*>(mac), 16)};
}

const Jwk& dir_key() {
    static const Jwk key = recipient_key(KeyManagement::dir, ContentEncryption::A256GCM);
    return key;
}

json::object dir_header() {
    return json::object{{"alg", "dir"}, {"enc", "A256GCM"}, {"kid", dir_key().kid()}};
}

Errc decrypt_dir(std::string_view token, JweDecryptOptions o = allow({KeyManagement::dir})) {
    return checked_decrypt(token, key_set({dir_key()}), o).code();
}

const Jwk& a256kw() {
    static const Jwk key = recipient_key(KeyManagement::A256KW);
    return key;
}

// An A256KW + A256GCM token: the reference token that the rejection tests mutate.
std::string a256kw_token(std::string_view plaintext = "hello", JweEncryptOptions o = {}) {
    return jwe::encrypt(plaintext, a256kw(), KeyManagement::A256KW, ContentEncryption::A256GCM, o)
        .value();
}

Errc decrypt_a256kw(std::string_view token, JweDecryptOptions o = allow({KeyManagement::A256KW})) {
    return checked_decrypt(token, key_set({a256kw()}), o).code();
}

std::string printable_hex(std::string_view bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (char c : bytes) {
        out += hex[static_cast<unsigned char>(c) >> 4];
        out += hex[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

std::string ident(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Round trips: every alg × enc pair

TEST(Jwe, ImplementsTheSeventeenKeyManagementAndSixContentEncryptionAlgorithms) {
    // RFC 7518 §4.1 registers 17 "alg" values for JWE and §5.1 six "enc" values.
    EXPECT_EQ(all_key_management().size(), 17u);
    EXPECT_EQ(all_content_encryption().size(), 6u);
}

std::size_t expected_encrypted_key_size(KeyManagement alg, ContentEncryption enc, const Jwk& key) {
    if (alg == KeyManagement::dir || alg == KeyManagement::ECDH_ES) return 0;  // RFC 7516 §5.1
    if (is_rsa(alg)) return key.bits() / 8;                                    // the modulus size
    if (is_gcm_kw(alg)) return cek_bytes(enc);  // RFC 7518 §4.7: ciphertext only
    return cek_bytes(enc) + 8;                  // AES Key Wrap adds one 64-bit block (RFC 3394)
}

class JweRoundTrip : public ::testing::TestWithParam<std::tuple<KeyManagement, ContentEncryption>> {
};

TEST_P(JweRoundTrip, DecryptsEverySizeWithAndWithoutCompression) {
    const auto [alg, enc] = GetParam();
    const Jwk key = recipient_key(alg, enc);
    for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 100000u}) {
        for (bool compress : {false, true}) {
            SCOPED_TRACE("size " + std::to_string(size) + (compress ? " compressed" : ""));
            const std::string plaintext = text_of(size);
            JweEncryptOptions eo;
            eo.compress = compress;
            eo.pbes2_count = 1000;
            eo.allow_rsa1_5_unsafe = alg == KeyManagement::RSA1_5;
            auto token = jwe::encrypt(plaintext, public_of(key), alg, enc, eo);
            ASSERT_TRUE(token) << token.error().to_string();

            const auto parts = split(*token);
            ASSERT_EQ(parts.size(), 5u);
            // RFC 7518 §5.2.2.1 and §5.3: IV and tag sizes of the content encryption.
            EXPECT_EQ(decode(parts[2]).size(), is_gcm(enc) ? 12u : 16u);
            EXPECT_EQ(decode(parts[4]).size(), is_gcm(enc) ? 16u : cek_bytes(enc) / 2);
            EXPECT_EQ(decode(parts[1]).size(), expected_encrypted_key_size(alg, enc, key));
            if (!compress) {
                // GCM is a stream mode; CBC pads with PKCS#7 to whole blocks (RFC 7518 §5.2.2.1).
                EXPECT_EQ(decode(parts[3]).size(), is_gcm(enc) ? size : (size / 16 + 1) * 16);
            }
            const json::object header = header_of(*token);
            EXPECT_EQ(header.at("alg").as_string(), to_string(alg));
            EXPECT_EQ(header.at("enc").as_string(), to_string(enc));
            EXPECT_EQ(header.at("kid").as_string(), key.kid());
            EXPECT_EQ(header.contains("zip"), compress);
            if (compress) {
                EXPECT_EQ(header.at("zip").as_string(), "DEF");
            }
            if (is_ecdh(alg)) {
                const json::object& epk = header.at("epk").as_object();
                EXPECT_EQ(epk.at("crv").as_string(), "P-256");
                EXPECT_FALSE(epk.contains("d"));
            }
            if (is_gcm_kw(alg)) {
                EXPECT_EQ(decode(header.at("iv").as_string()).size(), 12u);
                EXPECT_EQ(decode(header.at("tag").as_string()).size(), 16u);
            }
            if (is_pbes2(alg)) {
                EXPECT_GE(decode(header.at("p2s").as_string()).size(), kMinPbes2SaltSize);
                EXPECT_EQ(header.at("p2c").to_number<std::int64_t>(), 1000);
            }

            JweDecryptOptions d = allow({alg});
            d.allow_rsa1_5_unsafe = alg == KeyManagement::RSA1_5;
            d.limits.max_token_size = 1 << 20;
            auto out = checked_decrypt(*token, key_set({key}), d);
            ASSERT_TRUE(out) << out.error().to_string();
            EXPECT_EQ(out->plaintext, plaintext);
            EXPECT_EQ(out->protected_header, header);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(EveryPair, JweRoundTrip,
                         ::testing::Combine(::testing::ValuesIn(all_key_management().begin(),
                                                                all_key_management().end()),
                                            ::testing::ValuesIn(all_content_encryption().begin(),
                                                                all_content_encryption().end())),
                         [](const auto& pair) {
                             return ident(to_string(std::get<0>(pair.param))) + "__" +
                                    ident(to_string(std::get<1>(pair.param)));
                         });

TEST(Jwe, EcdhEsRoundTripsOnEveryCurve) {
    const KeyManagement ecdh[] = {KeyManagement::ECDH_ES, KeyManagement::ECDH_ES_A128KW,
                                  KeyManagement::ECDH_ES_A192KW, KeyManagement::ECDH_ES_A256KW};
    for (Curve curve : {Curve::P256, Curve::P384, Curve::P521, Curve::X25519, Curve::X448}) {
        for (KeyManagement alg : ecdh) {
            const Jwk key = recipient_key(alg, ContentEncryption::A256GCM, curve);
            for (ContentEncryption enc : all_content_encryption()) {
                SCOPED_TRACE(std::string(to_string(curve)) + " " + std::string(to_string(alg)) +
                             " " + std::string(to_string(enc)));
                auto token = jwe::encrypt("on the curve", public_of(key), alg, enc);
                ASSERT_TRUE(token) << token.error().to_string();
                const json::object header = header_of(*token);
                const json::object& epk = header.at("epk").as_object();
                EXPECT_EQ(epk.at("crv").as_string(), to_string(curve));
                EXPECT_EQ(epk.at("kty").as_string(),
                          curve == Curve::X25519 || curve == Curve::X448 ? "OKP" : "EC");
                auto out = checked_decrypt(*token, key_set({key}), allow({alg}));
                ASSERT_TRUE(out) << out.error().to_string();
                EXPECT_EQ(out->plaintext, "on the curve");
            }
        }
    }
}

TEST(Jwe, EcdhEsCarriesPartyInfoAndDerivesWithIt) {
    const Jwk key = recipient_key(KeyManagement::ECDH_ES_A128KW);
    JweEncryptOptions eo;
    eo.apu = "Alice";
    eo.apv = "Bob";
    auto token = jwe::encrypt("x", public_of(key), KeyManagement::ECDH_ES_A128KW,
                              ContentEncryption::A128GCM, eo);
    ASSERT_TRUE(token);
    const json::object header = header_of(*token);
    EXPECT_EQ(decode(header.at("apu").as_string()), "Alice");
    EXPECT_EQ(decode(header.at("apv").as_string()), "Bob");
    auto out = checked_decrypt(*token, key_set({key}), allow({KeyManagement::ECDH_ES_A128KW}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, "x");
}

TEST(Jwe, FreshCekAndIvForEveryToken) {
    const std::string a = a256kw_token("same"), b = a256kw_token("same");
    EXPECT_NE(split(a)[1], split(b)[1]);
    EXPECT_NE(split(a)[2], split(b)[2]);
    EXPECT_NE(split(a)[3], split(b)[3]);
}

TEST(Jwe, WritesExtraHeaderMembersAndCanOmitTheKid) {
    JweEncryptOptions eo;
    eo.header = json::object{{"typ", "JWT"}, {"cty", "JWT"}};
    eo.include_kid = false;
    const std::string token = a256kw_token("x", eo);
    const json::object header = header_of(token);
    EXPECT_EQ(header.at("typ").as_string(), "JWT");
    EXPECT_EQ(header.at("cty").as_string(), "JWT");
    EXPECT_FALSE(header.contains("kid"));
    EXPECT_EQ(decrypt_a256kw(token), Errc::ok);
}

TEST(JweDecryptInto, ReportsTheHeaderMembersAndReplacesThoseOfTheLastToken) {
    JweEncryptOptions eo;
    eo.header = json::object{{"typ", "JWT"}, {"cty", "JWT"}};
    const std::string with_all = a256kw_token("first", eo);
    JweEncryptOptions bare;
    bare.include_kid = false;
    const std::string without = a256kw_token("second", bare);
    eo.header = json::object{{"typ", 1}, {"cty", nullptr}};
    const std::string mistyped = a256kw_token("third", eo);
    const KeySet keys = key_set({a256kw()});
    const auto options = allow({KeyManagement::A256KW});

    DecryptedCompactJwe out;
    ASSERT_TRUE(jwe::decrypt(with_all, keys, options, out));
    EXPECT_EQ(out.plaintext, "first");
    EXPECT_EQ(out.alg, KeyManagement::A256KW);
    EXPECT_EQ(out.enc, ContentEncryption::A256GCM);
    EXPECT_EQ(out.kid, a256kw().kid());
    EXPECT_EQ(out.typ, "JWT");
    EXPECT_EQ(out.cty, "JWT");
    ASSERT_TRUE(jwe::decrypt(without, keys, options, out));
    EXPECT_EQ(out.plaintext, "second");
    EXPECT_EQ(out.kid, "");
    EXPECT_EQ(out.typ, "");
    EXPECT_EQ(out.cty, "");
    ASSERT_TRUE(jwe::decrypt(mistyped, keys, options, out));  // not strings: reported as absent
    EXPECT_EQ(out.plaintext, "third");
    EXPECT_EQ(out.typ, "");
    EXPECT_EQ(out.cty, "");
    ASSERT_TRUE(jwe::decrypt(with_all, keys, options, out));
    EXPECT_EQ(jwe::decrypt(flip_bit(with_all, 3), keys, options, out).code(),
              Errc::decryption_failed);
    EXPECT_EQ(out.plaintext, "");  // a failure leaves nothing of the last token
    EXPECT_EQ(out.kid, "");
}

TEST(JweDecryptInto, TakesTheFullPathForHeadersTheFlatIndexDoesNotCover) {
    // ECDH-ES reads "epk" (an object), PBES2 "p2s" and "p2c", and "crit" needs the full check:
    // each still decrypts, with the same members reported.
    const Jwk ecdh = recipient_key(KeyManagement::ECDH_ES_A256KW);
    const std::string ecdh_token =
        jwe::encrypt("via epk", public_of(ecdh), KeyManagement::ECDH_ES_A256KW,
                     ContentEncryption::A128CBC_HS256)
            .value();
    DecryptedCompactJwe out;
    ASSERT_TRUE(
        jwe::decrypt(ecdh_token, key_set({ecdh}), allow({KeyManagement::ECDH_ES_A256KW}), out));
    EXPECT_EQ(out.plaintext, "via epk");
    EXPECT_EQ(out.alg, KeyManagement::ECDH_ES_A256KW);
    EXPECT_EQ(out.enc, ContentEncryption::A128CBC_HS256);
    EXPECT_EQ(out.kid, ecdh.kid());

    JweEncryptOptions eo;
    eo.header = json::object{{"crit", json::array{"exp"}}, {"exp", 1}, {"typ", "at+jwt"}};
    const std::string critical = a256kw_token("critical", eo);
    auto options = allow({KeyManagement::A256KW});
    EXPECT_EQ(jwe::decrypt(critical, key_set({a256kw()}), options, out).code(),
              Errc::unsupported_crit);
    options.understood_crit = {"exp"};
    ASSERT_TRUE(jwe::decrypt(critical, key_set({a256kw()}), options, out));
    EXPECT_EQ(out.plaintext, "critical");
    EXPECT_EQ(out.typ, "at+jwt");
}

TEST(Jwe, CompressionShrinksRepetitivePlaintext) {
    const std::string plaintext(10000, 'a');
    JweEncryptOptions eo;
    eo.compress = true;
    const std::string token = a256kw_token(plaintext, eo);
    EXPECT_LT(decode(split(token)[3]).size(), 200u);
    auto out = checked_decrypt(token, key_set({a256kw()}), allow({KeyManagement::A256KW}));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->plaintext, plaintext);
}

TEST(Jwe, InflatesDeflateWrittenByAnotherEncoder) {
    // Stored blocks (RFC 1951 §3.2.4), spanning several blocks: the zip handling is plain DEFLATE.
    const std::string plaintext = text_of(70000);
    json::object h = dir_header();
    h["zip"] = "DEF";
    const std::string token = seal_by_hand(h, secret_of(dir_key()), stored_deflate(plaintext));
    JweDecryptOptions o = allow({KeyManagement::dir});
    o.limits.max_token_size = 1 << 20;
    auto out = checked_decrypt(token, key_set({dir_key()}), o);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, plaintext);
}

// ---------------------------------------------------------------------------------------------
// Structure

TEST(JweDecrypt, RequiresFiveSegments) {
    const std::string token = a256kw_token();
    const auto parts = split(token);
    EXPECT_EQ(decrypt_a256kw(parts[0] + "." + parts[1] + "." + parts[2]), Errc::malformed);
    EXPECT_EQ(decrypt_a256kw(parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3]),
              Errc::malformed);
    EXPECT_EQ(decrypt_a256kw(token + "."), Errc::malformed);
    EXPECT_EQ(decrypt_a256kw(token + ".AAAA"), Errc::malformed);
    EXPECT_EQ(decrypt_a256kw(""), Errc::malformed);
    EXPECT_EQ(decrypt_a256kw("...."), Errc::malformed);  // five empty segments: no header
    EXPECT_EQ(decrypt_a256kw(token), Errc::ok);
}

TEST(JweDecrypt, RejectsAJwsAsMalformed) {
    const Jwk& es256 = test_key(Algorithm::ES256);
    const std::string jws = jws::sign(R"({"sub":"a"})", es256, Algorithm::ES256).value();
    EXPECT_EQ(decrypt_a256kw(jws), Errc::malformed);
}

TEST(JweDecrypt, RejectsAnEmptyProtectedHeader) {
    auto parts = split(a256kw_token());
    parts[0].clear();
    EXPECT_EQ(decrypt_a256kw(join(parts)), Errc::malformed);
}

TEST(JweDecrypt, RejectsBadBase64InEachSegment) {
    const std::string token = a256kw_token();
    for (std::size_t i = 0; i < 5; ++i) {
        for (std::string_view bad : {"a+b/", "AAA=", "A", "A B", "AB"}) {
            // "AB" is not canonical: its unused low bits are not zero.
            auto parts = split(token);
            parts[i] = std::string(bad);
            EXPECT_EQ(decrypt_a256kw(join(parts)), Errc::bad_base64)
                << "segment " << i << ": " << bad;
        }
    }
}

TEST(JweDecrypt, RejectsAHeaderThatIsNotAJsonObject) {
    const std::string token = a256kw_token();
    auto parts = split(token);
    for (std::string_view text : {"[]", "\"alg\"", "{\"alg\":", "{} x"}) {
        parts[0] = b64(text);
        EXPECT_EQ(decrypt_a256kw(join(parts)), Errc::bad_json) << text;
    }
    parts[0] = b64(R"({"alg":"A256KW","alg":"A256KW","enc":"A256GCM"})");
    EXPECT_EQ(decrypt_a256kw(join(parts)), Errc::duplicate_member);
}

TEST(JweDecrypt, NeedsAnAlgorithmAllowList) {
    EXPECT_EQ(decrypt_a256kw(a256kw_token(), JweDecryptOptions{}), Errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// "alg" and "enc"

TEST(JweDecrypt, RejectsMissingUnknownAndDisallowedAlg) {
    const std::string token = a256kw_token();
    json::object h = header_of(token);
    h.erase("alg");
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::malformed);  // as for a JWS
    // A member of the wrong type is bad_header, as "alg": 256 is in a JWS header.
    h["alg"] = 256;
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::bad_header);
    for (std::string_view name : {"A512KW", "a256kw", "none", "HS256", "RS256", ""}) {
        h["alg"] = name;
        EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::unsupported_alg) << name;
    }
    EXPECT_EQ(decrypt_a256kw(token, allow({KeyManagement::A128KW, KeyManagement::dir})),
              Errc::alg_not_allowed);
}

TEST(JweDecrypt, RefusesRsa1_5UnlessExplicitlyEnabled) {
    const Jwk key = recipient_key(KeyManagement::RSA1_5);
    JweEncryptOptions eo;
    eo.allow_rsa1_5_unsafe = true;
    const std::string token = jwe::encrypt("x", public_of(key), KeyManagement::RSA1_5,
                                           ContentEncryption::A128CBC_HS256, eo)
                                  .value();
    const KeySet keys = key_set({key});
    // Listed in the allow-list but without the unsafe opt-in: refused.
    EXPECT_EQ(checked_decrypt(token, keys, allow({KeyManagement::RSA1_5})).code(),
              Errc::alg_not_allowed);
    // The opt-in alone does not allow it either.
    JweDecryptOptions o = allow({KeyManagement::RSA_OAEP});
    o.allow_rsa1_5_unsafe = true;
    EXPECT_EQ(checked_decrypt(token, keys, o).code(), Errc::alg_not_allowed);
    o.algorithms = {KeyManagement::RSA1_5};
    EXPECT_EQ(checked_decrypt(token, keys, o).code(), Errc::ok);
}

TEST(JweDecrypt, Rsa1_5FailuresAreAllDecryptionFailed) {
    // RFC 7516 §11.5: a bad encrypted key continues with a random CEK, so every failure looks
    // like a content decryption failure.
    const Jwk key = recipient_key(KeyManagement::RSA1_5);
    JweEncryptOptions eo;
    eo.allow_rsa1_5_unsafe = true;
    JweDecryptOptions o = allow({KeyManagement::RSA1_5});
    o.allow_rsa1_5_unsafe = true;
    const KeySet keys = key_set({key});
    for (ContentEncryption enc : {ContentEncryption::A128CBC_HS256, ContentEncryption::A128GCM}) {
        const std::string token =
            jwe::encrypt("x", public_of(key), KeyManagement::RSA1_5, enc, eo).value();
        ASSERT_EQ(checked_decrypt(token, keys, o).code(), Errc::ok);
        EXPECT_EQ(checked_decrypt(flip_bit(token, 1, 5), keys, o).code(), Errc::decryption_failed);
        EXPECT_EQ(checked_decrypt(flip_bit(token, 1, 255), keys, o).code(),
                  Errc::decryption_failed);
        EXPECT_EQ(checked_decrypt(with_segment(token, 1, "short"), keys, o).code(),
                  Errc::decryption_failed);
        // A well-padded encryption of a CEK of the wrong size for "enc".
        auto wrong_size = detail::rsa_encrypt(public_of(key).material(),
                                              detail::RsaPadding::pkcs1_v1_5, std::string(24, 'k'));
        ASSERT_TRUE(wrong_size);
        EXPECT_EQ(checked_decrypt(with_segment(token, 1, *wrong_size), keys, o).code(),
                  Errc::decryption_failed);
    }
}

TEST(JweDecrypt, RejectsMissingUnknownAndDisallowedEnc) {
    const std::string token = a256kw_token();
    json::object h = header_of(token);
    h.erase("enc");
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::malformed);
    h["enc"] = json::array{"A256GCM"};
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::bad_header);
    for (std::string_view name : {"A512GCM", "a256gcm", "A256CBC", "A256GCMKW", ""}) {
        h["enc"] = name;
        EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::unsupported_enc) << name;
    }
    JweDecryptOptions o = allow({KeyManagement::A256KW});
    o.encryptions = {ContentEncryption::A128GCM, ContentEncryption::A256CBC_HS512};
    EXPECT_EQ(decrypt_a256kw(token, o), Errc::enc_not_allowed);
    o.encryptions.push_back(ContentEncryption::A256GCM);
    EXPECT_EQ(decrypt_a256kw(token, o), Errc::ok);
}

TEST(JweDecrypt, ChecksAlgBeforeEnc) {
    const std::string token = a256kw_token();
    json::object h = header_of(token);
    h["alg"] = "A512KW";
    h["enc"] = "A512GCM";
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::unsupported_alg);
}

// ---------------------------------------------------------------------------------------------
// "zip" and "crit"

TEST(JweDecrypt, AcceptsOnlyDefAsZip) {
    JweEncryptOptions eo;
    eo.compress = true;
    const std::string token = a256kw_token("compressed", eo);
    json::object h = header_of(token);
    for (json::value zip : {json::value("GZIP"), json::value("def"), json::value(""),
                            json::value(true), json::value(nullptr), json::value(1)}) {
        h["zip"] = zip;
        EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::unsupported_zip)
            << json::serialize(zip);
    }
}

TEST(JweDecrypt, RejectsInvalidDeflate) {
    json::object h = dir_header();
    h["zip"] = "DEF";
    const std::string cek = secret_of(dir_key());
    // 0xff: block type 3, which RFC 1951 §3.2.3 reserves as an error.
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, "\xff\xff\xff\xff")), Errc::decompression_failed);
    // Not DEFLATE at all, and a stream cut short.
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, "plain text")), Errc::decompression_failed);
    const std::string stored = stored_deflate("hello world");
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, stored.substr(0, stored.size() - 3))),
              Errc::decompression_failed);
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, "")), Errc::decompression_failed);
    // Bytes after the final block.
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, stored + "junk")), Errc::decompression_failed);
    EXPECT_EQ(decrypt_dir(seal_by_hand(h, cek, stored)), Errc::ok);
}

TEST(JweDecrypt, CapsTheDecompressedSizeExactly) {
    JweEncryptOptions eo;
    eo.compress = true;
    // 1000 bytes, and sizes around the 16 KiB and 32 KiB boundaries an inflater may work in.
    for (std::size_t size : {1000u, 16384u, 16385u, 32768u}) {
        SCOPED_TRACE(size);
        const std::string token = a256kw_token(std::string(size, 'z'), eo);
        JweDecryptOptions o = allow({KeyManagement::A256KW});
        o.max_decompressed_size = size;
        EXPECT_EQ(decrypt_a256kw(token, o), Errc::ok);
        o.max_decompressed_size = size - 1;
        EXPECT_EQ(decrypt_a256kw(token, o), Errc::decompressed_too_large);
    }
}

TEST(JweDecrypt, RejectsADecompressionBombUnderTheDefaultLimit) {
    JweEncryptOptions eo;
    eo.compress = true;
    const std::string token = a256kw_token(std::string(5'000'000, '\0'), eo);
    EXPECT_LT(token.size(), kDefaultMaxTokenSize);  // small on the wire
    EXPECT_EQ(decrypt_a256kw(token), Errc::decompressed_too_large);
    // The default cap itself: 250 kB inflate, one more byte does not.
    const std::string at_cap = a256kw_token(std::string(kDefaultMaxDecompressedSize, 'q'), eo);
    EXPECT_EQ(decrypt_a256kw(at_cap), Errc::ok);
    const std::string over = a256kw_token(std::string(kDefaultMaxDecompressedSize + 1, 'q'), eo);
    EXPECT_EQ(decrypt_a256kw(over), Errc::decompressed_too_large);
}

TEST(JweDecrypt, RejectsUnknownCritAndAcceptsUnderstoodCrit) {
    json::object h = dir_header();
    h["exp"] = 1;
    h["crit"] = json::array{"exp"};
    const std::string token = seal_by_hand(h, secret_of(dir_key()), "critical");
    EXPECT_EQ(decrypt_dir(token), Errc::unsupported_crit);
    JweDecryptOptions o = allow({KeyManagement::dir});
    o.understood_crit = {"exp"};
    auto out = checked_decrypt(token, key_set({dir_key()}), o);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, "critical");

    // Malformed "crit": empty, not an array, a registered name, a name absent from the header.
    for (json::value crit :
         {json::value(json::array{}), json::value("exp"), json::value(json::array{"zip"}),
          json::value(json::array{"nbf"}), json::value(json::array{"exp", "exp"})}) {
        h["crit"] = crit;
        o.understood_crit = {"exp", "nbf", "zip"};
        EXPECT_EQ(decrypt_dir(seal_by_hand(h, secret_of(dir_key()), "x"), o),
                  Errc::unsupported_crit)
            << json::serialize(crit);
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

TEST(JweDecrypt, ReportsAnUnknownKid) {
    JweEncryptOptions eo;
    eo.header = json::object{{"kid", "nobody"}};
    EXPECT_EQ(decrypt_a256kw(a256kw_token("x", eo)), Errc::key_not_found);
}

TEST(JweDecrypt, RejectsAKeyThatDoesNotFit) {
    const std::string token = a256kw_token();
    // The token's kid names a key of the wrong size (A128KW), of the wrong type (RSA), bound to
    // another algorithm, for signatures only, or public only.
    const Jwk a128 = recipient_key(KeyManagement::A128KW).with_kid(a256kw().kid());
    EXPECT_EQ(checked_decrypt(token, key_set({a128}), allow({KeyManagement::A256KW})).code(),
              Errc::key_alg_mismatch);
    const Jwk unbound_a128 =
        Jwk::parse(R"({"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","kid":")" + a256kw().kid() + "\"}")
            .value();
    EXPECT_EQ(
        checked_decrypt(token, key_set({unbound_a128}), allow({KeyManagement::A256KW})).code(),
        Errc::key_alg_mismatch);
    const Jwk rsa = recipient_key(KeyManagement::RSA_OAEP).with_kid(a256kw().kid());
    EXPECT_EQ(checked_decrypt(token, key_set({rsa}), allow({KeyManagement::A256KW})).code(),
              Errc::key_alg_mismatch);
    const Jwk bound_gcmkw = a256kw().with_alg(KeyManagement::A256GCMKW);
    EXPECT_EQ(checked_decrypt(token, key_set({bound_gcmkw}), allow({KeyManagement::A256KW})).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(
        checked_decrypt(token, key_set({a256kw().with_use("sig")}), allow({KeyManagement::A256KW}))
            .code(),
        Errc::key_use_mismatch);

    // Without a kid, keys that do not fit are not candidates at all.
    JweEncryptOptions eo;
    eo.include_kid = false;
    const std::string anonymous = a256kw_token("x", eo);
    EXPECT_EQ(checked_decrypt(anonymous, key_set({a128, unbound_a128.with_kid("u")}),
                              allow({KeyManagement::A256KW}))
                  .code(),
              Errc::key_not_found);
}

TEST(JweDecrypt, RejectsADirKeyOfTheWrongSize) {
    const Jwk a128gcm_key = recipient_key(KeyManagement::dir, ContentEncryption::A128GCM);
    auto token = jwe::encrypt("x", a128gcm_key, KeyManagement::dir, ContentEncryption::A128GCM);
    ASSERT_TRUE(token);
    // The same token claiming A256GCM needs a 32-byte key: the 16-byte key no longer fits.
    json::object h = header_of(*token);
    h["enc"] = "A256GCM";
    EXPECT_EQ(
        checked_decrypt(with_header(*token, h), key_set({a128gcm_key}), allow({KeyManagement::dir}))
            .code(),
        Errc::key_alg_mismatch);
}

TEST(JweDecrypt, RejectsAPublicKeyForDecryption) {
    const Jwk key = recipient_key(KeyManagement::RSA_OAEP_256);
    const std::string token =
        jwe::encrypt("x", public_of(key), KeyManagement::RSA_OAEP_256, ContentEncryption::A128GCM)
            .value();
    EXPECT_EQ(
        checked_decrypt(token, key_set({public_of(key)}), allow({KeyManagement::RSA_OAEP_256}))
            .code(),
        Errc::invalid_key);
}

TEST(JweDecrypt, RequiresAnEmptyEncryptedKeyForDirAndEcdhEs) {
    // RFC 7516 §5.2 step 10 / RFC 7518 §4.5, §4.6: nothing is wrapped, so nothing may be sent.
    const std::string dir_token =
        jwe::encrypt("x", dir_key(), KeyManagement::dir, ContentEncryption::A256GCM).value();
    EXPECT_EQ(decrypt_dir(dir_token), Errc::ok);
    EXPECT_EQ(decrypt_dir(with_segment(dir_token, 1, std::string(40, 'k'))), Errc::malformed);

    const Jwk ecdh = recipient_key(KeyManagement::ECDH_ES);
    const std::string ecdh_token =
        jwe::encrypt("x", public_of(ecdh), KeyManagement::ECDH_ES, ContentEncryption::A128GCM)
            .value();
    const KeySet keys = key_set({ecdh});
    EXPECT_EQ(checked_decrypt(ecdh_token, keys, allow({KeyManagement::ECDH_ES})).code(), Errc::ok);
    EXPECT_EQ(
        checked_decrypt(with_segment(ecdh_token, 1, "k"), keys, allow({KeyManagement::ECDH_ES}))
            .code(),
        Errc::malformed);
}

// ---------------------------------------------------------------------------------------------
// AES-GCM key wrap (RFC 7518 §4.7)

TEST(JweDecrypt, GcmKwNeedsAnIvAndTagOfTheRightLength) {
    const Jwk key = recipient_key(KeyManagement::A128GCMKW);
    const std::string token =
        jwe::encrypt("x", key, KeyManagement::A128GCMKW, ContentEncryption::A128GCM).value();
    const KeySet keys = key_set({key});
    const auto o = allow({KeyManagement::A128GCMKW});
    ASSERT_EQ(checked_decrypt(token, keys, o).code(), Errc::ok);
    const json::object header = header_of(token);
    const std::string iv = decode(header.at("iv").as_string());
    const std::string tag = decode(header.at("tag").as_string());
    const auto variant = [&](std::string_view name, std::optional<json::value> value) {
        json::object h = header;
        if (value) {
            h[name] = *value;
        } else {
            h.erase(name);
        }
        return checked_decrypt(with_header(token, h), keys, o).code();
    };
    EXPECT_EQ(variant("iv", std::nullopt), Errc::decryption_failed);
    EXPECT_EQ(variant("tag", std::nullopt), Errc::decryption_failed);
    EXPECT_EQ(variant("iv", json::value(b64(iv.substr(0, 8)))), Errc::decryption_failed);
    EXPECT_EQ(variant("iv", json::value(b64(iv + "1234"))), Errc::decryption_failed);
    EXPECT_EQ(variant("tag", json::value(b64(tag.substr(0, 12)))), Errc::decryption_failed);
    EXPECT_EQ(variant("tag", json::value(b64(tag + "x"))), Errc::decryption_failed);
    EXPECT_EQ(variant("tag", json::value(42)), Errc::decryption_failed);
    EXPECT_EQ(variant("iv", json::value("not base64!")), Errc::decryption_failed);
}

TEST(JweDecrypt, GcmKwRejectsATruncatedKeyWrapTagEvenWhenEverythingElseIsAuthentic) {
    // A wrap tag cut to 12 bytes would still verify under GCM with a shorter tag length; RFC 7518
    // §4.7.1.2 fixes it at 128 bits. The header (the AAD) is authentic here, so only the tag
    // length check can refuse it.
    const Jwk key = recipient_key(KeyManagement::A128GCMKW);
    const std::string kek = secret_of(key);
    const std::string cek256(32, 'C'), wrap_iv = "wrapwrapwrap";
    auto wrapped256 = detail::aes_gcm_encrypt(kek, wrap_iv, {}, cek256).value();
    json::object h{{"alg", "A128GCMKW"},
                   {"enc", "A256GCM"},
                   {"kid", key.kid()},
                   {"iv", b64(wrap_iv)},
                   {"tag", b64(wrapped256.tag)}};
    const KeySet keys = key_set({key});
    const auto o = allow({KeyManagement::A128GCMKW});
    EXPECT_EQ(checked_decrypt(seal_by_hand(h, cek256, "x", wrapped256.ciphertext), keys, o).code(),
              Errc::ok);
    h["tag"] = b64(wrapped256.tag.substr(0, 12));
    EXPECT_EQ(checked_decrypt(seal_by_hand(h, cek256, "x", wrapped256.ciphertext), keys, o).code(),
              Errc::decryption_failed);
}

// ---------------------------------------------------------------------------------------------
// PBES2 (RFC 7518 §4.8)

const Jwk& pbes2_key() {
    static const Jwk key = recipient_key(KeyManagement::PBES2_HS256_A128KW);
    return key;
}

std::string pbes2_token(std::uint32_t count) {
    JweEncryptOptions eo;
    eo.pbes2_count = count;
    return jwe::encrypt("secret", pbes2_key(), KeyManagement::PBES2_HS256_A128KW,
                        ContentEncryption::A128GCM, eo)
        .value();
}

Errc decrypt_pbes2(std::string_view token, std::uint32_t limit = kDefaultMaxPbes2Count) {
    JweDecryptOptions o = allow({KeyManagement::PBES2_HS256_A128KW});
    o.max_pbes2_count = limit;
    return checked_decrypt(token, key_set({pbes2_key()}), o).code();
}

// A PBES2 token computed here from the RFC 7518 §4.8.1.1 definition, with any salt and count.
std::string pbes2_by_hand(std::string_view p2s, json::value p2c, std::uint32_t real_count) {
    std::string salt = "PBES2-HS256+A128KW";
    salt.push_back('\0');
    salt.append(p2s);
    const std::string kek =
        detail::pbkdf2_hmac(detail::Hash::sha256, secret_of(pbes2_key()), salt, real_count, 16)
            .value();
    const std::string cek(32, 'K');
    const std::string encrypted_key = detail::aes_key_wrap(kek, cek).value();
    json::object h{{"alg", "PBES2-HS256+A128KW"},
                   {"enc", "A256GCM"},
                   {"kid", pbes2_key().kid()},
                   {"p2s", b64(p2s)},
                   {"p2c", std::move(p2c)}};
    return seal_by_hand(h, cek, "by hand", encrypted_key);
}

TEST(JweDecrypt, Pbes2IterationCountBounds) {
    EXPECT_EQ(decrypt_pbes2(pbes2_token(1000)), Errc::ok);
    EXPECT_EQ(decrypt_pbes2(pbes2_token(1000), 1000), Errc::ok);           // exactly the limit
    EXPECT_EQ(decrypt_pbes2(pbes2_token(1001), 1000), Errc::pbes2_limit);  // limit + 1
    EXPECT_EQ(decrypt_pbes2(pbes2_by_hand("saltsalt", 1000, 1000)), Errc::ok);
    EXPECT_EQ(decrypt_pbes2(pbes2_by_hand("saltsalt", 999, 999)), Errc::pbes2_limit);
    // The default limit, with counts the work would be refused for before any PBKDF2 round.
    const std::string token = pbes2_token(1000);
    json::object h = header_of(token);
    for (json::value p2c :
         {json::value(999), json::value(0), json::value(-1000), json::value(-1),
          json::value(kDefaultMaxPbes2Count + 1), json::value(std::uint64_t{1} << 32 | 1000),
          json::value(std::uint64_t{18446744073709551615u}), json::value(1e300),
          json::value(1000.0), json::value(1000.5), json::value("1000"), json::value(true),
          json::value(nullptr), json::value(json::array{1000})}) {
        h["p2c"] = p2c;
        EXPECT_EQ(decrypt_pbes2(with_header(token, h)), Errc::pbes2_limit) << json::serialize(p2c);
    }
    h.erase("p2c");
    EXPECT_EQ(decrypt_pbes2(with_header(token, h)), Errc::pbes2_limit);
}

TEST(JweDecrypt, Pbes2AcceptsExactlyTheDefaultMaximumCount) {
    // RFC 8725 §3.4 wants a cap; the default is 1,000,000 and the cap itself is allowed.
    EXPECT_EQ(JweDecryptOptions{}.max_pbes2_count, 1'000'000u);
    EXPECT_EQ(
        decrypt_pbes2(pbes2_by_hand("saltsalt", kDefaultMaxPbes2Count, kDefaultMaxPbes2Count)),
        Errc::ok);
}

TEST(JweDecrypt, Pbes2SaltOfAtLeastEightBytes) {
    EXPECT_EQ(decrypt_pbes2(pbes2_by_hand("12345678", 1000, 1000)), Errc::ok);
    EXPECT_EQ(decrypt_pbes2(pbes2_by_hand("1234567", 1000, 1000)), Errc::pbes2_limit);
    EXPECT_EQ(decrypt_pbes2(pbes2_by_hand("", 1000, 1000)), Errc::pbes2_limit);
    const std::string token = pbes2_token(1000);
    json::object h = header_of(token);
    h.erase("p2s");
    EXPECT_EQ(decrypt_pbes2(with_header(token, h)), Errc::pbes2_limit);
    h["p2s"] = "not base64!";
    EXPECT_EQ(decrypt_pbes2(with_header(token, h)), Errc::pbes2_limit);
    h["p2s"] = 12345678;
    EXPECT_EQ(decrypt_pbes2(with_header(token, h)), Errc::pbes2_limit);
}

TEST(JweDecrypt, Pbes2WithTheWrongPasswordFails) {
    const std::string token = pbes2_token(1000);
    const Jwk other =
        Jwk::generate(KeyManagement::PBES2_HS256_A128KW).value().with_kid(pbes2_key().kid());
    EXPECT_EQ(
        checked_decrypt(token, key_set({other}), allow({KeyManagement::PBES2_HS256_A128KW})).code(),
        Errc::decryption_failed);
}

// ---------------------------------------------------------------------------------------------
// ECDH-ES "epk" (RFC 7518 §4.6.1.1; RFC 8725 §3.4: the invalid-curve attack)

struct EcdhCase {
    Jwk key;
    std::string token;
    json::object header;
};

EcdhCase ecdh_case(Curve curve = Curve::P256) {
    const Jwk key = recipient_key(KeyManagement::ECDH_ES_A128KW, ContentEncryption::A256GCM, curve);
    std::string token = jwe::encrypt("agreed", public_of(key), KeyManagement::ECDH_ES_A128KW,
                                     ContentEncryption::A128GCM)
                            .value();
    json::object header = header_of(token);
    return {key, std::move(token), std::move(header)};
}

Errc decrypt_ecdh(const EcdhCase& c, const json::object& header) {
    return checked_decrypt(with_header(c.token, header), key_set({c.key}),
                           allow({KeyManagement::ECDH_ES_A128KW}))
        .code();
}

TEST(JweDecrypt, RejectsAMissingOrMalformedEpk) {
    const EcdhCase c = ecdh_case();
    ASSERT_EQ(
        checked_decrypt(c.token, key_set({c.key}), allow({KeyManagement::ECDH_ES_A128KW})).code(),
        Errc::ok);
    json::object h = c.header;
    h.erase("epk");
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
    for (json::value epk : {json::value("P-256"), json::value(json::array{}), json::value(nullptr),
                            json::value(json::object{})}) {
        h["epk"] = epk;
        EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk) << json::serialize(epk);
    }
    json::object epk = c.header.at("epk").as_object();
    epk.erase("y");
    h["epk"] = epk;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
}

TEST(JweDecrypt, RejectsAnEpkHoldingAPrivateKey) {
    const EcdhCase c = ecdh_case();
    const Jwk other = Jwk::generate(KeyManagement::ECDH_ES).value();
    json::object h = c.header;
    h["epk"] = other.to_json(true);
    ASSERT_TRUE(h["epk"].as_object().contains("d"));
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
}

TEST(JweDecrypt, RejectsAnEpkOffTheCurve) {
    const EcdhCase c = ecdh_case();
    json::object epk = c.header.at("epk").as_object();
    std::string y = decode(epk.at("y").as_string());
    y.back() = static_cast<char>(y.back() ^ 0x01);  // (x, y') is not on P-256
    epk["y"] = b64(y);
    json::object h = c.header;
    h["epk"] = epk;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
    // The point at "infinity" and a coordinate outside the field.
    epk["x"] = b64(std::string(32, '\0'));
    epk["y"] = b64(std::string(32, '\0'));
    h["epk"] = epk;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
    epk["x"] = b64(std::string(32, '\xff'));
    h["epk"] = epk;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
}

TEST(JweDecrypt, RejectsAnEpkOnAnotherCurve) {
    const EcdhCase c = ecdh_case(Curve::P256);
    json::object h = c.header;
    for (Curve other : {Curve::P384, Curve::P521, Curve::X25519, Curve::X448}) {
        KeyGenOptions options;
        options.curve = other;
        const Jwk k = Jwk::generate(KeyManagement::ECDH_ES, options).value();
        json::object epk = k.to_json(false);
        epk.erase("alg");
        epk.erase("use");
        epk.erase("kid");
        h["epk"] = epk;
        EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk) << to_string(other);
    }
    // A P-256 epk for an X25519 recipient.
    const EcdhCase x = ecdh_case(Curve::X25519);
    json::object hx = x.header;
    hx["epk"] = c.header.at("epk");
    EXPECT_EQ(decrypt_ecdh(x, hx), Errc::invalid_epk);
}

TEST(JweDecrypt, RejectsALowOrderX25519Epk) {
    // RFC 7748 §6.1: an all-zero shared secret (from a small-order point) must be refused.
    const EcdhCase c = ecdh_case(Curve::X25519);
    json::object h = c.header;
    json::object epk = c.header.at("epk").as_object();
    epk["x"] = b64(std::string(32, '\0'));
    h["epk"] = epk;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::invalid_epk);
}

TEST(JweDecrypt, RejectsPartyInfoThatIsNotBase64url) {
    const EcdhCase c = ecdh_case();
    json::object h = c.header;
    h["apu"] = "not base64!";
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::bad_header);
    h.erase("apu");
    h["apv"] = 7;
    EXPECT_EQ(decrypt_ecdh(c, h), Errc::bad_header);
}

// ---------------------------------------------------------------------------------------------
// Tampering: every part is authenticated, with one error for every failure

TEST(JweDecrypt, EveryTamperedPartIsDecryptionFailed) {
    struct Case {
        KeyManagement alg;
        ContentEncryption enc;
    };
    for (const Case& c : {Case{KeyManagement::A256KW, ContentEncryption::A256GCM},
                          Case{KeyManagement::RSA_OAEP, ContentEncryption::A128CBC_HS256},
                          Case{KeyManagement::RSA_OAEP_256, ContentEncryption::A192GCM},
                          Case{KeyManagement::ECDH_ES_A128KW, ContentEncryption::A192CBC_HS384},
                          Case{KeyManagement::A192GCMKW, ContentEncryption::A256CBC_HS512},
                          Case{KeyManagement::PBES2_HS512_A256KW, ContentEncryption::A128GCM},
                          Case{KeyManagement::dir, ContentEncryption::A256CBC_HS512},
                          Case{KeyManagement::ECDH_ES, ContentEncryption::A256GCM}}) {
        SCOPED_TRACE(std::string(to_string(c.alg)) + " " + std::string(to_string(c.enc)));
        const Jwk key = recipient_key(c.alg, c.enc);
        JweEncryptOptions eo;
        eo.pbes2_count = 1000;
        const std::string token = jwe::encrypt("a plaintext of a few blocks, long enough for CBC",
                                               public_of(key), c.alg, c.enc, eo)
                                      .value();
        const KeySet keys = key_set({key});
        const auto o = allow({c.alg});
        ASSERT_EQ(checked_decrypt(token, keys, o).code(), Errc::ok);
        if (!split(token)[1].empty()) {
            EXPECT_EQ(checked_decrypt(flip_bit(token, 1), keys, o).code(), Errc::decryption_failed);
            const std::string ek = decode(split(token)[1]);
            EXPECT_EQ(checked_decrypt(with_segment(token, 1, ek.substr(0, ek.size() - 1)), keys, o)
                          .code(),
                      Errc::decryption_failed);
        }
        for (std::size_t segment : {2u, 3u, 4u}) {
            EXPECT_EQ(checked_decrypt(flip_bit(token, segment), keys, o).code(),
                      Errc::decryption_failed)
                << "segment " << segment;
            const std::string raw = decode(split(token)[segment]);
            EXPECT_EQ(checked_decrypt(with_segment(token, segment, raw.substr(0, raw.size() - 1)),
                                      keys, o)
                          .code(),
                      Errc::decryption_failed)
                << "segment " << segment << " truncated";
            EXPECT_EQ(checked_decrypt(with_segment(token, segment, raw + "x"), keys, o).code(),
                      Errc::decryption_failed)
                << "segment " << segment << " extended";
        }
        EXPECT_EQ(checked_decrypt(with_segment(token, 3, ""), keys, o).code(),
                  Errc::decryption_failed);
        EXPECT_EQ(checked_decrypt(with_segment(token, 4, ""), keys, o).code(),
                  Errc::decryption_failed);
        // The protected header is the AAD: any change to it, even one that leaves every
        // parameter the same, fails.
        json::object h = header_of(token);
        json::object reordered;
        for (auto it = h.end(); it != h.begin();) {
            --it;
            reordered.emplace(it->key(), it->value());
        }
        ASSERT_NE(testing::b64_json(reordered), split(token)[0]);
        EXPECT_EQ(checked_decrypt(with_header(token, reordered), keys, o).code(),
                  Errc::decryption_failed);
        h["typ"] = "JWE";
        EXPECT_EQ(checked_decrypt(with_header(token, h), keys, o).code(), Errc::decryption_failed);
    }
}

TEST(JweDecrypt, WrongIvLengthIsDecryptionFailed) {
    // RFC 7518 §5.3: a 96-bit IV for GCM; §5.2.2.1: 128 bits for CBC. Authentic otherwise.
    // GCM itself accepts any IV length (NIST SP 800-38D §7.1), so these tokens are authentic
    // GCM encryptions: only the length check refuses them.
    const std::string cek = secret_of(dir_key());
    const std::string protected_b64 = testing::b64_json(dir_header());
    const std::string iv12(12, 'i');
    const auto [ct12, tag12] = gcm_any_iv(cek, iv12, protected_b64, "authentic");
    EXPECT_EQ(decrypt_dir(protected_b64 + ".." + b64(iv12) + "." + b64(ct12) + "." + b64(tag12)),
              Errc::ok);
    for (std::size_t iv_size : {1u, 8u, 11u, 13u, 16u, 64u}) {
        const std::string iv(iv_size, 'i');
        const auto [ct, tag] = gcm_any_iv(cek, iv, protected_b64, "authentic");
        EXPECT_EQ(decrypt_dir(protected_b64 + ".." + b64(iv) + "." + b64(ct) + "." + b64(tag)),
                  Errc::decryption_failed)
            << iv_size;
    }
    const Jwk cbc = recipient_key(KeyManagement::dir, ContentEncryption::A128CBC_HS256);
    const std::string token =
        jwe::encrypt("x", cbc, KeyManagement::dir, ContentEncryption::A128CBC_HS256).value();
    const std::string iv = decode(split(token)[2]);
    for (std::string bad : {iv.substr(0, 12), iv + "1234"}) {
        EXPECT_EQ(checked_decrypt(with_segment(token, 2, bad), key_set({cbc}),
                                  allow({KeyManagement::dir}))
                      .code(),
                  Errc::decryption_failed);
    }
}

TEST(JweDecrypt, CbcHmacBadPaddingUnderAValidTagIsDecryptionFailed) {
    // RFC 7518 §5.2.2.2: the tag is checked first, and a padding failure after a valid tag must
    // look exactly like a tag failure, or the padding becomes an oracle.
    const Jwk key = recipient_key(KeyManagement::dir, ContentEncryption::A128CBC_HS256);
    const std::string secret = secret_of(key);
    const json::object h{{"alg", "dir"}, {"enc", "A128CBC-HS256"}, {"kid", key.kid()}};
    const std::string protected_b64 = testing::b64_json(h);
    const std::string iv = "0123456789abcdef";
    const auto token = [&](std::string_view blocks) {
        const auto [ct, tag] = cbc_hmac_unpadded(secret, iv, protected_b64, blocks);
        return protected_b64 + ".." + b64(iv) + "." + b64(ct) + "." + b64(tag);
    };
    const KeySet keys = key_set({key});
    const auto o = allow({KeyManagement::dir});
    // Control: correct PKCS#7 padding decrypts, so the construction above is right.
    auto good = checked_decrypt(token("hello world\x05\x05\x05\x05\x05"), keys, o);
    ASSERT_TRUE(good) << good.error().to_string();
    EXPECT_EQ(good->plaintext, "hello world");
    EXPECT_EQ(checked_decrypt(token(std::string(16, '\x10')), keys, o).code(), Errc::ok);
    for (std::string bad : {std::string("hello world\x05\x05\x05\x05\x00"),
                            std::string("hello world\x05\x05\x05\x05\x11"),
                            std::string("hello world\x05\x05\x05\x04\x05"),
                            std::string("hello world\x05\x05\x05\x05\x06"),
                            std::string(15, '\x10') + "\x20", std::string(16, '\x11')}) {
        EXPECT_EQ(checked_decrypt(token(bad), keys, o).code(), Errc::decryption_failed)
            << printable_hex(bad);
    }
}

TEST(JweDecrypt, RejectsACekOfTheWrongSizeForEnc) {
    // RFC 7516 §5.2 step 10: an unwrapped CEK must have the length "enc" needs. Here a 24-byte
    // CEK is wrapped and the content really is AES-192-GCM under it, but the header says A128GCM.
    const Jwk key = recipient_key(KeyManagement::A128KW);
    const std::string cek(24, 'c');
    const std::string encrypted_key = detail::aes_key_wrap(secret_of(key), cek).value();
    json::object h{{"alg", "A128KW"}, {"enc", "A192GCM"}, {"kid", key.kid()}};
    const auto o = allow({KeyManagement::A128KW});
    EXPECT_EQ(checked_decrypt(seal_by_hand(h, cek, "x", encrypted_key), key_set({key}), o).code(),
              Errc::ok);
    h["enc"] = "A128GCM";
    EXPECT_EQ(checked_decrypt(seal_by_hand(h, cek, "x", encrypted_key), key_set({key}), o).code(),
              Errc::decryption_failed);
    h["enc"] = "A256GCM";
    EXPECT_EQ(checked_decrypt(seal_by_hand(h, cek, "x", encrypted_key), key_set({key}), o).code(),
              Errc::decryption_failed);
}

TEST(JweDecrypt, RejectsOversizedAndMistypedHeaders) {
    const std::string token = a256kw_token();
    json::object h = header_of(token);
    h["kid"] = 7;
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::bad_header);
    h = header_of(token);
    while (h.size() <= kDefaultMaxHeaderMembers)
        h["x" + std::to_string(h.size())] = 1;
    ASSERT_EQ(h.size(), kDefaultMaxHeaderMembers + 1);
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::bad_header);
    h = header_of(token);
    json::value deep = json::array{};
    for (std::size_t i = 0; i < kDefaultMaxJsonDepth + 1; ++i)
        deep = json::array{deep};
    h["x"] = deep;
    EXPECT_EQ(decrypt_a256kw(with_header(token, h)), Errc::json_too_deep);
}

TEST(JweDecrypt, WrongKeyIsDecryptionFailed) {
    const Jwk other = Jwk::generate(KeyManagement::A256KW).value().with_kid(a256kw().kid());
    EXPECT_EQ(
        checked_decrypt(a256kw_token(), key_set({other}), allow({KeyManagement::A256KW})).code(),
        Errc::decryption_failed);
}

// ---------------------------------------------------------------------------------------------
// Size limit

TEST(JweDecrypt, RejectsATokenOverTheSizeLimit) {
    const std::string token = a256kw_token(std::string(500, 'p'));
    JweDecryptOptions o = allow({KeyManagement::A256KW});
    o.limits.max_token_size = token.size();
    EXPECT_EQ(decrypt_a256kw(token, o), Errc::ok);
    o.limits.max_token_size = token.size() - 1;
    EXPECT_EQ(decrypt_a256kw(token, o), Errc::token_too_large);
    // Checked first: a huge input is refused before it is even split.
    EXPECT_EQ(decrypt_a256kw(std::string(kDefaultMaxTokenSize + 1, '.')), Errc::token_too_large);
}

// ---------------------------------------------------------------------------------------------
// Encryption errors

TEST(JweEncrypt, RefusesHeaderMembersItSetsItself) {
    for (std::string_view name : {"alg", "enc", "zip"}) {
        JweEncryptOptions eo;
        eo.header = json::object{{name, "x"}};
        EXPECT_EQ(jwe::encrypt("x", a256kw(), KeyManagement::A256KW, ContentEncryption::A256GCM, eo)
                      .code(),
                  Errc::invalid_argument)
            << name;
    }
    // The key management parameters too ("epk" for ECDH-ES, "p2s"/"p2c" for PBES2, "iv"/"tag").
    const Jwk ecdh = recipient_key(KeyManagement::ECDH_ES);
    JweEncryptOptions eo;
    eo.header = json::object{{"epk", json::object{}}};
    EXPECT_EQ(
        jwe::encrypt("x", public_of(ecdh), KeyManagement::ECDH_ES, ContentEncryption::A128GCM, eo)
            .code(),
        Errc::invalid_argument);
    eo.header = json::object{{"p2c", 5}};
    eo.pbes2_count = 1000;
    EXPECT_EQ(jwe::encrypt("x", pbes2_key(), KeyManagement::PBES2_HS256_A128KW,
                           ContentEncryption::A128GCM, eo)
                  .code(),
              Errc::invalid_argument);
    const Jwk gcmkw = recipient_key(KeyManagement::A256GCMKW);
    eo.header = json::object{{"iv", "AAAA"}};
    EXPECT_EQ(
        jwe::encrypt("x", gcmkw, KeyManagement::A256GCMKW, ContentEncryption::A128GCM, eo).code(),
        Errc::invalid_argument);
}

TEST(JweEncrypt, RefusesRsa1_5WithoutTheOptIn) {
    const Jwk key = public_of(recipient_key(KeyManagement::RSA1_5));
    EXPECT_EQ(jwe::encrypt("x", key, KeyManagement::RSA1_5, ContentEncryption::A128GCM).code(),
              Errc::alg_not_allowed);
    JweEncryptOptions eo;
    eo.allow_rsa1_5_unsafe = true;
    EXPECT_EQ(jwe::encrypt("x", key, KeyManagement::RSA1_5, ContentEncryption::A128GCM, eo).code(),
              Errc::ok);
}

TEST(JweEncrypt, RefusesFewerThanAThousandPbes2Iterations) {
    for (std::uint32_t count : {0u, 1u, 999u}) {
        JweEncryptOptions eo;
        eo.pbes2_count = count;
        EXPECT_EQ(jwe::encrypt("x", pbes2_key(), KeyManagement::PBES2_HS256_A128KW,
                               ContentEncryption::A128GCM, eo)
                      .code(),
                  Errc::pbes2_limit)
            << count;
    }
}

TEST(JweEncrypt, DefaultsToManyPbes2Iterations) {
    // OWASP's PBKDF2-HMAC-SHA256 recommendation, not the RFC's minimum.
    EXPECT_EQ(JweEncryptOptions{}.pbes2_count, kDefaultPbes2Count);
    EXPECT_GE(kDefaultPbes2Count, 600'000u);
}

TEST(JweEncrypt, RefusesAKeyThatIsNotUsable) {
    const auto code = [](const Jwk& key, KeyManagement alg,
                         ContentEncryption enc = ContentEncryption::A128GCM) {
        return jwe::encrypt("x", key, alg, enc).code();
    };
    // Wrong size for the AES key wrap and for "dir".
    EXPECT_EQ(code(recipient_key(KeyManagement::A128KW).with_alg(KeyManagement::A256KW),
                   KeyManagement::A256KW),
              Errc::key_alg_mismatch);
    EXPECT_EQ(code(recipient_key(KeyManagement::dir, ContentEncryption::A256GCM),
                   KeyManagement::dir, ContentEncryption::A128GCM),
              Errc::key_alg_mismatch);
    // Wrong type.
    EXPECT_EQ(code(a256kw().with_alg(KeyManagement::RSA_OAEP), KeyManagement::RSA_OAEP),
              Errc::key_alg_mismatch);
    EXPECT_EQ(
        code(public_of(recipient_key(KeyManagement::RSA_OAEP)).with_alg(KeyManagement::A256KW),
             KeyManagement::A256KW),
        Errc::key_alg_mismatch);
    EXPECT_EQ(
        code(public_of(recipient_key(KeyManagement::RSA_OAEP)).with_alg(KeyManagement::ECDH_ES),
             KeyManagement::ECDH_ES),
        Errc::key_alg_mismatch);
    EXPECT_EQ(
        code(public_of(test_key(Algorithm::EdDSA)).with_alg(KeyManagement::ECDH_ES).with_use("enc"),
             KeyManagement::ECDH_ES),
        Errc::key_alg_mismatch);  // Ed25519 is a signature curve, not X25519
    // Bound to another algorithm, or to signatures.
    EXPECT_EQ(code(a256kw(), KeyManagement::A256GCMKW), Errc::key_alg_mismatch);
    EXPECT_EQ(code(public_of(recipient_key(KeyManagement::RSA_OAEP)), KeyManagement::RSA_OAEP_256),
              Errc::key_alg_mismatch);
    EXPECT_EQ(code(a256kw().with_use("sig"), KeyManagement::A256KW), Errc::key_use_mismatch);
    EXPECT_EQ(code(test_key(Algorithm::RS256), KeyManagement::RSA_OAEP), Errc::key_alg_mismatch);
}

// ---------------------------------------------------------------------------------------------
// Key selection

const Jwk& a128kw_named(std::string kid) {
    static std::map<std::string, Jwk> keys;
    auto it = keys.find(kid);
    if (it == keys.end()) {
        KeyGenOptions options;
        options.kid = kid;
        it = keys.emplace(kid, Jwk::generate(KeyManagement::A128KW, options).value()).first;
    }
    return it->second;
}

std::string a128kw_token(const Jwk& key, bool include_kid = true, JweEncryptOptions eo = {}) {
    eo.include_kid = include_kid;
    return jwe::encrypt("selected", key, KeyManagement::A128KW, ContentEncryption::A128GCM, eo)
        .value();
}

Errc decrypt_a128kw(std::string_view token, std::vector<Jwk> keys) {
    return checked_decrypt(token, KeySet::from_keys(std::move(keys)).value(),
                           allow({KeyManagement::A128KW}))
        .code();
}

TEST(JweKeySelection, UsesTheKeyNamedByKid) {
    const Jwk& one = a128kw_named("one");
    const Jwk& two = a128kw_named("two");
    EXPECT_EQ(decrypt_a128kw(a128kw_token(two), {one, two}), Errc::ok);
    EXPECT_EQ(decrypt_a128kw(a128kw_token(one), {one, two}), Errc::ok);
    // Encrypted for "one" but naming "two": only "two" is tried, and it does not decrypt.
    JweEncryptOptions eo;
    eo.header = json::object{{"kid", "two"}};
    EXPECT_EQ(decrypt_a128kw(a128kw_token(one, true, eo), {one, two}), Errc::decryption_failed);
}

TEST(JweKeySelection, WithoutKidTriesEveryFittingKey) {
    const Jwk& one = a128kw_named("one");
    const Jwk& two = a128kw_named("two");
    const Jwk& three = a128kw_named("three");
    const std::string token = a128kw_token(three, false);
    EXPECT_FALSE(header_of(token).contains("kid"));
    EXPECT_EQ(decrypt_a128kw(token, {one, two, three}), Errc::ok);
    EXPECT_EQ(decrypt_a128kw(token, {three, one, two}), Errc::ok);
    EXPECT_EQ(decrypt_a128kw(token, {one, two}), Errc::decryption_failed);
    // Keys for other algorithms are not candidates.
    EXPECT_EQ(decrypt_a128kw(token, {a256kw()}), Errc::key_not_found);
}

TEST(JweKeySelection, AnUnknownKidFallsBackToKeysWithoutKid) {
    const Jwk& one = a128kw_named("one");
    JweEncryptOptions eo;
    eo.header = json::object{{"kid", "unknown"}};
    const std::string token = a128kw_token(one, true, eo);
    EXPECT_EQ(decrypt_a128kw(token, {one}), Errc::key_not_found);
    EXPECT_EQ(decrypt_a128kw(token, {a128kw_named("two"), one.with_kid("")}), Errc::ok);
    EXPECT_EQ(decrypt_a128kw(token, {a128kw_named("two").with_kid("")}), Errc::decryption_failed);
}

TEST(JweKeySelection, TriesAtMostSixteenCandidateKeys) {
    std::vector<Jwk> keys;
    for (int i = 0; i < 16; ++i)
        keys.push_back(a128kw_named("decoy-" + std::to_string(i)));
    const Jwk& real = a128kw_named("real");
    const std::string token = a128kw_token(real, false);
    std::vector<Jwk> fifteen_then_real(keys.begin(), keys.begin() + 15);
    fifteen_then_real.push_back(real);
    EXPECT_EQ(decrypt_a128kw(token, fifteen_then_real), Errc::ok);
    std::vector<Jwk> sixteen_then_real = keys;
    sixteen_then_real.push_back(real);
    EXPECT_EQ(decrypt_a128kw(token, sixteen_then_real), Errc::decryption_failed);
}

TEST(JweKeySelection, DirKeysNamedByTheirEncAreAccepted) {
    // RFC 7520 §5.6 binds a "dir" key by its "enc" ("alg": "A128GCM").
    const std::string secret(16, 's');
    const Jwk key =
        Jwk::parse(R"({"kty":"oct","kid":"d","alg":"A128GCM","k":")" + b64(secret) + "\"}").value();
    auto token = jwe::encrypt("x", key, KeyManagement::dir, ContentEncryption::A128GCM);
    ASSERT_TRUE(token) << token.error().to_string();
    EXPECT_EQ(checked_decrypt(*token, key_set({key}), allow({KeyManagement::dir})).code(),
              Errc::ok);
    // Named by another enc (of the same key size), it does not serve this one.
    const Jwk other =
        Jwk::parse(R"({"kty":"oct","kid":"d","alg":"A128CBC-HS256","k":")" + b64(secret) + "\"}")
            .value();
    EXPECT_EQ(jwe::encrypt("x", other, KeyManagement::dir, ContentEncryption::A128GCM).code(),
              Errc::key_alg_mismatch);
}

}  // namespace
}  // namespace signet
