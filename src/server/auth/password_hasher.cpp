// Argon2id through the reference library's argon2id_ctx, whose allocate/free callbacks let each
// thread keep its Argon2 memory between hashes: libsodium maps and the kernel zeroes 19 MiB per
// hash, which cost about as much CPU as the hash itself. The encoded string is read and written
// here, in the exact form libsodium's crypto_pwhash_str uses, so hashes of either verify with the
// other; libsodium still gives the salt (its CSPRNG), the base64 and the constant-time compare.
#include "server/auth/password_hasher.hpp"
#include "server/http/io_thread.hpp"

#include <argon2.h>
#include <sodium.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>

namespace signet::server {
namespace {

// What libsodium's crypto_pwhash_str writes: a 16-byte salt, a 32-byte hash, and a string shorter
// than crypto_pwhash_STRBYTES (128), which is also the longest one it reads.
constexpr std::size_t kSaltBytes = crypto_pwhash_argon2id_SALTBYTES;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxEncoded = crypto_pwhash_STRBYTES;
// What is read: libsodium's bounds (a hash of 16 bytes or more, RFC 9106's salt of 8 or more).
constexpr std::size_t kMinSaltBytes = 8;
constexpr std::size_t kMinHashBytes = crypto_pwhash_BYTES_MIN;
constexpr std::size_t kMaxDecoded = 96;  // more than fits in kMaxEncoded characters
// Argon2id's own bounds (RFC 9106 §3.1): at least 8 KiB, and the counts are 32-bit.
constexpr std::uint64_t kMinMemoryKib = ARGON2_MIN_MEMORY;
constexpr std::uint64_t kMaxCost = std::numeric_limits<std::uint32_t>::max();

void ensure_sodium() {
    static const int initialized = sodium_init();
    if (initialized < 0) throw std::runtime_error("libsodium could not be initialized");
}

// The Argon2 memory of one thread, handed to the library by the allocate/free callbacks, which
// take no user pointer, hence thread_local. One buffer of up to `keep_limit` bytes is kept and
// reused; a larger request (a hash made at a higher cost than the configured one) gets a mapping
// of its own, unmapped after use, so one old expensive hash cannot pin its memory to a worker.
// Every buffer is wiped before it is reused or unmapped: it held a function of the password.
class ThreadArena {
  public:
    ThreadArena() = default;
    ThreadArena(const ThreadArena&) = delete;
    ThreadArena& operator=(const ThreadArena&) = delete;
    ~ThreadArena() { release(); }

    // Set by each hash before it runs: the configured cost's memory.
    std::size_t keep_limit = 0;

    std::uint8_t* take(std::size_t bytes) {
        if (in_use_ || bytes > keep_limit) return map(bytes);  // in_use_: not reentrant, but safe
        if (bytes > size_) {
            release();
            data_ = map(bytes);
            if (data_ == nullptr) return nullptr;
            size_ = bytes;
        }
        in_use_ = true;
        return data_;
    }

    void give_back(std::uint8_t* memory, std::size_t bytes) {
        wipe(memory, bytes);
        if (memory == data_ && in_use_) {
            in_use_ = false;
        } else {
            unmap(memory, bytes);
        }
    }

    void release() {
        if (data_ == nullptr || in_use_) return;
        unmap(data_, size_);  // wiped when it was given back
        data_ = nullptr;
        size_ = 0;
    }

    std::size_t size() const noexcept { return size_; }

    bool is_wiped() const noexcept {
        if (data_ == nullptr) return true;
        return std::all_of(data_, data_ + size_, [](std::uint8_t b) { return b == 0; });
    }

  private:
    // The reference library wipes the memory itself before it hands it back (core.c's
    // free_memory, clear_internal_memory), so a second pass here would cost another 2 ms of a
    // 35 ms hash for nothing. That is checked, not assumed: the first buffer the process gets
    // back is read whole, and if it is not all zeros every buffer is wiped here from then on.
    static void wipe(std::uint8_t* memory, std::size_t bytes) {
        static std::atomic<int> library_wipes{-1};  // -1: not checked yet
        int known = library_wipes.load(std::memory_order_relaxed);
        if (known < 0) {
            known = std::all_of(memory, memory + bytes, [](std::uint8_t b) { return b == 0; }) ? 1
                                                                                                 : 0;
            library_wipes.store(known, std::memory_order_relaxed);
        }
        if (known == 0) sodium_memzero(memory, bytes);
    }

    static std::size_t rounded(std::size_t bytes) {
        static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        return (bytes + page - 1) / page * page;
    }

    // Anonymous pages of their own rather than the heap: page-aligned, returned to the system
    // when unmapped, and left out of core dumps.
    static std::uint8_t* map(std::size_t bytes) {
        void* memory = ::mmap(nullptr, rounded(bytes), PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) return nullptr;
#ifdef MADV_DONTDUMP
        ::madvise(memory, rounded(bytes), MADV_DONTDUMP);
#endif
        return static_cast<std::uint8_t*>(memory);
    }

