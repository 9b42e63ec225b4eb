// JWE JSON serialization (RFC 7516 §7.2): several recipients with different key management
// algorithms, the flattened syntax, AAD, shared and per-recipient unprotected headers, and the
// rules that the three headers are disjoint and that "zip" and "crit" are integrity protected.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::key_set;
using testing::public_of;
using testing::test_key;

constexpr std::string_view kPlaintext = "Live long and prosper.";

// Recipient keys: RSA material shared with the rest of the binary (generated once).
const Jwk& rsa_key() {
    static const Jwk key = test_key(Algorithm::RS256)
                               .with_alg(KeyManagement::RSA_OAEP_256)
                               .with_use("enc")
                               .with_kid("rsa-recipient");
    return key;
}
const Jwk& aes_key() {
    static const Jwk key = [] {
        KeyGenOptions o;
        o.kid = "aes-recipient";
        return Jwk::generate(KeyManagement::A256KW, o).value();
    }();
    return key;
}
const Jwk& ec_key() {
    static const Jwk key = [] {
        KeyGenOptions o;
        o.kid = "ec-recipient";
        return Jwk::generate(KeyManagement::ECDH_ES_A128KW, o).value();
    }();
    return key;
}

JweDecryptOptions allow(std::initializer_list<KeyManagement> algs) {
    JweDecryptOptions o;
    o.algorithms = algs;
    return o;
}

JweDecryptOptions allow_three() {
    return allow(
        {KeyManagement::RSA_OAEP_256, KeyManagement::A256KW, KeyManagement::ECDH_ES_A128KW});
}

std::vector<JweRecipient> three_recipients() {
    return {{public_of(rsa_key()), KeyManagement::RSA_OAEP_256, {}},
            {aes_key(), KeyManagement::A256KW, {}},
            {public_of(ec_key()), KeyManagement::ECDH_ES_A128KW, {}}};
}

json::object encrypt_three(const JweJsonOptions& options = {},
                           ContentEncryption enc = ContentEncryption::A256GCM) {
    const auto recipients = three_recipients();
    return jwe::encrypt_json(kPlaintext, recipients, enc, options).value();
}

json::object encrypt_one(const JweRecipient& recipient, JweJsonOptions options = {}) {
    return jwe::encrypt_json(kPlaintext, std::span<const JweRecipient>(&recipient, 1),
                             ContentEncryption::A128CBC_HS256, options)
        .value();
}

Result<DecryptedJwe> decrypt(const json::object& jwe, const KeySet& keys,
                             const JweDecryptOptions& options = allow_three()) {
    return jwe::decrypt_json(json::serialize(jwe), keys, options);
}

Errc decrypt_code(const json::object& jwe, const KeySet& keys,
                  const JweDecryptOptions& options = allow_three()) {
    return decrypt(jwe, keys, options).code();
}

json::object& recipient(json::object& jwe, std::size_t i) {
    return jwe.at("recipients").as_array().at(i).as_object();
}

std::string decode(const json::value& v) {
    return base64url_decode(v.as_string()).value();
}

// ---------------------------------------------------------------------------------------------
// General syntax

