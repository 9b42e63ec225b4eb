// End-to-end tests of `signet token encrypt` and `token decrypt` (compact JWE, RFC 7516) for every
// key management and content encryption algorithm, and of nested JWTs through `token verify`.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <cctype>
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_runner.hpp"
#include "signet/algorithm.hpp"
#include "signet/base64url.hpp"
#include "signet/jwe.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace signet::cli::test {
namespace {

using namespace std::string_literals;

const std::vector<std::string> kEncryptions = {"A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512",
                                               "A128GCM",       "A192GCM",       "A256GCM"};

// Binary on purpose: a NUL, bytes that are not UTF-8, CR LF and no final newline. Decryption
// must give back exactly these bytes.
const std::string kPlaintext = "Signet JWE\0 \x01\xfe\xff plaintext\r\n\tend"s;

// RSA key generation is the slow step; each RSA key is generated once per test run.
class JweTest : public CliTest {
  protected:
    std::string rsa_key(const std::string& alg) {
        static std::map<std::string, std::string> cache;
        auto it = cache.find(alg);
        if (it == cache.end()) {
            const RunResult generated = run({"key", "generate", "--alg", alg});
            EXPECT_EQ(generated.exit_code, 0) << describe(generated);
            if (generated.exit_code != 0) return "";
            it = cache.emplace(alg, generated.out).first;
        }
        return write_file(alg + ".jwk", it->second);
    }

    // The private key file for `args` (cached for RSA) and its public half ("" for oct keys).
    std::string key_for(const std::vector<std::string>& args) {
        if (args.size() == 2 && args[1].starts_with("RSA")) return rsa_key(args[1]);
        return generate_key("key-" + std::to_string(++keys_) + ".jwk", args);
    }

    std::string public_half(const std::string& key) {
        return save_output(key + ".pub", {"key", "public", key});
    }

  private:
    int keys_ = 0;
};

// The size in bytes of a base64url member of a JWK.
std::size_t member_bytes(const boost::json::object& jwk, std::string_view name) {
    auto bytes = base64url_decode(std::string_view(jwk.at(name).as_string()));
    EXPECT_TRUE(bytes.ok()) << name;
    return bytes ? bytes->size() : 0;
}

// A character in the middle of segment `index` replaced: always canonical base64url, and always
// a different byte string.
std::string tamper(const std::string& token, std::size_t index) {
    auto parts = split_token(token);
    std::string& segment = parts.at(index);
    char& c = segment[segment.size() / 2];
    c = c == 'A' ? 'B' : 'A';
    std::string out = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i)
        out += "." + parts[i];
    return out;
}

struct KmCase {
    const char* alg;
    const char* crv;        // nullptr: the default (P-256 for ECDH-ES*)
    const char* kty;        // of the generated key
    std::size_t key_bytes;  // oct keys of a fixed size; 0 otherwise
};

void PrintTo(const KmCase& c, std::ostream* os) {
    *os << c.alg;
    if (c.crv != nullptr) *os << " " << c.crv;
}

class JweRoundTrip : public JweTest, public ::testing::WithParamInterface<KmCase> {};

