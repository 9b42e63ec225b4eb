// RFC 7520 (JOSE Cookbook) JWE examples §5.1-5.13: every serialization an example publishes
// (compact, general JSON, flattened JSON) decrypts with the example's key to the example's
// plaintext, byte for byte, and the protected and unprotected headers and the AAD come back as
// published. Each example file prints one summary line, one case per serialization.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "signet/jwe.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const std::string kJwe = "jose-cookbook/jwe/";

const boost::json::object& input_of(const boost::json::object& example) {
    return example.at("input").as_object();
}

std::string plaintext_of(const boost::json::object& example) {
    return str(input_of(example).at("plaintext"));
}

// The recipient keys: "key" (one JWK or a list), or the PBES2 password "pwd" as an oct key.
std::vector<Jwk> keys_of(const boost::json::object& example) {
    const auto& input = input_of(example);
    std::vector<Jwk> keys;
    if (const auto* pwd = input.if_contains("pwd")) {
        boost::json::object jwk;
        jwk["kty"] = "oct";
        jwk["k"] = base64url_encode(pwd->as_string());
        keys.push_back(Jwk::from_json(jwk).value());
        return keys;
    }
    const auto& key = input.at("key");
    if (key.is_array()) {
        for (const auto& k : key.as_array())
            keys.push_back(Jwk::from_json(k.as_object()).value());
    } else {
        keys.push_back(Jwk::from_json(key.as_object()).value());
    }
    return keys;
}

// The key management algorithms the example uses ("alg": one name or a list), as the allow-list.
JweDecryptOptions options_of(const boost::json::object& example) {
    JweDecryptOptions options;
    const auto& alg = input_of(example).at("alg");
    std::vector<std::string> names;
    if (alg.is_array()) {
        for (const auto& a : alg.as_array())
            names.emplace_back(a.as_string());
    } else {
        names.emplace_back(alg.as_string());
    }
    for (const auto& name : names) {
        const auto km = parse_key_management(name);
        if (!km) throw std::invalid_argument("cookbook example names unknown alg " + name);
        options.algorithms.push_back(*km);
        // RSA1_5 (§5.1, §5.13) is decrypted only when the caller enables it by name.
        if (*km == KeyManagement::RSA1_5) options.allow_rsa1_5_unsafe = true;
    }
    return options;
}

struct Decrypted {
    std::string label;  // "<file> (compact)", ...
    Result<DecryptedJwe> result;
};

// Every serialization the example publishes, decrypted.
std::vector<Decrypted> decrypt_all(const std::string& file, const boost::json::object& example,
                                   const KeySet& keys, const JweDecryptOptions& options) {
    std::vector<Decrypted> out;
    const auto& output = example.at("output").as_object();
    if (const auto* compact = output.if_contains("compact")) {
        out.push_back({file + " (compact)", jwe::decrypt(compact->as_string(), keys, options)});
    }
    if (const auto* json = output.if_contains("json")) {
        out.push_back({file + " (general JSON)",
                       jwe::decrypt_json(boost::json::serialize(*json), keys, options)});
    }
    if (const auto* flat = output.if_contains("json_flat")) {
        out.push_back({file + " (flattened JSON)",
                       jwe::decrypt_json(boost::json::serialize(*flat), keys, options)});
    }
    return out;
}

using ExtraCheck = std::function<void(Tally&, const Decrypted&, const boost::json::object&)>;

// Decrypts every serialization of `file` with all of its keys in one set and checks plaintext
// and headers; `extra` adds the example's own checks.
void run_example(const std::string& name, const ExtraCheck& extra = {}) {
    const std::string file = kJwe + name;
    const auto example = read_json_file(file).as_object();
    const auto keys = KeySet::from_keys(keys_of(example));
    ASSERT_TRUE(keys.ok()) << file << ": " << keys.error().to_string();
    Tally tally(file);
    const auto& content = example.at("encrypting_content").as_object();
    for (const auto& d : decrypt_all(file, example, *keys, options_of(example))) {
        tally.expect(d.label, Expected::valid, Outcome::of(d.result));
        if (!d.result) continue;
        tally.check(d.result->plaintext == plaintext_of(example), d.label,
                    "plaintext differs from the cookbook's, byte for byte");
        const boost::json::object none;
        const auto* prot = content.if_contains("protected");
        tally.check(
            d.result->protected_header == (prot ? prot->as_object() : none), d.label,
            "protected header differs: " + boost::json::serialize(d.result->protected_header));
        if (const auto* unprotected = content.if_contains("unprotected")) {
            tally.check(d.result->unprotected_header == unprotected->as_object(), d.label,
                        "shared unprotected header differs: " +
                            boost::json::serialize(d.result->unprotected_header));
        }
        if (extra) extra(tally, d, example);
    }
    tally.finish(example.at("output").as_object().size());
}

