// JWE content encryption (RFC 7518 §5): AES-GCM and the AES_CBC_HMAC_SHA2 composite.
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <array>
#include <cstring>

#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {

constexpr std::size_t kGcmIvBytes = 12;   // RFC 7518 §5.3: 96-bit IV
constexpr std::size_t kGcmTagBytes = 16;  // RFC 7518 §5.3: 128-bit tag
constexpr std::size_t kCbcIvBytes = 16;   // RFC 7518 §5.2.2.1: 128-bit IV

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

Error failed() {
    ERR_clear_error();
    return Error(Errc::decryption_failed, "decryption failed");
}

// HMAC-SHA2 over AAD || IV || C || AL (RFC 7518 §5.2.2.1 step 5), truncated to half the key size.
bool cbc_hmac_tag(std::string_view mac_key, std::string_view iv, std::string_view aad,
                  std::string_view ciphertext, std::string& tag) {
    const Hash hash = mac_key.size() == 16   ? Hash::sha256
                      : mac_key.size() == 24 ? Hash::sha384
                                             : Hash::sha512;
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(fetched_hmac()),
                                                                  &EVP_MAC_CTX_free);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(
            OSSL_MAC_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(fetched_hash(hash))), 0),
        OSSL_PARAM_construct_end()};
    std::array<unsigned char, 8> al{};
    const std::uint64_t aad_bits = static_cast<std::uint64_t>(aad.size()) * 8;
    for (int i = 0; i < 8; ++i)
        al[static_cast<std::size_t>(i)] = static_cast<unsigned char>(aad_bits >> (56 - 8 * i));
    unsigned char full[64];
    std::size_t len = 0;
    if (!ctx || EVP_MAC_init(ctx.get(), bytes(mac_key), mac_key.size(), params) != 1 ||
        EVP_MAC_update(ctx.get(), bytes(aad), aad.size()) != 1 ||
        EVP_MAC_update(ctx.get(), bytes(iv), iv.size()) != 1 ||
        EVP_MAC_update(ctx.get(), bytes(ciphertext), ciphertext.size()) != 1 ||
        EVP_MAC_update(ctx.get(), al.data(), al.size()) != 1 ||
        EVP_MAC_final(ctx.get(), full, &len, sizeof(full)) != 1) {
        return false;
    }
    tag.assign(reinterpret_cast<const char*>(full), mac_key.size());  // T_LEN = half the key
    return true;
}

// One GCM context per thread, re-keyed per message: EVP_*Init_ex2 with a key and an IV resets the
// GCM state in full, so nothing of a previous message (key, IV, tag state) carries over, and no
// context is allocated per call. The cipher is passed only when it changes (another key size or a
// failed message): passing it again would rebuild the provider's context every time.
class ThreadGcm {
  public:
    // The context, and in `set` the cipher to pass to Init_ex2 (nullptr: already set).
    static EVP_CIPHER_CTX* get(const EVP_CIPHER* cipher, const EVP_CIPHER*& set) {
        ThreadGcm& gcm = mine();
        set = gcm.cipher_ == cipher ? nullptr : cipher;
        gcm.cipher_ = cipher;
        return gcm.ctx_.get();
    }
    // After a failure the context's state is unknown: the next message sets everything again.
    static void forget() { mine().cipher_ = nullptr; }

  private:
    static ThreadGcm& mine() {
        thread_local ThreadGcm gcm;
        return gcm;
    }
    CipherCtxPtr ctx_{EVP_CIPHER_CTX_new()};
    const EVP_CIPHER* cipher_ = nullptr;
};

}  // namespace

Result<Sealed> aes_gcm_encrypt(std::string_view key, std::string_view iv, std::string_view aad,
                               std::string_view plaintext) {
    const EVP_CIPHER* cipher = fetched_cipher("GCM", key.size());
    if (cipher == nullptr || iv.size() != kGcmIvBytes) {
        return Error(Errc::invalid_argument,
                     "AES-GCM needs a 16, 24 or 32 byte key and a 12 byte IV");
    }
    const EVP_CIPHER* set = nullptr;
    EVP_CIPHER_CTX* ctx = ThreadGcm::get(cipher, set);
    Sealed out;
    out.ciphertext.resize(plaintext.size());
    out.tag.resize(kGcmTagBytes);
    int len = 0, final_len = 0;
    if (ctx == nullptr || EVP_EncryptInit_ex2(ctx, set, bytes(key), bytes(iv), nullptr) != 1 ||
        (!aad.empty() &&
         EVP_EncryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx, bytes(out.ciphertext), &len, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx, bytes(out.ciphertext) + len, &final_len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, out.tag.data()) != 1) {
        ThreadGcm::forget();
        ERR_clear_error();
        return Error(Errc::crypto_failure, "AES-GCM encryption failed");
    }
    return out;
}

