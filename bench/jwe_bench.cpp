// Encrypt and decrypt of a typical nested token (RFC 7519 §5.2: a signed access token inside a
// compact JWE, "cty": "JWT") for four key management algorithms with A256GCM, each measured next
// to the same cryptographic work done with OpenSSL directly, with the heap allocations it costs.
//
// For each case the suite registers five benchmarks:
//   encrypt/<case>      jwe::encrypt of the nested token for the recipient's (public) key
//   raw_encrypt/<case>  OpenSSL alone: CEK and IV from the DRBG, key management, AES-256-GCM
//   decrypt/<case>      jwe::decrypt of a token encrypt produced, with the recipient's key set
//   raw_decrypt/<case>  OpenSSL alone on the segments of that same token, decoded beforehand
//   decrypt_into/<case> the same into a reused DecryptedCompactJwe (no JSON tree for the header)
// and, for dir+A256GCM, paired_encrypt/<case>, paired_decrypt/<case> (reused output) and
// paired_decrypt_tree/<case> (DecryptedJwe): each timed in alternating batches with its raw twin
// (paired.hpp), for the ratio targets.
// The raw side is written the way a user of OpenSSL naturally writes it: algorithm objects are
// fetched and keys loaded once, and contexts are re-initialised where OpenSSL allows it.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <boost/json/parse.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access_token.hpp"
#include "alloc_counter.hpp"
#include "must.hpp"
#include "paired.hpp"
#include "signet/signet.hpp"

