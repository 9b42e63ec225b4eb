// The run-time OpenSSL version, for `signet --version` and bug reports.
#include <openssl/crypto.h>

#include "signet/version.hpp"

namespace signet {

const char* openssl_version() noexcept {
    return OpenSSL_version(OPENSSL_VERSION);
}

}  // namespace signet
