// The raw JWS signature primitive (RFC 7518 §3, RFC 8037 §3.1): sign or verify bytes with a key and
// an algorithm, in the JOSE signature format (raw R||S for ECDSA). The key's binding is enforced.
#pragma once

#include <string>
#include <string_view>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"

namespace signet {

Result<std::string> sign_bytes(Algorithm alg, const Jwk& key, std::string_view data);
Result<void> verify_bytes(Algorithm alg, const Jwk& key, std::string_view data,
                          std::string_view signature);

// Constant-time equality of two byte strings (the lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace signet
