// Fuzz target for JWE decryption (RFC 7516 §5.2, RFC 7518 §4-5, RFC 8037 §3.2): jwe::decrypt and
// jwe::decrypt_json with keys for "dir", A128KW, A256GCMKW, ECDH-ES (P-256, P-384, X25519),
// RSA-OAEP(-256) and PBES2, on arbitrary bytes. max_pbes2_count is lowered to 2000 so that a "p2c"
// the fuzzer writes cannot slow every execution down to PBKDF2 speed; the PBES2 bounds themselves
// are unchanged. Invariants: a compact JWE and the flattened JSON made of its five parts decrypt
// alike; a decrypted JWE honours the allow-lists and the size cap; arbitrary DEFLATE data sealed
// under the "dir" key inflates exactly as zlib inflates it (RFC 7516 §4.1.3, RFC 1951) or fails
// with a decompression error; encrypt then decrypt returns the plaintext; and decrypting into a
// reused DecryptedCompactJwe agrees with decrypting into a DecryptedJwe.
#include <openssl/evp.h>
#include <zlib.h>

#include <boost/json/serialize.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "signet/jwe.hpp"

namespace {

namespace json = boost::json;
using namespace signet;
using namespace signet::fuzz;

constexpr std::uint32_t kFuzzMaxPbes2Count = 2000;

struct Setup {
    Jwk dir = must_parse_key(keys::kDirA128Gcm);
    Jwk a128kw = must_parse_key(keys::kA128Kw);
    Jwk a256gcmkw = must_parse_key(keys::kA256GcmKw);
    Jwk pbes2 = must_parse_key(keys::kPbes2Password);
    Jwk p256 = must_parse_key(keys::kEcdhP256);
    Jwk p384 = must_parse_key(keys::kEcdhP384);
    Jwk x25519 = must_parse_key(keys::kEcdhX25519);
    Jwk rsa = must_parse_key(keys::kRsaOaep);
    // A key set may not mix symmetric and asymmetric keys, so there are two.
    KeySet symmetric = must_make_set({dir, a128kw, a256gcmkw, pbes2});
    KeySet asymmetric = must_make_set({p256, p384, x25519, rsa});
    JweDecryptOptions options;
    Setup() {
        options.algorithms = {KeyManagement::dir,
                              KeyManagement::A128KW,
                              KeyManagement::A256GCMKW,
                              KeyManagement::ECDH_ES,
                              KeyManagement::ECDH_ES_A128KW,
                              KeyManagement::ECDH_ES_A256KW,
                              KeyManagement::RSA_OAEP,
                              KeyManagement::RSA_OAEP_256,
                              KeyManagement::PBES2_HS256_A128KW,
                              KeyManagement::PBES2_HS384_A192KW,
                              KeyManagement::PBES2_HS512_A256KW};
        options.max_pbes2_count = kFuzzMaxPbes2Count;
        options.understood_crit = {"signet-fuzz"};
        // The flattened JSON form of a token is longer than the token; neither may hit the limit.
        options.limits.max_token_size = 1 << 18;
    }
};

const Setup& setup() {
    static const Setup s;
    return s;
}

bool b64_alphabet(std::string_view text) {
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// What a successful decryption promises about the header it accepted.
void check_decrypted(const Setup& s, const DecryptedJwe& d) {
    json::object joint = d.protected_header;
    for (const json::object* part : {&d.unprotected_header, &d.recipient_header}) {
        for (const auto& m : *part) {
            FUZZ_CHECK(!joint.contains(m.key()));  // RFC 7516 §7.2.1: disjoint headers
            joint.emplace(m.key(), m.value());
        }
    }
    const json::value* alg = joint.if_contains("alg");
    const json::value* enc = joint.if_contains("enc");
    FUZZ_CHECK(alg != nullptr && alg->is_string() && enc != nullptr && enc->is_string());
    const auto km = parse_key_management(alg->get_string());
    FUZZ_CHECK(km.has_value());
    bool allowed = false;
    for (KeyManagement a : s.options.algorithms)
        allowed = allowed || a == *km;
    FUZZ_CHECK(allowed);
    FUZZ_CHECK(parse_content_encryption(enc->get_string()).has_value());
    if (d.protected_header.contains("zip")) {
        FUZZ_CHECK(d.plaintext.size() <= s.options.max_decompressed_size);
    }
    FUZZ_CHECK(!d.unprotected_header.contains("zip") && !d.recipient_header.contains("zip"));
}

// The overload decrypting into a reused DecryptedCompactJwe reaches the same verdict, plaintext and
// header members as the one returning a DecryptedJwe.
void check_reused_output(const Setup& s, std::string_view token, const KeySet& keys,
                         const Result<DecryptedJwe>& compact) {
    static DecryptedCompactJwe reused;
    const auto into = jwe::decrypt(token, keys, s.options, reused);
    FUZZ_CHECK_MSG(into.code() == compact.code(),
                   "DecryptedJwe: " + std::string(to_string(compact.code())) +
                       ", reused output: " + std::string(to_string(into.code())));
    if (!compact) {
        FUZZ_CHECK(reused.plaintext.empty() && reused.kid.empty());
        return;
    }
    FUZZ_CHECK(reused.plaintext == compact->plaintext);
    const json::value* kid = compact->protected_header.if_contains("kid");
    FUZZ_CHECK(reused.kid == (kid != nullptr && kid->is_string()
                                  ? std::string_view(kid->get_string())
                                  : std::string_view()));
    const json::value* alg = compact->protected_header.if_contains("alg");
    FUZZ_CHECK(alg != nullptr && alg->is_string() && to_string(reused.alg) == alg->get_string());
}

// The compact form and the flattened JSON form of the same five parts (RFC 7516 §7.2.2).
void check_compact_vs_json(const Setup& s, std::string_view token, const KeySet& keys,
                           const Result<DecryptedJwe>& compact) {
    std::array<std::string_view, 5> parts;
    std::size_t count = 0, start = 0;
    for (std::size_t i = 0; i <= token.size(); ++i) {
        if (i == token.size() || token[i] == '.') {
            if (count == parts.size()) return;
            parts[count++] = token.substr(start, i - start);
            start = i + 1;
        }
    }
    if (count != 5) return;
    for (std::string_view p : parts) {
        if (!b64_alphabet(p)) return;
    }
    json::object flat;
    flat["protected"] = json::string_view(parts[0].data(), parts[0].size());
    flat["encrypted_key"] = json::string_view(parts[1].data(), parts[1].size());
    flat["iv"] = json::string_view(parts[2].data(), parts[2].size());
    flat["ciphertext"] = json::string_view(parts[3].data(), parts[3].size());
    flat["tag"] = json::string_view(parts[4].data(), parts[4].size());
    auto from_json = jwe::decrypt_json(json::serialize(flat), keys, s.options);
    check_error(from_json);
    FUZZ_CHECK_MSG(from_json.ok() == compact.ok(),
                   "compact: " + std::string(to_string(compact.code())) +
                       ", flattened JSON: " + std::string(to_string(from_json.code())));
    if (compact) {
        FUZZ_CHECK(from_json->plaintext == compact->plaintext);
        FUZZ_CHECK(same_json(from_json->protected_header, compact->protected_header));
    }
}

// AES-128-GCM with OpenSSL directly, to seal content the library will then open.
std::string aes128gcm_seal(std::string_view key, std::string_view iv, std::string_view aad,
                           std::string_view plaintext, std::string& tag) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        &EVP_CIPHER_CTX_free);
    const auto* k = reinterpret_cast<const unsigned char*>(key.data());
    const auto* n = reinterpret_cast<const unsigned char*>(iv.data());
    std::string out(plaintext.size() + 16, '\0');
    int len = 0, total = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                                  nullptr) &&
              EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, k, n) &&
              EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                                reinterpret_cast<const unsigned char*>(aad.data()),
                                static_cast<int>(aad.size())) &&
              EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                                reinterpret_cast<const unsigned char*>(plaintext.data()),
                                static_cast<int>(plaintext.size()));
    total = len;
    ok = ok &&
         EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &len);
    total += len;
    tag.assign(16, '\0');
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data());
    FUZZ_CHECK(ok);
    out.resize(static_cast<std::size_t>(total));
    return out;
}