namespace {

using signet::ContentEncryption;
using signet::KeyManagement;
using signet::bench::AllocCounts;
using signet::bench::count_allocations;
using signet::bench::die;
using signet::bench::must;
using signet::bench::set_alloc_counters;

constexpr std::size_t kCekBytes = 32;        // A256GCM (RFC 7518 §5.3)
constexpr std::size_t kKekBytes = 32;        // A256KW and ECDH-ES+A256KW (RFC 7518 §4.4, §4.6)
constexpr std::size_t kIvBytes = 12;         // RFC 7518 §5.3: 96-bit IV
constexpr std::size_t kTagBytes = 16;        // RFC 7518 §5.3: 128-bit tag
constexpr std::size_t kWrapOverhead = 8;     // RFC 3394: the integrity block
constexpr std::size_t kP256PointBytes = 65;  // 0x04 || x || y

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct CipherFree {
    void operator()(EVP_CIPHER* p) const noexcept { EVP_CIPHER_free(p); }
};
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
struct KdfCtxFree {
    void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;
using Bytes = std::vector<unsigned char>;

const unsigned char* u8(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

int to_int(std::size_t n) {
    return static_cast<int>(n);
}

// The four cases of the issue; the raw side differs in its key management step.
enum class Kind : std::uint8_t { dir, aes_kw, ecdh_es_kw, rsa_oaep };

// One JWE's binary parts (RFC 7516 §7.1), and for ECDH-ES the ephemeral public point.
struct RawMessage {
    Bytes encrypted_key, iv, ciphertext, tag;
    Bytes epk_point;  // uncompressed SEC1 point of "epk"
};

// Everything one case's benchmarks need, prepared once before any timing.
struct Case {
    std::string label;  // "A256KW+A256GCM"
    Kind kind{};
    KeyManagement alg{};
    ContentEncryption enc = ContentEncryption::A256GCM;

    // Signet side.
    std::optional<signet::Jwk> encrypt_key;  // what a sender holds: the public key, or the secret
    signet::KeySet decrypt_keys;             // what the recipient holds
    signet::JweEncryptOptions encrypt_options;
    signet::JweDecryptOptions decrypt_options;
    std::string plaintext;  // the nested token
    std::string token;      // a JWE of it that jwe::encrypt produced

    // Raw OpenSSL side.
    std::string aad;      // the token's protected header, base64url (RFC 7516 §5.1 step 14)
    RawMessage received;  // the token's segments, decoded once
    RawMessage produced;  // raw_encrypt's output buffers, sized once
    Bytes opened;         // raw_decrypt's plaintext buffer
    Bytes cek;            // raw_encrypt's fresh CEK; raw_decrypt's recovered CEK
    Bytes kek;            // ECDH-ES: the derived key wrapping key
    std::string secret;   // dir: the CEK; A256KW: the key wrapping key
    CipherPtr gcm, wrap;
    CipherCtxPtr gcm_seal_ctx, gcm_open_ctx, wrap_ctx, unwrap_ctx;
    PkeyPtr recipient_public, recipient_private;
    PkeyCtxPtr rsa_encrypt_ctx, rsa_decrypt_ctx;  // RSA-OAEP-256, configured once
    PkeyCtxPtr ec_keygen_ctx;                     // ephemeral P-256 keys
    PkeyCtxPtr ec_fromdata_ctx;                   // importing the received "epk"
    PkeyCtxPtr ecdh_decrypt_ctx;                  // derive with the recipient's private key
    KdfCtxPtr kdf_ctx;                            // Concat KDF, digest and OtherInfo set once

    std::optional<AllocCounts> encrypt_allocs, raw_encrypt_allocs, decrypt_allocs,
        decrypt_into_allocs, raw_decrypt_allocs;
};

// ---------------------------------------------------------------------------------------------
// The raw OpenSSL operations.

// AES-256-GCM with the protected header as AAD (RFC 7516 §5.1 steps 14-15). A null key keeps
// the key schedule already in the context.
bool gcm_seal(EVP_CIPHER_CTX* ctx, const unsigned char* key, const Bytes& iv, std::string_view aad,
              std::string_view plaintext, Bytes& ciphertext, Bytes& tag) {
    int len = 0, final_len = 0;
    return EVP_EncryptInit_ex2(ctx, nullptr, key, iv.data(), nullptr) == 1 &&
           EVP_EncryptUpdate(ctx, nullptr, &len, u8(aad), to_int(aad.size())) == 1 &&
           EVP_EncryptUpdate(ctx, ciphertext.data(), &len, u8(plaintext),
                             to_int(plaintext.size())) == 1 &&
           EVP_EncryptFinal_ex(ctx, ciphertext.data() + len, &final_len) == 1 &&
           static_cast<std::size_t>(len + final_len) == plaintext.size() &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, to_int(kTagBytes), tag.data()) == 1;
}

bool gcm_open(EVP_CIPHER_CTX* ctx, const unsigned char* key, const RawMessage& in,
              std::string_view aad, Bytes& plaintext) {
    int len = 0, final_len = 0;
    return in.tag.size() == kTagBytes && plaintext.size() >= in.ciphertext.size() &&
           EVP_DecryptInit_ex2(ctx, nullptr, key, in.iv.data(), nullptr) == 1 &&
           EVP_DecryptUpdate(ctx, nullptr, &len, u8(aad), to_int(aad.size())) == 1 &&
           EVP_DecryptUpdate(ctx, plaintext.data(), &len, in.ciphertext.data(),
                             to_int(in.ciphertext.size())) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, to_int(kTagBytes),
                               const_cast<unsigned char*>(in.tag.data())) == 1 &&
           EVP_DecryptFinal_ex(ctx, plaintext.data() + len, &final_len) == 1 &&
           static_cast<std::size_t>(len + final_len) == in.ciphertext.size();
}

// AES Key Wrap (RFC 3394) of the CEK. A null key keeps the key already in the context.
bool aes_wrap(EVP_CIPHER_CTX* ctx, const unsigned char* kek, const Bytes& cek, Bytes& out) {
    int len = 0, final_len = 0;
    return EVP_EncryptInit_ex2(ctx, nullptr, kek, nullptr, nullptr) == 1 &&
           EVP_EncryptUpdate(ctx, out.data(), &len, cek.data(), to_int(cek.size())) == 1 &&
           EVP_EncryptFinal_ex(ctx, out.data() + len, &final_len) == 1 &&
           static_cast<std::size_t>(len + final_len) == cek.size() + kWrapOverhead;
}

bool aes_unwrap(EVP_CIPHER_CTX* ctx, const unsigned char* kek, const Bytes& wrapped, Bytes& cek) {
    int len = 0, final_len = 0;
    return wrapped.size() == cek.size() + kWrapOverhead &&
           EVP_DecryptInit_ex2(ctx, nullptr, kek, nullptr, nullptr) == 1 &&
           EVP_DecryptUpdate(ctx, cek.data(), &len, wrapped.data(), to_int(wrapped.size())) == 1 &&
           EVP_DecryptFinal_ex(ctx, cek.data() + len, &final_len) == 1 &&
           static_cast<std::size_t>(len + final_len) == cek.size();
}

// ECDH (with OpenSSL's check of the peer point) then the Concat KDF of RFC 7518 §4.6.2; the
// KDF context already holds the digest and the OtherInfo, so only Z changes per call.
bool ecdh_kek(EVP_PKEY_CTX* derive_ctx, EVP_PKEY* peer, EVP_KDF_CTX* kdf_ctx, Bytes& kek) {
    unsigned char z[32];
    std::size_t z_len = sizeof z;
    if (EVP_PKEY_derive_init(derive_ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(derive_ctx, peer, 1) != 1 ||
        EVP_PKEY_derive(derive_ctx, z, &z_len) != 1 || z_len != sizeof z) {
        return false;
    }
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, z, z_len),
        OSSL_PARAM_construct_end(),
    };
    const bool ok = EVP_KDF_derive(kdf_ctx, kek.data(), kek.size(), params) == 1;
    OPENSSL_cleanse(z, sizeof z);
    return ok;
}

