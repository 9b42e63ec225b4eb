// ECDH key agreement for ECDH-ES (RFC 7518 §4.6, RFC 8037 §3.2).
#include <openssl/err.h>

#include "crypto/openssl.hpp"

namespace signet::detail {

Result<std::string> ecdh_shared_secret(const KeyMaterial& own, const KeyMaterial& peer) {
    if (!own.has_private || own.kty != peer.kty || own.curve != peer.curve ||
        (own.kty != KeyType::EC && own.kty != KeyType::OKP)) {
        return Error(Errc::key_alg_mismatch,
                     "ECDH needs a private key and a public key on the same curve");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own.pkey.get(), nullptr));
    std::size_t len = 0;
    // The peer was validated when it became a KeyMaterial (make_ec_key: on the curve, which for
    // these prime-order curves is membership of the group), so OpenSSL need not check it again.
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.pkey.get(), 0) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
        ERR_clear_error();
        return Error(Errc::invalid_key, "ECDH with this peer key failed");
    }
    std::string z(len, '\0');
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(z.data()), &len) != 1) {
        ERR_clear_error();
        return Error(Errc::invalid_key, "ECDH with this peer key failed");
    }
    z.resize(len);
    // RFC 7748 §6.1: an all-zero X25519/X448 output means a small-order peer point. (On the
    // NIST curves an all-zero x-coordinate is a legitimate point and secret.)
    if (own.kty == KeyType::OKP) {
        unsigned char any = 0;
        for (char c : z)
            any |= static_cast<unsigned char>(c);
        if (any == 0) return Error(Errc::invalid_key, "ECDH produced an all-zero secret");
    }
    return z;
}

}  // namespace signet::detail
