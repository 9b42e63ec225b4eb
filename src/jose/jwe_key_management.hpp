// JWE key management (RFC 7516 §5.1 steps 1-6, §5.2 steps 9-11; RFC 7518 §4): how the content
// encryption key is produced for a recipient and recovered from its JWE Encrypted Key.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "signet/jwe.hpp"

namespace signet::detail {

struct KeyManagementInput {
    std::uint32_t pbes2_count = kDefaultPbes2Count;
    std::string_view apu, apv;
    bool allow_rsa1_5 = false;
};

struct WrappedCek {
    std::string cek;
    std::string encrypted_key;
    boost::json::object header;  // parameters the algorithm adds: epk, apu, apv, iv, tag, p2s, p2c
};

// True for "dir" and "ECDH-ES", whose CEK is the key (or the agreed key) itself: such a recipient
// must be the only one.
bool determines_cek(KeyManagement alg) noexcept;

// True when recovering the CEK reads parameters of the header ("epk", "apu", "apv", "iv", "tag",
// "p2s", "p2c"): ECDH-ES, AES-GCM key wrap and PBES2.
bool reads_header(KeyManagement alg) noexcept;

// Produces (or, with `cek` given, wraps) the CEK for one recipient.
Result<WrappedCek> wrap_cek(KeyManagement alg, ContentEncryption enc, const Jwk& key,
                            const KeyManagementInput& input, std::optional<std::string_view> cek);

// Recovers the CEK. `header` is the recipient's joint header. Every cryptographic failure is
// decryption_failed; with RSA1_5 a failure yields a random CEK instead (RFC 7516 §11.5).
Result<std::string> unwrap_cek(KeyManagement alg, ContentEncryption enc, const Jwk& key,
                               const boost::json::object& header, std::string_view encrypted_key,
                               const JweDecryptOptions& options);

}  // namespace signet::detail
