// Algorithm objects fetched once, digests, randomness and constant-time comparison.
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {

struct Fetched {
    EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
    EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    // [mode][key size]: GCM, CBC, WRAP x 128, 192, 256.
    EVP_CIPHER* ciphers[3][3] = {
        {EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-192-GCM", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)},
        {EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-192-CBC", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr)},
        {EVP_CIPHER_fetch(nullptr, "AES-128-WRAP", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-192-WRAP", nullptr),
         EVP_CIPHER_fetch(nullptr, "AES-256-WRAP", nullptr)},
    };
    Fetched() {
        // Without these the library cannot work at all; fail loudly at first use.
        if (!sha256 || !sha384 || !sha512 || !hmac) std::abort();
        for (auto& row : ciphers) {
            for (EVP_CIPHER* c : row) {
                if (c == nullptr) std::abort();
            }
        }
    }
    // Kept for the life of the process: other static destructors may still verify tokens.
};

const Fetched& fetched() noexcept {
    static const Fetched* f = new Fetched();
    return *f;
}

}  // namespace

const EVP_MD* fetched_md(Algorithm alg) noexcept {
    switch (alg) {
        case Algorithm::HS256:
        case Algorithm::RS256:
        case Algorithm::PS256:
        case Algorithm::ES256:
        case Algorithm::ES256K: return fetched().sha256;
        case Algorithm::HS384:
        case Algorithm::RS384:
        case Algorithm::PS384:
        case Algorithm::ES384: return fetched().sha384;
        case Algorithm::HS512:
        case Algorithm::RS512:
        case Algorithm::PS512:
        case Algorithm::ES512: return fetched().sha512;
        case Algorithm::EdDSA: return nullptr;
    }
    return nullptr;
}

const EVP_MD* fetched_sha256() noexcept {
    return fetched().sha256;
}
EVP_MAC* fetched_hmac() noexcept {
    return fetched().hmac;
}

const EVP_MD* fetched_hash(Hash hash) noexcept {
    switch (hash) {
        case Hash::sha256: return fetched().sha256;
        case Hash::sha384: return fetched().sha384;
        case Hash::sha512: return fetched().sha512;
    }
    return nullptr;
}

const EVP_CIPHER* fetched_cipher(const char* mode, std::size_t key_bytes) noexcept {
    const std::string_view m(mode);
    const int row = m == "GCM" ? 0 : m == "CBC" ? 1 : m == "WRAP" ? 2 : -1;
    const int col = key_bytes == 16 ? 0 : key_bytes == 24 ? 1 : key_bytes == 32 ? 2 : -1;
    if (row < 0 || col < 0) return nullptr;
    return fetched().ciphers[row][col];
}

void sha256(std::string_view data, unsigned char out[32]) {
    EVP_MD_CTX* ctx = thread_md_ctx();
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx, fetched_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1) {
        std::abort();  // SHA-256 over memory cannot fail short of memory corruption
    }
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void random_bytes(void* out, std::size_t size) {
    if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1) std::abort();
}

std::string bn_to_bytes(const BIGNUM* bn, std::size_t pad_to) {
    const std::size_t n = static_cast<std::size_t>(BN_num_bytes(bn));
    std::string out(pad_to > n ? pad_to : n, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    return out;
}

}  // namespace signet::detail