// The sender's side: fresh CEK and IV, the key management step, then the content encryption.
bool raw_encrypt_once(Case& c, RawMessage& out) {
    if (RAND_bytes(out.iv.data(), to_int(out.iv.size())) != 1) return false;
    switch (c.kind) {
        case Kind::dir:
            // RFC 7518 §4.5: the shared key is the CEK; its key schedule is in the context.
            return gcm_seal(c.gcm_seal_ctx.get(), nullptr, out.iv, c.aad, c.plaintext,
                            out.ciphertext, out.tag);
        case Kind::aes_kw:
            return RAND_bytes(c.cek.data(), to_int(c.cek.size())) == 1 &&
                   aes_wrap(c.wrap_ctx.get(), nullptr, c.cek, out.encrypted_key) &&
                   gcm_seal(c.gcm_seal_ctx.get(), c.cek.data(), out.iv, c.aad, c.plaintext,
                            out.ciphertext, out.tag);
        case Kind::ecdh_es_kw: {
            // RFC 7518 §4.6: an ephemeral key pair per message; its public point goes in "epk".
            EVP_PKEY* raw_ephemeral = nullptr;
            if (EVP_PKEY_generate(c.ec_keygen_ctx.get(), &raw_ephemeral) != 1) return false;
            PkeyPtr ephemeral(raw_ephemeral);
            std::size_t point_len = 0;
            if (EVP_PKEY_get_octet_string_param(ephemeral.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                                out.epk_point.data(), out.epk_point.size(),
                                                &point_len) != 1 ||
                point_len != out.epk_point.size()) {
                return false;
            }
            PkeyCtxPtr derive_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ephemeral.get(), nullptr));
            return derive_ctx &&
                   ecdh_kek(derive_ctx.get(), c.recipient_public.get(), c.kdf_ctx.get(), c.kek) &&
                   RAND_bytes(c.cek.data(), to_int(c.cek.size())) == 1 &&
                   aes_wrap(c.wrap_ctx.get(), c.kek.data(), c.cek, out.encrypted_key) &&
                   gcm_seal(c.gcm_seal_ctx.get(), c.cek.data(), out.iv, c.aad, c.plaintext,
                            out.ciphertext, out.tag);
        }
        case Kind::rsa_oaep: {
            std::size_t len = out.encrypted_key.size();
            return RAND_bytes(c.cek.data(), to_int(c.cek.size())) == 1 &&
                   EVP_PKEY_encrypt(c.rsa_encrypt_ctx.get(), out.encrypted_key.data(), &len,
                                    c.cek.data(), c.cek.size()) == 1 &&
                   len == out.encrypted_key.size() &&
                   gcm_seal(c.gcm_seal_ctx.get(), c.cek.data(), out.iv, c.aad, c.plaintext,
                            out.ciphertext, out.tag);
        }
    }
    return false;
}