TEST(JweJson, ThreeRecipientsWithDifferentAlgorithmsEachDecryptWithTheirOwnKey) {
    const json::object jwe = encrypt_three();
    ASSERT_TRUE(jwe.contains("recipients"));
    EXPECT_FALSE(jwe.contains("header"));
    EXPECT_FALSE(jwe.contains("encrypted_key"));
    const json::array& recipients = jwe.at("recipients").as_array();
    ASSERT_EQ(recipients.size(), 3u);
    // The protected header carries what all recipients share; "alg" is per recipient.
    const json::object prot = json::parse(decode(jwe.at("protected"))).as_object();
    EXPECT_EQ(prot.at("enc").as_string(), "A256GCM");
    EXPECT_FALSE(prot.contains("alg"));
    const char* algs[] = {"RSA-OAEP-256", "A256KW", "ECDH-ES+A128KW"};
    const char* kids[] = {"rsa-recipient", "aes-recipient", "ec-recipient"};
    for (std::size_t i = 0; i < 3; ++i) {
        const json::object& header = recipients[i].as_object().at("header").as_object();
        EXPECT_EQ(header.at("alg").as_string(), algs[i]);
        EXPECT_EQ(header.at("kid").as_string(), kids[i]);
    }
    EXPECT_EQ(decode(recipients[0].as_object().at("encrypted_key")).size(), rsa_key().bits() / 8);
    EXPECT_EQ(decode(recipients[1].as_object().at("encrypted_key")).size(), 40u);  // 32 + 8
    EXPECT_TRUE(recipients[2].as_object().at("header").as_object().contains("epk"));
    EXPECT_EQ(decode(jwe.at("iv")).size(), 12u);
    EXPECT_EQ(decode(jwe.at("tag")).size(), 16u);

    const Jwk* own[] = {&rsa_key(), &aes_key(), &ec_key()};
    for (std::size_t i = 0; i < 3; ++i) {
        SCOPED_TRACE(algs[i]);
        auto out = decrypt(jwe, key_set({*own[i]}));
        ASSERT_TRUE(out) << out.error().to_string();
        EXPECT_EQ(out->plaintext, kPlaintext);
        EXPECT_EQ(out->recipient, i);
        EXPECT_EQ(out->recipient_header.at("alg").as_string(), algs[i]);
        EXPECT_EQ(out->protected_header, prot);
        // Only its own algorithm allowed: the other recipients are passed over.
        auto only =
            decrypt(jwe, key_set({*own[i]}), allow({parse_key_management(algs[i]).value()}));
        ASSERT_TRUE(only) << only.error().to_string();
        EXPECT_EQ(only->recipient, i);
    }
    // A key set holding two of the keys decrypts for the first recipient it fits.
    auto both = decrypt(jwe, key_set({ec_key(), rsa_key()}));
    ASSERT_TRUE(both);
    EXPECT_EQ(both->recipient, 0u);
}

TEST(JweJson, EveryContentEncryptionRoundTrips) {
    for (ContentEncryption enc : all_content_encryption()) {
        SCOPED_TRACE(to_string(enc));
        const json::object jwe = encrypt_three({}, enc);
        auto out = decrypt(jwe, key_set({aes_key()}));
        ASSERT_TRUE(out) << out.error().to_string();
        EXPECT_EQ(out->plaintext, kPlaintext);
    }
}

TEST(JweJson, GcmKwAndPbes2RecipientsCarryTheirParametersInTheirHeader) {
    KeyGenOptions g;
    g.kid = "gcmkw";
    const Jwk gcmkw = Jwk::generate(KeyManagement::A128GCMKW, g).value();
    g.kid = "pbes2";
    const Jwk pbes2 = Jwk::generate(KeyManagement::PBES2_HS384_A192KW, g).value();
    const std::vector<JweRecipient> recipients = {{gcmkw, KeyManagement::A128GCMKW, {}},
                                                  {pbes2, KeyManagement::PBES2_HS384_A192KW, {}}};
    JweJsonOptions options;
    options.pbes2_count = 1000;
    const json::object jwe =
        jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A192GCM, options).value();
    const json::array& r = jwe.at("recipients").as_array();
    EXPECT_TRUE(r[0].as_object().at("header").as_object().contains("iv"));
    EXPECT_TRUE(r[0].as_object().at("header").as_object().contains("tag"));
    EXPECT_TRUE(r[1].as_object().at("header").as_object().contains("p2s"));
    EXPECT_EQ(r[1].as_object().at("header").as_object().at("p2c").to_number<int>(), 1000);
    const auto o = allow({KeyManagement::A128GCMKW, KeyManagement::PBES2_HS384_A192KW});
    auto first = decrypt(jwe, key_set({gcmkw}), o);
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_EQ(first->recipient, 0u);
    auto second = decrypt(jwe, key_set({pbes2}), o);
    ASSERT_TRUE(second) << second.error().to_string();
    EXPECT_EQ(second->recipient, 1u);
    EXPECT_EQ(second->plaintext, kPlaintext);
}

TEST(JweJson, NoKeyForAnyRecipientIsKeyNotFound) {
    KeyGenOptions g;
    g.kid = "stranger";
    const Jwk stranger = Jwk::generate(KeyManagement::A256KW, g).value();
    EXPECT_EQ(decrypt_code(encrypt_three(), key_set({stranger})), Errc::key_not_found);
    // A key without "kid" is tried for the recipient it fits, and fails to unwrap.
    EXPECT_EQ(decrypt_code(encrypt_three(), key_set({stranger.with_kid("")})),
              Errc::decryption_failed);
}

