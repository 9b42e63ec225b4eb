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
// The same into `out`, which holds at least max_signature_size(alg, key) bytes; no allocation.
Result<std::size_t> sign_into(Algorithm alg, const KeyMaterial& key, std::string_view data,
                              unsigned char* out, std::size_t capacity);
std::size_t max_signature_size(Algorithm alg, const KeyMaterial& key) noexcept;
// Checks the key's type against alg but not its JWK binding (the caller's job).
Result<void> verify(Algorithm alg, const KeyMaterial& key, std::string_view data,
                    std::string_view signature);

// --- Encryption primitives for JWE (RFC 7518 §4-5). Keys and IVs are raw bytes. ---

enum class Hash : std::uint8_t { sha256, sha384, sha512 };

struct Sealed {
    std::string ciphertext;
    std::string tag;
};

// AES-GCM with a 96-bit IV and a 128-bit tag (RFC 7518 §5.3); key of 16, 24 or 32 bytes.
Result<Sealed> aes_gcm_encrypt(std::string_view key, std::string_view iv, std::string_view aad,
                               std::string_view plaintext);
// Decryption writes the plaintext into `out`, reusing its capacity (empty on failure).
Result<void> aes_gcm_decrypt(std::string_view key, std::string_view iv, std::string_view aad,
                             std::string_view ciphertext, std::string_view tag, std::string& out);

// AES_CBC_HMAC_SHA2 (RFC 7518 §5.2): key = MAC_KEY || ENC_KEY of 32, 48 or 64 bytes, 128-bit IV,
// tag = the first half of HMAC(MAC_KEY, AAD || IV || C || AL). Decryption checks the tag, in
// constant time, before touching the padding, and every failure looks the same.
Result<Sealed> aes_cbc_hmac_encrypt(std::string_view key, std::string_view iv, std::string_view aad,
                                    std::string_view plaintext);
Result<void> aes_cbc_hmac_decrypt(std::string_view key, std::string_view iv, std::string_view aad,
                                  std::string_view ciphertext, std::string_view tag,
                                  std::string& out);

// Either decryption into a new string.
template <Result<void> (*Decrypt)(std::string_view, std::string_view, std::string_view,
                                  std::string_view, std::string_view, std::string&)>
Result<std::string> decrypt_to_string(std::string_view key, std::string_view iv,
                                      std::string_view aad, std::string_view ciphertext,
                                      std::string_view tag) {
    std::string out;
    if (auto ok = Decrypt(key, iv, aad, ciphertext, tag, out); !ok) return std::move(ok).error();
    return out;
}
inline Result<std::string> aes_gcm_decrypt(std::string_view key, std::string_view iv,
                                           std::string_view aad, std::string_view ciphertext,
                                           std::string_view tag) {
    return decrypt_to_string<aes_gcm_decrypt>(key, iv, aad, ciphertext, tag);
}
inline Result<std::string> aes_cbc_hmac_decrypt(std::string_view key, std::string_view iv,
                                                std::string_view aad, std::string_view ciphertext,
                                                std::string_view tag) {
    return decrypt_to_string<aes_cbc_hmac_decrypt>(key, iv, aad, ciphertext, tag);
}

// AES Key Wrap (RFC 3394) with the default IV; KEK of 16, 24 or 32 bytes.
Result<std::string> aes_key_wrap(std::string_view kek, std::string_view key);
Result<std::string> aes_key_unwrap(std::string_view kek, std::string_view wrapped);

enum class RsaPadding : std::uint8_t { pkcs1_v1_5, oaep_sha1, oaep_sha256 };
Result<std::string> rsa_encrypt(const KeyMaterial& key, RsaPadding padding, std::string_view data);
Result<std::string> rsa_decrypt(const KeyMaterial& key, RsaPadding padding, std::string_view data);
// RSA1_5 CEK decryption with the RFC 7516 §11.5 (RFC 3218 §2.3.2) countermeasure built in: the
// result is the decrypted CEK when the padding is valid and the CEK is random_cek.size() bytes,
// otherwise random_cek, selected with a mask rather than a branch on the outcome.
std::string rsa1_5_decrypt_cek(const KeyMaterial& key, std::string_view encrypted,
                               std::string_view random_cek);

// The raw shared secret Z of ECDH (EC curves, X25519, X448) between our private key and a peer.
Result<std::string> ecdh_shared_secret(const KeyMaterial& own_private,
                                       const KeyMaterial& peer_public);
// NIST SP 800-56A Concat KDF with SHA-256 (RFC 7518 §4.6.2).
Result<std::string> concat_kdf_sha256(std::string_view z, std::string_view other_info,
                                      std::size_t out_bytes);
Result<std::string> pbkdf2_hmac(Hash hash, std::string_view password, std::string_view salt,
                                std::uint32_t iterations, std::size_t out_bytes);

void sha256(std::string_view data, unsigned char out[32]);
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
void random_bytes(void* out, std::size_t size);

}  // namespace signet::detail
