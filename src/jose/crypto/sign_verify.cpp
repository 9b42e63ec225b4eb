// JWS signature algorithms (RFC 7518 §3.2-3.5, RFC 8037 §3.1, RFC 8812 §3.2) on OpenSSL 3.
// Verification reuses per-thread contexts: HMAC contexts keyed once, EVP_PKEY_CTX initialised
// once per key and algorithm, so a verify costs the primitive plus a digest and no allocation.
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>

#include "crypto/curves.hpp"
#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {

constexpr unsigned kHmacKind = 0;
constexpr unsigned kVerifyKind = 32;
constexpr unsigned kSignKind = 64;
constexpr unsigned kEdVerifyKind = 96;
constexpr unsigned kEdSignKind = 97;

bool is_rsa_pss(Algorithm alg) {
    return alg == Algorithm::PS256 || alg == Algorithm::PS384 || alg == Algorithm::PS512;
}

Result<void> check_key_type(Algorithm alg, const KeyMaterial& key) {
    if (key.kty != key_type_for(alg)) {
        return Error(Errc::key_alg_mismatch, std::string(to_string(alg)) + " needs a " +
                                                 std::string(to_string(key_type_for(alg))) +
                                                 " key, not " + std::string(to_string(key.kty)));
    }
    const Curve want = curve_for(alg);
    if (want != Curve::none && key.curve != want) {
        return Error(Errc::key_alg_mismatch,
                     std::string(to_string(alg)) + " needs curve " + std::string(to_string(want)));
    }
    if (alg == Algorithm::EdDSA && key.curve != Curve::Ed25519 && key.curve != Curve::Ed448) {
        return Error(Errc::key_alg_mismatch, "EdDSA needs an Ed25519 or Ed448 key");
    }
    return {};
}

EVP_MAC_CTX* hmac_ctx(Algorithm alg, const KeyMaterial& key) {
    ContextCache& cache = ContextCache::local();
    const unsigned kind = kHmacKind + static_cast<unsigned>(alg);
    if (void* ctx = cache.find(key.id, kind)) return static_cast<EVP_MAC_CTX*>(ctx);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(fetched_hmac());
    if (ctx == nullptr) return nullptr;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         const_cast<char*>(EVP_MD_get0_name(fetched_md(alg))), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.secret.data()),
                     key.secret.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return nullptr;
    }
    if (!cache.insert(key.id, kind, ctx,
                      [](void* p) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(p)); })) {
        return nullptr;
    }
    return ctx;
}

// HMAC into out (64 bytes); returns the tag length or 0 on failure.
std::size_t hmac(Algorithm alg, const KeyMaterial& key, std::string_view data, unsigned char* out) {
    EVP_MAC_CTX* ctx = hmac_ctx(alg, key);
    std::size_t len = 0;
    // Re-initialising with no key restarts the MAC with the key already set.
    if (ctx == nullptr || EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(ctx, out, &len, 64) != 1) {
        return 0;
    }
    return len;
}

bool configure_rsa(EVP_PKEY_CTX* ctx, Algorithm alg) {
    if (!is_rsa_pss(alg)) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output.
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, fetched_md(alg)) == 1;
}

// An EVP_PKEY_CTX for RSA or ECDSA over a precomputed digest, set up once per thread, key,
// algorithm and direction.
EVP_PKEY_CTX* digest_pkey_ctx(Algorithm alg, const KeyMaterial& key, bool signing) {
    ContextCache& cache = ContextCache::local();
    const unsigned kind = (signing ? kSignKind : kVerifyKind) + static_cast<unsigned>(alg);
    if (void* ctx = cache.find(key.id, kind)) return static_cast<EVP_PKEY_CTX*>(ctx);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    if (!ctx || (signing ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), fetched_md(alg)) != 1) {
        return nullptr;
    }
    if (key.kty == KeyType::RSA && !configure_rsa(ctx.get(), alg)) return nullptr;
    EVP_PKEY_CTX* raw = ctx.release();
    if (!cache.insert(key.id, kind, raw,
                      [](void* p) { EVP_PKEY_CTX_free(static_cast<EVP_PKEY_CTX*>(p)); })) {
        return nullptr;
    }
    return raw;
}

std::size_t digest(Algorithm alg, std::string_view data, unsigned char* out) {
    EVP_MD_CTX* ctx = thread_md_ctx();
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx, fetched_md(alg), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1) {
        return 0;
    }
    return len;
}