struct Inflated {
    Errc code = Errc::ok;
    std::string data;
};

// zlib raw inflate (RFC 1951) with small output chunks: the whole stream, nothing after it, at
// most `max_size` bytes of output.
Inflated reference_inflate(std::string_view input, std::size_t max_size) {
    Inflated r;
    z_stream zs{};
    FUZZ_CHECK(inflateInit2(&zs, -15) == Z_OK);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());
    unsigned char chunk[1000];
    for (;;) {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = sizeof(chunk) - zs.avail_out;
        if (r.data.size() + produced > max_size) {
            r.code = Errc::decompressed_too_large;
            break;
        }
        r.data.append(reinterpret_cast<const char*>(chunk), produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in != 0) r.code = Errc::decompression_failed;
            break;
        }
        if (rc != Z_OK || (produced == 0 && zs.avail_in == 0)) {
            r.code = Errc::decompression_failed;
            break;
        }
    }
    inflateEnd(&zs);
    return r;
}

// "zip": "DEF" content the fuzzer chose, under a correct tag, so that it reaches the inflater.
void check_inflate(const Setup& s, std::string_view deflated) {
    static const std::string header_b64 = base64url_encode(
        R"({"alg":"dir","enc":"A128GCM","zip":"DEF","kid":"77c7e2b8-6e13-45cf-8672-617b5b45243a"})");
    static const std::string cek = *base64url_decode("XctOhJAkA-pD9Lh7ZgW_2A");
    static const std::string iv = "signet-fuzz!";  // 96 bits; fixed, so runs are reproducible
    std::string tag;
    const std::string ciphertext = aes128gcm_seal(cek, iv, header_b64, deflated, tag);
    std::string token = header_b64 + "..";  // "dir": an empty encrypted key
    base64url_encode_append(iv, token);
    token.push_back('.');
    base64url_encode_append(ciphertext, token);
    token.push_back('.');
    base64url_encode_append(tag, token);
    auto result = jwe::decrypt(token, s.symmetric, s.options);
    check_error(result);
    const Inflated expected = reference_inflate(deflated, s.options.max_decompressed_size);
    FUZZ_CHECK_MSG(result.code() == expected.code,
                   "library: " + std::string(to_string(result.code())) +
                       ", zlib: " + std::string(to_string(expected.code)));
    if (result) FUZZ_CHECK(result->plaintext == expected.data);
}

