// The run-time OpenSSL version, for `signet --version` and bug reports.
#include <openssl/crypto.h>

#include "signet/version.hpp"

namespace signet {

Version library_version() noexcept {
    return kVersion;
}

const char* library_version_string() noexcept {
    return SIGNET_VERSION_STRING;
}

const char* openssl_version() noexcept {
    return OpenSSL_version(OPENSSL_VERSION);
}

}  // namespace signet
