// The library version, kept in step with CMakeLists.txt's project(VERSION), and the version of
// the OpenSSL library that the running program is linked with.
#pragma once

#define SIGNET_VERSION_MAJOR 0
#define SIGNET_VERSION_MINOR 1
#define SIGNET_VERSION_PATCH 0
#define SIGNET_VERSION_STRING "0.1.0"

namespace signet {

// OpenSSL's own description of the library loaded at run time ("OpenSSL 3.0.11 19 Sep 2023"),
// which may be newer than the headers Signet was compiled against.
const char* openssl_version() noexcept;

}  // namespace signet