    static void unmap(std::uint8_t* memory, std::size_t bytes) { ::munmap(memory, rounded(bytes)); }

    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    bool in_use_ = false;
};

thread_local ThreadArena arena;

int allocate_from_arena(std::uint8_t** memory, std::size_t bytes) {
    *memory = arena.take(bytes);
    return *memory != nullptr ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}

void free_to_arena(std::uint8_t* memory, std::size_t bytes) {
    arena.give_back(memory, bytes);
}

// One Argon2id computation of `out.size()` bytes. ARGON2_OK, or the library's error; one thread
// (lanes are filled in turn on the calling thread, which is a worker).
int argon2id(std::span<std::uint8_t> out, std::string_view password,
             std::span<const std::uint8_t> salt, std::uint32_t memory_kib,
             std::uint32_t iterations, std::uint32_t lanes, std::size_t keep_bytes) {
    arena.keep_limit = keep_bytes;
    argon2_context context{};
    context.out = out.data();
    context.outlen = static_cast<std::uint32_t>(out.size());
    // The library does not write to the password or the salt without ARGON2_FLAG_CLEAR_PASSWORD.
    context.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data()));
    context.pwdlen = static_cast<std::uint32_t>(password.size());
    context.salt = const_cast<std::uint8_t*>(salt.data());
    context.saltlen = static_cast<std::uint32_t>(salt.size());
    context.t_cost = iterations;
    context.m_cost = memory_kib;
    context.lanes = lanes;
    context.threads = 1;
    context.version = ARGON2_VERSION_13;
    context.allocate_cbk = allocate_from_arena;
    context.free_cbk = free_to_arena;
    context.flags = ARGON2_DEFAULT_FLAGS;
    if (password.size() > ARGON2_MAX_PWD_LENGTH) return ARGON2_PWD_TOO_LONG;
    return argon2id_ctx(&context);
}

