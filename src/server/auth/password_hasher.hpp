// Argon2id password hashes through libsodium (RFC 9106), with OWASP's cost by default. Hashes carry
// their own cost, so a change of settings is detected per user and upgraded at the next login.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace signet::server {

class PasswordHasher {
  public:
    // Throws std::invalid_argument when the cost is outside libsodium's bounds.
    PasswordHasher(std::uint64_t memory_kib, std::uint64_t iterations);

    // The encoded "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string. Throws std::runtime_error
    // when memory cannot be had.
    std::string hash(std::string_view password) const;
    // Constant-time check of a password against an encoded hash. It never costs less than a
    // verify at the configured cost: against a hash made at a lower one, the difference is spent
    // too, so a wrong password for an account with an older, cheaper hash takes as long as an
    // unknown email (CWE-208).
    bool verify(std::string_view encoded, std::string_view password) const;
    // The hash was made with another cost than the current one.
    bool needs_rehash(std::string_view encoded) const;
    // Spends what a verify() costs, for requests about unknown users, so the response time does
    // not tell whether an email is registered.
    void verify_dummy(std::string_view password) const;

  private:
    // Spends the Argon2id work a verify at the configured cost does beyond what verifying against
    // `encoded` did.
    void spend_remaining_cost(std::string_view encoded, std::string_view password) const;

    std::uint64_t memory_bytes_;
    std::uint64_t iterations_;
    std::string dummy_hash_;
};

}  // namespace signet::server
