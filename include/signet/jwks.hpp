// JWK Sets (RFC 7517 §5): the key set a Verifier selects from, by "kid" (RFC 7515 §4.1.4).
// A set is rejected when it is ambiguous: two keys share a "kid", or symmetric and asymmetric keys
// are mixed (a verifier that holds both invites algorithm-confusion mistakes, RFC 8725 §2.1).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "signet/error.hpp"
#include "signet/jwk.hpp"

namespace signet {

class KeySet {
  public:
    KeySet() = default;

    // {"keys":[...]}. Keys whose "kty" or "crv" this library does not implement are skipped
    // (RFC 7517 §5: "SHOULD ignore"); any other invalid key fails the whole set.
    static Result<KeySet> parse(std::string_view json);
    static Result<KeySet> from_json(const boost::json::object& json);
    // A set of given keys; fails when they are ambiguous (see above).
    static Result<KeySet> from_keys(std::vector<Jwk> keys);

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
    std::vector<Jwk> keys_;
};

}  // namespace signet