// Generate a key with `key generate`, encrypt with its public half for every content encryption,
// decrypt with the private key through the command line, and through the library as well.
TEST_P(JweRoundTrip, EveryContentEncryption) {
    const KmCase& c = GetParam();
    const std::string alg = c.alg;
    const bool rsa1_5 = alg == "RSA1_5";
    const bool dir = alg == "dir";
    const std::string plaintext_file = write_file("plaintext.bin", kPlaintext);

    std::string private_key;
    std::string encrypt_key;
    auto use_key = [&](std::vector<std::string> gen) {
        private_key = key_for(gen);
        ASSERT_FALSE(private_key.empty());
        const auto jwk = parse_object(read_file(private_key));
        EXPECT_EQ(jwk.at("alg").as_string(), alg);
        EXPECT_EQ(jwk.at("use").as_string(), "enc");
        EXPECT_EQ(jwk.at("kty").as_string(), c.kty);
        if (c.crv != nullptr) {
            EXPECT_EQ(jwk.at("crv").as_string(), c.crv);
        }
        if (c.key_bytes != 0) {
            EXPECT_EQ(member_bytes(jwk, "k"), c.key_bytes);
        }
        encrypt_key = std::string_view(c.kty) == "oct" ? private_key : public_half(private_key);
        ASSERT_FALSE(encrypt_key.empty());
    };
    std::vector<std::string> gen = {"--alg", alg};
    if (c.crv != nullptr) gen.insert(gen.end(), {"--crv", c.crv});
    if (!dir) {
        use_key(gen);
        if (testing::Test::HasFatalFailure()) return;
    }

    for (const std::string& enc : kEncryptions) {
        SCOPED_TRACE(enc);
        if (dir) {
            // RFC 7518 §4.5: the "dir" key is the CEK, so it is generated for one enc.
            use_key({"--alg", "dir", "--enc", enc});
            if (testing::Test::HasFatalFailure()) return;
            EXPECT_EQ(member_bytes(parse_object(read_file(private_key)), "k"),
                      cek_bytes(*parse_content_encryption(enc)));
        }
        std::vector<std::string> encrypt = {"token", "encrypt", "--key", encrypt_key, "--enc", enc};
        if (alg.starts_with("PBES2")) encrypt.insert(encrypt.end(), {"--pbes2-count", "1000"});
        if (rsa1_5) encrypt.emplace_back("--allow-rsa1_5-unsafe");
        encrypt.push_back(plaintext_file);
        const RunResult encrypted = run(encrypt);
        ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
        EXPECT_TRUE(encrypted.err.empty()) << encrypted.err;
        EXPECT_EQ(line_count(encrypted.out), 1u);
        const std::string token = chomp(encrypted.out);
        ASSERT_EQ(split_token(token).size(), 5u) << token;
        const auto header = token_header(token);
        EXPECT_EQ(header.at("alg").as_string(), alg);
        EXPECT_EQ(header.at("enc").as_string(), enc);
        EXPECT_EQ(header.at("kid"), parse_object(read_file(private_key)).at("kid"));
        EXPECT_FALSE(header.contains("zip"));
        EXPECT_EQ(token.find("plaintext"), std::string::npos);

        std::vector<std::string> decrypt = {"token", "decrypt", "--key", private_key, token};
        if (rsa1_5) decrypt.emplace_back("--allow-rsa1_5-unsafe");
        const RunResult decrypted = run(decrypt);
        ASSERT_EQ(decrypted.exit_code, 0) << describe(decrypted);
        EXPECT_EQ(decrypted.out, kPlaintext);
        EXPECT_TRUE(decrypted.err.empty()) << decrypted.err;

        // What the command line encrypted, the library decrypts (so would any JOSE stack).
        auto key = Jwk::parse(read_file(private_key));
        ASSERT_TRUE(key.ok()) << key.error().to_string();
        JweDecryptOptions options;
        options.algorithms = {*parse_key_management(alg)};
        options.allow_rsa1_5_unsafe = rsa1_5;
        auto library = jwe::decrypt(token, KeySet::from_keys({*key}).value(), options);
        ASSERT_TRUE(library.ok()) << library.error().to_string();
        EXPECT_EQ(library->plaintext, kPlaintext);
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryKeyManagement, JweRoundTrip,
    ::testing::Values(
        KmCase{"RSA1_5", nullptr, "RSA", 0}, KmCase{"RSA-OAEP", nullptr, "RSA", 0},
        KmCase{"RSA-OAEP-256", nullptr, "RSA", 0}, KmCase{"A128KW", nullptr, "oct", 16},
        KmCase{"A192KW", nullptr, "oct", 24}, KmCase{"A256KW", nullptr, "oct", 32},
        KmCase{"dir", nullptr, "oct", 0}, KmCase{"ECDH-ES", "P-256", "EC", 0},
        KmCase{"ECDH-ES", "P-384", "EC", 0}, KmCase{"ECDH-ES", "P-521", "EC", 0},
        KmCase{"ECDH-ES", "X25519", "OKP", 0}, KmCase{"ECDH-ES", "X448", "OKP", 0},
        KmCase{"ECDH-ES+A128KW", nullptr, "EC", 0}, KmCase{"ECDH-ES+A128KW", "X25519", "OKP", 0},
        KmCase{"ECDH-ES+A192KW", "P-384", "EC", 0}, KmCase{"ECDH-ES+A256KW", "P-521", "EC", 0},
        KmCase{"ECDH-ES+A256KW", "X448", "OKP", 0}, KmCase{"A128GCMKW", nullptr, "oct", 16},
        KmCase{"A192GCMKW", nullptr, "oct", 24}, KmCase{"A256GCMKW", nullptr, "oct", 32},
        KmCase{"PBES2-HS256+A128KW", nullptr, "oct", 0},
        KmCase{"PBES2-HS384+A192KW", nullptr, "oct", 0},
        KmCase{"PBES2-HS512+A256KW", nullptr, "oct", 0}),
    [](const ::testing::TestParamInfo<KmCase>& param_info) {
        std::string name = param_info.param.alg;
        if (param_info.param.crv != nullptr) name += param_info.param.crv;
        for (char& ch : name) {
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        }
        return name;
    });

using JweEncrypt = JweTest;

TEST_F(JweEncrypt, Rsa15IsRefusedWithoutTheUnsafeFlag) {
    const std::string key = rsa_key("RSA1_5");
    ASSERT_FALSE(key.empty());
    const std::string pub = public_half(key);
    ASSERT_FALSE(pub.empty());
    const std::string plaintext = write_file("plaintext.txt", "secret");

    const RunResult refused =
        run({"token", "encrypt", "--key", pub, "--enc", "A128GCM", plaintext});
    expect_rejected(refused, "alg_not_allowed");
    EXPECT_NE(refused.err.find("--allow-rsa1_5-unsafe"), std::string::npos) << refused.err;

    const RunResult encrypted = run(
        {"token", "encrypt", "--key", pub, "--enc", "A128GCM", "--allow-rsa1_5-unsafe", plaintext});
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string token = chomp(encrypted.out);
    EXPECT_EQ(token_header(token).at("alg").as_string(), "RSA1_5");

    // Decrypting it takes the same explicit opt-in, whether the key or --alg names RSA1_5.
    const RunResult not_allowed = run({"token", "decrypt", "--key", key, token});
    expect_rejected(not_allowed, "alg_not_allowed");
    EXPECT_NE(not_allowed.err.find("--allow-rsa1_5-unsafe"), std::string::npos);
    expect_rejected(run({"token", "decrypt", "--key", key, "--alg", "RSA1_5", token}),
                    "alg_not_allowed");
    const RunResult ok = run({"token", "decrypt", "--key", key, "--allow-rsa1_5-unsafe", token});
    ASSERT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(ok.out, "secret");
}

TEST_F(JweEncrypt, KidAndCtyOptionsSetTheHeader) {
    const std::string key = generate_key("key.jwk", {"--alg", "A128KW", "--kid", "own"});
    ASSERT_FALSE(key.empty());
    const std::string plaintext = write_file("plaintext.txt", "hello");
    const RunResult encrypted = run({"token", "encrypt", "--key", key, "--enc", "A128GCM", "--kid",
                                     "other", "--cty", "text/plain", plaintext});
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string token = chomp(encrypted.out);
    const auto header = token_header(token);
    EXPECT_EQ(header.at("kid").as_string(), "other");
    EXPECT_EQ(header.at("cty").as_string(), "text/plain");
    // The key is chosen by "kid": a token naming another kid finds no key.
    expect_rejected(run({"token", "decrypt", "--key", key, token}), "key_not_found");

    const RunResult plain = run({"token", "encrypt", "--key", key, "--enc", "A128GCM", plaintext});
    ASSERT_EQ(plain.exit_code, 0) << describe(plain);
    const auto plain_header = token_header(chomp(plain.out));
    EXPECT_EQ(plain_header.at("kid").as_string(), "own");
    EXPECT_FALSE(plain_header.contains("cty"));
}

TEST_F(JweEncrypt, ZipDeflateRoundTripAndDecompressionCap) {
    const std::string key = generate_key("key.jwk", {"--alg", "A256GCMKW"});
    ASSERT_FALSE(key.empty());
    std::string text;
    for (int i = 0; text.size() < 20000; ++i)
        text += "{\"claim\":\"value\",\"n\":" + std::to_string(i % 10) + "}\n";
    text.resize(20000);
    const std::string plaintext = write_file("plaintext.json", text);

    const RunResult zipped =
        run({"token", "encrypt", "--key", key, "--enc", "A256GCM", "--zip", "DEF", plaintext});
    ASSERT_EQ(zipped.exit_code, 0) << describe(zipped);
    const std::string token = chomp(zipped.out);
    EXPECT_EQ(token_header(token).at("zip").as_string(), "DEF");
    const RunResult unzipped =
        run({"token", "encrypt", "--key", key, "--enc", "A256GCM", plaintext});
    ASSERT_EQ(unzipped.exit_code, 0) << describe(unzipped);
    EXPECT_LT(token.size() * 10, unzipped.out.size()) << "DEFLATE did not shrink the plaintext";

    const RunResult decrypted = run({"token", "decrypt", "--key", key, token});
    ASSERT_EQ(decrypted.exit_code, 0) << describe(decrypted);
    EXPECT_EQ(decrypted.out, text);
    // The cap is on the inflated size: exactly the plaintext size passes, one byte less does not.
    const RunResult at_cap =
        run({"token", "decrypt", "--key", key, "--max-decompressed", "20000", token});
    EXPECT_EQ(at_cap.exit_code, 0) << describe(at_cap);
    EXPECT_EQ(at_cap.out, text);
    expect_rejected(run({"token", "decrypt", "--key", key, "--max-decompressed", "19999", token}),
                    "decompressed_too_large");
}

TEST_F(JweEncrypt, Pbes2CountSetsP2c) {
    const std::string key = generate_key("key.jwk", {"--alg", "PBES2-HS256+A128KW"});
    ASSERT_FALSE(key.empty());
    const std::string plaintext = write_file("plaintext.txt", "hi");
    const RunResult counted = run(
        {"token", "encrypt", "--key", key, "--enc", "A128GCM", "--pbes2-count", "1234", plaintext});
    ASSERT_EQ(counted.exit_code, 0) << describe(counted);
    const auto header = token_header(chomp(counted.out));
    EXPECT_EQ(header.at("p2c").as_int64(), 1234);
    EXPECT_GE(member_bytes(header, "p2s"), kMinPbes2SaltSize);
    const RunResult decrypted = run({"token", "decrypt", "--key", key, chomp(counted.out)});
    EXPECT_EQ(decrypted.exit_code, 0) << describe(decrypted);
    EXPECT_EQ(decrypted.out, "hi");

    const RunResult by_default =
        run({"token", "encrypt", "--key", key, "--enc", "A128GCM", plaintext});
    ASSERT_EQ(by_default.exit_code, 0) << describe(by_default);
    EXPECT_EQ(token_header(chomp(by_default.out)).at("p2c").as_int64(), kDefaultPbes2Count);
}

TEST_F(JweEncrypt, ReadsPlaintextFromStdinByteForByte) {
    const std::string key = generate_key("key.jwk", {"--alg", "A192KW"});
    ASSERT_FALSE(key.empty());
    // A trailing newline of ordinary plaintext is part of it.
    const RunResult encrypted =
        run({"token", "encrypt", "--key", key, "--enc", "A192GCM", "-"}, "line\n\n");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const RunResult decrypted = run({"token", "decrypt", "--key", key, "-"}, encrypted.out);
    ASSERT_EQ(decrypted.exit_code, 0) << describe(decrypted);
    EXPECT_EQ(decrypted.out, "line\n\n");
    // So is an empty plaintext.
    const RunResult empty = run({"token", "encrypt", "--key", key, "--enc", "A192GCM", "-"}, "");
    ASSERT_EQ(empty.exit_code, 0) << describe(empty);
    const RunResult empty_out = run({"token", "decrypt", "--key", key, chomp(empty.out)});
    EXPECT_EQ(empty_out.exit_code, 0) << describe(empty_out);
    EXPECT_TRUE(empty_out.out.empty());
}

TEST_F(JweEncrypt, KeyMustFitTheAlgorithm) {
    const std::string aes = generate_key("aes.jwk", {"--alg", "A128KW"});
    const std::string sig = generate_key("sig.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(aes.empty());
    ASSERT_FALSE(sig.empty());
    const std::string plaintext = write_file("plaintext.txt", "x");
    // Bound to A128KW: not usable for A256KW, and the wrong size for it too.
    expect_rejected(
        run({"token", "encrypt", "--key", aes, "--alg", "A256KW", "--enc", "A128GCM", plaintext}),
        "key_alg_mismatch");
    // A signing key is for JWS: it names no JWE algorithm, and is not bound to ECDH-ES.
    const RunResult no_alg = run({"token", "encrypt", "--key", sig, "--enc", "A128GCM", plaintext});
    expect_rejected(no_alg, "invalid_argument");
    EXPECT_NE(no_alg.err.find("--alg"), std::string::npos) << no_alg.err;
    const RunResult wrong =
        run({"token", "encrypt", "--key", sig, "--alg", "ECDH-ES", "--enc", "A128GCM", plaintext});
    EXPECT_EQ(wrong.exit_code, 1) << describe(wrong);
    EXPECT_TRUE(wrong.out.empty());
}

using JweDecrypt = JweTest;

TEST_F(JweDecrypt, TamperedTokenIsDecryptionFailed) {
    const std::string key = generate_key("key.jwk", {"--alg", "A256KW"});
    ASSERT_FALSE(key.empty());
    const std::string plaintext = write_file("plaintext.txt", "the secret claims");
    for (const char* enc : {"A256GCM", "A128CBC-HS256"}) {
        SCOPED_TRACE(enc);
        const RunResult encrypted =
            run({"token", "encrypt", "--key", key, "--enc", enc, plaintext});
        ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
        const std::string token = chomp(encrypted.out);
        // Encrypted key, IV, ciphertext, tag: one error for all, so nothing tells them apart
        // (no padding oracle for CBC, RFC 7516 §11.5).
        for (std::size_t segment = 1; segment < 5; ++segment) {
            SCOPED_TRACE(segment);
            const std::string tampered = tamper(token, segment);
            ASSERT_NE(tampered, token);
            const RunResult result = run({"token", "decrypt", "--key", key, tampered});
            expect_rejected(result, "decryption_failed");
            EXPECT_EQ(result.err, "decryption_failed: decryption failed\n");
        }
        const RunResult ok = run({"token", "decrypt", "--key", key, token});
        EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    }
}

TEST_F(JweDecrypt, WrongKeyIsDecryptionFailedAndNotEchoed) {
    for (const std::vector<std::string>& gen : std::vector<std::vector<std::string>>{
             {"--alg", "A128GCMKW", "--kid", "shared"},
             {"--alg", "ECDH-ES", "--crv", "X25519", "--kid", "shared"}}) {
        SCOPED_TRACE(gen[1]);
        const std::string right = generate_key("right.jwk", gen);
        const std::string wrong = generate_key("wrong.jwk", gen);
        ASSERT_FALSE(right.empty());
        ASSERT_FALSE(wrong.empty());
        const std::string plaintext = write_file("plaintext.txt", "for the right key only");
        const RunResult encrypted =
            run({"token", "encrypt", "--key", right, "--enc", "A128GCM", plaintext});
        ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
        const RunResult result = run({"token", "decrypt", "--key", wrong, chomp(encrypted.out)});
        expect_rejected(result, "decryption_failed");
        for (const std::string& key : {right, wrong}) {
            const auto jwk = parse_object(read_file(key));
            const char* secret = jwk.contains("k") ? "k" : "d";
            EXPECT_EQ(result.err.find(std::string(jwk.at(secret).as_string())), std::string::npos)
                << "key material in the error message";
        }
    }
}

TEST_F(JweDecrypt, KeyWithOtherKidIsNotFound) {
    const std::string key = generate_key("key.jwk", {"--alg", "A128KW", "--kid", "a"});
    const std::string other = generate_key("other.jwk", {"--alg", "A128KW", "--kid", "b"});
    ASSERT_FALSE(key.empty());
    ASSERT_FALSE(other.empty());
    const RunResult encrypted =
        run({"token", "encrypt", "--key", key, "--enc", "A128GCM", "-"}, "x");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    expect_rejected(run({"token", "decrypt", "--key", other, chomp(encrypted.out)}),
                    "key_not_found");
}

TEST_F(JweDecrypt, AlgAndEncAllowLists) {
    const std::string key = generate_key("key.jwk", {"--alg", "A256KW"});
    ASSERT_FALSE(key.empty());
    const RunResult encrypted =
        run({"token", "encrypt", "--key", key, "--enc", "A256GCM", "-"}, "x");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string token = chomp(encrypted.out);

    expect_rejected(run({"token", "decrypt", "--key", key, "--alg", "A128KW", token}),
                    "alg_not_allowed");
    expect_rejected(run({"token", "decrypt", "--key", key, "--enc", "A128GCM", token}),
                    "enc_not_allowed");
    expect_rejected(run({"token", "decrypt", "--key", key, "--enc", "A256CBC-HS512", token}),
                    "enc_not_allowed");
    const RunResult ok = run({"token", "decrypt", "--key", key, "--alg", "A128KW", "--alg",
                              "A256KW", "--enc", "A128GCM", "--enc", "A256GCM", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(ok.out, "x");
}

TEST_F(JweDecrypt, RefusesToGuessAlgorithmForKeyWithoutAlg) {
    const std::string key = generate_key("key.jwk", {"--alg", "ECDH-ES+A128KW"});
    ASSERT_FALSE(key.empty());
    const std::string priv_pem = save_output("key.pem", {"key", "export", key});
    const std::string pub_pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(priv_pem.empty());
    ASSERT_FALSE(pub_pem.empty());
    const std::string plaintext = write_file("plaintext.txt", "pem");

    const RunResult no_alg =
        run({"token", "encrypt", "--key", pub_pem, "--enc", "A128GCM", plaintext});
    expect_rejected(no_alg, "invalid_argument");
    EXPECT_NE(no_alg.err.find("--alg"), std::string::npos) << no_alg.err;
    const RunResult encrypted = run({"token", "encrypt", "--key", pub_pem, "--alg",
                                     "ECDH-ES+A128KW", "--enc", "A128GCM", plaintext});
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string token = chomp(encrypted.out);
    EXPECT_FALSE(token_header(token).contains("kid"));  // a PEM key has none

    const RunResult refused = run({"token", "decrypt", "--key", priv_pem, token});
    expect_rejected(refused, "invalid_argument");
    EXPECT_NE(refused.err.find("--alg"), std::string::npos) << refused.err;
    const RunResult ok =
        run({"token", "decrypt", "--key", priv_pem, "--alg", "ECDH-ES+A128KW", token});
    ASSERT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(ok.out, "pem");
    // The JWK of the same key decrypts it too: no kid in the token, so every fitting key is tried.
    const RunResult with_jwk = run({"token", "decrypt", "--key", key, token});
    EXPECT_EQ(with_jwk.exit_code, 0) << describe(with_jwk);
}

TEST_F(JweDecrypt, FindsTheKeyInAJwks) {
    const std::string a = generate_key("a.jwk", {"--alg", "ECDH-ES", "--kid", "a"});
    const std::string b =
        generate_key("b.jwk", {"--alg", "ECDH-ES+A256KW", "--crv", "P-384", "--kid", "b"});
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    const std::string set = write_file(
        "set.json", "{\"keys\":[" + chomp(read_file(a)) + "," + chomp(read_file(b)) + "]}");
    const std::string b_pub = public_half(b);
    ASSERT_FALSE(b_pub.empty());
    const RunResult encrypted =
        run({"token", "encrypt", "--key", b_pub, "--enc", "A256CBC-HS512", "-"}, "for b");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const RunResult decrypted = run({"token", "decrypt", "--key", set, chomp(encrypted.out)});
    ASSERT_EQ(decrypted.exit_code, 0) << describe(decrypted);
    EXPECT_EQ(decrypted.out, "for b");
}

TEST_F(JweDecrypt, RejectsMalformedTokens) {
    const std::string key = generate_key("key.jwk", {"--alg", "A128KW"});
    const std::string sig = generate_key("sig.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    ASSERT_FALSE(sig.empty());
    const std::string jws = sign(sig, R"({"sub":"x"})");
    expect_rejected(run({"token", "decrypt", "--key", key, jws}), "malformed");
    for (const std::string token : {"a.b.c.d", "a.b.c.d.e.f", "....", "not-a-token"}) {
        const RunResult result = run({"token", "decrypt", "--key", key, token});
        EXPECT_EQ(result.exit_code, 1) << token << "\n" << describe(result);
        EXPECT_TRUE(result.out.empty());
        EXPECT_EQ(line_count(result.err), 1u) << describe(result);
    }
}

using NestedJwt = JweTest;

TEST_F(NestedJwt, SignThenEncryptVerifiesWithDecryptKey) {
    const std::string sig = generate_key("sig.jwk", {"--alg", "ES256"});
    const std::string enc = generate_key("enc.jwk", {"--alg", "ECDH-ES+A256KW"});
    ASSERT_FALSE(sig.empty());
    ASSERT_FALSE(enc.empty());
    const std::string enc_pub = public_half(enc);
    ASSERT_FALSE(enc_pub.empty());
    const std::string token =
        sign(sig, R"({"sub":"alice","iss":"https://issuer.example"})", {"--expires-in", "600"});

    // As in `signet token sign ... | signet token encrypt --cty JWT -`: the newline after the
    // signed token is not part of the plaintext.
    const RunResult encrypted =
        run({"token", "encrypt", "--key", enc_pub, "--enc", "A256GCM", "--cty", "JWT", "-"},
            token + "\n");
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string nested = chomp(encrypted.out);
    EXPECT_EQ(token_header(nested).at("cty").as_string(), "JWT");
    const RunResult inner = run({"token", "decrypt", "--key", enc, nested});
    ASSERT_EQ(inner.exit_code, 0) << describe(inner);
    EXPECT_EQ(inner.out, token);

    const RunResult verified = run({"token", "verify", "--key", sig, "--decrypt-key", enc, "--iss",
                                    "https://issuer.example", nested});
    ASSERT_EQ(verified.exit_code, 0) << describe(verified);
    EXPECT_EQ(parse_object(verified.out).at("sub").as_string(), "alice");
    EXPECT_TRUE(verified.err.empty()) << verified.err;

    // Without a decryption key an encrypted token is not a JWS the verifier can read.
    const RunResult no_decrypt_key = run({"token", "verify", "--key", sig, nested});
    EXPECT_EQ(no_decrypt_key.exit_code, 1) << describe(no_decrypt_key);
    EXPECT_TRUE(no_decrypt_key.out.empty());
    // The claims inside still go through every check.
    expect_rejected(run({"token", "verify", "--key", sig, "--decrypt-key", enc, "--iss",
                         "https://other.example", nested}),
                    "bad_issuer");
    // A signed-only token passes with --decrypt-key, unless encryption is required.
    const RunResult plain = run({"token", "verify", "--key", sig, "--decrypt-key", enc, token});
    EXPECT_EQ(plain.exit_code, 0) << describe(plain);
    expect_rejected(
        run({"token", "verify", "--key", sig, "--decrypt-key", enc, "--require-encryption", token}),
        "not_encrypted");
    const RunResult required = run(
        {"token", "verify", "--key", sig, "--decrypt-key", enc, "--require-encryption", nested});
    EXPECT_EQ(required.exit_code, 0) << describe(required);
    EXPECT_EQ(required.out, verified.out);
}

TEST_F(NestedJwt, DecryptionFailuresAndWrongSignatureAreRejected) {
    const std::string sig = generate_key("sig.jwk", {"--alg", "EdDSA"});
    const std::string other_sig = generate_key("other-sig.jwk", {"--alg", "EdDSA"});
    const std::string enc = generate_key("enc.jwk", {"--alg", "A256KW"});
    const std::string other_enc = generate_key("other-enc.jwk", {"--alg", "A256KW", "--kid", "x"});
    for (const std::string& key : {sig, other_sig, enc, other_enc})
        ASSERT_FALSE(key.empty());
    const std::string token = sign(sig, R"({"sub":"bob"})");
    const RunResult encrypted = run(
        {"token", "encrypt", "--key", enc, "--enc", "A128CBC-HS256", "--cty", "JWT", "-"}, token);
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string nested = chomp(encrypted.out);

    expect_rejected(run({"token", "verify", "--key", sig, "--decrypt-key", enc, tamper(nested, 3)}),
                    "decryption_failed");
    expect_rejected(run({"token", "verify", "--key", sig, "--decrypt-key", other_enc, nested}),
                    "key_not_found");
    // Decrypted fine, but signed by a key the verifier does not trust.
    const RunResult untrusted =
        run({"token", "verify", "--key", other_sig, "--decrypt-key", enc, nested});
    EXPECT_EQ(untrusted.exit_code, 1) << describe(untrusted);
    EXPECT_TRUE(untrusted.out.empty());
    // The decryption allow-list: from --decrypt-alg, which must name the token's "alg".
    expect_rejected(run({"token", "verify", "--key", sig, "--decrypt-key", enc, "--decrypt-alg",
                         "A128KW", nested}),
                    "alg_not_allowed");
    const RunResult allowed = run(
        {"token", "verify", "--key", sig, "--decrypt-key", enc, "--decrypt-alg", "A256KW", nested});
    EXPECT_EQ(allowed.exit_code, 0) << describe(allowed);
}

TEST_F(NestedJwt, EncryptedTokenMustHoldASignedJwt) {
    const std::string sig = generate_key("sig.jwk", {"--alg", "HS256"});
    const std::string enc = generate_key("enc.jwk", {"--alg", "dir", "--enc", "A128GCM"});
    ASSERT_FALSE(sig.empty());
    ASSERT_FALSE(enc.empty());
    const std::string token = sign(sig, R"({"sub":"carol"})");
    // Without "cty": "JWT" the plaintext is not declared a JWT (RFC 7519 §5.2).
    const RunResult no_cty =
        run({"token", "encrypt", "--key", enc, "--enc", "A128GCM", "-"}, token);
    ASSERT_EQ(no_cty.exit_code, 0) << describe(no_cty);
    expect_rejected(run({"token", "verify", "--key", sig, "--decrypt-key", enc, chomp(no_cty.out)}),
                    "bad_header");
    // Encrypted but unsigned claims prove nothing about their issuer.
    const RunResult unsigned_claims =
        run({"token", "encrypt", "--key", enc, "--enc", "A128GCM", "--cty", "JWT", "-"},
            R"({"sub":"x"})");
    ASSERT_EQ(unsigned_claims.exit_code, 0) << describe(unsigned_claims);
    const RunResult result =
        run({"token", "verify", "--key", sig, "--decrypt-key", enc, chomp(unsigned_claims.out)});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
}

TEST_F(NestedJwt, DecryptKeyWithoutAlgNeedsDecryptAlg) {
    const std::string sig = generate_key("sig.jwk", {"--alg", "ES384"});
    const std::string enc = generate_key("enc.jwk", {"--alg", "ECDH-ES", "--crv", "X448"});
    ASSERT_FALSE(sig.empty());
    ASSERT_FALSE(enc.empty());
    const std::string pub_pem = save_output("pub.pem", {"key", "export", enc, "--public"});
    const std::string priv_pem = save_output("key.pem", {"key", "export", enc});
    ASSERT_FALSE(pub_pem.empty());
    ASSERT_FALSE(priv_pem.empty());
    const std::string token = sign(sig, R"({"sub":"dave"})");
    const RunResult encrypted = run({"token", "encrypt", "--key", pub_pem, "--alg", "ECDH-ES",
                                     "--enc", "A192GCM", "--cty", "JWT", "-"},
                                    token);
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    const std::string nested = chomp(encrypted.out);

    const RunResult refused =
        run({"token", "verify", "--key", sig, "--decrypt-key", priv_pem, nested});
    expect_rejected(refused, "invalid_argument");
    EXPECT_NE(refused.err.find("--decrypt-alg"), std::string::npos) << refused.err;
    const RunResult ok = run({"token", "verify", "--key", sig, "--decrypt-key", priv_pem,
                              "--decrypt-alg", "ECDH-ES", nested});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(parse_object(ok.out).at("sub").as_string(), "dave");
}

TEST_F(NestedJwt, NeverDecryptsRsa15) {
    const std::string sig = generate_key("sig.jwk", {"--alg", "ES256"});
    const std::string enc = rsa_key("RSA1_5");
    ASSERT_FALSE(sig.empty());
    ASSERT_FALSE(enc.empty());
    const std::string token = sign(sig, R"({"sub":"erin"})");
    const RunResult encrypted = run({"token", "encrypt", "--key", enc, "--enc", "A128GCM", "--cty",
                                     "JWT", "--allow-rsa1_5-unsafe", "-"},
                                    token);
    ASSERT_EQ(encrypted.exit_code, 0) << describe(encrypted);
    expect_rejected(
        run({"token", "verify", "--key", sig, "--decrypt-key", enc, chomp(encrypted.out)}),
        "alg_not_allowed");
}

}  // namespace
}  // namespace signet::cli::test
