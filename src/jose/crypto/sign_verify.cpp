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
    cache.insert(key.id, kind, ctx,
                 [](void* p) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(p)); });
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

EVP_PKEY_CTX* verify_ctx(Algorithm alg, const KeyMaterial& key) {
    ContextCache& cache = ContextCache::local();
    const unsigned kind = kVerifyKind + static_cast<unsigned>(alg);
    if (void* ctx = cache.find(key.id, kind)) return static_cast<EVP_PKEY_CTX*>(ctx);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), fetched_md(alg)) != 1) {
        return nullptr;
    }
    if (key.kty == KeyType::RSA && !configure_rsa(ctx.get(), alg)) return nullptr;
    EVP_PKEY_CTX* raw = ctx.release();
    cache.insert(key.id, kind, raw,
                 [](void* p) { EVP_PKEY_CTX_free(static_cast<EVP_PKEY_CTX*>(p)); });
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

Result<std::string> sign_pkey(Algorithm alg, const KeyMaterial& key, std::string_view data) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = fetched_md(alg);
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, md ? EVP_MD_get0_name(md) : nullptr,
                                      nullptr, nullptr, key.pkey.get(), nullptr) != 1) {
        return Error(Errc::crypto_failure, "signing could not start");
    }
    if (key.kty == KeyType::RSA && !configure_rsa(pctx, alg)) {
        return Error(Errc::crypto_failure, "RSA padding could not be set");
    }
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
        return Error(Errc::crypto_failure, "signing failed");
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) != 1) {
        return Error(Errc::crypto_failure, "signing failed");
    }
    sig.resize(len);
    if (key.kty != KeyType::EC) return sig;
    // DER to raw R||S, each left-padded to the order size.
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecsig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (ecsig == nullptr) return Error(Errc::crypto_failure, "ECDSA signature decoding failed");
    std::string raw = bn_to_bytes(ECDSA_SIG_get0_r(ecsig), key.order_bytes);
    raw += bn_to_bytes(ECDSA_SIG_get0_s(ecsig), key.order_bytes);
    ECDSA_SIG_free(ecsig);
    return raw;
}

}  // namespace

Result<std::string> sign(Algorithm alg, const KeyMaterial& key, std::string_view data) {
    if (auto ok = check_key_type(alg, key); !ok) return std::move(ok).error();
    if (!key.has_private) return Error(Errc::invalid_key, "signing needs a private key");
    if (is_hmac(alg)) {
        unsigned char tag[64];
        const std::size_t len = hmac(alg, key, data, tag);
        if (len == 0) return Error(Errc::crypto_failure, "HMAC failed");
        return std::string(reinterpret_cast<const char*>(tag), len);
    }
    return sign_pkey(alg, key, data);
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
            EVP_PKEY_CTX* ctx = verify_ctx(alg, key);
            if (md_len == 0 || ctx == nullptr)
                return Error(Errc::crypto_failure, "verify setup failed");
            if (EVP_PKEY_verify(ctx, sig, sig_len, md, md_len) != 1) return bad_signature();
            return {};
        }
        case KeyType::OKP: {
            const std::size_t expected = key.curve == Curve::Ed25519 ? 64 : 114;  // RFC 8032 §5
            if (signature.size() != expected) return bad_signature();
            thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
            if (!ctx || EVP_MD_CTX_reset(ctx.get()) != 1 ||
                EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                        key.pkey.get(), nullptr) != 1) {
                return Error(Errc::crypto_failure, "verify setup failed");
            }
            if (EVP_DigestVerify(
                    ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                    signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size()) != 1) {
                return bad_signature();
            }
            return {};
        }
    }
    return bad_signature();
}

}  // namespace signet::detail
