// Identity helpers; randomness and SHA-256 come from libsodium, the server's crypto dependency for
// passwords, so the server needs no OpenSSL of its own.
#include "server/auth/identity.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "signet/base64url.hpp"

namespace signet::server {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Code points of a well-formed UTF-8 string, or -1 when malformed (overlong forms, surrogates and
// values above U+10FFFF are malformed, RFC 3629 §3).
long utf8_length(std::string_view text) {
    long count = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07u;
        } else {
            return -1;
        }
        if (i + extra >= text.size()) return -1;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return -1;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        static constexpr std::array<std::uint32_t, 4> kMin = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
        i += extra + 1;
        ++count;
    }
    return count;
}

void ensure_sodium() {
    // sodium_init is idempotent and thread-safe; it returns 1 when already initialized.
    static const int initialized = sodium_init();
    if (initialized < 0) throw std::runtime_error("libsodium could not be initialized");
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view email) {
    while (!email.empty() && is_space(email.front()))
        email.remove_prefix(1);
    while (!email.empty() && is_space(email.back()))
        email.remove_suffix(1);
    if (email.empty() || email.size() > kMaxEmailLength) return std::nullopt;
    const std::size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 ||
        email.find('@', at + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view local = email.substr(0, at);
    const std::string_view domain = email.substr(at + 1);
    // RFC 5321 §4.5.3.1: local part up to 64 octets; a domain with at least one dot, no empty
    // label.
    if (local.size() > 64 || domain.size() < 3) return std::nullopt;
    const std::size_t dot = domain.find('.');
    if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    std::string normalized;
    normalized.reserve(email.size());
    for (const char c : email) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"' || c == '\\' || c == ',' ||
            c == ';' || c == '(' || c == ')' || c == '[' || c == ']') {
            return std::nullopt;
        }
        normalized.push_back(u >= 'A' && u <= 'Z' ? static_cast<char>(u - 'A' + 'a') : c);
    }
    if (utf8_length(normalized) < 0) return std::nullopt;
    return normalized;
}

bool acceptable_password(std::string_view password) {
    if (password.size() > kMaxPasswordLength * 4) return false;
    const long length = utf8_length(password);
    return length >= static_cast<long>(kMinPasswordLength) &&
           length <= static_cast<long>(kMaxPasswordLength);
}

std::string random_token(std::size_t bytes) {
    ensure_sodium();
    std::vector<std::uint8_t> buffer(bytes);
    randombytes_buf(buffer.data(), buffer.size());
    return base64url_encode(buffer);
}

std::string new_user_id() {
    return "u_" + random_token(16);
}

std::string sha256_hex(std::string_view text) {
    ensure_sodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return std::string(hex.data(), digest.size() * 2);
}

}  // namespace signet::server
