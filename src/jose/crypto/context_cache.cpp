// Per-thread reuse of OpenSSL contexts, so that the verify path neither fetches nor allocates.
#include <utility>

#include "crypto/openssl.hpp"

namespace signet::detail {

namespace {

std::size_t slot_hash(std::uint64_t key_id, unsigned kind) noexcept {
    // Fibonacci hashing of the pair: key ids are sequential, so spread them over the table.
    return static_cast<std::size_t>(((key_id << 8) ^ kind) * 0x9E3779B97F4A7C15ull >> 32);
}

}  // namespace

ContextCache& ContextCache::local() noexcept {
    thread_local ContextCache cache;
    return cache;
}

void* ContextCache::find(std::uint64_t key_id, unsigned kind) noexcept {
    if (slots_.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_hash(key_id, kind) & mask;; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.ctx == nullptr) return nullptr;
        if (slot.key_id == key_id && slot.kind == kind) return slot.ctx;
    }
}

void ContextCache::place(Slot slot) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = slot_hash(slot.key_id, slot.kind) & mask;
    while (slots_[i].ctx != nullptr)
        i = (i + 1) & mask;
    slots_[i] = slot;
}

bool ContextCache::insert(std::uint64_t key_id, unsigned kind, void* ctx, FreeFn free_fn) noexcept {
    // At most half full, so a probe always ends at an empty slot soon.
    if (2 * (used_ + 1) > slots_.size()) {
        try {
            if (slots_.size() >= kMaxSlots) {
                clear();  // a runaway key set: start over rather than grow without bound
            } else {
                std::vector<Slot> old(slots_.empty() ? kInitialSlots : 2 * slots_.size());
                old.swap(slots_);
                for (const Slot& s : old) {
                    if (s.ctx != nullptr) place(s);
                }
            }
        } catch (...) {  // no memory for a bigger table: the context is simply not kept
            free_fn(ctx);
            return false;
        }
    }
    place(Slot{key_id, kind, ctx, free_fn});
    ++used_;
    return true;
}

void ContextCache::clear() noexcept {
    for (Slot& slot : slots_) {
        if (slot.ctx != nullptr) slot.free_fn(slot.ctx);
        slot = Slot{};
    }
    used_ = 0;
}

ContextCache::~ContextCache() {
    clear();
}

EVP_MD_CTX* thread_md_ctx() noexcept {
    thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx.get();
}

}  // namespace signet::detail