TEST(JweJson, AFailureForTheRecipientWeHoldAKeyForIsReported) {
    json::object jwe = encrypt_three();
    std::string ek = decode(recipient(jwe, 1).at("encrypted_key"));
    ek[3] = static_cast<char>(ek[3] ^ 1);
    recipient(jwe, 1)["encrypted_key"] = b64(ek);
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::decryption_failed);
    // The other recipients are untouched.
    auto out = decrypt(jwe, key_set({rsa_key()}));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->recipient, 0u);
}

TEST(JweJson, TamperedSharedPartsFailForEveryRecipient) {
    const json::object jwe = encrypt_three();
    for (std::string_view member : {"iv", "ciphertext", "tag"}) {
        json::object t = jwe;
        std::string raw = decode(t.at(member));
        raw[0] = static_cast<char>(raw[0] ^ 1);
        t[member] = b64(raw);
        for (const Jwk* key : {&rsa_key(), &aes_key(), &ec_key()}) {
            EXPECT_EQ(decrypt_code(t, key_set({*key})), Errc::decryption_failed)
                << member << " " << key->kid();
        }
    }
    json::object t = jwe;
    json::object prot = json::parse(decode(t.at("protected"))).as_object();
    prot["typ"] = "JWE";
    t["protected"] = testing::b64_json(prot);
    EXPECT_EQ(decrypt_code(t, key_set({aes_key()})), Errc::decryption_failed);
}

// ---------------------------------------------------------------------------------------------
// Flattened syntax

TEST(JweJson, FlattenedSyntaxHasOneRecipientAtTheTop) {
    JweJsonOptions options;
    options.flattened = true;
    const json::object jwe = encrypt_one({aes_key(), KeyManagement::A256KW, {}}, options);
    EXPECT_FALSE(jwe.contains("recipients"));
    EXPECT_EQ(jwe.at("header").as_object().at("alg").as_string(), "A256KW");
    EXPECT_EQ(decode(jwe.at("encrypted_key")).size(), 40u);  // 32-byte CBC-HS256 CEK + 8
    auto out = decrypt(jwe, key_set({aes_key()}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, kPlaintext);
    EXPECT_EQ(out->recipient, 0u);
    EXPECT_EQ(out->recipient_header.at("kid").as_string(), "aes-recipient");

    const auto recipients = three_recipients();
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A128GCM, options).code(),
              Errc::invalid_argument);
}

