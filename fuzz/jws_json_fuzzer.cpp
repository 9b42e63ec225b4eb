// Fuzz target for the JWS JSON serialization (RFC 7515 §7.2, Appendix F, RFC 7797):
// jws::verify_json on arbitrary bytes with a small symmetric and a small asymmetric key set, with
// and without require_all_signatures and with a detached payload. Invariants: a result lists each
// signature that verified once, in order; "all" implies "any"; a compact token and the flattened
// JSON made of its three parts verify alike. Each input is also re-signed (every signature whose
// "alg" names a key we hold is recomputed over the input's own protected header and payload), so
// that mutated headers get past the signature: such a document never fails with bad_signature.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "jose/json_strict.hpp"
#include "signet/jws.hpp"
#include "signet/signature.hpp"

namespace {

namespace json = boost::json;
using namespace signet;
using namespace signet::fuzz;

// RFC 7520 §4.5: the detached content of the cookbook example.
constexpr std::string_view kDetachedPayload =
    "It\xe2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, and "
    "if you don't keep your feet, there\xe2\x80\x99s no knowing where you might be swept off to.";

struct Setup {
    KeySet symmetric =
        must_make_set({must_parse_key(keys::kHs256), must_parse_key(keys::kHs256Cookbook)});
    KeySet asymmetric = must_make_set({must_parse_key(keys::kRs256), must_parse_key(keys::kEs256),
                                       must_parse_key(keys::kEd25519)});
    JwsVerifyOptions any, all;
    Setup() {
        any.algorithms = {Algorithm::HS256, Algorithm::HS512, Algorithm::RS256,
                          Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA};
        any.understood_crit = {"signet-fuzz"};
        // The flattened JSON form of a compact token is longer than the token; neither may hit
        // the size limit when the two are compared.
        any.limits.max_token_size = 1 << 18;
        all = any;
        all.require_all_signatures = true;
    }
};

const Setup& setup() {
    static const Setup s;
    return s;
}

std::string code_name(Errc code) {
    return std::string(to_string(code));
}

// The shape of a successful result.
void check_verified(const JwsJsonVerified& v) {
    FUZZ_CHECK(!v.verified.empty());
    for (std::size_t i = 0; i < v.verified.size(); ++i) {
        FUZZ_CHECK(v.verified[i] < v.protected_headers.size());
        if (i > 0) FUZZ_CHECK(v.verified[i - 1] < v.verified[i]);
    }
}

void check_document(const Setup& s, std::string_view text) {
    for (const KeySet* keys : {&s.symmetric, &s.asymmetric}) {
        auto any = jws::verify_json(text, *keys, s.any);
        check_error(any);
        auto all = jws::verify_json(text, *keys, s.all);
        check_error(all);
        if (any) check_verified(*any);
        if (all) {
            check_verified(*all);
            FUZZ_CHECK_MSG(any.ok(),
                           "all signatures verified but not any: " + code_name(any.code()));
            FUZZ_CHECK(all->verified.size() == all->protected_headers.size());
            FUZZ_CHECK(any->verified == all->verified);
            FUZZ_CHECK(any->payload == all->payload);
        } else if (any) {
            FUZZ_CHECK(any->verified.size() < any->protected_headers.size());
        }
        auto detached = jws::verify_json(text, *keys, s.any, kDetachedPayload);
        check_error(detached);
        if (detached) {
            check_verified(*detached);
            FUZZ_CHECK(detached->payload == kDetachedPayload);
        }
    }
}

bool printable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// A compact token and the flattened JSON of its three parts (RFC 7515 §7.2.2) verify alike. The
// compact form never accepts "b64": false, so headers that carry "b64" are left out.
void check_compact_vs_flattened(const Setup& s, std::string_view token) {
    const std::size_t first = token.find('.');
    if (first == std::string_view::npos) return;
    const std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return;
    if (!printable(token)) return;
    auto parsed = CompactJws::parse(token);
    if (parsed && parsed->header().contains("b64")) return;
    json::object flat;
    const std::string_view protected_b64 = token.substr(0, first);
    const std::string_view payload = token.substr(first + 1, second - first - 1);
    const std::string_view signature = token.substr(second + 1);
    flat["protected"] = json::string_view(protected_b64.data(), protected_b64.size());
    flat["payload"] = json::string_view(payload.data(), payload.size());
    flat["signature"] = json::string_view(signature.data(), signature.size());
    const std::string doc = json::serialize(flat);
    for (const KeySet* keys : {&s.symmetric, &s.asymmetric}) {
        auto compact = jws::verify(token, *keys, s.any);
        check_error(compact);
        auto from_json = jws::verify_json(doc, *keys, s.any);
        FUZZ_CHECK_MSG(compact.ok() == from_json.ok(),
                       "compact: " + code_name(compact.code()) +
                           ", flattened: " + code_name(from_json.code()));
        if (compact) FUZZ_CHECK(*compact == from_json->payload);
    }
}

// The key that verification would pick for this signature: by "kid", else the one that fits.
const Jwk* signing_key(const KeySet& keys, Algorithm alg, const json::object& joint) {
    if (const json::value* kid = joint.if_contains("kid"); kid != nullptr && kid->is_string()) {
        const Jwk* key = keys.find(std::string_view(kid->get_string()));
        return key != nullptr && key->allows(alg, KeyOperation::sign) ? key : nullptr;
    }
    for (const Jwk& key : keys) {
        if (key.allows(alg, KeyOperation::sign)) return &key;
    }
    return nullptr;
}

// Recomputes each signature it can with `keys`; true when it could do so for every signature.
bool resign(json::object& entry, std::string_view payload_part, const KeySet& keys) {
    std::string protected_b64;
    json::object joint;
    if (const json::value* p = entry.if_contains("protected")) {
        if (!p->is_string()) return false;
        protected_b64 = p->get_string();
        auto decoded = base64url_decode(protected_b64);
        if (!decoded) return false;
        auto header = detail::parse_json_object_strict(*decoded, kDefaultMaxJsonDepth, "header");
        if (!header) return false;
        joint = std::move(*header);
    }
    if (const json::value* h = entry.if_contains("header"); h != nullptr && h->is_object()) {
        for (const auto& m : h->get_object())
            joint.emplace(m.key(), m.value());
    }
    const json::value* alg_name = joint.if_contains("alg");
    if (alg_name == nullptr || !alg_name->is_string()) return false;
    const auto alg = parse_algorithm(alg_name->get_string());
    if (!alg) return false;
    const Jwk* key = signing_key(keys, *alg, joint);
    if (key == nullptr) return false;
    auto sig = sign_bytes(*alg, *key, protected_b64 + "." + std::string(payload_part));
    FUZZ_CHECK_MSG(sig.ok(), sig.error().to_string());
    entry["signature"] = base64url_encode(*sig);
    return true;
}

void check_resigned(const Setup& s, std::string_view text) {
    auto parsed = detail::parse_json_object_strict(text, kDefaultMaxJsonDepth, "JWS JSON");
    if (!parsed) return;
    const json::value* payload = parsed->if_contains("payload");
    if (payload == nullptr || !payload->is_string()) return;
    const std::string payload_part(payload->get_string());
    for (const KeySet* keys : {&s.symmetric, &s.asymmetric}) {
        json::object doc = *parsed;
        bool every = true;
        if (json::value* sigs = doc.if_contains("signatures")) {
            if (!sigs->is_array()) return;
            for (json::value& entry : sigs->get_array()) {
                every =
                    entry.is_object() && resign(entry.get_object(), payload_part, *keys) && every;
            }
        } else {
            every = resign(doc, payload_part, *keys);
        }
        const std::string resigned = json::serialize(doc);
        check_document(s, resigned);
        if (!every) continue;
        auto result = jws::verify_json(resigned, *keys, s.any);
        // Every signature is right: whatever else is wrong, it is not a signature.
        FUZZ_CHECK_MSG(result.code() != Errc::bad_signature,
                       result.error().to_string() + " for " + resigned);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Setup& s = setup();
    const std::string_view text = as_text(data, size);
    check_document(s, text);
    check_compact_vs_flattened(s, text);
    check_resigned(s, text);
    return 0;
}
