// Algorithm, key type and curve names (RFC 7518 §3.1 and §6.1, RFC 8037 §2-3, RFC 8812 §3.2-4).
#include "signet/algorithm.hpp"

#include <array>

namespace signet {
namespace {

struct AlgInfo {
    Algorithm alg;
    std::string_view name;
    KeyType kty;
    Curve curve;
    std::size_t hmac_key_bytes;
};

constexpr std::array<AlgInfo, 14> kAlgs{{
    {Algorithm::HS256, "HS256", KeyType::oct, Curve::none, 32},
    {Algorithm::HS384, "HS384", KeyType::oct, Curve::none, 48},
    {Algorithm::HS512, "HS512", KeyType::oct, Curve::none, 64},
    {Algorithm::RS256, "RS256", KeyType::RSA, Curve::none, 0},
    {Algorithm::RS384, "RS384", KeyType::RSA, Curve::none, 0},
    {Algorithm::RS512, "RS512", KeyType::RSA, Curve::none, 0},
    {Algorithm::PS256, "PS256", KeyType::RSA, Curve::none, 0},
    {Algorithm::PS384, "PS384", KeyType::RSA, Curve::none, 0},
    {Algorithm::PS512, "PS512", KeyType::RSA, Curve::none, 0},
    {Algorithm::ES256, "ES256", KeyType::EC, Curve::P256, 0},
    {Algorithm::ES384, "ES384", KeyType::EC, Curve::P384, 0},
    {Algorithm::ES512, "ES512", KeyType::EC, Curve::P521, 0},
    {Algorithm::ES256K, "ES256K", KeyType::EC, Curve::secp256k1, 0},
    {Algorithm::EdDSA, "EdDSA", KeyType::OKP, Curve::none, 0},
}};

constexpr std::array<Algorithm, 14> kAll{
    Algorithm::HS256, Algorithm::HS384, Algorithm::HS512,  Algorithm::RS256, Algorithm::RS384,
    Algorithm::RS512, Algorithm::PS256, Algorithm::PS384,  Algorithm::PS512, Algorithm::ES256,
    Algorithm::ES384, Algorithm::ES512, Algorithm::ES256K, Algorithm::EdDSA};

constexpr const AlgInfo& info(Algorithm alg) {
    return kAlgs[static_cast<std::size_t>(alg)];
}

constexpr std::array<std::string_view, 9> kCurveNames{
    "", "P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448", "X25519", "X448"};

}  // namespace

std::span<const Algorithm> all_algorithms() noexcept {
    return kAll;
}

std::string_view to_string(Algorithm alg) noexcept {
    return info(alg).name;
}

std::string_view to_string(KeyType kty) noexcept {
    switch (kty) {
        case KeyType::oct: return "oct";
        case KeyType::RSA: return "RSA";
        case KeyType::EC: return "EC";
        case KeyType::OKP: return "OKP";
    }
    return "";
}

std::string_view to_string(Curve crv) noexcept {
    return kCurveNames[static_cast<std::size_t>(crv)];
}

std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept {
    for (const auto& a : kAlgs) {
        if (a.name == name) return a.alg;
    }
    return std::nullopt;
}

std::optional<KeyType> parse_key_type(std::string_view name) noexcept {
    if (name == "oct") return KeyType::oct;
    if (name == "RSA") return KeyType::RSA;
    if (name == "EC") return KeyType::EC;
    if (name == "OKP") return KeyType::OKP;
    return std::nullopt;
}

std::optional<Curve> parse_curve(std::string_view name) noexcept {
    for (std::size_t i = 1; i < kCurveNames.size(); ++i) {
        if (kCurveNames[i] == name) return static_cast<Curve>(i);
    }
    return std::nullopt;
}

KeyType key_type_for(Algorithm alg) noexcept {
    return info(alg).kty;
}
Curve curve_for(Algorithm alg) noexcept {
    return info(alg).curve;
}
std::size_t min_hmac_key_bytes(Algorithm alg) noexcept {
    return info(alg).hmac_key_bytes;
}
bool is_hmac(Algorithm alg) noexcept {
    return info(alg).kty == KeyType::oct;
}

namespace {

constexpr std::array<std::string_view, 17> kKeyManagementNames{"RSA1_5",
                                                               "RSA-OAEP",
                                                               "RSA-OAEP-256",
                                                               "A128KW",
                                                               "A192KW",
                                                               "A256KW",
                                                               "dir",
                                                               "ECDH-ES",
                                                               "ECDH-ES+A128KW",
                                                               "ECDH-ES+A192KW",
                                                               "ECDH-ES+A256KW",
                                                               "A128GCMKW",
                                                               "A192GCMKW",
                                                               "A256GCMKW",
                                                               "PBES2-HS256+A128KW",
                                                               "PBES2-HS384+A192KW",
                                                               "PBES2-HS512+A256KW"};
constexpr std::array<std::size_t, 17> kWrapKeyBytes{0,  0,  0,  16, 24, 32, 0,  0, 16,
                                                    24, 32, 16, 24, 32, 16, 24, 32};

constexpr std::array<std::string_view, 6> kContentEncryptionNames{
    "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"};
constexpr std::array<std::size_t, 6> kCekBytes{32, 48, 64, 16, 24, 32};

template <class Enum, std::size_t N>
constexpr std::array<Enum, N> enumerate() {
    std::array<Enum, N> out{};
    for (std::size_t i = 0; i < N; ++i)
        out[i] = static_cast<Enum>(i);
    return out;
}
constexpr auto kAllKeyManagement = enumerate<KeyManagement, 17>();
constexpr auto kAllContentEncryption = enumerate<ContentEncryption, 6>();

}  // namespace

std::span<const KeyManagement> all_key_management() noexcept {
    return kAllKeyManagement;
}
std::span<const ContentEncryption> all_content_encryption() noexcept {
    return kAllContentEncryption;
}

std::string_view to_string(KeyManagement alg) noexcept {
    return kKeyManagementNames[static_cast<std::size_t>(alg)];
}
std::string_view to_string(ContentEncryption enc) noexcept {
    return kContentEncryptionNames[static_cast<std::size_t>(enc)];
}

std::optional<KeyManagement> parse_key_management(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kKeyManagementNames.size(); ++i) {
        if (kKeyManagementNames[i] == name) return static_cast<KeyManagement>(i);
    }
    return std::nullopt;
}

std::optional<ContentEncryption> parse_content_encryption(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kContentEncryptionNames.size(); ++i) {
        if (kContentEncryptionNames[i] == name) return static_cast<ContentEncryption>(i);
    }
    return std::nullopt;
}

std::size_t cek_bytes(ContentEncryption enc) noexcept {
    return kCekBytes[static_cast<std::size_t>(enc)];
}
std::size_t wrap_key_bytes(KeyManagement alg) noexcept {
    return kWrapKeyBytes[static_cast<std::size_t>(alg)];
}

}  // namespace signet