TEST(Rfc7520Jwe, Example51Rsa15WithA128CbcHs256Decrypts) {
    run_example("5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json");
}

TEST(Rfc7520Jwe, Example51Rsa15IsRefusedWithoutTheUnsafeOption) {
    const std::string file = kJwe + "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json";
    const auto example = read_json_file(file).as_object();
    JweDecryptOptions options = options_of(example);
    options.allow_rsa1_5_unsafe = false;  // the default
    auto result = jwe::decrypt(example.at("output").at("compact").as_string(),
                               key_set_of(keys_of(example).front()), options);
    SIGNET_EXPECT_ERROR(result, Errc::alg_not_allowed);
}

TEST(Rfc7520Jwe, Example52RsaOaepWithA256GcmDecrypts) {
    run_example("5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json");
}

TEST(Rfc7520Jwe, Example53Pbes2WithA128CbcHs256Decrypts) {
    // p2c is 8192, within the default limit of 1,000,000: no option needs adjusting.
    run_example("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json");
}

TEST(Rfc7520Jwe, Example53Pbes2CountAboveTheLimitIsRefused) {
    const std::string file =
        kJwe + "5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json";
    const auto example = read_json_file(file).as_object();
    ASSERT_EQ(example.at("encrypting_key").at("iteration_count").as_int64(), 8192);
    JweDecryptOptions options = options_of(example);
    options.max_pbes2_count = 8191;
    auto result = jwe::decrypt(example.at("output").at("compact").as_string(),
                               key_set_of(keys_of(example).front()), options);
    SIGNET_EXPECT_ERROR(result, Errc::pbes2_limit);
}

TEST(Rfc7520Jwe, Example54EcdhEsA128KwOnP384WithA128GcmDecrypts) {
    run_example(
        "5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json");
}

TEST(Rfc7520Jwe, Example55DirectEcdhEsOnP256WithA128CbcHs256Decrypts) {
    // Its "general" JSON serialization has no "recipients" (RFC 7520 Figure 130): with direct key
    // agreement there is no per-recipient data, and it reads as the flattened syntax.
    run_example("5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json");
}

TEST(Rfc7520Jwe, Example56DirectA128GcmDecryptsWithAKeyNamedByItsEnc) {
    // The key's "alg" is "A128GCM", its content encryption (RFC 7520 §5.6.1).
    run_example("5_6.direct_encryption_using_aes-gcm.json");
}

TEST(Rfc7520Jwe, Example57A256GcmKwWithA128CbcHs256Decrypts) {
    run_example("5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json");
}

TEST(Rfc7520Jwe, Example58A128KwWithA128GcmDecrypts) {
    run_example("5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json");
}

TEST(Rfc7520Jwe, Example59CompressedContentInflatesToThePlaintext) {
    run_example("5_9.compressed_content.json");
}

TEST(Rfc7520Jwe, Example59InflatedSizeAboveTheLimitIsRefused) {
    const std::string file = kJwe + "5_9.compressed_content.json";
    const auto example = read_json_file(file).as_object();
    const std::string token(example.at("output").at("compact").as_string());
    const KeySet keys = key_set_of(keys_of(example).front());
    JweDecryptOptions options = options_of(example);
    options.max_decompressed_size = plaintext_of(example).size();
    SIGNET_EXPECT_OK(jwe::decrypt(token, keys, options));  // exactly at the limit
    options.max_decompressed_size = plaintext_of(example).size() - 1;
    SIGNET_EXPECT_ERROR(jwe::decrypt(token, keys, options), Errc::decompressed_too_large);
}