// The recipient's side: recover the CEK, then open the content. True when the plaintext is the
// nested token.
bool raw_decrypt_once(Case& c, const RawMessage& in) {
    bool opened = false;
    switch (c.kind) {
        case Kind::dir:
            opened = in.encrypted_key.empty() &&
                     gcm_open(c.gcm_open_ctx.get(), nullptr, in, c.aad, c.opened);
            break;
        case Kind::aes_kw:
            opened = aes_unwrap(c.unwrap_ctx.get(), nullptr, in.encrypted_key, c.cek) &&
                     gcm_open(c.gcm_open_ctx.get(), c.cek.data(), in, c.aad, c.opened);
            break;
        case Kind::ecdh_es_kw: {
            // The received "epk", imported as a P-256 public key (OpenSSL checks the point is on
            // the curve).
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 const_cast<char*>("P-256"), 0),
                OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  const_cast<unsigned char*>(in.epk_point.data()),
                                                  in.epk_point.size()),
                OSSL_PARAM_construct_end(),
            };
            EVP_PKEY* raw_peer = nullptr;
            if (EVP_PKEY_fromdata(c.ec_fromdata_ctx.get(), &raw_peer, EVP_PKEY_PUBLIC_KEY,
                                  params) != 1) {
                return false;
            }
            PkeyPtr peer(raw_peer);
            opened = ecdh_kek(c.ecdh_decrypt_ctx.get(), peer.get(), c.kdf_ctx.get(), c.kek) &&
                     aes_unwrap(c.unwrap_ctx.get(), c.kek.data(), in.encrypted_key, c.cek) &&
                     gcm_open(c.gcm_open_ctx.get(), c.cek.data(), in, c.aad, c.opened);
            break;
        }
        case Kind::rsa_oaep: {
            // OAEP output can be as long as the modulus; a JWE CEK for A256GCM is 32 bytes.
            unsigned char cek[512];
            std::size_t len = sizeof cek;
            opened = EVP_PKEY_decrypt(c.rsa_decrypt_ctx.get(), cek, &len, in.encrypted_key.data(),
                                      in.encrypted_key.size()) == 1 &&
                     len == kCekBytes && gcm_open(c.gcm_open_ctx.get(), cek, in, c.aad, c.opened);
            OPENSSL_cleanse(cek, sizeof cek);
            break;
        }
    }
    return opened && c.opened.size() == c.plaintext.size() &&
           std::memcmp(c.opened.data(), c.plaintext.data(), c.plaintext.size()) == 0;
}

// ---------------------------------------------------------------------------------------------
// Setup.

Bytes decode(std::string_view b64, const std::string& what) {
    const std::string raw = must(signet::base64url_decode(b64), what);
    return Bytes(raw.begin(), raw.end());
}

// The five segments of a compact JWE (RFC 7516 §7.1), and the protected header as sent.
RawMessage decode_compact(const Case& c, std::string& aad) {
    std::vector<std::string_view> parts;
    std::string_view rest = c.token;
    for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos;) {
        parts.push_back(rest.substr(0, dot));
        rest.remove_prefix(dot + 1);
    }
    parts.push_back(rest);
    if (parts.size() != 5) die(c.label + ": the token is not a compact JWE");
    aad = std::string(parts[0]);
    RawMessage m;
    m.encrypted_key = decode(parts[1], c.label + " encrypted key");
    m.iv = decode(parts[2], c.label + " iv");
    m.ciphertext = decode(parts[3], c.label + " ciphertext");
    m.tag = decode(parts[4], c.label + " tag");
    if (c.kind == Kind::ecdh_es_kw) {
        const std::string header_json =
            must(signet::base64url_decode(parts[0]), c.label + " header");
        const boost::json::value header = boost::json::parse(header_json);
        const boost::json::object& epk = header.at("epk").as_object();
        const Bytes x = decode(std::string_view(epk.at("x").as_string()), c.label + " epk x");
        const Bytes y = decode(std::string_view(epk.at("y").as_string()), c.label + " epk y");
        m.epk_point.push_back(0x04);  // SEC1 uncompressed point
        m.epk_point.insert(m.epk_point.end(), x.begin(), x.end());
        m.epk_point.insert(m.epk_point.end(), y.begin(), y.end());
        if (m.epk_point.size() != kP256PointBytes) die(c.label + ": epk is not a P-256 point");
    }
    return m;
}

// The key bytes of an oct JWK, from its "k" (RFC 7518 §6.4.1).
std::string oct_secret(const signet::Jwk& key, const std::string& what) {
    const boost::json::object jwk = key.to_json(true);
    const auto* k = jwk.if_contains("k");
    if (k == nullptr || !k->is_string()) die(what + ": oct JWK without \"k\"");
    return must(signet::base64url_decode(std::string_view(k->get_string())), what + " k");
}

