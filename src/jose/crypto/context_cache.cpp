// Per-thread reuse of OpenSSL contexts, so that the verify path neither fetches nor allocates.
#include "crypto/openssl.hpp"

namespace signet::detail {

ContextCache& ContextCache::local() noexcept {
    thread_local ContextCache cache;
    return cache;
}

void* ContextCache::find(std::uint64_t key_id, unsigned kind) noexcept {
    for (const auto& slot : slots_) {
        if (slot.key_id == key_id && slot.kind == kind) return slot.ctx;
    }
    return nullptr;
}

void ContextCache::insert(std::uint64_t key_id, unsigned kind, void* ctx, FreeFn free_fn) noexcept {
    Slot& slot = slots_[next_];
    next_ = (next_ + 1) % kSlots;
    if (slot.ctx != nullptr) slot.free_fn(slot.ctx);
    slot = Slot{key_id, kind, ctx, free_fn};
}

ContextCache::~ContextCache() {
    for (auto& slot : slots_) {
        if (slot.ctx != nullptr) slot.free_fn(slot.ctx);
    }
}

EVP_MD_CTX* thread_md_ctx() noexcept {
    thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
    return ctx.get();
}

}  // namespace signet::detail
