// The library's only door to the crypto backend. Everything here speaks in bytes, Algorithm,
// KeyType and Curve; OpenSSL types stay inside src/jose/crypto/ (DESIGN.md, layers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"

namespace signet::detail {

class KeyMaterial;
using KeyPtr = std::shared_ptr<const KeyMaterial>;

struct KeyInfo {
    KeyType kty;
    Curve curve;
    bool has_private;
    std::size_t bits;
};
KeyInfo key_info(const KeyMaterial& key) noexcept;

// Key parameters as unsigned big-endian octet strings (RFC 7518 §2 Base64urlUInt, decoded).
struct RsaParams {
    std::string n, e, d, p, q, dp, dq, qi;  // d empty: public key; p..qi all present or all empty
};
struct EcParams {
    std::string x, y, d;  // fixed-size coordinates (RFC 7518 §6.2.1.2); d empty: public key
};
struct OkpParams {
    std::string x, d;  // RFC 8037 §2; d empty: public key
};

// Construction validates everything a key must satisfy to be used at all: sizes, points on the
// curve, private halves matching public ones, RSA moduli of at least 2048 bits with a sane
// exponent and without the ROCA fingerprint (CVE-2017-15361).
Result<KeyPtr> make_oct_key(std::string_view secret);
Result<KeyPtr> make_rsa_key(const RsaParams& params);
Result<KeyPtr> make_ec_key(Curve curve, const EcParams& params);
Result<KeyPtr> make_okp_key(Curve curve, const OkpParams& params);

std::string_view oct_secret(const KeyMaterial& key) noexcept;
RsaParams export_rsa(const KeyMaterial& key);
EcParams export_ec(const KeyMaterial& key);
OkpParams export_okp(const KeyMaterial& key);

// rsa_bits for RSA; curve for EC/OKP; oct_bytes for oct.
Result<KeyPtr> generate_key(KeyType kty, Curve curve, int rsa_bits, std::size_t oct_bytes);

struct PemKey {
    KeyType kty;
    Curve curve;
    RsaParams rsa;
    EcParams ec;
    OkpParams okp;
};
// SPKI "PUBLIC KEY", PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "CERTIFICATE".
Result<PemKey> read_pem(std::string_view pem);
Result<std::string> write_pem(const KeyMaterial& key, bool public_only);

// JOSE signature bytes: raw R||S for ECDSA (RFC 7518 §3.4), as-is for the others.
Result<std::string> sign(Algorithm alg, const KeyMaterial& key, std::string_view data);
// Checks the key's type against alg but not its JWK binding (the caller's job).
Result<void> verify(Algorithm alg, const KeyMaterial& key, std::string_view data,
                    std::string_view signature);

void sha256(std::string_view data, unsigned char out[32]);
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
void random_bytes(void* out, std::size_t size);

}  // namespace signet::detail
