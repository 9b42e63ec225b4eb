// The JWS algorithms (RFC 7518 §3, RFC 8037 §3.1, RFC 8812 §3.2) and the key types and curves of
// JWK (RFC 7518 §6, RFC 8037 §2). Names parse exactly, case-sensitively, as the RFCs register them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace signet {

enum class Algorithm : std::uint8_t {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    EdDSA,
};

// JWE key management algorithms (RFC 7518 §4.1, RFC 8037 §3.2 for ECDH-ES with X25519/X448).
enum class KeyManagement : std::uint8_t {
    RSA1_5,  // off unless explicitly enabled (RFC 8725 §3.2; RFC 7516 §11.5 countermeasure applies)
    RSA_OAEP,
    RSA_OAEP_256,
    A128KW,
    A192KW,
    A256KW,
    dir,
    ECDH_ES,
    ECDH_ES_A128KW,
    ECDH_ES_A192KW,
    ECDH_ES_A256KW,
    A128GCMKW,
    A192GCMKW,
    A256GCMKW,
    PBES2_HS256_A128KW,
    PBES2_HS384_A192KW,
    PBES2_HS512_A256KW,
};

// JWE content encryption algorithms (RFC 7518 §5.1).
enum class ContentEncryption : std::uint8_t {
    A128CBC_HS256,
    A192CBC_HS384,
    A256CBC_HS512,
    A128GCM,
    A192GCM,
    A256GCM,
};

enum class KeyType : std::uint8_t { oct, RSA, EC, OKP };

enum class Curve : std::uint8_t {
    none,  // oct and RSA keys
    P256,
    P384,
    P521,
    secp256k1,
    Ed25519,
    Ed448,
    X25519,
    X448,
};

// Every signature algorithm, in the order above.
std::span<const Algorithm> all_algorithms() noexcept;

std::string_view to_string(Algorithm alg) noexcept;
std::string_view to_string(KeyType kty) noexcept;
std::string_view to_string(Curve crv) noexcept;  // the JWK "crv" name, e.g. "P-256"

// "none" is deliberately not an Algorithm: it parses to nullopt like any unknown name.
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;
std::optional<KeyType> parse_key_type(std::string_view name) noexcept;
std::optional<Curve> parse_curve(std::string_view name) noexcept;

// The key type an algorithm needs, and for ES* the one curve it is defined on (RFC 7518 §3.4).
KeyType key_type_for(Algorithm alg) noexcept;
Curve curve_for(Algorithm alg) noexcept;  // Curve::none where any curve of the type may serve
// Minimum HMAC key size in bytes: the hash output size (RFC 7518 §3.2).
std::size_t min_hmac_key_bytes(Algorithm alg) noexcept;
bool is_hmac(Algorithm alg) noexcept;

std::span<const KeyManagement> all_key_management() noexcept;
std::span<const ContentEncryption> all_content_encryption() noexcept;
std::string_view to_string(KeyManagement alg) noexcept;  // "RSA-OAEP-256", "ECDH-ES+A128KW", ...
std::string_view to_string(ContentEncryption enc) noexcept;  // "A128CBC-HS256", ...
std::optional<KeyManagement> parse_key_management(std::string_view name) noexcept;
std::optional<ContentEncryption> parse_content_encryption(std::string_view name) noexcept;
// The content encryption key size in bytes (RFC 7518 §5.2.3-5.2.5, §5.3).
std::size_t cek_bytes(ContentEncryption enc) noexcept;
// The AES key size of a key wrapping algorithm (A*KW, ECDH-ES+A*KW, A*GCMKW, PBES2); 0 otherwise.
std::size_t wrap_key_bytes(KeyManagement alg) noexcept;

}  // namespace signet
