// Wycheproof JOSE vectors: compact JWS verification (RFC 7515 §5.2) with a JWK or JWK Set
// (RFC 7517), through jws::verify with an algorithm allow-list, exactly as an application would.
// Files: json_web_signature_test.json, json_web_key_test.json, and the JWS groups of
// json_web_crypto_test.json (its JWE groups are outside the JWS API and must not verify as JWS).
//
// Which key: the group's "private" member (a JWK or a JWKS) is the key the case is defined around.
// When the group also has "public", the same case is verified a second time with it.
//
// Which allow-list: the algorithms the keys name in "alg", as an application configures its
// verifier from the keys it trusts (RFC 8725 §3.1). When no key names a JWS algorithm (no "alg",
// or a JWE/unknown one), the token's own "alg" is allowed instead: the most permissive choice, so
// that the rejection must come from the key's own rules (use, key_ops, kty, size, binding). When
// even the token has no readable "alg", every algorithm is allowed.
//
// A key may be rejected when its JWK or JWKS is parsed, or at verification; either is a rejection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

// How a conflicting case must end under the library's rules.
enum class Resolution { reject, accept };

struct JoseConflict {
    std::int64_t tc_id;
    Resolution resolution;
    std::vector<Errc> codes;  // for reject: the rule's error code(s)
    // When not empty: verified again with the token's "alg" as the allow-list (instead of the
    // key's), the rejection must come from the key binding itself, with one of these codes.
    std::vector<Errc> token_alg_codes;
    bool public_key_accepts;  // the group's "public" JWK is not affected by the conflict
    std::string_view reason;
};

constexpr std::string_view kBoundToOtherAlg =
    "the key's \"alg\" binds it to PS256 but the token is PS384; a key bound to one algorithm "
    "verifies no other (RFC 7517 §4.4, RFC 8725 §3.1)";
constexpr std::string_view kUnknownKeyAlg =
    "the key's \"alg\" is \"ES521\", which names no algorithm (ES512 was meant), so the key is "
    "bound to no JWS algorithm and may not verify the ES512 token (RFC 7517 §4.4)";
constexpr std::string_view kNotInVector =
    "the vector is byte-identical to tcId 357, a correctly signed HS256 token; the invalid "
    "base64 padding its comment names is not present";

// Cases of json_web_signature_test.json whose published result conflicts with a rule.
const std::vector<JoseConflict>& signature_conflicts() {
    static const std::vector<JoseConflict> conflicts = {
        // RFC 7520 Figure 20 under a key whose "alg" is PS256.
        {346,
         Resolution::reject,
         {Errc::alg_not_allowed},
         {Errc::key_alg_mismatch},
         false,
         kBoundToOtherAlg},
        // RFC 7520 Figure 27 under a key whose "alg" is "ES521".
        {347, Resolution::reject, {Errc::key_alg_mismatch}, {}, false, kUnknownKeyAlg},
        // RFC 7520 Figure 13 under a private key whose key_ops is ["sign, verify"].
        {349,
         Resolution::reject,
         {Errc::key_use_mismatch},
         {},
         true,
         "the private JWK's key_ops is [\"sign, verify\"]: one unknown value, not \"sign\" and "
         "\"verify\", so it does not permit verification (RFC 7517 §4.3); the public JWK's "
         "[\"verify\"] does"},
        {350,
         Resolution::reject,
         {Errc::alg_not_allowed},
         {Errc::key_alg_mismatch},
         false,
         kBoundToOtherAlg},
        {351, Resolution::reject, {Errc::key_alg_mismatch}, {}, false, kUnknownKeyAlg},
        // invalidBase64Padding / invalidBase64PaddingInPayload.
        {367, Resolution::accept, {}, {}, false, kNotInVector},
        {370, Resolution::accept, {}, {}, false, kNotInVector},
        // '?' inside the header segment; a lenient decoder skips it and the MAC then matches.
        {372,
         Resolution::reject,
         {Errc::bad_base64},
         {},
         false,
         "'?' is not a base64url character; strict decoding (RFC 7515 §2, RFC 4648 §5) rejects "
         "the header that a lenient decoder would accept"},
        // '?' appended to the payload segment. The MAC was computed without it, and the signature
        // is checked over the exact header.payload bytes before the payload is decoded.
        {373,
         Resolution::reject,
         {Errc::bad_signature},
         {},
         false,
         "'?' is not a base64url character and the MAC does not cover it; strict verification "
         "rejects what a lenient decoder would accept"},
    };
    return conflicts;
}

const std::vector<JoseConflict>& no_conflicts() {
    static const std::vector<JoseConflict> none;
    return none;
}

// For json_web_key_test.json, whose invalid cases each target one key rule, the rejection must
// also come from that rule: tcId -> the code(s) of the rule.
struct RuleCode {
    std::int64_t tc_id;
    std::vector<Errc> codes;
};

