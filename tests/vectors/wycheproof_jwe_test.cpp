// Wycheproof JWE vectors (json_web_encryption_test.json, and the JWE groups of
// json_web_crypto_test.json) through jwe::decrypt, or jwe::decrypt_json for the JSON
// serialization, with the group's "private" JWK as the only key. A valid case must give "pt"
// byte for byte; an invalid one must be rejected.
//
// Which options: every key management algorithm and content encryption is allowed, and RSA1_5
// is enabled with allow_rsa1_5_unsafe, the most permissive configuration. A rejection must then
// come from the key's own binding ("alg", "use"), the header, or the cryptography, never from an
// allow-list. With the defaults RSA1_5 stays refused; that is checked for every RSA1_5 case.
//
// Where the group also has a "public" JWK, the case is decrypted a second time with it and must
// be rejected: a public key decrypts nothing.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "signet/jwe.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

// Invalid cases whose rejection must come from one specific rule: tcId -> code(s).
struct RuleCode {
    std::int64_t tc_id;
    std::vector<Errc> codes;
};

const std::vector<RuleCode>& encryption_rule_codes() {
    static const std::vector<RuleCode> codes = {
        // Authentication tags of the wrong length: one error, like any other tag failure.
        {4, {Errc::decryption_failed}},  // A256CBC-HS512 tag too long
        {5, {Errc::decryption_failed}},  // truncated by 1 byte
        {6, {Errc::decryption_failed}},  // by 4 bytes
        {7, {Errc::decryption_failed}},  // by 8 bytes
        // A128GCM tag one byte too long; that byte is encoded non-canonically ("...02e": the
        // last character has unused bits set), so the strict decoder refuses it first.
        {24, {Errc::decryption_failed, Errc::bad_base64}},
        {25, {Errc::decryption_failed}},
        {26, {Errc::decryption_failed}},
        {27, {Errc::decryption_failed}},
        {63, {Errc::decryption_failed}},  // ECDH-ES+A256KW / A128GCM, truncated tags
        {64, {Errc::decryption_failed}},
        {65, {Errc::decryption_failed}},
        // "epk" that is not on P-256: the invalid-curve attack (RFC 8725 §3.4).
        {51, {Errc::invalid_epk}},
        // "Alg" instead of "alg" in the protected header.
        {48, {Errc::malformed}},
    };
    return codes;
}

const std::vector<RuleCode>& crypto_rule_codes() {
    static const std::vector<RuleCode> codes = {
        {80, {Errc::malformed}},    // "Alg" instead of "alg"
        {83, {Errc::invalid_epk}},  // "epk" not on P-256
    };
    return codes;
}

// Flags whose cases must all fail with a given code.
struct FlagCode {
    std::string_view flag;
    std::vector<Errc> codes;
};

const std::vector<FlagCode>& flag_codes() {
    static const std::vector<FlagCode> codes = {
        // RSA1_5 under the RFC 7516 §11.5 countermeasure: a bad padding continues with a random
        // CEK, so every failure is the content decryption's (no Bleichenbacher oracle).
        {"ModifiedPkcs15Padding", {Errc::decryption_failed}},
        // CBC padding errors are indistinguishable from tag errors (RFC 7518 §5.2.2.2).
        {"Pkcs5Padding", {Errc::decryption_failed}},
        // The key is bound to another algorithm (RSA-OAEP*, A*GCMKW vs A*KW): it does not fit.
        {"Pkcs15WithOaepKey", {Errc::key_not_found, Errc::key_alg_mismatch}},
        {"WrongCipher", {Errc::key_not_found, Errc::key_alg_mismatch}},
    };
    return codes;
}

const std::vector<Errc>* rule_for(const std::vector<RuleCode>& rules, std::int64_t id) {
    for (const auto& r : rules) {
        if (r.tc_id == id) return &r.codes;
    }
    return nullptr;
}

std::vector<std::string_view> flags_of(const boost::json::object& test) {
    std::vector<std::string_view> out;
    if (const auto* flags = test.if_contains("flags")) {
        for (const auto& f : flags->as_array())
            out.emplace_back(f.as_string());
    }
    return out;
}

JweDecryptOptions permissive() {
    JweDecryptOptions options;
    const auto all = all_key_management();
    options.algorithms.assign(all.begin(), all.end());
    options.allow_rsa1_5_unsafe = true;
    return options;
}

Result<KeySet> load_key(const boost::json::value& jwk) {
    auto key = Jwk::from_json(jwk.as_object());
    if (!key) return key.error();
    return KeySet::from_keys({*key});
}

// The "jwe" member as text, and whether it is the JSON serialization (RFC 7516 §7.2).
struct Token {
    std::string text;
    bool json = false;
};

Token token_of(const boost::json::value& jwe) {
    if (jwe.is_object()) return {boost::json::serialize(jwe), true};
    std::string text(jwe.as_string());
    const bool json = !text.empty() && text.front() == '{';
    return {std::move(text), json};
}

Result<DecryptedJwe> decrypt(const Token& token, const KeySet& keys,
                             const JweDecryptOptions& options) {
    return token.json ? jwe::decrypt_json(token.text, keys, options)
                      : jwe::decrypt(token.text, keys, options);
}

