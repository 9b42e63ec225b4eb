// JSON Web Encryption (RFC 7516) with every key management and content encryption algorithm of
// RFC 7518 §4-5 and ECDH-ES over X25519/X448 (RFC 8037): compact and JSON serializations,
// "zip": "DEF" with a cap on the inflated size, and the hostile-input checks RFC 8725 §3.4-3.6
// asks for (invalid-curve "epk", PBES2 iteration bounds, one error for every decryption failure).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jws.hpp"

namespace signet {

inline constexpr std::size_t kDefaultMaxDecompressedSize = 250 * 1000;
inline constexpr std::uint32_t kDefaultMaxPbes2Count = 1'000'000;
inline constexpr std::uint32_t kMinPbes2Count = 1000;         // RFC 7518 §4.8.1.2
inline constexpr std::uint32_t kDefaultPbes2Count = 600'000;  // OWASP 2023, PBKDF2-HMAC-SHA256
inline constexpr std::size_t kMinPbes2SaltSize = 8;           // RFC 7518 §4.8.1.1

struct JweEncryptOptions {
    boost::json::object header;  // extra protected header members ("typ", "cty", ...)
    bool compress = false;       // "zip": "DEF" (RFC 7516 §4.1.3)
    bool include_kid = true;     // write the key's "kid" when it has one
    std::uint32_t pbes2_count = kDefaultPbes2Count;  // "p2c" for PBES2
    std::string apu, apv;  // ECDH-ES PartyUInfo / PartyVInfo, raw bytes (RFC 7518 §4.6.1.2-3)
    // RSA1_5 is refused unless this is set (RFC 8725 §3.2: its padding oracle is hard to avoid).
    bool allow_rsa1_5_unsafe = false;
};

struct JweDecryptOptions {
    std::vector<KeyManagement> algorithms;       // required: the allow-list for "alg"
    std::vector<ContentEncryption> encryptions;  // allow-list for "enc"; empty: all six
    ParseLimits limits;
    std::size_t max_decompressed_size = kDefaultMaxDecompressedSize;
    std::uint32_t max_pbes2_count = kDefaultMaxPbes2Count;
    std::vector<std::string> understood_crit;
    // Needed (with RSA1_5 in `algorithms`) to decrypt RSA1_5; then the RFC 7516 §11.5
    // countermeasure applies: a failed RSA decryption continues with a random CEK.
    bool allow_rsa1_5_unsafe = false;
};

struct DecryptedJwe {
    std::string plaintext;
    boost::json::object protected_header;
    boost::json::object unprotected_header;  // JSON serialization: shared "unprotected"
    boost::json::object recipient_header;    // JSON serialization: the recipient's "header"
    std::string aad;                         // JSON serialization: decoded "aad"
    std::size_t recipient = 0;               // JSON serialization: which recipient decrypted
};

// A compact JWE decrypted into storage the caller keeps and reuses: the fast path of a server that
// decrypts a token per request. No JSON tree is built for the usual flat protected header, and
// with "dir", once the strings have grown to size, a decryption allocates nothing but the CEK's
// copy.
struct DecryptedCompactJwe {
    std::string plaintext;
    KeyManagement alg{};
    ContentEncryption enc{};
    std::string kid, cty, typ;  // of the protected header; empty when absent or not a string
};

struct JweRecipient {
    Jwk key;
    KeyManagement alg;
    boost::json::object header;  // per-recipient unprotected header
};

struct JweJsonOptions {
    boost::json::object protected_header;    // members beyond "enc" (and "zip")
    boost::json::object unprotected_header;  // shared unprotected header
    std::string aad;                         // additional authenticated data, raw bytes
    bool flattened = false;                  // flattened syntax (exactly one recipient)
    bool compress = false;
    std::uint32_t pbes2_count = kDefaultPbes2Count;
    bool allow_rsa1_5_unsafe = false;
};

namespace jwe {

// Compact JWE of `plaintext` for `key` (RFC 7516 §7.1). "alg", "enc" and "kid" go in the
// protected header, with the key management parameters ("epk", "iv", "tag", "p2s", "p2c").
Result<std::string> encrypt(std::string_view plaintext, const Jwk& key, KeyManagement alg,
                            ContentEncryption enc, const JweEncryptOptions& options = {});

// Decrypts a compact JWE. The key is chosen by "kid", else every key that fits "alg" is tried.
Result<DecryptedJwe> decrypt(std::string_view token, const KeySet& keys,
                             const JweDecryptOptions& options);
// The same checks and the same verdict, into `out` (its strings' capacity reused; emptied on
// failure). Headers outside the flat shape, with "crit", or for key management that reads header
// parameters (ECDH-ES, AES-GCM key wrap, PBES2) are handled as by the overload above.
Result<void> decrypt(std::string_view token, const KeySet& keys, const JweDecryptOptions& options,
                     DecryptedCompactJwe& out);

// General (or flattened) JSON serialization for one or more recipients (RFC 7516 §7.2).
Result<boost::json::object> encrypt_json(std::string_view plaintext,
                                         std::span<const JweRecipient> recipients,
                                         ContentEncryption enc, const JweJsonOptions& options = {});
// Decrypts the general or flattened JSON serialization with the first recipient a key fits.
Result<DecryptedJwe> decrypt_json(std::string_view json, const KeySet& keys,
                                  const JweDecryptOptions& options);

}  // namespace jwe
}  // namespace signet