Result<void> aes_gcm_decrypt(std::string_view key, std::string_view iv, std::string_view aad,
                             std::string_view ciphertext, std::string_view tag, std::string& out) {
    out.clear();
    const EVP_CIPHER* cipher = fetched_cipher("GCM", key.size());
    if (cipher == nullptr) return failed();
    // A shorter tag would be a weaker MAC: only the full 128-bit tag is accepted.
    if (iv.size() != kGcmIvBytes || tag.size() != kGcmTagBytes) return failed();
    const EVP_CIPHER* set = nullptr;
    EVP_CIPHER_CTX* ctx = ThreadGcm::get(cipher, set);
    out.resize(ciphertext.size());
    int len = 0, final_len = 0;
    if (ctx == nullptr || EVP_DecryptInit_ex2(ctx, set, bytes(key), bytes(iv), nullptr) != 1 ||
        (!aad.empty() &&
         EVP_DecryptUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx, bytes(out), &len, bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagBytes,
                            const_cast<char*>(tag.data())) != 1 ||
        EVP_DecryptFinal_ex(ctx, bytes(out) + len, &final_len) != 1) {
        ThreadGcm::forget();
        OPENSSL_cleanse(out.data(), out.size());
        out.clear();
        return failed();
    }
    return {};
}

Result<Sealed> aes_cbc_hmac_encrypt(std::string_view key, std::string_view iv, std::string_view aad,
                                    std::string_view plaintext) {
    const std::size_t half = key.size() / 2;
    const EVP_CIPHER* cipher = key.size() % 2 == 0 ? fetched_cipher("CBC", half) : nullptr;
    if (cipher == nullptr || iv.size() != kCbcIvBytes) {
        return Error(Errc::invalid_argument,
                     "AES-CBC-HMAC needs a 32, 48 or 64 byte key and a 16 byte IV");
    }
    const std::string_view mac_key = key.substr(0, half), enc_key = key.substr(half);
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    Sealed out;
    out.ciphertext.resize(plaintext.size() + kCbcIvBytes);
    int len = 0, final_len = 0;
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), cipher, bytes(enc_key), bytes(iv), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), bytes(out.ciphertext), &len, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), bytes(out.ciphertext) + len, &final_len) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "AES-CBC encryption failed");
    }
    out.ciphertext.resize(static_cast<std::size_t>(len + final_len));
    if (!cbc_hmac_tag(mac_key, iv, aad, out.ciphertext, out.tag)) {
        return Error(Errc::crypto_failure, "HMAC failed");
    }
    return out;
}

Result<void> aes_cbc_hmac_decrypt(std::string_view key, std::string_view iv, std::string_view aad,
                                  std::string_view ciphertext, std::string_view tag,
                                  std::string& out) {
    out.clear();
    const std::size_t half = key.size() / 2;
    const EVP_CIPHER* cipher = key.size() % 2 == 0 ? fetched_cipher("CBC", half) : nullptr;
    if (cipher == nullptr || iv.size() != kCbcIvBytes || tag.size() != half || ciphertext.empty() ||
        ciphertext.size() % 16 != 0) {
        return failed();
    }
    const std::string_view mac_key = key.substr(0, half), enc_key = key.substr(half);
    std::string expected;
    // RFC 7518 §5.2.2.2: authenticate first; the padding is only looked at after the tag matched.
    if (!cbc_hmac_tag(mac_key, iv, aad, ciphertext, expected) ||
        !constant_time_equal(expected, tag)) {
        return failed();
    }
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    out.resize(ciphertext.size());
    int len = 0, final_len = 0;
    if (!ctx || EVP_DecryptInit_ex2(ctx.get(), cipher, bytes(enc_key), bytes(iv), nullptr) != 1 ||
        EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &final_len) != 1) {
        OPENSSL_cleanse(out.data(), out.size());
        out.clear();
        return failed();
    }
    out.resize(static_cast<std::size_t>(len + final_len));
    return {};
}

}  // namespace signet::detail
