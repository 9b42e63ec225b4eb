// Replaced global operator new/delete and OpenSSL allocation hooks that count calls. Every C++
// allocation in the process goes through these replacements, so the counter sees Boost.JSON,
// std::string and std::vector allocations made by the library; OpenSSL allocates with its own
// CRYPTO_malloc, which install_openssl_alloc_counter() routes through a second counter.
#include "alloc_counter.hpp"

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace signet::bench {

namespace detail {
std::atomic<std::uint64_t> g_new_calls{0};
std::atomic<std::uint64_t> g_openssl_allocs{0};
}  // namespace detail

namespace {

bool g_openssl_counted = false;  // set once in main, before any benchmark runs

void* openssl_malloc(std::size_t size, const char*, int) {
    detail::g_openssl_allocs.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size);
}

void* openssl_realloc(void* p, std::size_t size, const char*, int) {
    detail::g_openssl_allocs.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, size);
}

void openssl_free(void* p, const char*, int) {
    std::free(p);
}

}  // namespace

bool install_openssl_alloc_counter() noexcept {
    // If something allocated through OpenSSL earlier, the hook is refused and the OpenSSL counter
    // is reported as unavailable rather than wrong.
    g_openssl_counted =
        CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;
    return g_openssl_counted;
}

bool openssl_allocs_counted() noexcept {
    return g_openssl_counted;
}

}  // namespace signet::bench

namespace {

void* counted_malloc(std::size_t size) noexcept {
    signet::bench::detail::g_new_calls.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

void* counted_aligned_malloc(std::size_t size, std::align_val_t align) noexcept {
    signet::bench::detail::g_new_calls.fetch_add(1, std::memory_order_relaxed);
    std::size_t alignment = static_cast<std::size_t>(align);
    if (alignment < sizeof(void*)) alignment = sizeof(void*);
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t rounded =
        size == 0 ? alignment : (size + alignment - 1) / alignment * alignment;
    return std::aligned_alloc(alignment, rounded);
}

void* checked(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace

void* operator new(std::size_t size) {
    return checked(counted_malloc(size));
}
void* operator new[](std::size_t size) {
    return checked(counted_malloc(size));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_malloc(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
    return checked(counted_aligned_malloc(size, align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
    return checked(counted_aligned_malloc(size, align));
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return counted_aligned_malloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return counted_aligned_malloc(size, align);
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
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
