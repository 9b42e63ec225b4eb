// JWS compact serialization (RFC 7515 §7.1): parse once, sign, and verify against a key set with
// an algorithm allow-list. "crit" (§4.1.11) is honoured; the unencoded payload option of RFC 7797
// is supported for detached content only. Unsecured JWS ("alg":"none", RFC 7519 §6) lives in
// namespace signet::unsafe and is never reached by the normal API.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace signet {

inline constexpr std::size_t kDefaultMaxTokenSize = 64 * 1024;
inline constexpr std::size_t kDefaultMaxJsonDepth = 16;

struct ParseLimits {
    std::size_t max_token_size = kDefaultMaxTokenSize;
    std::size_t max_json_depth = kDefaultMaxJsonDepth;
};

// A parsed compact JWS: the decoded header, and views into the token for the rest.
// The token text must outlive the object.
class CompactJws {
  public:
    static Result<CompactJws> parse(std::string_view token, const ParseLimits& limits = {});

    const boost::json::object& header() const noexcept { return header_; }
    std::string_view alg_name() const noexcept;  // "" when absent or not a string
    std::string_view kid() const noexcept;       // "" when absent
    std::string_view signing_input() const noexcept { return signing_input_; }
    std::string_view encoded_payload() const noexcept { return encoded_payload_; }
    std::string_view encoded_signature() const noexcept { return encoded_signature_; }
    // The decoded payload (the payload itself when "b64" is false).
    Result<std::string> payload() const;

  private:
    boost::json::object header_;
    std::string_view signing_input_;
    std::string_view encoded_payload_;
    std::string_view encoded_signature_;
    bool unencoded_ = false;
};

struct JwsSignOptions {
    boost::json::object header;  // extra protected header members ("typ", "cty", ...)
    bool include_kid = true;     // write the key's "kid" when it has one
};

struct JwsVerifyOptions {
    std::vector<Algorithm> algorithms;  // required: the allow-list
    ParseLimits limits;
    std::vector<std::string> understood_crit;  // extension names the caller processes itself
};

namespace jws {

// Compact JWS of `payload` signed with `key` (which must allow `alg` for signing).
Result<std::string> sign(std::string_view payload, const Jwk& key, Algorithm alg,
                         const JwsSignOptions& options = {});
// Verifies and returns the payload bytes. Key chosen by "kid", else every key that fits "alg".
Result<std::string> verify(std::string_view token, const KeySet& keys,
                           const JwsVerifyOptions& options);

// RFC 7797 detached, unencoded payload: the result is "header..signature" and the payload travels
// separately. The header carries "b64": false and "crit": ["b64"].
Result<std::string> sign_detached_unencoded(std::string_view payload, const Jwk& key, Algorithm alg,
                                            const JwsSignOptions& options = {});
Result<void> verify_detached_unencoded(std::string_view detached_token, std::string_view payload,
                                       const KeySet& keys, const JwsVerifyOptions& options);

}  // namespace jws

namespace unsafe {
// Unsecured JWS (RFC 7515 Appendix A.5). Anyone can forge these; never use them for authentication.
Result<std::string> sign_unsecured_jws(std::string_view payload,
                                       const boost::json::object& extra_header = {});
// Accepts only "alg":"none" with an empty signature and returns the payload.
Result<std::string> verify_unsecured_jws(std::string_view token, const ParseLimits& limits = {});
}  // namespace unsafe

}  // namespace signet
