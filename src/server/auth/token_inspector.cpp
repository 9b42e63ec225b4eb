// The token inspector: the library's Verifier with the caller's rules.
#include "server/auth/token_inspector.hpp"

#include <algorithm>
#include <utility>

#include "signet/jwks.hpp"
#include "signet/jwt.hpp"

namespace signet::server {
namespace {

InspectResult failure(std::string code, std::string message) {
    InspectResult result;
    result.code = std::move(code);
    result.message = std::move(message);
    return result;
}

InspectResult failure(const Error& error, std::string_view context = {}) {
    return failure(std::string(to_string(error.code())), std::string(context) + error.message());
}

}  // namespace

InspectResult TokenInspector::inspect(const InspectRequest& request) const {
    // A compact JWE has five parts (RFC 7516 §7.1); its claims stay sealed without the key.
    if (std::count(request.token.begin(), request.token.end(), '.') == 4) {
        return failure("encrypted",
                       "a JWE (RFC 7516): its claims cannot be read or checked without the "
                       "decryption key, which the inspector never asks for");
    }

    VerifierOptions options;
    options.algorithms = request.algorithms;
    if (request.issuer) options.issuers = {std::string(*request.issuer)};
    if (request.audience) options.audiences = {std::string(*request.audience)};
    options.leeway = request.leeway;

    Result<KeySet> keys = [&]() -> Result<KeySet> {
        if (request.key) return KeySet::parse_any(*request.key);
        const std::string jwks = keys_.snapshot()->jwks_json;
        if (jwks.empty()) {
            return Error(Errc::key_not_found,
                         "this server signs with an HMAC secret, which it never publishes; paste "
                         "the key to verify with");
        }
        return KeySet::parse(jwks);
    }();
    if (!keys) return failure(keys.error(), request.key ? "the pasted key: " : "");
    if (keys->empty()) return failure("key_not_found", "the pasted key set holds no usable key");
    if (options.algorithms.empty() && std::none_of(keys->begin(), keys->end(), [](const Jwk& k) {
            return k.alg().has_value();
        })) {
        // RFC 8725 §3.1: the algorithm is never taken from the token being verified.
        return failure("invalid_argument",
                       "no algorithm allowed: the key has no \"alg\" member and no algorithm was "
                       "chosen; the algorithm is never guessed from the token");
    }
    options.keys = std::move(*keys);

    auto verifier = Verifier::create(std::move(options));
    if (!verifier) return failure(verifier.error());
    auto verified = verifier->verify_with_header(request.token);
    if (!verified) return failure(verified.error());
    InspectResult result;
    result.valid = true;
    result.header = verified->header;
    result.claims = verified->claims.json();
    return result;
}

}  // namespace signet::server
