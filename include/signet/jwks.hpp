// JWK Sets (RFC 7517 §5): the key set a Verifier selects from, by "kid" (RFC 7515 §4.1.4).
// A set is rejected when it is ambiguous: two keys share a "kid", or symmetric and asymmetric keys
// are mixed (a verifier that holds both invites algorithm-confusion mistakes, RFC 8725 §2.1).
// A KeySource hands a Verifier the set to use now, for keys that change while it runs.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "signet/error.hpp"
#include "signet/jwk.hpp"

namespace signet {

// How a key is written as text.
enum class KeyTextFormat { pem, jwk, jwks };
// PEM when the text starts with "-----BEGIN" (after leading whitespace), a JWK Set when it is a
// JSON object with a "keys" member, otherwise a JWK (whose parser then reports what is wrong).
KeyTextFormat detect_key_text_format(std::string_view text);

class KeySet {
  public:
    KeySet() = default;

    // {"keys":[...]}. Keys whose "kty" or "crv" this library does not implement are skipped
    // (RFC 7517 §5: "SHOULD ignore"); any other invalid key fails the whole set.
    static Result<KeySet> parse(std::string_view json);
    static Result<KeySet> from_json(const boost::json::object& json);
    // A set of given keys; fails when they are ambiguous (see above).
    static Result<KeySet> from_keys(std::vector<Jwk> keys);
    // The keys in `text` in whichever form a user pastes them: a JWK Set, a single JWK or a PEM
    // key (detect_key_text_format); a single key becomes a set of one.
    static Result<KeySet> parse_any(std::string_view text);

    Result<void> add(Jwk key);

    const std::vector<Jwk>& keys() const noexcept { return keys_; }
    std::size_t size() const noexcept { return keys_.size(); }
    bool empty() const noexcept { return keys_.empty(); }
    auto begin() const noexcept { return keys_.begin(); }
    auto end() const noexcept { return keys_.end(); }

    // The key with this "kid", or nullptr.
    const Jwk* find(std::string_view kid) const noexcept;

    // The public halves of every key (fails if the set holds an oct key).
    Result<KeySet> public_keys() const;
    boost::json::object to_json(bool include_private = false) const;
    std::string to_json_string(bool include_private = false) const;

  private:
    void index_kid(std::size_t at);
    std::vector<Jwk> keys_;
    std::vector<std::uint32_t> by_kid_;  // indexes into keys_ of keys with a "kid", by "kid"
};

// Where a Verifier gets its keys when they may change: rotated by "kid" at an issuer, fetched
// from a JWKS URL (signet::RemoteJwks in jwks_client.hpp). Shared by every thread that verifies.
class KeySource {
  public:
    virtual ~KeySource() = default;

    // The set to verify with now. Never waits on I/O and takes no lock a refresh holds.
    // nullptr when there is no usable set (never loaded, or stale beyond its limit); the
    // Verifier then fails with keys_unavailable.
    virtual std::shared_ptr<const KeySet> current() const = 0;

    // A token named `kid` and current() holds no key with it. The source may refresh, as often
    // as its own policy allows, and returns the set to retry with: nullptr when it has nothing
    // newer. May wait for a fetch; never call it while holding a lock others verify under.
    virtual std::shared_ptr<const KeySet> refresh_for_kid(std::string_view kid) = 0;
};

// A fixed set as a KeySource: what a Verifier built from VerifierOptions::keys uses.
class StaticKeySource final : public KeySource {
  public:
    explicit StaticKeySource(KeySet keys)
        : keys_(std::make_shared<const KeySet>(std::move(keys))) {}
    std::shared_ptr<const KeySet> current() const override { return keys_; }
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view) override { return nullptr; }

  private:
    std::shared_ptr<const KeySet> keys_;
};

// Resolves a key from the protected header of a token whose "kid" the verifier's keys do not
// hold. Installing one is how a caller opts in to "jwk", "jku", "x5u" or "x5c" (RFC 8725 §3.10):
// the resolver owns that trust decision. The returned key must still allow the token's algorithm.
// A KeySource, which sees only the "kid", is the right tool for keys published by an issuer.
using KeyResolver = std::function<Result<Jwk>(const boost::json::object& header)>;

}  // namespace signet
