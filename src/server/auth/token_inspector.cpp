// The token inspector: the library's Verifier with the caller's rules.
#include "server/auth/token_inspector.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <string>
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

// Pasted keys are public keys or HMAC secrets, a few at most. A private RSA, EC or OKP key is
// refused before it is parsed: importing one checks it with a private-key operation, which for a
// large RSA key without CRT values costs seconds of a worker thread.
constexpr std::size_t kMaxPastedKeys = 16;
constexpr std::size_t kMaxRsaModulusChars = 1366;  // base64url of 8192 bits
constexpr std::string_view kPrivateMembers[] = {"d", "p", "q", "dp", "dq", "qi", "oth"};

std::optional<InspectResult> refuse_costly_key(std::string_view text) {
    const auto refuse = [](std::string message) {
        return std::optional<InspectResult>(failure("invalid_key", "the pasted key: " + message));
    };
    if (detect_key_text_format(text) == KeyTextFormat::pem) {
        if (text.find("PRIVATE KEY") != std::string_view::npos) {
            return refuse("a private key; paste its public key, the inspector never takes one");
        }
        return std::nullopt;
    }
    boost::json::error_code ec;
    const boost::json::value json = boost::json::parse(text, ec);
    if (ec || !json.is_object()) return std::nullopt;  // the key parser names what is wrong
    const boost::json::object& object = json.get_object();
    std::vector<const boost::json::object*> keys;
    if (const boost::json::value* set = object.if_contains("keys"); set && set->is_array()) {
        if (set->get_array().size() > kMaxPastedKeys) {
            return refuse("more than " + std::to_string(kMaxPastedKeys) + " keys");
        }
        for (const boost::json::value& key : set->get_array()) {
            if (key.is_object()) keys.push_back(&key.get_object());
        }
    } else {
        keys.push_back(&object);
    }
    for (const boost::json::object* key : keys) {
        const boost::json::value* kty = key->if_contains("kty");
        if (kty && kty->is_string() && kty->get_string() == "oct") continue;
        for (std::string_view member : kPrivateMembers) {
            if (key->contains(member)) {
                return refuse("a private key; paste its public key, the inspector never takes one");
            }
        }
        const boost::json::value* n = key->if_contains("n");
        if (n && n->is_string() && n->get_string().size() > kMaxRsaModulusChars) {
            return refuse("an RSA key above 8192 bits");
        }
    }
    return std::nullopt;
}

}  // namespace

std::shared_ptr<const KeySet> TokenInspector::published_keys() const {
    const std::shared_ptr<const KeySnapshot> snapshot = keys_.snapshot();
    std::lock_guard lock(mutex_);
    if (!parsed_ || parsed_generation_ != snapshot->generation) {
        Result<KeySet> keys = KeySet::parse(snapshot->jwks_json);
        parsed_ = keys ? std::make_shared<const KeySet>(std::move(*keys)) : nullptr;
        parsed_generation_ = snapshot->generation;
    }
    return parsed_;
}

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

    if (request.key) {
        if (auto refused = refuse_costly_key(*request.key)) return std::move(*refused);
        Result<KeySet> keys = KeySet::parse_any(*request.key);
        if (!keys) return failure(keys.error(), "the pasted key: ");
        if (keys->empty())
            return failure("key_not_found", "the pasted key set holds no usable key");
        options.keys = std::move(*keys);
    } else {
        const std::shared_ptr<const KeySet> published = published_keys();
        if (!published || published->empty()) {
            return failure("key_not_found",
                           "this server signs with an HMAC secret, which it never publishes; "
                           "paste the key to verify with");
        }
        options.keys = *published;
    }
    // Without an algorithm, Verifier::create refuses a key that has no "alg" (RFC 8725 §3.1).
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