const std::vector<RuleCode>& key_rule_codes() {
    static const std::vector<RuleCode> codes = {
        {1, {Errc::ambiguous_key_set}},  // symmetric and asymmetric keys in one set
        {3, {Errc::bad_signature}},
        // Duplicate kid: the second key's "k" ends in a character with unused bits set
        // ("...Bingge"), not canonical base64url, so the key itself is refused before the set's
        // kid uniqueness is examined.
        {4, {Errc::invalid_key}},
        {6, {Errc::key_alg_mismatch, Errc::key_use_mismatch}},  // "alg": "RSA1_5", "use": "enc"
        {7, {Errc::weak_key}},                                  // ROCA fingerprint
        {8, {Errc::weak_key}},                                  // 1024-bit modulus
        {9, {Errc::invalid_key}},                               // e = 1
        {10, {Errc::weak_key}},                                 // HMAC keys below hash size
        {11, {Errc::weak_key}},
        {12, {Errc::weak_key}},
        {16, {Errc::invalid_key, Errc::weak_key}},  // empty "k"
        {17, {Errc::invalid_key, Errc::weak_key}},
        {18, {Errc::invalid_key, Errc::weak_key}},
        {19, {Errc::key_alg_mismatch}},  // "alg": "ES521" on a P-256 key
        {20, {Errc::key_alg_mismatch}},  // "alg": "ES224"
        {21, {Errc::key_use_mismatch}},  // "use": "enc"
        {22, {Errc::invalid_key}},       // point not on the curve
        {23, {Errc::invalid_key}},       // P-256 coordinates under "crv": "P-384"
        {24, {Errc::invalid_key}},       // EC members under "kty": "RSA"
        {25, {Errc::key_alg_mismatch}},  // oct key bound to A256GCM
        {26, {Errc::key_alg_mismatch}},  // oct key bound to A256KW
    };
    return codes;
}

const std::vector<RuleCode>& no_rule_codes() {
    static const std::vector<RuleCode> none;
    return none;
}

const JoseConflict* find_conflict(const std::vector<JoseConflict>& list, std::int64_t id) {
    for (const auto& c : list) {
        if (c.tc_id == id) return &c;
    }
    return nullptr;
}

// The key objects of a JWK or a JWKS.
std::vector<const boost::json::object*> key_objects(const boost::json::value& keys_json) {
    std::vector<const boost::json::object*> out;
    const auto& obj = keys_json.as_object();
    if (const auto* keys = obj.if_contains("keys")) {
        if (keys->is_array()) {
            for (const auto& k : keys->as_array()) {
                if (k.is_object()) out.push_back(&k.as_object());
            }
        }
    } else {
        out.push_back(&obj);
    }
    return out;
}

std::optional<Algorithm> token_alg(std::string_view token) {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto header = base64url_decode(token.substr(0, dot));
    if (!header) return std::nullopt;
    boost::system::error_code ec;
    const auto json = boost::json::parse(*header, ec);
    if (ec || !json.is_object()) return std::nullopt;
    const auto* alg = json.as_object().if_contains("alg");
    if (!alg || !alg->is_string()) return std::nullopt;
    return parse_algorithm(alg->as_string());
}

std::vector<Algorithm> allow_list(const boost::json::value& keys_json, std::string_view token) {
    std::vector<Algorithm> algs;
    for (const auto* key : key_objects(keys_json)) {
        const auto* alg = key->if_contains("alg");
        if (!alg || !alg->is_string()) continue;
        if (auto parsed = parse_algorithm(alg->as_string())) {
            if (std::find(algs.begin(), algs.end(), *parsed) == algs.end()) algs.push_back(*parsed);
        }
    }
    if (!algs.empty()) return algs;
    if (auto alg = token_alg(token)) return {*alg};
    const auto all = all_algorithms();
    return std::vector<Algorithm>(all.begin(), all.end());
}

Result<KeySet> load_keys(const boost::json::value& keys_json) {
    const auto& obj = keys_json.as_object();
    if (obj.contains("keys")) return KeySet::from_json(obj);
    auto key = Jwk::from_json(obj);
    if (!key) return key.error();
    return KeySet::from_keys({*key});
}

struct Verification {
    Outcome outcome;
    std::string payload;
};

Verification verify_with(const Result<KeySet>& keys, std::string_view token,
                         const std::vector<Algorithm>& algorithms) {
    if (!keys) return {Outcome::reject(keys.error()), {}};
    JwsVerifyOptions options;
    options.algorithms = algorithms;
    auto payload = jws::verify(token, *keys, options);
    if (!payload) return {Outcome::reject(payload.error()), {}};
    return {Outcome::accept(), *payload};
}

// The payload segment, decoded: what a successful verification must return.
std::optional<std::string> expected_payload(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
    auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!payload) return std::nullopt;
    return *payload;
}

