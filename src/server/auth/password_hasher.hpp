// Argon2id password hashes (RFC 9106) through the Argon2 reference library, with OWASP's cost by
// default. Hashes carry their own cost, so a change of settings is detected per user and upgraded
// at the next login. The encoded form is the one libsodium's crypto_pwhash_str writes and reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace signet::server {

class PasswordHasher {
  public:
    // Throws std::invalid_argument when the cost is outside Argon2id's bounds.
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

    // The Argon2 memory this thread keeps between hashes (0 before its first hash). Each thread
    // that hashes (the worker pool's) keeps one buffer of the configured size, wiped after every
    // use; a hash of a larger cost gets a buffer of its own, released after it.
    static std::size_t thread_buffer_bytes() noexcept;
    // Whether this thread's kept buffer holds only zeros (true without one); for the tests.
    static bool thread_buffer_is_wiped() noexcept;

  private:
    // Spends the Argon2id work a verify at the configured cost does beyond the `done` KiB blocks
    // (memory times passes) that verifying against the stored hash filled.
    void spend_remaining_cost(std::uint64_t done, std::string_view password) const;

    std::uint64_t memory_kib_;
    std::uint64_t iterations_;
    std::string dummy_hash_;
};

}  // namespace signet::server