// encrypt, then decrypt, returns the plaintext: compact and JSON, one key kind per input.
void check_round_trip(const Setup& s, std::string_view plaintext, std::uint8_t selector) {
    struct Case {
        const Jwk* key;
        const KeySet* keys;
        KeyManagement alg;
        ContentEncryption enc;
        bool compress;
    };
    const std::array<Case, 5> cases{{
        {&s.dir, &s.symmetric, KeyManagement::dir, ContentEncryption::A128GCM, true},
        {&s.a128kw, &s.symmetric, KeyManagement::A128KW, ContentEncryption::A128CBC_HS256, true},
        {&s.pbes2, &s.symmetric, KeyManagement::PBES2_HS256_A128KW, ContentEncryption::A128GCM,
         false},
        {&s.x25519, &s.asymmetric, KeyManagement::ECDH_ES, ContentEncryption::A256GCM, true},
        {&s.p256, &s.asymmetric, KeyManagement::ECDH_ES_A128KW, ContentEncryption::A256CBC_HS512,
         false},
    }};
    const Case& c = cases[selector % cases.size()];
    JweEncryptOptions options;
    options.compress = c.compress;
    options.pbes2_count = kMinPbes2Count;
    auto token = jwe::encrypt(plaintext, *c.key, c.alg, c.enc, options);
    FUZZ_CHECK_MSG(token.ok(), token.error().to_string());
    auto decrypted = jwe::decrypt(*token, *c.keys, s.options);
    FUZZ_CHECK_MSG(decrypted.ok(), decrypted.error().to_string());
    FUZZ_CHECK(decrypted->plaintext == plaintext);

    JweJsonOptions json_options;
    json_options.compress = c.compress;
    json_options.pbes2_count = kMinPbes2Count;
    json_options.aad = std::string(plaintext.substr(0, 16));
    const std::array<JweRecipient, 1> recipients{JweRecipient{*c.key, c.alg, {}}};
    auto doc = jwe::encrypt_json(plaintext, recipients, c.enc, json_options);
    FUZZ_CHECK_MSG(doc.ok(), doc.error().to_string());
    auto opened = jwe::decrypt_json(json::serialize(*doc), *c.keys, s.options);
    FUZZ_CHECK_MSG(opened.ok(), opened.error().to_string());
    FUZZ_CHECK(opened->plaintext == plaintext);
    FUZZ_CHECK(opened->aad == json_options.aad);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Setup& s = setup();
    const std::string_view input = as_text(data, size);
    for (const KeySet* keys : {&s.symmetric, &s.asymmetric}) {
        auto compact = jwe::decrypt(input, *keys, s.options);
        check_error(compact);
        if (compact) check_decrypted(s, *compact);
        auto from_json = jwe::decrypt_json(input, *keys, s.options);
        check_error(from_json);
        if (from_json) check_decrypted(s, *from_json);
        check_compact_vs_json(s, input, *keys, compact);
        check_reused_output(s, input, *keys, compact);
    }
    check_inflate(s, input);
    if (size <= 2048) check_round_trip(s, input, size == 0 ? 0 : data[0]);
    return 0;
}
