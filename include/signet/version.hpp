// The library version, kept in step with CMakeLists.txt's project(VERSION).
#pragma once

#define SIGNET_VERSION_MAJOR 0
#define SIGNET_VERSION_MINOR 1
#define SIGNET_VERSION_PATCH 0
#define SIGNET_VERSION_STRING "0.1.0"