TEST(JweJson, FlattenedDirAndEcdhEsHaveNoEncryptedKey) {
    KeyGenOptions g;
    g.kid = "dir";
    g.enc = ContentEncryption::A128CBC_HS256;
    const Jwk dir = Jwk::generate(KeyManagement::dir, g).value();
    JweJsonOptions options;
    options.flattened = true;
    const json::object a = encrypt_one({dir, KeyManagement::dir, {}}, options);
    EXPECT_FALSE(a.contains("encrypted_key"));
    auto out = decrypt(a, key_set({dir}), allow({KeyManagement::dir}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, kPlaintext);

    KeyGenOptions e;
    e.kid = "ecdh";
    e.curve = Curve::X25519;
    const Jwk ecdh = Jwk::generate(KeyManagement::ECDH_ES, e).value();
    const json::object b = encrypt_one({public_of(ecdh), KeyManagement::ECDH_ES, {}});
    EXPECT_FALSE(b.at("recipients").as_array()[0].as_object().contains("encrypted_key"));
    auto out2 = decrypt(b, key_set({ecdh}), allow({KeyManagement::ECDH_ES}));
    ASSERT_TRUE(out2) << out2.error().to_string();
    EXPECT_EQ(out2->plaintext, kPlaintext);
}

TEST(JweJson, DirAndEcdhEsMustBeTheOnlyRecipient) {
    // RFC 7516 §7.2.1: their CEK is fixed by the key, so it cannot be shared with anyone else.
    KeyGenOptions g;
    g.kid = "dir";
    g.enc = ContentEncryption::A128GCM;
    const Jwk dir = Jwk::generate(KeyManagement::dir, g).value();
    const std::vector<JweRecipient> with_dir = {{dir, KeyManagement::dir, {}},
                                                {aes_key(), KeyManagement::A256KW, {}}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_dir, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
    const std::vector<JweRecipient> with_ecdh = {
        {public_of(rsa_key()), KeyManagement::RSA_OAEP_256, {}},
        {public_of(ec_key()).with_alg(KeyManagement::ECDH_ES), KeyManagement::ECDH_ES, {}}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_ecdh, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// AAD and headers

TEST(JweJson, AadRoundTripsAndIsAuthenticated) {
    JweJsonOptions options;
    options.aad = std::string("external \0 data \xff", 17);
    json::object jwe = encrypt_three(options);
    EXPECT_EQ(decode(jwe.at("aad")), options.aad);
    auto out = decrypt(jwe, key_set({ec_key()}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->aad, options.aad);
    EXPECT_EQ(out->plaintext, kPlaintext);

    jwe["aad"] = b64("other data");
    EXPECT_EQ(decrypt_code(jwe, key_set({ec_key()})), Errc::decryption_failed);
    jwe.erase("aad");
    EXPECT_EQ(decrypt_code(jwe, key_set({ec_key()})), Errc::decryption_failed);
    jwe["aad"] = "not base64!";
    EXPECT_EQ(decrypt_code(jwe, key_set({ec_key()})), Errc::bad_base64);
    jwe["aad"] = 5;
    EXPECT_EQ(decrypt_code(jwe, key_set({ec_key()})), Errc::malformed);
    // Without AAD there is no "aad" member, and adding an empty one changes the AAD input.
    json::object plain = encrypt_three();
    EXPECT_FALSE(plain.contains("aad"));
    plain["aad"] = "";
    EXPECT_EQ(decrypt_code(plain, key_set({ec_key()})), Errc::decryption_failed);
}

TEST(JweJson, SharedAndPerRecipientUnprotectedHeaders) {
    JweJsonOptions options;
    options.protected_header = json::object{{"typ", "JWE"}};
    options.unprotected_header = json::object{{"jku", "https://example.com/keys"}};
    auto recipients = three_recipients();
    recipients[1].header = json::object{{"x-note", "for the AES recipient"}};
    const json::object jwe =
        jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A128GCM, options).value();
    EXPECT_EQ(jwe.at("unprotected").as_object(), options.unprotected_header);
    auto out = decrypt(jwe, key_set({aes_key()}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->protected_header.at("typ").as_string(), "JWE");
    EXPECT_EQ(out->unprotected_header, options.unprotected_header);
    EXPECT_EQ(out->recipient_header.at("x-note").as_string(), "for the AES recipient");
    EXPECT_EQ(out->recipient_header.at("alg").as_string(), "A256KW");
}

TEST(JweJson, ParametersMayComeFromAnyOfTheThreeHeaders) {
    // RFC 7516 §7.2.1: the JOSE header is the union of the three; "alg" need not be per recipient.
    JweJsonOptions options;
    options.flattened = true;
    json::object jwe = encrypt_one({aes_key(), KeyManagement::A256KW, {}}, options);
    json::object header = jwe.at("header").as_object();
    json::object unprotected;
    unprotected["alg"] = header.at("alg");
    header.erase("alg");
    jwe["header"] = header;
    jwe["unprotected"] = unprotected;
    auto out = decrypt(jwe, key_set({aes_key()}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, kPlaintext);
    // "kid" in the shared header selects the key as well.
    unprotected["kid"] = header.at("kid");
    header.erase("kid");
    jwe["header"] = header;
    jwe["unprotected"] = unprotected;
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::ok);
}

TEST(JweJson, HeadersMustBeDisjoint) {
    // Encryption refuses to write them.
    JweJsonOptions options;
    options.protected_header = json::object{{"typ", "JWE"}};
    options.unprotected_header = json::object{{"typ", "JWE"}};
    const auto recipients = three_recipients();
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A128GCM, options).code(),
              Errc::bad_header);
    JweJsonOptions per_recipient;
    per_recipient.unprotected_header = json::object{{"cty", "JWT"}};
    auto with_header = three_recipients();
    with_header[2].header = json::object{{"cty", "JWT"}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_header, ContentEncryption::A128GCM, per_recipient)
                  .code(),
              Errc::bad_header);

    // Decryption refuses to read them: the same name in the shared and a recipient header...
    json::object jwe = encrypt_three();
    jwe["unprotected"] = json::object{{"kid", "aes-recipient"}};
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::bad_header);
    // ... or in the protected and the shared header.
    jwe["unprotected"] = json::object{{"enc", "A256GCM"}};
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::bad_header);
    // ... or in the protected and a recipient header.
    jwe.erase("unprotected");
    recipient(jwe, 0)["header"].as_object()["enc"] = "A256GCM";
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::bad_header);
}