// The same key through PEM, as a user holding the key file would load it.
PkeyPtr load_pem(const signet::Jwk& key, bool public_only, const std::string& what) {
    const std::string pem = must(key.to_pem(public_only), what + " to_pem");
    BIO* bio = BIO_new_mem_buf(pem.data(), to_int(pem.size()));
    EVP_PKEY* pkey = nullptr;
    if (bio != nullptr) {
        pkey = public_only ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr)
                           : PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    }
    BIO_free(bio);
    if (pkey == nullptr) die(what + ": cannot read the PEM key back");
    return PkeyPtr(pkey);
}

// RFC 7518 §4.6.2: AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, each datum with a
// 32-bit big-endian length prefix; no apu/apv; SuppPubInfo is the wrapping key size in bits.
std::string concat_kdf_other_info(std::string_view algorithm_id, std::uint32_t key_bits) {
    std::string info;
    const auto append_u32 = [&info](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            info.push_back(static_cast<char>((v >> shift) & 0xff));
    };
    append_u32(static_cast<std::uint32_t>(algorithm_id.size()));
    info.append(algorithm_id);
    append_u32(0);
    append_u32(0);
    append_u32(key_bits);
    return info;
}

CipherCtxPtr cipher_ctx(const EVP_CIPHER* cipher, const unsigned char* key, bool encrypt,
                        const std::string& what) {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    const int ok = encrypt ? EVP_EncryptInit_ex2(ctx.get(), cipher, key, nullptr, nullptr)
                           : EVP_DecryptInit_ex2(ctx.get(), cipher, key, nullptr, nullptr);
    if (!ctx || ok != 1) die(what + ": cipher context setup failed");
    return ctx;
}

void prepare_raw(Case& c, const signet::Jwk& recipient) {
    const std::string& l = c.label;
    c.gcm.reset(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
    c.wrap.reset(EVP_CIPHER_fetch(nullptr, "AES-256-WRAP", nullptr));
    if (!c.gcm || !c.wrap) die("EVP_CIPHER_fetch(AES-256-GCM / AES-256-WRAP) failed");
    c.cek.resize(kCekBytes);
    c.kek.resize(kKekBytes);
    c.opened.resize(c.plaintext.size());

    const unsigned char* gcm_key = nullptr;
    const unsigned char* wrap_key = nullptr;
    std::size_t encrypted_key_bytes = 0;
    switch (c.kind) {
        case Kind::dir:
            c.secret = oct_secret(recipient, l);
            gcm_key = u8(c.secret);
            break;
        case Kind::aes_kw:
            c.secret = oct_secret(recipient, l);
            wrap_key = u8(c.secret);
            encrypted_key_bytes = kCekBytes + kWrapOverhead;
            break;
        case Kind::ecdh_es_kw: {
            c.recipient_public = load_pem(recipient, true, l);
            c.recipient_private = load_pem(recipient, false, l);
            encrypted_key_bytes = kCekBytes + kWrapOverhead;
            c.ec_keygen_ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
            if (!c.ec_keygen_ctx || EVP_PKEY_keygen_init(c.ec_keygen_ctx.get()) != 1 ||
                EVP_PKEY_CTX_set_group_name(c.ec_keygen_ctx.get(), "P-256") != 1) {
                die(l + ": P-256 key generation setup failed");
            }
            c.ec_fromdata_ctx.reset(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
            if (!c.ec_fromdata_ctx || EVP_PKEY_fromdata_init(c.ec_fromdata_ctx.get()) != 1)
                die(l + ": EC import setup failed");
            c.ecdh_decrypt_ctx.reset(
                EVP_PKEY_CTX_new_from_pkey(nullptr, c.recipient_private.get(), nullptr));
            if (!c.ecdh_decrypt_ctx) die(l + ": ECDH context setup failed");
            EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SSKDF", nullptr);
            c.kdf_ctx.reset(kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf));
            EVP_KDF_free(kdf);  // the context keeps its own reference
            std::string other_info = concat_kdf_other_info(signet::to_string(c.alg), kKekBytes * 8);
            const OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                 const_cast<char*>("SHA2-256"), 0),
                OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, other_info.data(),
                                                  other_info.size()),
                OSSL_PARAM_construct_end(),
            };
            if (!c.kdf_ctx || EVP_KDF_CTX_set_params(c.kdf_ctx.get(), params) != 1)
                die(l + ": Concat KDF setup failed");
            break;
        }
        case Kind::rsa_oaep: {
            c.recipient_public = load_pem(recipient, true, l);
            c.recipient_private = load_pem(recipient, false, l);
            encrypted_key_bytes =
                static_cast<std::size_t>(EVP_PKEY_get_size(c.recipient_public.get()));
            // RFC 7518 §4.3: SHA-256 for the OAEP hash and for MGF1.
            const auto oaep_sha256 = [](EVP_PKEY_CTX* ctx) {
                return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                       EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA256", nullptr) == 1 &&
                       EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", nullptr) == 1;
            };
            c.rsa_encrypt_ctx.reset(
                EVP_PKEY_CTX_new_from_pkey(nullptr, c.recipient_public.get(), nullptr));
            c.rsa_decrypt_ctx.reset(
                EVP_PKEY_CTX_new_from_pkey(nullptr, c.recipient_private.get(), nullptr));
            if (!c.rsa_encrypt_ctx || EVP_PKEY_encrypt_init(c.rsa_encrypt_ctx.get()) != 1 ||
                !oaep_sha256(c.rsa_encrypt_ctx.get()) || !c.rsa_decrypt_ctx ||
                EVP_PKEY_decrypt_init(c.rsa_decrypt_ctx.get()) != 1 ||
                !oaep_sha256(c.rsa_decrypt_ctx.get())) {
                die(l + ": RSA-OAEP-256 context setup failed");
            }
            break;
        }
    }
    c.gcm_seal_ctx = cipher_ctx(c.gcm.get(), gcm_key, true, l + " GCM");
    c.gcm_open_ctx = cipher_ctx(c.gcm.get(), gcm_key, false, l + " GCM");
    c.wrap_ctx = cipher_ctx(c.wrap.get(), wrap_key, true, l + " key wrap");
    c.unwrap_ctx = cipher_ctx(c.wrap.get(), wrap_key, false, l + " key unwrap");

    c.received = decode_compact(c, c.aad);
    c.produced.encrypted_key.resize(encrypted_key_bytes);
    c.produced.iv.resize(kIvBytes);
    c.produced.ciphertext.resize(c.plaintext.size());
    c.produced.tag.resize(kTagBytes);
    if (c.kind == Kind::ecdh_es_kw) c.produced.epk_point.resize(kP256PointBytes);
}

