// The version: macros, constexpr value and the loaded library's report agree.
#include <gtest/gtest.h>

#include <string>

#include "signet/version.hpp"

namespace signet {
namespace {

static_assert(kVersion.major == SIGNET_VERSION_MAJOR && kVersion.minor == SIGNET_VERSION_MINOR &&
              kVersion.patch == SIGNET_VERSION_PATCH);

TEST(Version, ValueStringAndLoadedLibraryAgree) {
    EXPECT_EQ(library_version(), kVersion);
    EXPECT_EQ(std::string(library_version_string()), std::to_string(kVersion.major) + "." +
                                                         std::to_string(kVersion.minor) + "." +
                                                         std::to_string(kVersion.patch));
    EXPECT_EQ(std::string(library_version_string()), SIGNET_VERSION_STRING);
    EXPECT_NE(std::string(openssl_version()).find("OpenSSL 3"), std::string::npos);
}

}  // namespace
}  // namespace signet
