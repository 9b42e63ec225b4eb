// A fixture for tests that must hold both with the library's vector kernels and with their
// portable twins: each test of a suite derived from it runs once with the kernels on ("on") and
// once with them off ("off"), on the same machine.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "jose/vector_kernels.hpp"

namespace signet::testing {

class KernelPaths : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override { detail::set_vector_kernels_enabled(GetParam()); }
    void TearDown() override { detail::set_vector_kernels_enabled(true); }
};

inline std::string kernel_path_name(const ::testing::TestParamInfo<bool>& info) {
    return info.param ? "on" : "off";
}

}  // namespace signet::testing
