// Fresh keys from the OpenSSL default provider's generators and its DRBG.
#include <openssl/rsa.h>

#include <string>

#include "crypto/curves.hpp"
#include "crypto/openssl.hpp"

namespace signet::detail {

Result<KeyPtr> generate_key(KeyType kty, Curve curve, int rsa_bits, std::size_t oct_bytes) {
    PkeyPtr pkey;
    switch (kty) {
        case KeyType::oct: {
            if (oct_bytes == 0) return Error(Errc::invalid_argument, "symmetric key size is zero");
            std::string secret(oct_bytes, '\0');
            random_bytes(secret.data(), secret.size());
            auto key = make_oct_key(secret);
            OPENSSL_cleanse(secret.data(), secret.size());
            return key;
        }
        case KeyType::RSA:
            if (rsa_bits < 2048 || rsa_bits > 16384) {
                return Error(Errc::weak_key, "RSA keys must have 2048 to 16384 bits");
            }
            pkey.reset(
                EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits)));
            break;
        case KeyType::EC:
            if (!is_ec_curve(curve))
                return Error(Errc::invalid_argument, "EC keys need an EC curve");
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", openssl_curve_name(curve)));
            break;
        case KeyType::OKP:
            if (!is_okp_curve(curve))
                return Error(Errc::invalid_argument, "OKP keys need an OKP curve");
            pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, openssl_curve_name(curve)));
            break;
    }
    if (!pkey) return Error(Errc::crypto_failure, "key generation failed");
    return wrap_pkey(std::move(pkey), kty, curve, true);
}

}  // namespace signet::detail
