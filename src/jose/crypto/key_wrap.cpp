// AES Key Wrap (RFC 3394) for A128KW/A192KW/A256KW and the wrapping step of ECDH-ES+A*KW and
// PBES2 (RFC 7518 §4.4, §4.6, §4.8).
#include <openssl/err.h>

#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {
const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

Result<std::string> aes_key_wrap(std::string_view kek, std::string_view key) {
    const EVP_CIPHER* cipher = fetched_cipher("WRAP", kek.size());
    if (cipher == nullptr)
        return Error(Errc::invalid_key, "AES key wrap needs a 16, 24 or 32 byte key");
    if (key.size() < 16 || key.size() % 8 != 0) {
        return Error(Errc::invalid_argument,
                     "AES key wrap takes keys of 16 or more bytes, in 8 byte blocks");
    }
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    std::string out(key.size() + 8, '\0');
    int len = 0, final_len = 0;
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), cipher, bytes(kek), nullptr, nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes(key),
                          static_cast<int>(key.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                            &final_len) != 1) {
        ERR_clear_error();
        return Error(Errc::crypto_failure, "AES key wrap failed");
    }
    out.resize(static_cast<std::size_t>(len + final_len));
    return out;
}

Result<std::string> aes_key_unwrap(std::string_view kek, std::string_view wrapped) {
    const EVP_CIPHER* cipher = fetched_cipher("WRAP", kek.size());
    // RFC 3394 §2.2.2: at least two 64-bit blocks of key plus the integrity block.
    if (cipher == nullptr || wrapped.size() < 24 || wrapped.size() % 8 != 0) {
        return Error(Errc::decryption_failed, "decryption failed");
    }
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    std::string out(wrapped.size(), '\0');
    int len = 0, final_len = 0;
    if (!ctx || EVP_DecryptInit_ex2(ctx.get(), cipher, bytes(kek), nullptr, nullptr) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                          bytes(wrapped), static_cast<int>(wrapped.size())) != 1 ||
        len <= 0 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                            &final_len) != 1) {
        ERR_clear_error();
        OPENSSL_cleanse(out.data(), out.size());
        return Error(Errc::decryption_failed, "decryption failed");
    }
    out.resize(static_cast<std::size_t>(len + final_len));
    return out;
}

}  // namespace signet::detail
