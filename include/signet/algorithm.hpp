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

}  // namespace signet