// A signed access token (ES256), the payload of every case.
std::string nested_token_payload() {
    const signet::Jwk signing_key =
        must(signet::Jwk::generate(signet::Algorithm::ES256), "generate ES256");
    const signet::Signer signer =
        must(signet::Signer::create(signing_key, signet::Algorithm::ES256), "ES256 signer");
    return must(signer.sign(signet::bench::access_token_claims()), "sign the access token");
}

std::unique_ptr<Case> make_case(std::string label, Kind kind, KeyManagement alg,
                                const signet::Jwk& recipient, const std::string& plaintext) {
    auto c = std::make_unique<Case>();
    c->label = std::move(label);
    c->kind = kind;
    c->alg = alg;
    c->plaintext = plaintext;
    const std::string& l = c->label;
    // A sender of an asymmetric JWE holds only the recipient's public key.
    c->encrypt_key = recipient.is_symmetric() ? recipient : must(recipient.public_key(), l);
    c->encrypt_options.header["cty"] = "JWT";  // RFC 7519 §5.2: the payload is a JWT
    c->decrypt_keys = must(signet::KeySet::from_keys({recipient}), l + " key set");
    c->decrypt_options.algorithms = {alg};
    c->decrypt_options.encryptions = {c->enc};
    c->token =
        must(signet::jwe::encrypt(c->plaintext, *c->encrypt_key, alg, c->enc, c->encrypt_options),
             l + " encrypt");
    const signet::DecryptedJwe decrypted =
        must(signet::jwe::decrypt(c->token, c->decrypt_keys, c->decrypt_options), l + " decrypt");
    if (decrypted.plaintext != c->plaintext) die(l + ": decrypted plaintext differs");

    prepare_raw(*c, recipient);
    // Both raw directions are checked against JOSE before any timing: the raw decrypt opens the
    // token Signet made, and the raw encrypt's output opens again, with the raw code and Signet.
    if (!raw_decrypt_once(*c, c->received)) die(l + ": raw decrypt of the Signet token failed");
    if (!raw_encrypt_once(*c, c->produced) || !raw_decrypt_once(*c, c->produced))
        die(l + ": raw encrypt does not round-trip");
    if (kind != Kind::ecdh_es_kw) {
        // Signet opens the raw output too. (With ECDH-ES the header, and so the AAD, would have
        // to carry the raw side's own "epk".)
        std::string compact = c->aad;
        for (const Bytes* part : {&c->produced.encrypted_key, &c->produced.iv,
                                  &c->produced.ciphertext, &c->produced.tag}) {
            compact.push_back('.');
            compact += signet::base64url_encode(
                std::string_view(reinterpret_cast<const char*>(part->data()), part->size()));
        }
        const auto reopened = signet::jwe::decrypt(compact, c->decrypt_keys, c->decrypt_options);
        if (!reopened || reopened->plaintext != c->plaintext)
            die(l + ": Signet cannot decrypt the raw encrypt's output");
    }
    return c;
}

