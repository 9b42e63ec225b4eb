// The raw signature primitive with the key's algorithm binding enforced.
#include "signet/signature.hpp"

#include "crypto/crypto.hpp"

namespace signet {

Result<std::string> sign_bytes(Algorithm alg, const Jwk& key, std::string_view data) {
    if (auto ok = key.check_usable(alg, KeyOperation::sign); !ok) return std::move(ok).error();
    return detail::sign(alg, key.material(), data);
}

Result<void> verify_bytes(Algorithm alg, const Jwk& key, std::string_view data,
                          std::string_view signature) {
    if (auto ok = key.check_usable(alg, KeyOperation::verify); !ok) return ok;
    return detail::verify(alg, key.material(), data, signature);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    return detail::constant_time_equal(a, b);
}

}  // namespace signet
