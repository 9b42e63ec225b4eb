// RSA key encryption for JWE: RSAES-OAEP with SHA-1 or SHA-256 and, only when a caller opts in,
// RSAES-PKCS1-v1_5 (RFC 7518 §4.2-4.3).
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {

bool configure(EVP_PKEY_CTX* ctx, RsaPadding padding) {
    switch (padding) {
        case RsaPadding::pkcs1_v1_5:
            return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
        case RsaPadding::oaep_sha1:
            return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA1", nullptr) == 1 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA1", nullptr) == 1;
        case RsaPadding::oaep_sha256:
            // RFC 7518 §4.3: SHA-256 for both the OAEP hash and MGF1.
            return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA256", nullptr) == 1 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", nullptr) == 1;
    }
    return false;
}

}  // namespace

Result<std::string> rsa_encrypt(const KeyMaterial& key, RsaPadding padding, std::string_view data) {
    if (key.kty != KeyType::RSA)
        return Error(Errc::key_alg_mismatch, "RSA encryption needs an RSA key");
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !configure(ctx.get(), padding) ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &len, in, data.size()) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "RSA encryption failed");
    }
    std::string out(len, '\0');
    if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                         data.size()) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "RSA encryption failed");
    }
    out.resize(len);
    return out;
}

Result<std::string> rsa_decrypt(const KeyMaterial& key, RsaPadding padding, std::string_view data) {
    if (key.kty != KeyType::RSA || !key.has_private) {
        return Error(Errc::key_alg_mismatch, "RSA decryption needs a private RSA key");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    std::string out(static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get())), '\0');
    std::size_t len = out.size();
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !configure(ctx.get(), padding) ||
        EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, in,
                         data.size()) != 1) {
        ERR_clear_error();
        return Error(Errc::decryption_failed, "decryption failed");
    }
    out.resize(len);
    return out;
}

std::string rsa1_5_decrypt_cek(const KeyMaterial& key, std::string_view encrypted,
                               std::string_view random_cek) {
    std::string buffer(static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get())), '\0');
    std::size_t len = buffer.size();
    int ret = 0;
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    if (ctx && EVP_PKEY_decrypt_init(ctx.get()) == 1 &&
        configure(ctx.get(), RsaPadding::pkcs1_v1_5)) {
        ret = EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(buffer.data()), &len,
                               reinterpret_cast<const unsigned char*>(encrypted.data()),
                               encrypted.size());
    }
    ERR_clear_error();
    const unsigned good =
        static_cast<unsigned>(ret == 1) & static_cast<unsigned>(len == random_cek.size());
    const auto mask = static_cast<unsigned char>(0u - good);
    std::string cek(random_cek.size(), '\0');
    for (std::size_t i = 0; i < cek.size() && i < buffer.size(); ++i) {
        cek[i] = static_cast<char>((static_cast<unsigned char>(buffer[i]) & mask) |
                                   (static_cast<unsigned char>(random_cek[i]) & ~mask));
    }
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return cek;
}

}  // namespace signet::detail