std::string header_alg(const Token& token) {
    if (token.json) return {};
    auto header = base64url_decode(token.text.substr(0, token.text.find('.')));
    if (!header) return {};
    boost::system::error_code ec;
    const auto value = boost::json::parse(*header, ec);
    if (ec || !value.is_object()) return {};
    const auto* alg = value.as_object().if_contains("alg");
    return alg && alg->is_string() ? std::string(alg->as_string()) : std::string();
}

// The compact serialization with the same parts as a JSON serialization's single recipient.
std::string compact_of(const boost::json::object& json) {
    auto member = [&](std::string_view name) {
        const auto* v = json.if_contains(name);
        return v ? std::string(v->as_string()) : std::string();
    };
    return member("protected") + "." + member("encrypted_key") + "." + member("iv") + "." +
           member("ciphertext") + "." + member("tag");
}

constexpr std::string_view kJsonConflict =
    "a valid JSON serialization (RFC 7516 §7.2): Wycheproof's reference API takes only the "
    "compact form and so lists it as invalid; jwe::decrypt_json decrypts it (the unknown "
    "unprotected members are not in \"crit\", so they are ignored, RFC 7516 §4), and "
    "jwe::decrypt rejects it as malformed";

void run_jwe_file(const std::string& name, const std::vector<RuleCode>& rule_codes,
                  bool selection) {
    WycheproofFile file(name);
    Tally tally(selection ? file.name + " (JWE groups)" : file.name);
    const JweDecryptOptions options = permissive();
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const auto& tests = group.at("tests").as_array();
        if (tests.empty() || !tests.front().as_object().contains("jwe")) continue;
        const Result<KeySet> keys = load_key(group.at("private"));
        const auto* public_jwk = group.if_contains("public");
        const Result<KeySet> public_keys =
            public_jwk ? load_key(*public_jwk) : Result<KeySet>(KeySet{});
        tally.check(
            keys.ok(), "group " + std::string(group.at("comment").as_string()),
            "the private JWK does not load: " + (keys ? std::string() : keys.error().to_string()));
        for (const auto& test_value : tests) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const std::int64_t id = tc_id(test);
            const Expected expected = parse_expected(test.at("result").as_string());
            const Token token = token_of(test.at("jwe"));

            const Result<DecryptedJwe> result =
                keys ? decrypt(token, *keys, options) : Result<DecryptedJwe>(keys.error());
            const Outcome outcome = Outcome::of(result);

            if (token.json) {
                tally.conflict_accepted(label, kJsonConflict, outcome);
                if (!keys) continue;
                // The same parts in the compact form (the case the JSON was made from) decrypt to
                // the same plaintext.
                auto same = jwe::decrypt(compact_of(boost::json::parse(token.text).as_object()),
                                         *keys, options);
                tally.check(result && same && result->plaintext == same->plaintext, label,
                            "plaintext differs from that of the same parts in compact form: " +
                                describe(Outcome::of(same)));
                const Outcome compact = Outcome::of(jwe::decrypt(token.text, *keys, options));
                tally.check(!compact.accepted && compact.code == Errc::malformed, label,
                            "the compact API: expected malformed, got " + describe(compact));
                continue;
            }

            tally.expect(label, expected, outcome);
            if (result) {
                // json_web_crypto_test.json publishes no "pt"; there acceptance is the check.
                if (const auto* pt = test.if_contains("pt")) {
                    tally.check(result->plaintext == hex_decode(pt->as_string()), label,
                                "plaintext differs from \"pt\"");
                }
            } else {
                if (const auto* codes = rule_for(rule_codes, id)) {
                    tally.check(code_in(outcome.code, *codes), label,
                                "rejected by another rule: expected " + describe_codes(*codes) +
                                    ", got " + describe(outcome));
                }
                for (const auto& flag : flags_of(test)) {
                    for (const auto& rule : flag_codes()) {
                        if (rule.flag != flag) continue;
                        tally.check(code_in(outcome.code, rule.codes), label,
                                    std::string(flag) + ": expected " + describe_codes(rule.codes) +
                                        ", got " + describe(outcome));
                    }
                }
            }

            // RSA1_5 is refused unless the caller opts in by name (RFC 8725 §3.2).
            if (keys && header_alg(token) == "RSA1_5") {
                JweDecryptOptions defaults;
                defaults.algorithms = {KeyManagement::RSA1_5};
                const Outcome refused = Outcome::of(jwe::decrypt(token.text, *keys, defaults));
                tally.check(!refused.accepted && refused.code == Errc::alg_not_allowed, label,
                            "RSA1_5 without allow_rsa1_5_unsafe: expected alg_not_allowed, got " +
                                describe(refused));
            }

            if (public_jwk) {
                const Outcome pub = public_keys ? Outcome::of(decrypt(token, *public_keys, options))
                                                : Outcome::reject(public_keys.error());
                tally.check(!pub.accepted, label, "the group's public key decrypted the case");
            }
        }
    }
    if (selection) {
        tally.finish_selection();
    } else {
        tally.finish(file.declared_cases());
    }
}

TEST(WycheproofJwe, JsonWebEncryptionCasesDecryptOrRejectByRule) {
    run_jwe_file("wycheproof/json_web_encryption_test.json", encryption_rule_codes(), false);
}

TEST(WycheproofJwe, JsonWebCryptoJweCasesDecryptOrRejectByRule) {
    run_jwe_file("wycheproof/json_web_crypto_test.json", crypto_rule_codes(), true);
}

}  // namespace
}  // namespace signet::vectors