std::vector<std::unique_ptr<Case>> make_cases(const std::string& plaintext) {
    const auto generate = [](KeyManagement alg, const signet::KeyGenOptions& options) {
        return must(signet::Jwk::generate(alg, options),
                    "generate " + std::string(signet::to_string(alg)));
    };
    signet::KeyGenOptions dir_options;
    dir_options.enc = ContentEncryption::A256GCM;
    signet::KeyGenOptions p256;
    p256.curve = signet::Curve::P256;
    std::vector<std::unique_ptr<Case>> cases;
    cases.push_back(make_case("dir+A256GCM", Kind::dir, KeyManagement::dir,
                              generate(KeyManagement::dir, dir_options), plaintext));
    cases.push_back(make_case("A256KW+A256GCM", Kind::aes_kw, KeyManagement::A256KW,
                              generate(KeyManagement::A256KW, {}), plaintext));
    cases.push_back(make_case("ECDH-ES+A256KW+A256GCM", Kind::ecdh_es_kw,
                              KeyManagement::ECDH_ES_A256KW,
                              generate(KeyManagement::ECDH_ES_A256KW, p256), plaintext));
    cases.push_back(make_case("RSA-OAEP-256+A256GCM", Kind::rsa_oaep, KeyManagement::RSA_OAEP_256,
                              generate(KeyManagement::RSA_OAEP_256, {}), plaintext));
    return cases;
}

// ---------------------------------------------------------------------------------------------
// Benchmarks.

void bench_encrypt(benchmark::State& state, Case& c) {
    const auto once = [&c] {
        return signet::jwe::encrypt(c.plaintext, *c.encrypt_key, c.alg, c.enc, c.encrypt_options);
    };
    if (!c.encrypt_allocs)
        c.encrypt_allocs = count_allocations([&] { benchmark::DoNotOptimize(once()); });
    for (auto _ : state) {
        auto token = once();
        benchmark::DoNotOptimize(token);
        if (!token.ok()) {
            state.SkipWithError("jwe::encrypt failed");
            break;
        }
    }
    set_alloc_counters(state, *c.encrypt_allocs);
    state.counters["token_bytes"] = benchmark::Counter(static_cast<double>(c.token.size()));
    state.SetItemsProcessed(state.iterations());
}

void bench_raw_encrypt(benchmark::State& state, Case& c) {
    if (!c.raw_encrypt_allocs) {
        c.raw_encrypt_allocs =
            count_allocations([&] { benchmark::DoNotOptimize(raw_encrypt_once(c, c.produced)); });
    }
    for (auto _ : state) {
        const bool ok = raw_encrypt_once(c, c.produced);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(c.produced.tag.data());
        if (!ok) {
            state.SkipWithError("raw OpenSSL encryption failed");
            break;
        }
    }
    set_alloc_counters(state, *c.raw_encrypt_allocs);
    state.SetItemsProcessed(state.iterations());
}

void bench_decrypt(benchmark::State& state, Case& c) {
    const auto once = [&c] {
        return signet::jwe::decrypt(c.token, c.decrypt_keys, c.decrypt_options);
    };
    if (!c.decrypt_allocs)
        c.decrypt_allocs = count_allocations([&] { benchmark::DoNotOptimize(once()); });
    for (auto _ : state) {
        auto decrypted = once();
        benchmark::DoNotOptimize(decrypted);
        if (!decrypted.ok() || decrypted->plaintext != c.plaintext) {
            state.SkipWithError("jwe::decrypt did not return the nested token");
            break;
        }
    }
    set_alloc_counters(state, *c.decrypt_allocs);
    state.SetItemsProcessed(state.iterations());
}

