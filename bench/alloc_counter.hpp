// Heap allocation counting for the benchmark executables: replaced global operator new/delete
// and an OpenSSL CRYPTO_malloc hook, and the per-operation counts a benchmark reports.
#pragma once

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

namespace signet::bench {

namespace detail {
// Incremented by the replaced operator new (alloc_counter.cpp) and the OpenSSL hooks.
extern std::atomic<std::uint64_t> g_new_calls;
extern std::atomic<std::uint64_t> g_openssl_allocs;
}  // namespace detail

// Routes OpenSSL's allocations through a counter. Call first thing in main(): OpenSSL accepts
// the hook only before its first allocation. Returns whether the hook was installed.
bool install_openssl_alloc_counter() noexcept;
// Whether install_openssl_alloc_counter succeeded; otherwise OpenSSL counts are not reported.
bool openssl_allocs_counted() noexcept;

// Calls per allocation probe; the counts are exact, so a few calls suffice.
inline constexpr int kAllocProbeCalls = 16;

struct AllocCounts {
    double cpp = 0;      // operator new calls per operation
    double openssl = 0;  // CRYPTO_malloc/realloc calls per operation
};

// Runs `op` a few times (after one warm-up call) and returns the allocations per call.
template <class Op>
AllocCounts count_allocations(Op&& op) {
    op();
    const std::uint64_t cpp_before = detail::g_new_calls.load(std::memory_order_relaxed);
    const std::uint64_t ossl_before = detail::g_openssl_allocs.load(std::memory_order_relaxed);
    for (int i = 0; i < kAllocProbeCalls; ++i)
        op();
    const std::uint64_t cpp_after = detail::g_new_calls.load(std::memory_order_relaxed);
    const std::uint64_t ossl_after = detail::g_openssl_allocs.load(std::memory_order_relaxed);
    return {static_cast<double>(cpp_after - cpp_before) / kAllocProbeCalls,
            static_cast<double>(ossl_after - ossl_before) / kAllocProbeCalls};
}

// Reports the counts as the counters report.py reads: allocs_per_op and ossl_allocs_per_op.
inline void set_alloc_counters(benchmark::State& state, const AllocCounts& counts) {
    state.counters["allocs_per_op"] = benchmark::Counter(counts.cpp);
    if (openssl_allocs_counted()) {
        state.counters["ossl_allocs_per_op"] = benchmark::Counter(counts.openssl);
    }
}

}  // namespace signet::bench
