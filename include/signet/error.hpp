// Errors as values: every failure of the library has a named code (Errc), a human message, and
// a std::error_category so callers can map codes onto their own transport (RFC 6750 for HTTP).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace signet {

// One flat list. Names read like sentences in logs: "expired", "bad_signature".
enum class Errc : int {
    ok = 0,
    malformed,               // not a compact JWS/JWT: segment count, empty header, stray bytes
    bad_base64,              // not strict base64url (RFC 7515 §2, RFC 4648 §5)
    bad_json,                // not JSON, not an object where one is required, invalid UTF-8
    duplicate_member,        // a JSON object repeats a member name (RFC 7515 §5.2 step 4)
    json_too_deep,           // JSON nesting beyond the configured depth
    token_too_large,         // input beyond the configured size limit
    unsupported_alg,         // "alg" names no algorithm this library implements
    alg_not_allowed,         // "alg" is not in the verifier's allow-list (includes "none")
    key_not_found,           // no key with this "kid", or no key fits the algorithm
    ambiguous_key_set,       // a key set with duplicate "kid" or mixed symmetric/asymmetric keys
    key_alg_mismatch,        // the key is not bound to, or not of a type for, this algorithm
    key_use_mismatch,        // "use"/"key_ops" of the key forbid this operation
    invalid_key,             // key material is malformed or inconsistent (point off curve, ...)
    weak_key,                // key too small: RSA < 2048 bits, HMAC key shorter than the hash
    unsupported_key,         // key type or curve this library does not implement
    bad_signature,           // the signature does not verify
    unsupported_crit,        // "crit" lists a name we do not understand, or is malformed
    unencoded_payload,       // "b64": false where it is not permitted (never for JWTs)
    bad_header,              // a header member has the wrong type ("kid" not a string, ...)
    bad_typ,                 // "typ" differs from the expected type
    expired,                 // now >= exp + leeway (RFC 7519 §4.1.4)
    not_yet_valid,           // now + leeway < nbf (RFC 7519 §4.1.5)
    issued_in_future,        // iat after now + leeway, checked when a max age is set
    token_too_old,           // now - iat beyond the maximum token age
    bad_issuer,              // iss differs from every accepted issuer
    bad_audience,            // aud does not contain an accepted audience
    missing_claim,           // a required claim is absent
    bad_claim_type,          // a registered claim has the wrong JSON type
    invalid_argument,        // a caller passed something unusable (empty allow-list, ...)
    crypto_failure,          // the crypto backend failed for a reason outside the input
    unsupported_enc,         // "enc" names no content encryption this library implements
    enc_not_allowed,         // "enc" is not in the decrypter's allow-list
    decryption_failed,       // JWE key unwrap or content decryption failed (one error for all)
    invalid_epk,             // ECDH-ES "epk" missing, malformed, off the curve or on another curve
    pbes2_limit,             // PBES2 "p2c" outside [1000, limit] or "p2s" shorter than 8 bytes
    unsupported_zip,         // "zip" other than "DEF", or outside the protected header
    decompression_failed,    // the DEFLATE stream is invalid
    decompressed_too_large,  // inflating would exceed the configured limit (a zip bomb)
    not_encrypted,           // a verifier that requires nested (encrypted) JWTs got a plain JWS
    keys_unavailable,        // a key source holds no usable key set (never fetched, or too stale)
    fetch_failed,            // fetching a remote document failed: network, TLS, HTTP status, size
    bad_document,            // a fetched JWKS or discovery document is unusable
};

// The snake_case name of a code, e.g. "bad_signature". Stable: used in CLI output and HTTP bodies.
std::string_view to_string(Errc code) noexcept;

const std::error_category& error_category() noexcept;
std::error_code make_error_code(Errc code) noexcept;

// A failure: its code plus a precise message. Messages never contain key material.
class Error {
  public:
    Error() = default;
    Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

    Errc code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    // "<code>: <message>", the form the CLI prints.
    std::string to_string() const;

  private:
    Errc code_ = Errc::ok;
    std::string message_;
};

// Thrown only by Result::value() on an error, for callers that prefer exceptions.
class Exception : public std::runtime_error {
  public:
    explicit Exception(Error error);
    const Error& error() const noexcept { return error_; }

  private:
    Error error_;
};

// A value or an Error (std::expected is C++23; this is the subset we need).
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}
    Result(Errc code, std::string message)
        : state_(std::in_place_index<1>, Error(code, std::move(message))) {}

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & {
        if (!ok()) throw Exception(error());
        return std::get<0>(state_);
    }
    const T& value() const& {
        if (!ok()) throw Exception(error());
        return std::get<0>(state_);
    }
    T&& value() && {
        if (!ok()) throw Exception(error());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return std::get<0>(state_); }
    const T& operator*() const& { return std::get<0>(state_); }
    T&& operator*() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &std::get<0>(state_); }
    const T* operator->() const { return &std::get<0>(state_); }

    const Error& error() const& { return std::get<1>(state_); }
    Error&& error() && { return std::get<1>(std::move(state_)); }
    Errc code() const noexcept { return ok() ? Errc::ok : std::get<1>(state_).code(); }

  private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}
    Result(Errc code, std::string message) : error_(code, std::move(message)) {}

    bool ok() const noexcept { return error_.code() == Errc::ok; }
    explicit operator bool() const noexcept { return ok(); }
    void value() const {
        if (!ok()) throw Exception(error_);
    }
    const Error& error() const& { return error_; }
    Error&& error() && { return std::move(error_); }
    Errc code() const noexcept { return error_.code(); }

  private:
    Error error_;
};

}  // namespace signet

template <>
struct std::is_error_code_enum<signet::Errc> : std::true_type {};