TEST(Rfc7520Jwe, Example510AdditionalAuthenticatedDataIsReturned) {
    run_example("5_10.including_additional_authentication_data.json",
                [](Tally& tally, const Decrypted& d, const boost::json::object& example) {
                    tally.check(d.result->aad == str(input_of(example).at("aad")), d.label,
                                "decrypted aad differs from the cookbook's");
                });
}

TEST(Rfc7520Jwe, Example510ModifiedAadFailsAuthentication) {
    const std::string file = kJwe + "5_10.including_additional_authentication_data.json";
    const auto example = read_json_file(file).as_object();
    auto json = example.at("output").at("json").as_object();
    std::string aad = str(input_of(example).at("aad"));
    aad.back() = aad.back() == ']' ? '}' : ']';
    json["aad"] = base64url_encode(aad);
    auto result = jwe::decrypt_json(boost::json::serialize(json),
                                    key_set_of(keys_of(example).front()), options_of(example));
    SIGNET_EXPECT_ERROR(result, Errc::decryption_failed);
}

TEST(Rfc7520Jwe, Example511UnprotectedAlgAndKidAreHonoured) {
    run_example("5_11.protecting_specific_header_fields.json");
}

TEST(Rfc7520Jwe, Example512ContentOnlyProtectionDecryptsWithoutProtectedHeader) {
    run_example("5_12.protecting_content_only.json", [](Tally& tally, const Decrypted& d,
                                                        const boost::json::object&) {
        tally.check(d.result->protected_header.empty(), d.label, "a protected header appeared");
    });
}

// §5.13 recipients, in order: RSA1_5 (frodo), ECDH-ES+A256KW on P-384 (peregrin), A256GCMKW.
const std::string k513 = "5_13.encrypting_to_multiple_recipients.json";

TEST(Rfc7520Jwe, Example513EachRecipientDecryptsWithItsOwnKey) {
    const std::string file = kJwe + k513;
    const auto example = read_json_file(file).as_object();
    const auto keys = keys_of(example);
    ASSERT_EQ(keys.size(), 3U);
    const auto& recipients = example.at("encrypting_key").as_array();
    const std::string json = boost::json::serialize(example.at("output").at("json"));
    Tally tally(file);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::string label = file + " (general JSON, key " + keys[i].kid() + ")";
        auto result = jwe::decrypt_json(json, key_set_of(keys[i]), options_of(example));
        tally.expect(label, Expected::valid, Outcome::of(result));
        if (!result) continue;
        tally.check(result->recipient == i, label,
                    "decrypted as recipient " + std::to_string(result->recipient));
        tally.check(result->plaintext == plaintext_of(example), label,
                    "plaintext differs from the cookbook's, byte for byte");
        tally.check(result->recipient_header == recipients[i].at("header").as_object(), label,
                    "recipient header differs");
        tally.check(result->unprotected_header ==
                        example.at("encrypting_content").at("unprotected").as_object(),
                    label, "shared unprotected header (cty) differs");
    }
    tally.finish(keys.size());
}

TEST(Rfc7520Jwe, Example513RecipientWithADisallowedAlgIsSkipped) {
    const auto example = read_json_file(kJwe + k513).as_object();
    const auto keys = keys_of(example);
    const std::string json = boost::json::serialize(example.at("output").at("json"));
    // RSA1_5 not enabled: the first recipient is passed over and the second one decrypts.
    JweDecryptOptions options;
    options.algorithms = {KeyManagement::RSA1_5, KeyManagement::ECDH_ES_A256KW};
    auto both = KeySet::from_keys({keys[0], keys[1]});
    SIGNET_ASSERT_OK(both);
    auto result = jwe::decrypt_json(json, *both, options);
    SIGNET_ASSERT_OK(result);
    EXPECT_EQ(result->recipient, 1U);
    EXPECT_EQ(result->plaintext, plaintext_of(example));
    // With only the RSA key, nothing may decrypt: its recipient's algorithm is refused.
    SIGNET_EXPECT_ERROR(jwe::decrypt_json(json, key_set_of(keys[0]), options),
                        Errc::alg_not_allowed);
}

}  // namespace
}  // namespace signet::vectors