TEST(JweJson, ZipOnlyInTheProtectedHeader) {
    JweJsonOptions options;
    options.compress = true;
    json::object compressed = encrypt_three(options);
    const json::object prot = json::parse(decode(compressed.at("protected"))).as_object();
    EXPECT_EQ(prot.at("zip").as_string(), "DEF");
    auto out = decrypt(compressed, key_set({rsa_key()}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->plaintext, kPlaintext);

    // RFC 7516 §4.1.3: "zip" must be integrity protected.
    json::object jwe = encrypt_three();
    jwe["unprotected"] = json::object{{"zip", "DEF"}};
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::unsupported_zip);
    jwe.erase("unprotected");
    recipient(jwe, 1)["header"].as_object()["zip"] = "DEF";
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::unsupported_zip);
    // And compression cannot be requested through the protected header members option.
    JweJsonOptions bad;
    bad.protected_header = json::object{{"zip", "DEF"}};
    const auto recipients = three_recipients();
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A128GCM, bad).code(),
              Errc::invalid_argument);
}

TEST(JweJson, CritOnlyInTheProtectedHeader) {
    // RFC 7515 §4.1.11 (applied to JWE by RFC 7516 §4.1.13): "crit" must be integrity protected.
    JweDecryptOptions o = allow_three();
    o.understood_crit = {"exp"};
    json::object jwe = encrypt_three();
    jwe["unprotected"] = json::object{{"crit", json::array{"exp"}}, {"exp", 1}};
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()}), o), Errc::unsupported_crit);
    jwe.erase("unprotected");
    json::object& header = recipient(jwe, 1)["header"].as_object();
    header["crit"] = json::array{"exp"};
    header["exp"] = 1;
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()}), o), Errc::unsupported_crit);

    // In the protected header, understood and present: accepted.
    JweJsonOptions options;
    options.protected_header = json::object{{"crit", json::array{"exp"}}, {"exp", 1}};
    const json::object protected_crit = encrypt_three(options);
    EXPECT_EQ(decrypt_code(protected_crit, key_set({aes_key()}), o), Errc::ok);
    EXPECT_EQ(decrypt_code(protected_crit, key_set({aes_key()})), Errc::unsupported_crit);
}

// ---------------------------------------------------------------------------------------------
// Structure

TEST(JweJson, RejectsBothSyntaxesAtOnce) {
    json::object jwe = encrypt_three();
    jwe["header"] = json::object{{"alg", "A256KW"}};
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::malformed);
    jwe.erase("header");
    jwe["encrypted_key"] = recipient(jwe, 1).at("encrypted_key");
    EXPECT_EQ(decrypt_code(jwe, key_set({aes_key()})), Errc::malformed);
}

