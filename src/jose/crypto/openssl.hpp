// OpenSSL glue shared by src/jose/crypto/*.cpp: RAII owners, the algorithm objects fetched once
// per process, the key material layout, and the per-thread context cache.
#pragma once

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"

namespace signet::detail {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
struct BnFree {
    void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// Fetched once (OpenSSL 3 "explicit fetch" is far cheaper than implicit lookups per call).
const EVP_MD* fetched_md(Algorithm alg) noexcept;  // SHA-256/384/512; nullptr for EdDSA
const EVP_MD* fetched_sha256() noexcept;
EVP_MAC* fetched_hmac() noexcept;
const EVP_MD* fetched_hash(Hash hash) noexcept;
// "AES-128-GCM", "AES-256-CBC", "AES-192-WRAP", ... fetched once; nullptr if unknown.
const EVP_CIPHER* fetched_cipher(const char* mode, std::size_t key_bytes) noexcept;

// The parsed key. Immutable after construction; shared by every copy of a Jwk.
class KeyMaterial {
  public:
    KeyMaterial();
    ~KeyMaterial();
    KeyMaterial(const KeyMaterial&) = delete;
    KeyMaterial& operator=(const KeyMaterial&) = delete;

    KeyType kty = KeyType::oct;
    Curve curve = Curve::none;
    bool has_private = false;
    std::size_t bits = 0;
    const std::uint64_t id;  // unique per instance: keys the per-thread context caches
    PkeyPtr pkey;            // RSA, EC, OKP
    std::string secret;      // oct; wiped on destruction
    // ECDSA: the group order, big-endian, order_bytes long (for the r, s range check).
    std::array<unsigned char, 66> order{};
    std::size_t order_bytes = 0;
};

// Wraps a key OpenSSL produced or we built and validated.
Result<KeyPtr> wrap_pkey(PkeyPtr pkey, KeyType kty, Curve curve, bool has_private);

// Per-thread cache of ready-to-use contexts (HMAC, sign, verify), keyed by (key id, kind): an
// open-addressing table that grows with the keys a thread uses, so a key set of any realistic
// size stays warm. Past kMaxSlots / 2 contexts it starts over. Contexts are freed on thread exit.
class ContextCache {
  public:
    using FreeFn = void (*)(void*);
    static ContextCache& local() noexcept;
    void* find(std::uint64_t key_id, unsigned kind) noexcept;
    // Takes ownership of ctx. False when the table could not grow: ctx was freed at once, and
    // the caller must not use it.
    [[nodiscard]] bool insert(std::uint64_t key_id, unsigned kind, void* ctx,
                              FreeFn free_fn) noexcept;
    std::size_t size() const noexcept { return used_; }
    ~ContextCache();

  private:
    struct Slot {
        std::uint64_t key_id = 0;
        unsigned kind = 0;
        void* ctx = nullptr;
        FreeFn free_fn = nullptr;
    };
    static constexpr std::size_t kInitialSlots = 16;
    static constexpr std::size_t kMaxSlots = 8192;
    void place(Slot slot) noexcept;
    void clear() noexcept;
    std::vector<Slot> slots_;
    std::size_t used_ = 0;
};

// A reusable EVP_MD_CTX for this thread (digests and one-shot EdDSA).
EVP_MD_CTX* thread_md_ctx() noexcept;

std::string bn_to_bytes(const BIGNUM* bn, std::size_t pad_to = 0);

}  // namespace signet::detail
