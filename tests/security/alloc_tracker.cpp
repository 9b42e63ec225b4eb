// Replacement global operator new/delete that record sizes while an AllocationScope is active.
// Aligned and nothrow forms keep their standard library definitions, which forward here or use
// their own aligned allocator consistently.
#include "alloc_tracker.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace signet::security {
namespace {

std::atomic<bool> g_tracking{false};
std::atomic<std::size_t> g_count{0};
std::atomic<std::size_t> g_total{0};
std::atomic<std::size_t> g_largest{0};

void record(std::size_t size) noexcept {
    if (!g_tracking.load(std::memory_order_relaxed)) return;
    g_count.fetch_add(1, std::memory_order_relaxed);
    g_total.fetch_add(size, std::memory_order_relaxed);
    std::size_t seen = g_largest.load(std::memory_order_relaxed);
    while (size > seen && !g_largest.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
    }
}

void* allocate(std::size_t size) {
    record(size);
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace

AllocationScope::AllocationScope() {
    g_count = 0;
    g_total = 0;
    g_largest = 0;
    g_tracking = true;
}

AllocationScope::~AllocationScope() {
    g_tracking = false;
}

AllocationStats AllocationScope::stats() const {
    return {g_count.load(), g_total.load(), g_largest.load()};
}

}  // namespace signet::security

void* operator new(std::size_t size) {
    return signet::security::allocate(size);
}
void* operator new[](std::size_t size) {
    return signet::security::allocate(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
