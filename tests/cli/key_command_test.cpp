// End-to-end tests of `signet key ...`: generate, public, thumbprint, import, export and jwks.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_runner.hpp"

namespace signet::cli::test {
namespace {

// Every private member a JWK may carry (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2).
const std::vector<std::string> kPrivateMembers = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

void expect_no_private_members(const boost::json::object& jwk) {
    for (const std::string& name : kPrivateMembers) {
        EXPECT_FALSE(jwk.contains(name)) << "public key has \"" << name << "\"";
    }
}

using KeyGenerate = CliTest;

TEST_F(KeyGenerate, KidDefaultsToThumbprint) {
    const RunResult generated = run({"key", "generate", "--alg", "ES256"});
    ASSERT_EQ(generated.exit_code, 0) << describe(generated);
    EXPECT_EQ(line_count(generated.out), 1u);
    const auto jwk = parse_object(generated.out);
    const std::string key = write_file("key.jwk", generated.out);
    const RunResult thumbprint = run({"key", "thumbprint", key});
    ASSERT_EQ(thumbprint.exit_code, 0) << describe(thumbprint);
    ASSERT_TRUE(jwk.contains("kid"));
    EXPECT_EQ(jwk.at("kid").as_string(), chomp(thumbprint.out));
}

TEST_F(KeyGenerate, KidOptionSetsKid) {
    const RunResult generated = run({"key", "generate", "--alg", "EdDSA", "--kid", "my-key"});
    ASSERT_EQ(generated.exit_code, 0) << describe(generated);
    EXPECT_EQ(parse_object(generated.out).at("kid").as_string(), "my-key");
}

TEST_F(KeyGenerate, EdDSADefaultsToEd25519AndAcceptsEd448) {
    const RunResult ed25519 = run({"key", "generate", "--alg", "EdDSA"});
    ASSERT_EQ(ed25519.exit_code, 0) << describe(ed25519);
    EXPECT_EQ(parse_object(ed25519.out).at("crv").as_string(), "Ed25519");
    const RunResult ed448 = run({"key", "generate", "--alg", "EdDSA", "--crv", "Ed448"});
    ASSERT_EQ(ed448.exit_code, 0) << describe(ed448);
    EXPECT_EQ(parse_object(ed448.out).at("crv").as_string(), "Ed448");
}

TEST_F(KeyGenerate, MatchingCrvIsAcceptedForEs) {
    const RunResult result = run({"key", "generate", "--alg", "ES384", "--crv", "P-384"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(parse_object(result.out).at("crv").as_string(), "P-384");
}

TEST_F(KeyGenerate, RsaBitsSetsModulusSize) {
    const RunResult result = run({"key", "generate", "--alg", "RS256", "--bits", "3072"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    // A 3072-bit modulus is 384 bytes: 512 base64url characters without padding.
    EXPECT_EQ(parse_object(result.out).at("n").as_string().size(), 512u);
}

TEST_F(KeyGenerate, RsaBitsBelow2048AreRefused) {
    const RunResult result = run({"key", "generate", "--alg", "PS256", "--bits", "1024"});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "weak_key: ")) << result.err;
}

TEST_F(KeyGenerate, ContradictingCrvIsUsageError) {
    const std::vector<std::vector<std::string>> cases = {
        {"--alg", "ES256", "--crv", "P-384"},
        {"--alg", "ES256K", "--crv", "P-256"},
        {"--alg", "EdDSA", "--crv", "X25519"},
        {"--alg", "EdDSA", "--crv", "P-256"},
        {"--alg", "RS256", "--crv", "P-256"},
        {"--alg", "HS256", "--crv", "Ed25519"},
        {"--alg", "EdDSA", "--crv", "Ed99999"},
        {"--alg", "ES256", "--bits", "2048"},
        {"--alg", "HS256", "--bits", "257"},
        {"--alg", "HS512", "--bits", "0"},
        {"--alg", "ES256", "--enc", "A256GCM"},
        {"--alg", "ECDH-ES", "--crv", "Ed25519"},
        {"--alg", "ECDH-ES", "--crv", "secp256k1"},
        {"--alg", "ECDH-ES+A128KW", "--bits", "256"},
        {"--alg", "RSA-OAEP", "--crv", "P-256"},
        {"--alg", "A128KW", "--bits", "128"},
        {"--alg", "A256KW", "--enc", "A256GCM"},
        {"--alg", "PBES2-HS256+A128KW", "--crv", "P-256"},
        {"--alg", "dir", "--enc", "A256KW"},
        {"--alg", "dir", "--bits", "256"},
    };
    for (const auto& extra : cases) {
        std::vector<std::string> args = {"key", "generate"};
        args.insert(args.end(), extra.begin(), extra.end());
        const RunResult result = run(args);
        EXPECT_EQ(result.exit_code, 2) << extra[1] << " " << extra[3] << "\n" << describe(result);
        EXPECT_TRUE(result.out.empty()) << describe(result);
        EXPECT_NE(result.err.find("--help"), std::string::npos) << describe(result);
    }
}

TEST_F(KeyGenerate, HmacBitsSetTheSecretSize) {
    const RunResult big = run({"key", "generate", "--alg", "HS256", "--bits", "512"});
    ASSERT_EQ(big.exit_code, 0) << describe(big);
    // 64 bytes: 86 base64url characters without padding.
    EXPECT_EQ(parse_object(big.out).at("k").as_string().size(), 86u);
    const RunResult exact = run({"key", "generate", "--alg", "HS384", "--bits", "384"});
    ASSERT_EQ(exact.exit_code, 0) << describe(exact);
    EXPECT_EQ(parse_object(exact.out).at("k").as_string().size(), 64u);
    // RFC 7518 §3.2: a secret shorter than the hash output is refused.
    for (const auto& [alg, bits] : std::vector<std::pair<std::string, std::string>>{
             {"HS256", "248"}, {"HS384", "256"}, {"HS512", "504"}}) {
        const RunResult weak = run({"key", "generate", "--alg", alg, "--bits", bits});
        EXPECT_EQ(weak.exit_code, 1) << alg << " " << bits << "\n" << describe(weak);
        EXPECT_TRUE(weak.out.empty());
        EXPECT_TRUE(starts_with(weak.err, "weak_key: ")) << weak.err;
    }
}

TEST_F(KeyGenerate, JweKeysAreBoundToTheirAlgorithmForEncryption) {
    struct Case {
        std::vector<std::string> args;
        std::string kty;
        std::string crv;          // "" when none
        std::size_t secret_size;  // base64url characters of "k"; 0 when not oct
    };
    const std::vector<Case> cases = {
        {{"--alg", "ECDH-ES"}, "EC", "P-256", 0},
        {{"--alg", "ECDH-ES", "--crv", "X25519"}, "OKP", "X25519", 0},
        {{"--alg", "ECDH-ES+A256KW", "--crv", "P-384"}, "EC", "P-384", 0},
        {{"--alg", "ECDH-ES+A192KW", "--crv", "X448"}, "OKP", "X448", 0},
        {{"--alg", "A128KW"}, "oct", "", 22},
        {{"--alg", "A256KW"}, "oct", "", 43},
        {{"--alg", "A128GCMKW"}, "oct", "", 22},
        {{"--alg", "A192GCMKW"}, "oct", "", 32},
        {{"--alg", "PBES2-HS256+A128KW"}, "oct", "", 0},
        {{"--alg", "dir", "--enc", "A256GCM"}, "oct", "", 43},
        {{"--alg", "dir", "--enc", "A128CBC-HS256"}, "oct", "", 43},
        {{"--alg", "dir", "--enc", "A256CBC-HS512"}, "oct", "", 86},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args[1] + " " + (c.args.size() > 3 ? c.args[3] : ""));
        std::vector<std::string> args = {"key", "generate"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const RunResult result = run(args);
        ASSERT_EQ(result.exit_code, 0) << describe(result);
        const auto jwk = parse_object(result.out);
        EXPECT_EQ(jwk.at("alg").as_string(), c.args[1]);
        EXPECT_EQ(jwk.at("use").as_string(), "enc");
        EXPECT_EQ(jwk.at("kty").as_string(), c.kty);
        if (!c.crv.empty()) {
            EXPECT_EQ(jwk.at("crv").as_string(), c.crv);
        }
        if (c.kty == "oct") {
            EXPECT_TRUE(jwk.contains("k"));
            if (c.secret_size != 0) {
                EXPECT_EQ(jwk.at("k").as_string().size(), c.secret_size);
            }
        } else {
            EXPECT_TRUE(jwk.contains("d"));
        }
    }
}

TEST_F(KeyGenerate, RsaJweKeysTakeBits) {
    const RunResult result = run({"key", "generate", "--alg", "RSA-OAEP-256", "--bits", "3072"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto jwk = parse_object(result.out);
    EXPECT_EQ(jwk.at("n").as_string().size(), 512u);
    EXPECT_EQ(jwk.at("alg").as_string(), "RSA-OAEP-256");
    EXPECT_EQ(jwk.at("use").as_string(), "enc");
    const RunResult weak = run({"key", "generate", "--alg", "RSA-OAEP", "--bits", "1024"});
    EXPECT_EQ(weak.exit_code, 1) << describe(weak);
    EXPECT_TRUE(starts_with(weak.err, "weak_key: ")) << weak.err;
}

TEST_F(KeyGenerate, DirKeyNeedsEnc) {
    const RunResult result = run({"key", "generate", "--alg", "dir"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_NE(result.err.find("--enc"), std::string::npos) << result.err;
}

TEST_F(KeyGenerate, NeverOffersAlgNone) {
    const RunResult result = run({"key", "generate", "--alg", "none"});
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_TRUE(result.out.empty());
}

using KeyPublic = CliTest;

TEST_F(KeyPublic, NeverPrintsPrivateMembers) {
    for (const std::vector<std::string>& gen : std::vector<std::vector<std::string>>{
             {"--alg", "RS256"}, {"--alg", "ES512"}, {"--alg", "EdDSA", "--crv", "Ed448"}}) {
        const std::string key = generate_key("key.jwk", gen);
        ASSERT_FALSE(key.empty());
        const auto priv = parse_object(read_file(key));
        ASSERT_TRUE(priv.contains("d"));
        const RunResult result = run({"key", "public", key});
        ASSERT_EQ(result.exit_code, 0) << describe(result);
        EXPECT_EQ(result.out.find("\"d\""), std::string::npos) << result.out;
        const auto pub = parse_object(result.out);
        expect_no_private_members(pub);
        EXPECT_EQ(pub.at("kty"), priv.at("kty"));
        EXPECT_EQ(pub.at("kid"), priv.at("kid"));
        EXPECT_EQ(pub.at("alg"), priv.at("alg"));
        for (const char* member : {"n", "e", "x", "y", "crv"}) {
            if (priv.contains(member)) {
                EXPECT_EQ(pub.at(member), priv.at(member)) << member;
            }
        }
    }
}

TEST_F(KeyPublic, GivesPublicJwksOfPrivateJwks) {
    const std::string rsa = generate_key("rsa.jwk", {"--alg", "PS256"});
    const std::string ec = generate_key("ec.jwk", {"--alg", "ES256K"});
    ASSERT_FALSE(rsa.empty());
    ASSERT_FALSE(ec.empty());
    const std::string set = write_file(
        "set.json", "{\"keys\":[" + chomp(read_file(rsa)) + "," + chomp(read_file(ec)) + "]}");
    const RunResult result = run({"key", "public", set});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto jwks = parse_object(result.out);
    ASSERT_TRUE(jwks.contains("keys"));
    const auto& keys = jwks.at("keys").as_array();
    ASSERT_EQ(keys.size(), 2u);
    for (const auto& key : keys)
        expect_no_private_members(key.as_object());
}

TEST_F(KeyPublic, ReadsStandardInput) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const RunResult result = run({"key", "public", "-"}, read_file(key));
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto pub = parse_object(result.out);
    EXPECT_FALSE(pub.contains("d"));
    EXPECT_EQ(pub.at("kid"), parse_object(read_file(key)).at("kid"));
}

TEST_F(KeyPublic, OctKeyHasNoPublicHalf) {
    const std::string key = generate_key("hmac.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const std::string secret(parse_object(read_file(key)).at("k").as_string());
    const RunResult result = run({"key", "public", key});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_FALSE(result.err.empty());
    EXPECT_EQ(result.err.find(secret), std::string::npos) << "secret in the error message";
}

using KeyThumbprint = CliTest;

// RFC 7638 §3.1: the example RSA key and the thumbprint the RFC publishes for it.
const std::string kRfc7638Key = SIGNET_VECTORS_DIR "/rfc-examples/rfc7638_3.1.jwk";
const std::string kRfc7638Thumbprint = SIGNET_VECTORS_DIR "/rfc-examples/rfc7638_3.1.thp";

TEST_F(KeyThumbprint, MatchesRfc7638Example) {
    const std::string expected = chomp(read_file(kRfc7638Thumbprint));
    ASSERT_EQ(expected.size(), 43u) << kRfc7638Thumbprint;
    const RunResult result = run({"key", "thumbprint", kRfc7638Key});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(result.out, expected + "\n");
}

TEST_F(KeyThumbprint, ReadsStandardInput) {
    const RunResult result = run({"key", "thumbprint", "-"}, read_file(kRfc7638Key));
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(chomp(result.out), chomp(read_file(kRfc7638Thumbprint)));
}

TEST_F(KeyThumbprint, PrivateAndPublicHalvesAgree) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES384", "--kid", "k"});
    ASSERT_FALSE(key.empty());
    const std::string pub = save_output("pub.jwk", {"key", "public", key});
    ASSERT_FALSE(pub.empty());
    const RunResult a = run({"key", "thumbprint", key});
    const RunResult b = run({"key", "thumbprint", pub});
    ASSERT_EQ(a.exit_code, 0) << describe(a);
    ASSERT_EQ(b.exit_code, 0) << describe(b);
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(chomp(a.out).size(), 43u);  // 32 bytes of SHA-256 in base64url
}

TEST_F(KeyThumbprint, MissingFileFails) {
    const RunResult result = run({"key", "thumbprint", path("no-such-file")});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "invalid_argument: ")) << result.err;
}

using KeyPem = CliTest;

TEST_F(KeyPem, ExportAndImportKeepTheKey) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const auto original = parse_object(read_file(key));

    const RunResult priv = run({"key", "export", key});
    ASSERT_EQ(priv.exit_code, 0) << describe(priv);
    EXPECT_TRUE(starts_with(priv.out, "-----BEGIN PRIVATE KEY-----\n")) << priv.out;
    const RunResult pub = run({"key", "export", key, "--public"});
    ASSERT_EQ(pub.exit_code, 0) << describe(pub);
    EXPECT_TRUE(starts_with(pub.out, "-----BEGIN PUBLIC KEY-----\n")) << pub.out;
    EXPECT_EQ(pub.out.find("PRIVATE"), std::string::npos);
    const std::string priv_pem = write_file("key.pem", priv.out);
    const std::string pub_pem = write_file("pub.pem", pub.out);

    // The private PEM comes back as the same private key; the kid defaults to the thumbprint,
    // which the generated key also used.
    const RunResult imported = run({"key", "import", priv_pem, "--alg", "ES256"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    const auto jwk = parse_object(imported.out);
    EXPECT_EQ(jwk.at("alg").as_string(), "ES256");
    EXPECT_EQ(jwk.at("use").as_string(), "sig");
    EXPECT_EQ(jwk.at("kid"), original.at("kid"));
    for (const char* member : {"crv", "x", "y", "d"}) {
        EXPECT_EQ(jwk.at(member), original.at(member)) << member;
    }

    const RunResult imported_pub = run({"key", "import", pub_pem, "--kid", "given"});
    ASSERT_EQ(imported_pub.exit_code, 0) << describe(imported_pub);
    const auto pub_jwk = parse_object(imported_pub.out);
    EXPECT_EQ(pub_jwk.at("kid").as_string(), "given");
    EXPECT_FALSE(pub_jwk.contains("d"));
    EXPECT_FALSE(pub_jwk.contains("alg"));  // not bound without --alg
    EXPECT_FALSE(pub_jwk.contains("use"));
    EXPECT_EQ(pub_jwk.at("x"), original.at("x"));
}

TEST_F(KeyPem, ImportRefusesNonPem) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const RunResult result = run({"key", "import", key});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "invalid_argument: ")) << result.err;
}

TEST_F(KeyPem, ImportRefusesAlgTheKeyCannotServe) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("key.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const RunResult result = run({"key", "import", pem, "--alg", "RS256"});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "key_alg_mismatch: ")) << result.err;
}

TEST_F(KeyPem, ImportBindsJweAlgorithmForEncryption) {
    const std::string key = generate_key("key.jwk", {"--alg", "ECDH-ES+A128KW", "--crv", "P-521"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const RunResult imported = run({"key", "import", pem, "--alg", "ECDH-ES+A128KW"});
    ASSERT_EQ(imported.exit_code, 0) << describe(imported);
    const auto jwk = parse_object(imported.out);
    EXPECT_EQ(jwk.at("alg").as_string(), "ECDH-ES+A128KW");
    EXPECT_EQ(jwk.at("use").as_string(), "enc");
    EXPECT_FALSE(jwk.contains("d"));
    // The imported public JWK encrypts (with its own "alg"), and the original key decrypts.
    const std::string pub = write_file("pub.jwk", imported.out);
    const RunResult encrypted =
        run({"token", "encrypt", "--key", pub, "--enc", "A128GCM", "-"}, "imported");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const RunResult decrypted = run({"token", "decrypt", "--key", key, chomp(encrypted.out)});
    ASSERT_EQ(decrypted.exit_code, 0) << describe(decrypted);
    EXPECT_EQ(decrypted.out, "imported");

    // An EC key cannot serve RSA-OAEP, and a PEM key (never oct) cannot serve AES key wrap.
    for (const char* alg : {"RSA-OAEP-256", "A256KW", "dir", "PBES2-HS256+A128KW"}) {
        const RunResult refused = run({"key", "import", pem, "--alg", alg});
        EXPECT_EQ(refused.exit_code, 1) << alg << "\n" << describe(refused);
        EXPECT_TRUE(refused.out.empty());
        EXPECT_TRUE(starts_with(refused.err, "key_alg_mismatch: ")) << alg << ": " << refused.err;
    }
}

TEST_F(KeyPem, OctKeyHasNoPem) {
    const std::string key = generate_key("hmac.jwk", {"--alg", "HS512"});
    ASSERT_FALSE(key.empty());
    const RunResult result = run({"key", "export", key});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_EQ(result.err.find(std::string(parse_object(read_file(key)).at("k").as_string())),
              std::string::npos);
}

using KeyJwks = CliTest;

TEST_F(KeyJwks, CollectsPublicHalves) {
    const std::string a = generate_key("a.jwk", {"--alg", "RS256", "--kid", "a"});
    const std::string b = generate_key("b.jwk", {"--alg", "EdDSA", "--kid", "b"});
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    const RunResult result = run({"key", "jwks", a, b});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const auto jwks = parse_object(result.out);
    const auto& keys = jwks.at("keys").as_array();
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].as_object().at("kid").as_string(), "a");
    EXPECT_EQ(keys[1].as_object().at("kid").as_string(), "b");
    for (const auto& key : keys)
        expect_no_private_members(key.as_object());
}

TEST_F(KeyJwks, RefusesDuplicateKid) {
    const std::string a = generate_key("a.jwk", {"--alg", "ES256", "--kid", "same"});
    const std::string b = generate_key("b.jwk", {"--alg", "ES256", "--kid", "same"});
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    const RunResult result = run({"key", "jwks", a, b});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "ambiguous_key_set: ")) << result.err;
}

TEST_F(KeyJwks, RefusesOctKeys) {
    const std::string a = generate_key("a.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(a.empty());
    const RunResult result = run({"key", "jwks", a});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
}

}  // namespace
}  // namespace signet::cli::test
