// JOSE ECDSA signatures are R||S (RFC 7518 §3.4); OpenSSL's EVP interface wants the DER
// ECDSA-Sig-Value. The benchmarks' raw baselines convert once, before timing.
#pragma once

#include <openssl/crypto.h>
#include <openssl/ec.h>

#include <optional>
#include <string>
#include <string_view>

namespace signet::bench {

inline std::optional<std::string> jose_ecdsa_to_der(std::string_view rs) {
    const std::size_t half = rs.size() / 2;
    const auto* bytes = reinterpret_cast<const unsigned char*>(rs.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) return std::nullopt;
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace signet::bench