// DER INTEGER of an unsigned big-endian value (X.690 §8.3): minimal, with a 0x00 sign octet.
std::size_t der_integer(const unsigned char* p, std::size_t n, unsigned char* out) {
    while (n > 1 && *p == 0)
        ++p, --n;
    const bool pad = (*p & 0x80) != 0;
    out[0] = 0x02;
    out[1] = static_cast<unsigned char>(n + (pad ? 1 : 0));
    std::size_t at = 2;
    if (pad) out[at++] = 0;
    std::memcpy(out + at, p, n);
    return at + n;
}

// Raw R||S (RFC 7518 §3.4) to the DER ECDSA-Sig-Value OpenSSL verifies. Rejects r or s outside
// [1, n-1], which also stops the "psychic signature" r = s = 0 (CVE-2022-21449).
std::size_t ecdsa_raw_to_der(const KeyMaterial& key, std::string_view sig, unsigned char* out) {
    const std::size_t n = key.order_bytes;
    const auto* r = reinterpret_cast<const unsigned char*>(sig.data());
    const unsigned char* s = r + n;
    const auto in_range = [&](const unsigned char* v) {
        bool nonzero = false;
        for (std::size_t i = 0; i < n; ++i)
            nonzero |= v[i] != 0;
        return nonzero && std::memcmp(v, key.order.data(), n) < 0;
    };
    if (!in_range(r) || !in_range(s)) return 0;
    unsigned char body[2 * 70];
    std::size_t len = der_integer(r, n, body);
    len += der_integer(s, n, body + len);
    std::size_t at = 0;
    out[at++] = 0x30;
    if (len >= 0x80) out[at++] = 0x81;
    out[at++] = static_cast<unsigned char>(len);
    std::memcpy(out + at, body, len);
    return at + len;
}

Result<void> bad_signature() {
    ERR_clear_error();  // failed verifications leave OpenSSL errors queued on this thread
    return Error(Errc::bad_signature, "signature verification failed");
}

// EdDSA signs and verifies the message itself (RFC 8032 §5.1.6), so it has no EVP_PKEY_CTX over
// a digest; an EVP_MD_CTX initialised once per key serves every one-shot call after it.
EVP_MD_CTX* eddsa_ctx(const KeyMaterial& key, bool signing) {
    ContextCache& cache = ContextCache::local();
    const unsigned kind = signing ? kEdSignKind : kEdVerifyKind;
    if (void* ctx = cache.find(key.id, kind)) return static_cast<EVP_MD_CTX*>(ctx);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const int ok = !ctx      ? 0
                   : signing ? EVP_DigestSignInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                                     key.pkey.get(), nullptr)
                             : EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr,
                                                       nullptr, key.pkey.get(), nullptr);
    if (ok != 1) return nullptr;
    EVP_MD_CTX* raw = ctx.release();
    if (!cache.insert(key.id, kind, raw,
                      [](void* p) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(p)); })) {
        return nullptr;
    }
    return raw;
}

// One DER INTEGER (X.690 §8.3) of at most n significant bytes, written left-padded to n bytes.
bool der_integer_to_fixed(const unsigned char*& p, const unsigned char* end, std::size_t n,
                          unsigned char* out) {
    if (end - p < 2 || p[0] != 0x02 || p[1] >= 0x80) return false;
    std::size_t len = p[1];
    p += 2;
    if (static_cast<std::size_t>(end - p) < len) return false;
    const unsigned char* v = p;
    p += len;
    while (len > 0 && *v == 0)
        ++v, --len;
    if (len > n) return false;
    std::memset(out, 0, n - len);
    std::memcpy(out + (n - len), v, len);
    return true;
}

// The DER ECDSA-Sig-Value OpenSSL produces, as JOSE's raw R||S (RFC 7518 §3.4).
std::size_t ecdsa_der_to_raw(const KeyMaterial& key, const unsigned char* der, std::size_t len,
                             unsigned char* out) {
    const unsigned char* p = der;
    const unsigned char* end = der + len;
    if (end - p < 2 || *p++ != 0x30) return 0;
    std::size_t body = *p++;
    if (body == 0x81) {  // long form, one length octet (X.690 §8.1.3.5)
        if (p == end || *p < 0x80) return 0;
        body = *p++;
    } else if (body >= 0x80) {
        return 0;
    }
    if (static_cast<std::size_t>(end - p) != body) return 0;
    const std::size_t n = key.order_bytes;
    if (!der_integer_to_fixed(p, end, n, out) || !der_integer_to_fixed(p, end, n, out + n) ||
        p != end) {
        return 0;
    }
    return 2 * n;
}

}  // namespace

std::size_t max_signature_size(Algorithm alg, const KeyMaterial& key) noexcept {
    if (is_hmac(alg)) return 64;
    if (key.kty == KeyType::EC) return 2 * key.order_bytes;
    if (key.kty == KeyType::OKP) return key.curve == Curve::Ed25519 ? 64 : 114;
    return (key.bits + 7) / 8;
}

