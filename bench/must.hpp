// Setup-time failure handling for the benchmark executables: a benchmark that cannot prepare
// its inputs stops the run with a message instead of timing an error path.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "signet/error.hpp"

namespace signet::bench {

[[noreturn]] inline void die(const std::string& what) {
    std::fprintf(stderr, "signet bench: %s\n", what.c_str());
    std::exit(1);
}

template <class T>
T must(Result<T> result, const std::string& what) {
    if (!result) die(what + ": " + result.error().to_string());
    return std::move(result).value();
}

}  // namespace signet::bench
