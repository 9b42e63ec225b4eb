// JWS compact serialization (RFC 7515 §7.1): parse once, sign, and verify against a key set with
// an algorithm allow-list. "crit" (§4.1.11) is honoured; the unencoded payload option of RFC 7797
// is supported for detached content only. Unsecured JWS ("alg":"none", RFC 7519 §6) lives in
// namespace signet::unsafe and is never reached by the normal API.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <span>
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

inline constexpr std::size_t kDefaultMaxHeaderMembers = 64;

struct ParseLimits {
    std::size_t max_token_size = kDefaultMaxTokenSize;
    std::size_t max_json_depth = kDefaultMaxJsonDepth;
    // Members of a JWS or JWE protected header: real headers have a handful.
    std::size_t max_header_members = kDefaultMaxHeaderMembers;
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
    // JSON serialization: by default one valid signature suffices (RFC 7515 §7.2.1 leaves the
    // policy to the application); set this to require that every signature verifies.
    bool require_all_signatures = false;
};

// One signature of a JWS JSON serialization (RFC 7515 §7.2).
struct JwsJsonSigner {
    Jwk key;
    Algorithm alg;
    boost::json::object protected_header;  // beyond "alg" and "kid", which are added
    boost::json::object header;            // unprotected per-signature header
};

struct JwsJsonOptions {
    bool flattened = false;  // flattened syntax (exactly one signer, RFC 7515 §7.2.2)
    bool detached = false;   // omit "payload" (RFC 7515 Appendix F)
    bool unencoded = false;  // RFC 7797 "b64": false, listed in "crit" of every signature
};

struct JwsJsonVerified {
    std::string payload;
    std::vector<std::size_t> verified;                   // indexes of the signatures that verified
    std::vector<boost::json::object> protected_headers;  // per signature, in order
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

namespace jws {

// General (or flattened) JSON serialization with one signature per signer.
Result<boost::json::object> sign_json(std::string_view payload,
                                      std::span<const JwsJsonSigner> signers,
                                      const JwsJsonOptions& options = {});
// Verifies the general or flattened JSON serialization. Each signature's key is chosen by its
// "kid" (protected or unprotected) or else by fit, exactly as for compact tokens. Succeeds when at
// least one signature verifies, or all of them with require_all_signatures. For detached content
// pass the payload (raw bytes; encoded here unless "b64" is false).
Result<JwsJsonVerified> verify_json(
    std::string_view json, const KeySet& keys, const JwsVerifyOptions& options,
    std::optional<std::string_view> detached_payload = std::nullopt);

}  // namespace jws

namespace unsafe {
// Unsecured JWS (RFC 7515 Appendix A.5). Anyone can forge these; never use them for authentication.
Result<std::string> sign_unsecured_jws(std::string_view payload,
                                       const boost::json::object& extra_header = {});
// Accepts only "alg":"none" with an empty signature and returns the payload.
Result<std::string> verify_unsecured_jws(std::string_view token, const ParseLimits& limits = {});
}  // namespace unsafe

}  // namespace signet