Result<std::size_t> sign_into(Algorithm alg, const KeyMaterial& key, std::string_view data,
                              unsigned char* out, std::size_t capacity) {
    if (auto ok = check_key_type(alg, key); !ok) return std::move(ok).error();
    if (!key.has_private) return Error(Errc::invalid_key, "signing needs a private key");
    if (capacity < max_signature_size(alg, key))
        return Error(Errc::invalid_argument, "signature buffer too small");
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (is_hmac(alg)) {
        const std::size_t len = hmac(alg, key, data, out);
        if (len == 0) return Error(Errc::crypto_failure, "HMAC failed");
        return len;
    }
    if (key.kty == KeyType::OKP) {
        EVP_MD_CTX* ctx = eddsa_ctx(key, true);
        std::size_t len = capacity;
        if (ctx == nullptr || EVP_DigestSign(ctx, out, &len, in, data.size()) != 1) {
            ERR_clear_error();
            return Error(Errc::crypto_failure, "signing failed");
        }
        return len;
    }
    unsigned char md[64];
    const std::size_t md_len = digest(alg, data, md);
    EVP_PKEY_CTX* ctx = digest_pkey_ctx(alg, key, true);
    if (md_len == 0 || ctx == nullptr) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "signing could not start");
    }
    // An ECDSA-Sig-Value is at most 9 bytes longer than R||S.
    unsigned char der[2 * 66 + 16];
    unsigned char* target = key.kty == KeyType::EC ? der : out;
    std::size_t len = key.kty == KeyType::EC ? sizeof(der) : capacity;
    if (EVP_PKEY_sign(ctx, target, &len, md, md_len) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "signing failed");
    }
    if (key.kty != KeyType::EC) return len;
    const std::size_t raw = ecdsa_der_to_raw(key, der, len, out);
    if (raw == 0) return Error(Errc::crypto_failure, "ECDSA signature decoding failed");
    return raw;
}

Result<std::string> sign(Algorithm alg, const KeyMaterial& key, std::string_view data) {
    std::string sig(max_signature_size(alg, key), '\0');
    auto len = sign_into(alg, key, data, reinterpret_cast<unsigned char*>(sig.data()), sig.size());
    if (!len) return std::move(len).error();
    sig.resize(*len);
    return sig;
}

Result<void> verify(Algorithm alg, const KeyMaterial& key, std::string_view data,
                    std::string_view signature) {
    if (auto ok = check_key_type(alg, key); !ok) return ok;
    switch (key.kty) {
        case KeyType::oct: {
            unsigned char tag[64];
            const std::size_t len = hmac(alg, key, data, tag);
            if (len == 0) return Error(Errc::crypto_failure, "HMAC failed");
            // Full-length tags only (RFC 7518 §3.2); compared in constant time.
            if (!constant_time_equal(signature,
                                     std::string_view(reinterpret_cast<const char*>(tag), len))) {
                return bad_signature();
            }
            return {};
        }
        case KeyType::RSA:
        case KeyType::EC: {
            unsigned char der[2 + 2 * 70 + 2];
            const unsigned char* sig = reinterpret_cast<const unsigned char*>(signature.data());
            std::size_t sig_len = signature.size();
            if (key.kty == KeyType::RSA) {
                if (sig_len != (key.bits + 7) / 8)
                    return bad_signature();  // RFC 8017 §8.2.2 step 1
            } else {
                if (sig_len != 2 * key.order_bytes) return bad_signature();  // exactly R||S
                sig_len = ecdsa_raw_to_der(key, signature, der);
                if (sig_len == 0) return bad_signature();
                sig = der;
            }
            unsigned char md[64];
            const std::size_t md_len = digest(alg, data, md);
            EVP_PKEY_CTX* ctx = digest_pkey_ctx(alg, key, false);
            if (md_len == 0 || ctx == nullptr)
                return Error(Errc::crypto_failure, "verify setup failed");
            if (EVP_PKEY_verify(ctx, sig, sig_len, md, md_len) != 1) return bad_signature();
            return {};
        }
        case KeyType::OKP: {
            const std::size_t expected = key.curve == Curve::Ed25519 ? 64 : 114;  // RFC 8032 §5
            if (signature.size() != expected) return bad_signature();
            EVP_MD_CTX* ctx = eddsa_ctx(key, false);
            if (ctx == nullptr) return Error(Errc::crypto_failure, "verify setup failed");
            if (EVP_DigestVerify(
                    ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                    reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
                return bad_signature();
            }
            return {};
        }
    }
    return bad_signature();
}

}  // namespace signet::detail
