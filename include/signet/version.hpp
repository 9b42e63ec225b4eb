// The library version, kept in step with CMakeLists.txt's project(VERSION), and the version of
// the OpenSSL library that the running program is linked with.
#pragma once

#define SIGNET_VERSION_MAJOR 0
#define SIGNET_VERSION_MINOR 1
#define SIGNET_VERSION_PATCH 0
#define SIGNET_VERSION_STRING "0.1.0"

namespace signet {

// The version as values, for code that checks it at compile time (the macros serve the
// preprocessor), and the version of the library actually loaded, which can differ from the
// headers when the shared library was upgraded underneath a program.
struct Version {
    int major, minor, patch;
    friend constexpr bool operator==(const Version&, const Version&) = default;
};
inline constexpr Version kVersion{SIGNET_VERSION_MAJOR, SIGNET_VERSION_MINOR, SIGNET_VERSION_PATCH};
Version library_version() noexcept;
const char* library_version_string() noexcept;  // "0.1.0"

// OpenSSL's own description of the library loaded at run time ("OpenSSL 3.0.11 19 Sep 2023"),
// which may be newer than the headers Signet was compiled against.
const char* openssl_version() noexcept;

}  // namespace signet
