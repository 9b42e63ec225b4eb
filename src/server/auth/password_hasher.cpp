// Argon2id through libsodium's crypto_pwhash_str family: the encoded string carries salt and cost,
// verification is constant-time, and crypto_pwhash_str_needs_rehash spots an outdated cost.
#include "server/auth/password_hasher.hpp"
#include "server/http/io_thread.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace signet::server {
namespace {

void ensure_sodium() {
    static const int initialized = sodium_init();
    if (initialized < 0) throw std::runtime_error("libsodium could not be initialized");
}

// The work of one Argon2id computation in KiB blocks filled: memory times passes, which its time
// is proportional to (RFC 9106 §3.2: each pass fills every block once).
struct Argon2Cost {
    std::uint64_t memory_kib = 0;
    std::uint64_t iterations = 0;
    std::uint64_t blocks() const { return memory_kib * iterations; }
};

// Reads `<name>=<digits>` at the front of `text` and moves past it.
std::optional<std::uint64_t> take_parameter(std::string_view& text, std::string_view name) {
    if (!text.starts_with(name)) return std::nullopt;
    text.remove_prefix(name.size());
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

// The cost libsodium computes with when it verifies `encoded` ("$argon2id$v=19$m=..,t=..,p=1$.."),
// or nullopt when it would refuse the string before hashing (another algorithm, no cost, a cost
// outside Argon2id's bounds), which then costs it nothing.
std::optional<Argon2Cost> verified_cost(std::string_view encoded) {
    constexpr std::string_view kPrefix = "$argon2id$v=19$";
    if (encoded.size() >= crypto_pwhash_STRBYTES || !encoded.starts_with(kPrefix)) {
        return std::nullopt;
    }
    std::string_view rest = encoded.substr(kPrefix.size());
    const auto memory_kib = take_parameter(rest, "m=");
    const auto iterations = take_parameter(rest, ",t=");
    if (!memory_kib || !iterations || !rest.starts_with(",p=")) return std::nullopt;
    if (*memory_kib > crypto_pwhash_argon2id_MEMLIMIT_MAX / 1024 ||
        *iterations > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
        return std::nullopt;
    }
    return Argon2Cost{*memory_kib, *iterations};
}

// Argon2id takes tens of milliseconds of CPU: on an I/O thread it would stall every connection
// that thread serves. Routes that hash are registered as blocking (the worker pool, sized to the
// cores); this makes a route that is not fail loudly in the tests instead of slowly in production.
void refuse_io_thread() {
    if (http::on_io_thread()) throw std::logic_error("Argon2id must not run on an I/O thread");
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
    refuse_io_thread();
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_argon2id_str(out.data(), password.data(), password.size(), iterations_,
                                   static_cast<std::size_t>(memory_bytes_)) != 0) {
        throw std::runtime_error("Argon2id could not allocate its memory");
    }
    return std::string(out.data());
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
    refuse_io_thread();
    bool matches = false;
    // libsodium wants a NUL-terminated string of bounded length.
    if (encoded.size() < crypto_pwhash_STRBYTES) {
        std::array<char, crypto_pwhash_STRBYTES> buffer{};
        encoded.copy(buffer.data(), encoded.size());
        matches =
            crypto_pwhash_argon2id_str_verify(buffer.data(), password.data(), password.size()) == 0;
    }
    spend_remaining_cost(encoded, password);
    return matches;
}

// An unknown email costs a verify at the configured cost (verify_dummy). A stored hash made at a
// lower cost, before an operator raised argon2_memory_kib or argon2_iterations, would answer a
// wrong password sooner and so tell that the account exists (CWE-208); the rest of the configured
// work is spent here, as one more Argon2id run of the configured passes over the missing memory,
// so every failed check costs what the configured cost costs. The hash itself is upgraded at its
// owner's next successful login (AccountService::check_password).
//
// A stored hash made at a higher cost (the operator lowered it) cannot be checked for less than
// it costs, so such an account still answers a wrong password more slowly than an unknown email
// until its owner logs in and the hash is remade at the configured cost. Unknown emails are not
// charged the highest stored cost instead: that cost is unknown without reading every user, and
// charging it would undo what the cost was lowered for. Lowering the cost is documented as
// revealing the accounts that predate it (docs/http-api.md, "Password hash cost").
void PasswordHasher::spend_remaining_cost(std::string_view encoded,
                                          std::string_view password) const {
    const Argon2Cost configured{memory_bytes_ / 1024, iterations_};
    const Argon2Cost done = verified_cost(encoded).value_or(Argon2Cost{});
    if (done.blocks() >= configured.blocks()) return;
    const std::uint64_t missing_kib =
        (configured.blocks() - done.blocks() + iterations_ - 1) / iterations_;
    const std::uint64_t memory_bytes =
        std::max<std::uint64_t>(missing_kib * 1024, crypto_pwhash_argon2id_MEMLIMIT_MIN);
    std::array<unsigned char, crypto_pwhash_argon2id_SALTBYTES> salt{};
    randombytes_buf(salt.data(), salt.size());
    std::array<unsigned char, 32> out{};
    // The result is thrown away: the point is the time spent.
    if (crypto_pwhash_argon2id(out.data(), out.size(), password.data(), password.size(),
                               salt.data(), iterations_, static_cast<std::size_t>(memory_bytes),
                               crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("Argon2id could not allocate its memory");
    }
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