// Reads `<name><digits>` at the front of `text` into a 32-bit count and moves past it.
std::optional<std::uint32_t> take_parameter(std::string_view& text, std::string_view name) {
    if (!text.starts_with(name)) return std::nullopt;
    text.remove_prefix(name.size());
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

bool take_base64(std::string_view text, std::array<std::uint8_t, kMaxDecoded>& out,
                 std::size_t& length) {
    const char* end = nullptr;
    return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length,
                             &end, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
           end == text.data() + text.size();
}

void put_base64(std::string& out, std::span<const std::uint8_t> bytes) {
    std::array<char, kMaxDecoded * 2> buffer{};
    sodium_bin2base64(buffer.data(), buffer.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out.append(buffer.data());
}

// "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>", base64 without padding: the form
// of RFC 9106's reference implementation, which libsodium reads and writes.
struct EncodedHash {
    std::uint32_t memory_kib = 0;
    std::uint32_t iterations = 0;
    std::uint32_t lanes = 0;
    std::array<std::uint8_t, kMaxDecoded> salt{};
    std::size_t salt_size = 0;
    std::array<std::uint8_t, kMaxDecoded> hash{};
    std::size_t hash_size = 0;

    // The work of the computation in KiB blocks filled: memory times passes, which its time is
    // proportional to (RFC 9106 §3.2: each pass fills every block once).
    std::uint64_t blocks() const { return std::uint64_t{memory_kib} * iterations; }
};

// nullopt for anything libsodium's crypto_pwhash_str_verify refuses before hashing: another
// algorithm or version, a missing or out-of-range cost, bad base64, too short a salt or hash.
// Those cost nothing to refuse.
std::optional<EncodedHash> decode(std::string_view encoded) {
    constexpr std::string_view kPrefix = "$argon2id$v=19$";
    if (encoded.size() >= kMaxEncoded || !encoded.starts_with(kPrefix)) return std::nullopt;
    std::string_view rest = encoded.substr(kPrefix.size());
    EncodedHash out;
    const auto memory_kib = take_parameter(rest, "m=");
    const auto iterations = take_parameter(rest, ",t=");
    const auto lanes = take_parameter(rest, ",p=");
    if (!memory_kib || !iterations || !lanes || !rest.starts_with('$')) return std::nullopt;
    if (*iterations < 1 || *lanes < ARGON2_MIN_LANES || *lanes > ARGON2_MAX_LANES ||
        *memory_kib < std::max<std::uint64_t>(kMinMemoryKib, 8ull * *lanes)) {
        return std::nullopt;
    }
    out.memory_kib = *memory_kib;
    out.iterations = *iterations;
    out.lanes = *lanes;
    rest.remove_prefix(1);
    const auto dollar = rest.find('$');
    if (dollar == std::string_view::npos) return std::nullopt;
    if (!take_base64(rest.substr(0, dollar), out.salt, out.salt_size) ||
        !take_base64(rest.substr(dollar + 1), out.hash, out.hash_size)) {
        return std::nullopt;
    }
    if (out.salt_size < kMinSaltBytes || out.hash_size < kMinHashBytes) return std::nullopt;
    return out;
}

// Argon2id takes tens of milliseconds of CPU: on an I/O thread it would stall every connection
// that thread serves. Routes that hash are registered as blocking (the worker pool, sized to the
// cores); this makes a route that is not fail loudly in the tests instead of slowly in production.
void refuse_io_thread() {
    if (http::on_io_thread()) throw std::logic_error("Argon2id must not run on an I/O thread");
}

[[noreturn]] void throw_argon2(int status) {
    throw std::runtime_error(status == ARGON2_MEMORY_ALLOCATION_ERROR
                                 ? "Argon2id could not allocate its memory"
                                 : std::string("Argon2id failed: ") + argon2_error_message(status));
}

}  // namespace

PasswordHasher::PasswordHasher(std::uint64_t memory_kib, std::uint64_t iterations)
    : memory_kib_(memory_kib), iterations_(iterations) {
    ensure_sodium();
    if (memory_kib_ < kMinMemoryKib || memory_kib_ > kMaxCost) {
        throw std::invalid_argument("argon2_memory_kib is outside Argon2id's bounds");
    }
    if (iterations_ < 1 || iterations_ > kMaxCost) {
        throw std::invalid_argument("argon2_iterations is outside Argon2id's bounds");
    }
    // A hash of a random password with the current cost: verifying an unknown user's password
    // against it costs exactly what a real verify costs.
    std::array<unsigned char, 32> random{};
    randombytes_buf(random.data(), random.size());
    dummy_hash_ =
        hash(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    // This thread (the one that starts the server or runs a CLI command) hashes no more.
    arena.release();
}

std::string PasswordHasher::hash(std::string_view password) const {
    refuse_io_thread();
    std::array<std::uint8_t, kSaltBytes> salt{};
    randombytes_buf(salt.data(), salt.size());
    std::array<std::uint8_t, kHashBytes> digest{};
    const int status = argon2id(digest, password, salt, static_cast<std::uint32_t>(memory_kib_),
                                static_cast<std::uint32_t>(iterations_), 1, memory_kib_ * 1024);
    if (status != ARGON2_OK) throw_argon2(status);
    std::array<char, 64> parameters{};
    const int n = std::snprintf(parameters.data(), parameters.size(),
                                "$argon2id$v=19$m=%u,t=%u,p=1$",
                                static_cast<unsigned>(memory_kib_),
                                static_cast<unsigned>(iterations_));
    std::string encoded(parameters.data(), static_cast<std::size_t>(n));
    put_base64(encoded, salt);
    encoded.push_back('$');
    put_base64(encoded, digest);
    sodium_memzero(digest.data(), digest.size());
    return encoded;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
    refuse_io_thread();
    bool matches = false;
    const auto parsed = decode(encoded);
    if (parsed) {
        std::array<std::uint8_t, kMaxDecoded> computed{};
        const int status = argon2id(std::span(computed.data(), parsed->hash_size), password,
                                    std::span(parsed->salt.data(), parsed->salt_size),
                                    parsed->memory_kib, parsed->iterations, parsed->lanes,
                                    memory_kib_ * 1024);
        if (status == ARGON2_MEMORY_ALLOCATION_ERROR) throw_argon2(status);
        // Constant time in the content (the length is the stored hash's, not a secret).
        matches = status == ARGON2_OK &&
                  sodium_memcmp(computed.data(), parsed->hash.data(), parsed->hash_size) == 0;
        sodium_memzero(computed.data(), computed.size());
    }
    spend_remaining_cost(parsed ? parsed->blocks() : 0, password);
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
void PasswordHasher::spend_remaining_cost(std::uint64_t done, std::string_view password) const {
    const std::uint64_t configured = memory_kib_ * iterations_;
    if (done >= configured) return;
    const std::uint64_t missing_kib = (configured - done + iterations_ - 1) / iterations_;
    const auto memory_kib =
        static_cast<std::uint32_t>(std::clamp<std::uint64_t>(missing_kib, kMinMemoryKib, kMaxCost));
    std::array<std::uint8_t, kSaltBytes> salt{};
    randombytes_buf(salt.data(), salt.size());
    std::array<std::uint8_t, kHashBytes> out{};
    // The result is thrown away: the point is the time spent.
    const int status = argon2id(out, password, salt, memory_kib,
                                static_cast<std::uint32_t>(iterations_), 1, memory_kib_ * 1024);
    if (status != ARGON2_OK) throw_argon2(status);
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
    const auto parsed = decode(encoded);
    return !parsed || parsed->memory_kib != memory_kib_ || parsed->iterations != iterations_ ||
           parsed->lanes != 1 || parsed->salt_size != kSaltBytes ||
           parsed->hash_size != kHashBytes;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
    // The result is ignored: the point is the time spent.
    static_cast<void>(verify(dummy_hash_, password));
}

std::size_t PasswordHasher::thread_buffer_bytes() noexcept {
    return arena.size();
}

bool PasswordHasher::thread_buffer_is_wiped() noexcept {
    return arena.is_wiped();
}

}  // namespace signet::server