bool has_flag(const boost::json::object& test, std::string_view flag) {
    const auto* flags = test.if_contains("flags");
    if (!flags || !flags->is_array()) return false;
    for (const auto& f : flags->as_array()) {
        if (f.is_string() && std::string_view(f.as_string()) == flag) return true;
    }
    return false;
}

void run_jose_file(const std::string& name, const std::vector<JoseConflict>& conflicts,
                   const std::vector<RuleCode>& rule_codes) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const auto& private_keys = group.at("private");
        const auto* public_keys = group.if_contains("public");
        // Parsed once per group; a set that fails to parse rejects every case of the group.
        const Result<KeySet> private_set = load_keys(private_keys);
        const Result<KeySet> public_set =
            public_keys ? load_keys(*public_keys) : Result<KeySet>(KeySet{});
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const std::int64_t id = tc_id(test);

            if (const auto* jwe = test.if_contains("jwe")) {
                // A JWE (five segments, RFC 7516 §7.1, or its JSON form) is not a compact JWS.
                const std::string token =
                    jwe->is_string() ? std::string(jwe->as_string()) : boost::json::serialize(*jwe);
                tally.out_of_scope(label, "JWE, not a JWS", Outcome::of(CompactJws::parse(token)),
                                   {Errc::malformed});
                continue;
            }

            const auto& jws_value = test.at("jws");
            // JSON serialization (RFC 7515 §7.2) is outside this compact-only API: it must be
            // rejected as a malformed compact JWS, never verified. jws_json_test.cpp gives the
            // same cases to jws::verify_json.
            const bool json_serialization =
                jws_value.is_object() || has_flag(test, "JsonSerialization");
            const std::string token = jws_value.is_string() ? std::string(jws_value.as_string())
                                                            : boost::json::serialize(jws_value);
            const auto algorithms = allow_list(private_keys, token);
            const Verification result = verify_with(private_set, token, algorithms);

            const JoseConflict* conflict = find_conflict(conflicts, id);
            if (json_serialization) {
                tally.conflict_rejected(label, "JSON serialization given to the compact verifier",
                                        result.outcome, {Errc::malformed});
            } else if (conflict && conflict->resolution == Resolution::reject) {
                tally.conflict_rejected(label, conflict->reason, result.outcome, conflict->codes);
                if (!conflict->token_alg_codes.empty()) {
                    const auto alg = token_alg(token);
                    tally.check(alg.has_value(), label, "token alg unreadable");
                    if (alg) {
                        const Outcome bound = verify_with(private_set, token, {*alg}).outcome;
                        tally.check(
                            !bound.accepted && code_in(bound.code, conflict->token_alg_codes),
                            label,
                            "with the token's alg allowed: expected rejection with " +
                                describe_codes(conflict->token_alg_codes) + ", got " +
                                describe(bound));
                    }
                }
            } else if (conflict) {
                tally.conflict_accepted(label, conflict->reason, result.outcome);
            } else {
                tally.expect(label, parse_expected(test.at("result").as_string()), result.outcome);
                for (const auto& rule : rule_codes) {
                    if (rule.tc_id != id || result.outcome.accepted) continue;
                    tally.check(code_in(result.outcome.code, rule.codes), label,
                                "rejected by another rule: expected " + describe_codes(rule.codes) +
                                    ", got " + describe(result.outcome));
                }
            }

            if (result.outcome.accepted) {
                const auto payload = expected_payload(token);
                tally.check(payload && *payload == result.payload, label,
                            "verified payload differs from the token's payload segment");
            }

            // The same case with the group's public key(s).
            if (public_keys) {
                bool must_accept = false;
                if (conflict) {
                    must_accept =
                        conflict->public_key_accepts || conflict->resolution == Resolution::accept;
                } else if (!json_serialization) {
                    must_accept = parse_expected(test.at("result").as_string()) == Expected::valid;
                }
                const Outcome pub =
                    verify_with(public_set, token, allow_list(*public_keys, token)).outcome;
                tally.check(pub.accepted == must_accept, label,
                            std::string("with the group's public key: expected ") +
                                (must_accept ? "acceptance" : "rejection") + ", got " +
                                describe(pub));
            }
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofJose, JsonWebSignatureCasesVerifyOrRejectByRule) {
    run_jose_file("wycheproof/json_web_signature_test.json", signature_conflicts(),
                  no_rule_codes());
}

TEST(WycheproofJose, JsonWebKeyCasesRejectUnusableKeysAndAmbiguousSets) {
    run_jose_file("wycheproof/json_web_key_test.json", no_conflicts(), key_rule_codes());
}

TEST(WycheproofJose, JsonWebCryptoJwsCasesVerifyOrRejectByRule) {
    run_jose_file("wycheproof/json_web_crypto_test.json", no_conflicts(), no_rule_codes());
}

}  // namespace
}  // namespace signet::vectors
