// The run-time switch for the AVX2 kernels; see vector_kernels.hpp.
#include "vector_kernels.hpp"

#include <atomic>

namespace signet::detail {
namespace {

bool cpu_has_avx2() noexcept {
#if SIGNET_AVX2_KERNELS
    __builtin_cpu_init();  // needed when called from a static initialiser
    return __builtin_cpu_supports("avx2") != 0;
#else
    return false;
#endif
}

// Read on every call, written only by tests: a relaxed load costs what a plain one does. Before
// its dynamic initialisation runs it reads false, which selects the portable code.
std::atomic<bool> g_enabled{cpu_has_avx2()};

}  // namespace

bool vector_kernels_enabled() noexcept {
    return g_enabled.load(std::memory_order_relaxed);
}

void set_vector_kernels_enabled(bool on) noexcept {
    g_enabled.store(on && cpu_has_avx2(), std::memory_order_relaxed);
}

}  // namespace signet::detail
