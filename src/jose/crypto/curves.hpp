// Curve facts shared by key import, generation and ECDSA (RFC 7518 §6.2.1.1, RFC 8037 §2).
#pragma once

#include <cstddef>

#include "signet/algorithm.hpp"

namespace signet::detail {

// OpenSSL group or key-type name: "P-256", "secp384r1", "ED25519", ...
const char* openssl_curve_name(Curve curve) noexcept;
int openssl_curve_nid(Curve curve) noexcept;  // EC curves only; 0 otherwise
// Size of a coordinate (EC), or of the raw key (OKP), in bytes.
std::size_t curve_field_bytes(Curve curve) noexcept;
bool is_ec_curve(Curve curve) noexcept;
bool is_okp_curve(Curve curve) noexcept;

}  // namespace signet::detail
