// The steps of compact JWS verification (RFC 7515 §5.2), shared by jws::verify and Verifier so
// that both take the same one-pass route: split, decode and parse the header once, check "alg"
// against the allow-list, select the key, verify over the original bytes.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"
#include "signet/jwe.hpp"
#include "signet/jwks.hpp"
#include "signet/jws.hpp"

namespace signet::detail {

struct JwsParts {
    std::string_view header;     // base64url
    std::string_view payload;    // base64url (or raw with "b64": false)
    std::string_view signature;  // base64url
    std::string_view signing_input;
};

// token_too_large when `size` bytes of `what` exceed limits.max_token_size.
Result<void> check_token_size(std::size_t size, const ParseLimits& limits, std::string_view what);

// Exactly three segments (RFC 7515 §7.1), within the size limit.
Result<JwsParts> split_compact(std::string_view token, const ParseLimits& limits);

// At most limits.max_header_members members.
Result<void> check_header_size(const boost::json::object& header, const ParseLimits& limits);

// Decodes and strictly parses the header into `out` using `sp`; `scratch` holds the decoded bytes.
Result<void> parse_header(std::string_view header_b64, const ParseLimits& limits,
                          boost::json::storage_ptr sp, std::string& scratch,
                          boost::json::object& out);

struct HeaderInfo {
    std::string_view alg;  // as written
    std::optional<std::string_view> kid;
    bool unencoded = false;  // "b64": false (RFC 7797)
};

// "crit" (RFC 7515 §4.1.11): a non-empty array of distinct, unregistered names, each understood
// and present in `header`. Returns whether "b64" is among them.
Result<bool> check_crit(const boost::json::object& header,
                        std::span<const std::string> understood_crit, bool b64_understood);

// Member types, "crit" (RFC 7515 §4.1.11) and "b64" (RFC 7797 §3, §6).
Result<HeaderInfo> check_header(const boost::json::object& header,
                                std::span<const std::string> understood_crit, bool allow_unencoded);

// The named algorithm, if it is implemented and allowed. "none" is never allowed here.
Result<Algorithm> check_alg(std::string_view name, std::span<const Algorithm> allowed);

// Selects the key (by "kid", else every key that fits) and verifies the signature. With
// `key_alg_required` a key qualifies only when its own "alg" names `alg` (no allow-list was
// given, so the key's binding is the allow-list, RFC 8725 §3.1).
Result<void> verify_signature(Algorithm alg, const HeaderInfo& info,
                              const boost::json::object& header, std::string_view signing_input,
                              std::string_view signature, const KeySet& keys,
                              const KeyResolver* resolver, bool key_alg_required = false);

// Scratch buffers of the calling thread, reused across verifications. A verification that starts
// while another is under way on the same thread (from inside a KeySource, say) gets a set of its
// own, so neither overwrites bytes the other still reads.
class ThreadScratch {
  public:
    static constexpr std::size_t kSlots = 3;
    struct Set {
        std::array<std::string, kSlots> strings;
        DecryptedCompactJwe decrypted;  // the JWE around a nested JWT
    };
    ThreadScratch();
    ~ThreadScratch();
    ThreadScratch(const ThreadScratch&) = delete;
    ThreadScratch& operator=(const ThreadScratch&) = delete;
    std::string& operator[](std::size_t slot) noexcept { return set_->strings[slot]; }
    DecryptedCompactJwe& decrypted() noexcept { return set_->decrypted; }

  private:
    Set* set_;
};

}  // namespace signet::detail