void bench_decrypt_into(benchmark::State& state, Case& c) {
    signet::DecryptedCompactJwe out;
    const auto once = [&] {
        return signet::jwe::decrypt(c.token, c.decrypt_keys, c.decrypt_options, out).ok();
    };
    if (!c.decrypt_into_allocs)
        c.decrypt_into_allocs = count_allocations([&] { benchmark::DoNotOptimize(once()); });
    for (auto _ : state) {
        const bool ok = once();
        benchmark::DoNotOptimize(out);
        if (!ok || out.plaintext != c.plaintext) {
            state.SkipWithError("jwe::decrypt (reused output) did not return the nested token");
            break;
        }
    }
    set_alloc_counters(state, *c.decrypt_into_allocs);
    state.SetItemsProcessed(state.iterations());
}

void bench_raw_decrypt(benchmark::State& state, Case& c) {
    if (!c.raw_decrypt_allocs) {
        c.raw_decrypt_allocs =
            count_allocations([&] { benchmark::DoNotOptimize(raw_decrypt_once(c, c.received)); });
    }
    for (auto _ : state) {
        const bool ok = raw_decrypt_once(c, c.received);
        benchmark::DoNotOptimize(ok);
        if (!ok) {
            state.SkipWithError("raw OpenSSL decryption did not return the nested token");
            break;
        }
    }
    set_alloc_counters(state, *c.raw_decrypt_allocs);
    state.SetItemsProcessed(state.iterations());
}

// The ratio targets, timed in alternating batches (paired.hpp).
void bench_paired_encrypt(benchmark::State& state, Case& c) {
    signet::bench::run_paired(
        state, "encryption failed", [&] { return raw_encrypt_once(c, c.produced); },
        [&] {
            return signet::jwe::encrypt(c.plaintext, *c.encrypt_key, c.alg, c.enc,
                                        c.encrypt_options)
                .ok();
        });
}

void bench_paired_decrypt(benchmark::State& state, Case& c) {
    signet::DecryptedCompactJwe out;
    signet::bench::run_paired(
        state, "decryption failed", [&] { return raw_decrypt_once(c, c.received); },
        [&] { return signet::jwe::decrypt(c.token, c.decrypt_keys, c.decrypt_options, out).ok(); });
}

void bench_paired_decrypt_tree(benchmark::State& state, Case& c) {
    signet::bench::run_paired(
        state, "decryption failed", [&] { return raw_decrypt_once(c, c.received); },
        [&] { return signet::jwe::decrypt(c.token, c.decrypt_keys, c.decrypt_options).ok(); });
}

}  // namespace

int main(int argc, char** argv) {
    // Must come before OpenSSL's first allocation.
    const bool openssl_counted = signet::bench::install_openssl_alloc_counter();

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    const std::string plaintext = nested_token_payload();
    auto cases = make_cases(plaintext);
    for (auto& c : cases) {
        Case& ref = *c;
        benchmark::RegisterBenchmark(("encrypt/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_encrypt(s, ref); });
        benchmark::RegisterBenchmark(("raw_encrypt/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_raw_encrypt(s, ref); });
        benchmark::RegisterBenchmark(("decrypt/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_decrypt(s, ref); });
        benchmark::RegisterBenchmark(("raw_decrypt/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_raw_decrypt(s, ref); });
        benchmark::RegisterBenchmark(("decrypt_into/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_decrypt_into(s, ref); });
        if (ref.kind == Kind::dir) {
            benchmark::RegisterBenchmark(
                ("paired_decrypt_tree/" + ref.label).c_str(),
                [&ref](benchmark::State& s) { bench_paired_decrypt_tree(s, ref); });
            benchmark::RegisterBenchmark(
                ("paired_encrypt/" + ref.label).c_str(),
                [&ref](benchmark::State& s) { bench_paired_encrypt(s, ref); });
            benchmark::RegisterBenchmark(
                ("paired_decrypt/" + ref.label).c_str(),
                [&ref](benchmark::State& s) { bench_paired_decrypt(s, ref); });
        }
    }

    benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
    benchmark::AddCustomContext("signet", SIGNET_VERSION_STRING);
    benchmark::AddCustomContext(
        "claims_bytes",
        std::to_string(signet::bench::access_token_claims().to_json_string().size()));
    benchmark::AddCustomContext("nested_token_bytes", std::to_string(plaintext.size()));
    benchmark::AddCustomContext("openssl_allocs_counted", openssl_counted ? "yes" : "no");

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
