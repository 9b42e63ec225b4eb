// Key derivation for JWE: the Concat KDF of ECDH-ES (RFC 7518 §4.6.2, NIST SP 800-56A §5.8.1,
// OpenSSL's "SSKDF") and PBKDF2 for PBES2 (RFC 7518 §4.8, RFC 8018 §5.2).
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>

#include "crypto/openssl.hpp"

namespace signet::detail {

Result<std::string> concat_kdf_sha256(std::string_view z, std::string_view other_info,
                                      std::size_t out_bytes) {
    static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SSKDF", nullptr);  // fetched once
    if (kdf == nullptr) return Error(Errc::crypto_failure, "Concat KDF unavailable");
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf),
                                                                  &EVP_KDF_CTX_free);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA2-256"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(z.data()),
                                          z.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(other_info.data()),
                                          other_info.size()),
        OSSL_PARAM_construct_end()};
    std::string out(out_bytes, '\0');
    if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                               params) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "Concat KDF failed");
    }
    return out;
}

Result<std::string> pbkdf2_hmac(Hash hash, std::string_view password, std::string_view salt,
                                std::uint32_t iterations, std::size_t out_bytes) {
    std::string out(out_bytes, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()), static_cast<int>(iterations),
                          fetched_hash(hash), static_cast<int>(out.size()),
                          reinterpret_cast<unsigned char*>(out.data())) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "PBKDF2 failed");
    }
    return out;
}

}  // namespace signet::detail
