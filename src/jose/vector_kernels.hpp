// Whether the library's AVX2 kernels (base64url, the flat-JSON string map) run. They are chosen
// at run time: on by default where the CPU has AVX2, and each has a portable twin that gives the
// same results, which tests check by turning the kernels off on the same machine.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SIGNET_AVX2_KERNELS 1
#else
#define SIGNET_AVX2_KERNELS 0
#endif

namespace signet::detail {

bool vector_kernels_enabled() noexcept;
// Turning them on has no effect on a CPU without AVX2.
void set_vector_kernels_enabled(bool on) noexcept;

}  // namespace signet::detail
