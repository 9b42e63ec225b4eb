// Argon2id through libsodium's crypto_pwhash_str family: the encoded string carries salt and cost,
// verification is constant-time, and crypto_pwhash_str_needs_rehash spots an outdated cost.
#include "server/auth/password_hasher.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace signet::server {
namespace {

void ensure_sodium() {
    static const int initialized = sodium_init();
    if (initialized < 0) throw std::runtime_error("libsodium could not be initialized");
}

}  // namespace

PasswordHasher::PasswordHasher(std::uint64_t memory_kib, std::uint64_t iterations)
    : memory_bytes_(memory_kib * 1024), iterations_(iterations) {
    ensure_sodium();
    if (memory_kib == 0 || memory_kib > crypto_pwhash_argon2id_MEMLIMIT_MAX / 1024 ||
        memory_bytes_ < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
        throw std::invalid_argument("argon2_memory_kib is outside Argon2id's bounds");
    }
    if (iterations_ < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        iterations_ > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
        throw std::invalid_argument("argon2_iterations is outside Argon2id's bounds");
    }
    // A hash of a random password with the current cost: verifying an unknown user's password
    // against it costs exactly what a real verify costs.
    std::array<unsigned char, 32> random{};
    randombytes_buf(random.data(), random.size());
    dummy_hash_ =
        hash(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
}

std::string PasswordHasher::hash(std::string_view password) const {
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_argon2id_str(out.data(), password.data(), password.size(), iterations_,
                                   static_cast<std::size_t>(memory_bytes_)) != 0) {
        throw std::runtime_error("Argon2id could not allocate its memory");
    }
    return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
    // libsodium wants a NUL-terminated string of bounded length.
    if (encoded.size() >= crypto_pwhash_STRBYTES) return false;
    std::array<char, crypto_pwhash_STRBYTES> buffer{};
    encoded.copy(buffer.data(), encoded.size());
    return crypto_pwhash_argon2id_str_verify(buffer.data(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
    if (encoded.size() >= crypto_pwhash_STRBYTES) return true;
    std::array<char, crypto_pwhash_STRBYTES> buffer{};
    encoded.copy(buffer.data(), encoded.size());
    return crypto_pwhash_argon2id_str_needs_rehash(buffer.data(), iterations_,
                                                   static_cast<std::size_t>(memory_bytes_)) != 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
    // The result is ignored: the point is the time spent.
    static_cast<void>(verify(dummy_hash_, password));
}

}  // namespace signet::server