TEST(JweJson, RejectsMalformedMembers) {
    const json::object jwe = encrypt_three();
    const KeySet keys = key_set({aes_key()});
    const auto mutated = [&](auto&& change) {
        json::object copy = jwe;
        change(copy);
        return decrypt_code(copy, keys);
    };
    EXPECT_EQ(mutated([](json::object& j) { j["recipients"] = json::array{}; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j["recipients"] = json::object{}; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j.at("recipients").as_array()[0] = "x"; }),
              Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { recipient(j, 0)["header"] = "x"; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { recipient(j, 0)["encrypted_key"] = 1; }),
              Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { recipient(j, 0)["encrypted_key"] = "A"; }),
              Errc::bad_base64);
    for (std::string_view member : {"iv", "ciphertext", "tag"}) {
        EXPECT_EQ(mutated([&](json::object& j) { j.erase(member); }), Errc::malformed) << member;
        EXPECT_EQ(mutated([&](json::object& j) { j[member] = 7; }), Errc::malformed) << member;
        EXPECT_EQ(mutated([&](json::object& j) { j[member] = "a+b/"; }), Errc::bad_base64)
            << member;
    }
    EXPECT_EQ(mutated([](json::object& j) { j["protected"] = 1; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j["protected"] = "!!"; }), Errc::bad_base64);
    EXPECT_EQ(mutated([](json::object& j) { j["protected"] = b64("[1]"); }), Errc::bad_json);
    EXPECT_EQ(mutated([](json::object& j) { j["unprotected"] = "x"; }), Errc::malformed);
    EXPECT_EQ(decrypt_code(json::object{}, keys), Errc::malformed);

    for (std::string_view text : {"", "[]", "\"jwe\"", "{", "{} {}", "{\"iv\":}"}) {
        EXPECT_EQ(jwe::decrypt_json(text, keys, allow_three()).code(), Errc::bad_json) << text;
    }
    EXPECT_EQ(jwe::decrypt_json(R"({"iv":"AA","iv":"AA"})", keys, allow_three()).code(),
              Errc::duplicate_member);
    EXPECT_EQ(jwe::decrypt_json(json::serialize(jwe), keys, JweDecryptOptions{}).code(),
              Errc::invalid_argument);
}

TEST(JweJson, RejectsInputOverTheSizeLimit) {
    const std::string text = json::serialize(encrypt_three());
    JweDecryptOptions o = allow_three();
    o.limits.max_token_size = text.size();
    EXPECT_EQ(jwe::decrypt_json(text, key_set({aes_key()}), o).code(), Errc::ok);
    o.limits.max_token_size = text.size() - 1;
    EXPECT_EQ(jwe::decrypt_json(text, key_set({aes_key()}), o).code(), Errc::token_too_large);
}

TEST(JweJson, EncryptRefusesUnusableInput) {
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, {}, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
    JweJsonOptions options;
    options.protected_header = json::object{{"enc", "A128GCM"}};
    const auto recipients = three_recipients();
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, recipients, ContentEncryption::A128GCM, options).code(),
              Errc::invalid_argument);
    auto with_alg = three_recipients();
    with_alg[1].header = json::object{{"alg", "A256KW"}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_alg, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
    // A recipient whose key does not fit its algorithm.
    auto mismatched = three_recipients();
    mismatched[1].alg = KeyManagement::A128KW;
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, mismatched, ContentEncryption::A128GCM).code(),
              Errc::key_alg_mismatch);
    // RSA1_5 needs the opt-in here too.
    const std::vector<JweRecipient> rsa1_5 = {
        {public_of(rsa_key()).with_alg(KeyManagement::RSA1_5), KeyManagement::RSA1_5, {}}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, rsa1_5, ContentEncryption::A128GCM).code(),
              Errc::alg_not_allowed);
    JweJsonOptions unsafe;
    unsafe.allow_rsa1_5_unsafe = true;
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, rsa1_5, ContentEncryption::A128GCM, unsafe).code(),
              Errc::ok);
}

TEST(JweJson, EncryptRefusesKeyManagementParametersInARecipientHeader) {
    // Members the key management writes ("epk", "iv"/"tag", "p2s"/"p2c") cannot come from the
    // caller: jwe::encrypt refuses them with invalid_argument, and so must encrypt_json rather
    // than silently replace them.
    auto with_epk = three_recipients();
    with_epk[2].header = json::object{{"epk", json::object{{"kty", "EC"}}}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_epk, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
    KeyGenOptions g;
    g.kid = "gcmkw";
    const std::vector<JweRecipient> with_iv = {{Jwk::generate(KeyManagement::A128GCMKW, g).value(),
                                                KeyManagement::A128GCMKW,
                                                json::object{{"iv", "AAAAAAAAAAAAAAAA"}}}};
    EXPECT_EQ(jwe::encrypt_json(kPlaintext, with_iv, ContentEncryption::A128GCM).code(),
              Errc::invalid_argument);
}

}  // namespace
}  // namespace signet
