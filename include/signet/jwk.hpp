// JSON Web Keys (RFC 7517) with the parameters of RFC 7518 §6 and RFC 8037 §2: parse, validate,
// serialize, generate, PEM import/export, and the RFC 7638 thumbprint. A Jwk is immutable key
// material parsed once into a ready-to-use handle; copies share it and are cheap.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"

namespace signet {

namespace detail {
class KeyMaterial;
}

// sign/verify for JWS; encrypt/decrypt for JWE (key encryption, wrapping or agreement, RFC 7517
// §4.3).
enum class KeyOperation : std::uint8_t { sign, verify, encrypt, decrypt };

struct KeyGenOptions {
    std::optional<std::string> kid;  // default: the RFC 7638 thumbprint
    int rsa_bits = 2048;             // RSA only; at least 2048
    // EdDSA: Ed25519 (default) or Ed448. ECDH-ES: P-256 (default), P-384, P-521, X25519 or X448.
    std::optional<Curve> curve;
    std::optional<ContentEncryption> enc;  // "dir" keys: the content encryption they are sized for
    std::size_t secret_bytes = 0;  // HS*: secret size, at least (and by default) the hash size
};

class Jwk {
  public:
    // Parses and validates one JWK. Unknown members are kept and written back by to_json.
    static Result<Jwk> parse(std::string_view json);
    static Result<Jwk> from_json(const boost::json::object& json);
    // SPKI / PKCS#8 / traditional RSA or EC / X.509 certificate (its public key), PEM armoured.
    static Result<Jwk> from_pem(std::string_view pem);
    // A fresh key for `alg`, with "alg", "use":"sig" and "kid" set.
    static Result<Jwk> generate(Algorithm alg, const KeyGenOptions& options = {});
    // A fresh JWE key for `alg`, with "alg", "use":"enc" and "kid" set ("dir" needs options.enc).
    static Result<Jwk> generate(KeyManagement alg, const KeyGenOptions& options = {});
    // An oct key from raw secret bytes, bound to the HMAC algorithm `alg`.
    static Result<Jwk> from_secret(std::string_view secret, Algorithm alg);

    KeyType kty() const noexcept;
    Curve curve() const noexcept;
    bool is_private() const noexcept;  // oct keys are always private
    bool is_symmetric() const noexcept { return kty() == KeyType::oct; }
    // Key size in bits: RSA modulus, EC/OKP field, oct secret.
    std::size_t bits() const noexcept;
    // The secret bytes of an oct key (its "k", RFC 7518 §6.4.1, decoded); empty for any other
    // type. A view into the key, valid while any copy of this Jwk lives.
    std::string_view secret() const noexcept;

    const std::string& kid() const noexcept { return kid_; }
    // The raw "alg" member ("" when absent); it may name a JWE algorithm this build does not sign
    // with.
    const std::string& alg_name() const noexcept { return alg_name_; }
    // The signature algorithm this key is bound to, if its "alg" names one.
    std::optional<Algorithm> alg() const noexcept { return alg_; }
    const std::string& use() const noexcept { return use_; }
    const std::vector<std::string>& key_ops() const noexcept { return key_ops_; }

    Jwk with_kid(std::string kid) const;
    Jwk with_alg(Algorithm alg) const;
    Jwk with_alg(KeyManagement alg) const;
    Jwk with_use(std::string use) const;  // "sig" or "enc" (RFC 7517 §4.2)

    // Ok when this key may perform `op` with `alg`: the type and curve fit, "alg" (if any) equals
    // it, "use" (if any) is "sig", "key_ops" (if any) lists the operation, and the key is strong
    // enough.
    Result<void> check_usable(Algorithm alg, KeyOperation op) const;
    bool allows(Algorithm alg, KeyOperation op = KeyOperation::verify) const {
        return check_usable(alg, op).ok();
    }
    // The algorithms check_usable accepts for verification.
    std::vector<Algorithm> allowed_algorithms() const;

    // The JWE key management algorithm this key is bound to, if its "alg" names one.
    std::optional<KeyManagement> key_management() const noexcept;
    // Ok when this key may serve `alg` for `op` (encrypt or decrypt): the type and size fit
    // (A*KW and A*GCMKW keys are exactly the AES key size, "dir" keys exactly the CEK size of
    // `enc`), "alg" (if any) names it ("dir" keys may name their "enc" instead, as RFC 7520 §5.6
    // does), "use" (if any) is "enc", "key_ops" (if any) fit, and decryption has a private key.
    Result<void> check_usable(KeyManagement alg, KeyOperation op,
                              std::optional<ContentEncryption> enc = std::nullopt) const;
    bool allows(KeyManagement alg, KeyOperation op,
                std::optional<ContentEncryption> enc = std::nullopt) const {
        return check_usable(alg, op, enc).ok();
    }

    // The public half (private members removed). Fails for oct keys, which have none.
    Result<Jwk> public_key() const;
    // The JWK JSON. Private members are written only when include_private is set.
    boost::json::object to_json(bool include_private = false) const;
    std::string to_json_string(bool include_private = false) const;
    // RFC 7638 SHA-256 thumbprint, base64url.
    std::string thumbprint() const;
    // PEM: SPKI for public keys; PKCS#8 for private keys unless public_only. Fails for oct keys.
    Result<std::string> to_pem(bool public_only = false) const;

    // Library-internal: the parsed key material.
    const detail::KeyMaterial& material() const noexcept { return *material_; }

  private:
    Jwk() = default;
    friend struct JwkBuilder;

    std::shared_ptr<const detail::KeyMaterial> material_;
    boost::json::object extra_;  // members we do not interpret (x5c, x5t, ...), kept verbatim
    std::string kid_;
    std::string alg_name_;
    std::optional<Algorithm> alg_;
    std::string use_;
    std::vector<std::string> key_ops_;
};

}  // namespace signet
