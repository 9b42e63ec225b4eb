// End-to-end tests of `signet token ...`: sign, verify and decode, for every algorithm and every
// rejection the command line exposes.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"
#include "signet/base64url.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jwt.hpp"

namespace signet::cli::test {
namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct AlgCase {
    const char* alg;
    const char* crv;  // nullptr: the algorithm's default
    const char* kty;
};

void PrintTo(const AlgCase& c, std::ostream* os) {
    *os << c.alg;
    if (c.crv != nullptr) *os << " " << c.crv;
}

class TokenRoundTrip : public CliTest, public ::testing::WithParamInterface<AlgCase> {};

TEST_P(TokenRoundTrip, GeneratedKeySignsAndVerifies) {
    const AlgCase& c = GetParam();
    std::vector<std::string> gen = {"--alg", c.alg};
    if (c.crv != nullptr) gen.insert(gen.end(), {"--crv", c.crv});
    const std::string key = generate_key("key.jwk", gen);
    ASSERT_FALSE(key.empty());

    const auto jwk = parse_object(read_file(key));
    EXPECT_EQ(line_count(read_file(key)), 1u);
    EXPECT_EQ(jwk.at("kty").as_string(), c.kty);
    EXPECT_EQ(jwk.at("alg").as_string(), c.alg);
    EXPECT_EQ(jwk.at("use").as_string(), "sig");
    EXPECT_TRUE(jwk.contains(std::string_view(c.kty) == "oct" ? "k" : "d"));
    if (c.crv != nullptr) {
        EXPECT_EQ(jwk.at("crv").as_string(), c.crv);
    }
    const RunResult thumbprint = run({"key", "thumbprint", key});
    ASSERT_EQ(thumbprint.exit_code, 0) << describe(thumbprint);
    EXPECT_EQ(jwk.at("kid").as_string(), chomp(thumbprint.out));

    const std::string token =
        sign(key, R"({"sub":"alice","iss":"https://issuer.example","aud":"api"})",
             {"--expires-in", "600"});
    const auto parts = split_token(token);
    ASSERT_EQ(parts.size(), 3u) << token;

    const RunResult verified = run({"token", "verify", "--key", key, "--iss",
                                    "https://issuer.example", "--aud", "api", token});
    ASSERT_EQ(verified.exit_code, 0) << describe(verified);
    EXPECT_TRUE(verified.err.empty()) << verified.err;
    const auto claims = parse_object(verified.out);
    EXPECT_EQ(claims.at("sub").as_string(), "alice");
    EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 600);
    EXPECT_LE(std::abs(claims.at("iat").as_int64() - now_seconds()), 5);

    // The library accepts what the command line signed (and so would any other JOSE stack).
    auto parsed_key = Jwk::parse(read_file(key));
    ASSERT_TRUE(parsed_key.ok()) << parsed_key.error().to_string();
    VerifierOptions options;
    options.keys = KeySet::from_keys({*parsed_key}).value();
    options.algorithms = {*parse_algorithm(c.alg)};
    auto verifier = Verifier::create(std::move(options));
    ASSERT_TRUE(verifier.ok()) << verifier.error().to_string();
    auto library_claims = verifier->verify(token);
    ASSERT_TRUE(library_claims.ok()) << library_claims.error().to_string();
    EXPECT_EQ(library_claims->subject(), "alice");

    // A changed payload under the original signature is rejected.
    const std::string forged =
        parts[0] + "." +
        base64url_encode(std::string_view(R"({"sub":"mallory","iss":"https://issuer.example"})")) +
        "." + parts[2];
    expect_rejected(run({"token", "verify", "--key", key, forged}), "bad_signature");

    if (std::string_view(c.kty) != "oct") {
        // Anyone holding only the public key can verify.
        const std::string pub = save_output("pub.jwk", {"key", "public", key});
        ASSERT_FALSE(pub.empty());
        const RunResult with_public = run({"token", "verify", "--key", pub, token});
        EXPECT_EQ(with_public.exit_code, 0) << describe(with_public);
        EXPECT_EQ(with_public.out, verified.out);
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryAlgorithm, TokenRoundTrip,
    ::testing::Values(AlgCase{"HS256", nullptr, "oct"}, AlgCase{"HS384", nullptr, "oct"},
                      AlgCase{"HS512", nullptr, "oct"}, AlgCase{"RS256", nullptr, "RSA"},
                      AlgCase{"RS384", nullptr, "RSA"}, AlgCase{"RS512", nullptr, "RSA"},
                      AlgCase{"PS256", nullptr, "RSA"}, AlgCase{"PS384", nullptr, "RSA"},
                      AlgCase{"PS512", nullptr, "RSA"}, AlgCase{"ES256", "P-256", "EC"},
                      AlgCase{"ES384", "P-384", "EC"}, AlgCase{"ES512", "P-521", "EC"},
                      AlgCase{"ES256K", "secp256k1", "EC"}, AlgCase{"EdDSA", "Ed25519", "OKP"},
                      AlgCase{"EdDSA", "Ed448", "OKP"}),
    [](const ::testing::TestParamInfo<AlgCase>& param_info) {
        std::string name = param_info.param.alg;
        if (name == "EdDSA") name += param_info.param.crv;
        return name;
    });

using TokenVerify = CliTest;

TEST_F(TokenVerify, AcceptsJwksBuiltByKeyJwks) {
    const std::string a = generate_key("a.jwk", {"--alg", "ES256", "--kid", "a"});
    const std::string b = generate_key("b.jwk", {"--alg", "RS256", "--kid", "b"});
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    const std::string jwks = save_output("jwks.json", {"key", "jwks", a, b});
    ASSERT_FALSE(jwks.empty());
    for (const std::string& key : {a, b}) {
        const std::string token = sign(key, R"({"sub":"bob"})");
        const RunResult result = run({"token", "verify", "--key", jwks, token});
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        EXPECT_EQ(parse_object(result.out).at("sub").as_string(), "bob");
    }
}

TEST_F(TokenVerify, AcceptsPemKeyWithAlg) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES384"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string token = sign(key, R"({"sub":"carol"})");
    const RunResult result = run({"token", "verify", "--key", pem, "--alg", "ES384", token});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(parse_object(result.out).at("sub").as_string(), "carol");
}

TEST_F(TokenVerify, AcceptsKeyImportedFromPem) {
    const std::string key = generate_key("key.jwk", {"--alg", "PS384"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string imported = save_output("pub.jwk", {"key", "import", pem, "--alg", "PS384"});
    ASSERT_FALSE(imported.empty());
    const std::string token = sign(key, R"({"sub":"dave"})");
    const RunResult result = run({"token", "verify", "--key", imported, token});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(TokenVerify, KeyWithoutKidInJwksServesUnknownKid) {
    // A JWKS of a key with a kid and a PEM key without one: a token whose kid no key carries is
    // checked against the kid-less key (which still must fit the algorithm), never the other.
    const std::string named = generate_key("named.jwk", {"--alg", "ES256", "--kid", "named"});
    const std::string pem_key = generate_key("pem.jwk", {"--alg", "ES256"});
    const std::string stranger = generate_key("stranger.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(named.empty());
    ASSERT_FALSE(pem_key.empty());
    ASSERT_FALSE(stranger.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", pem_key, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string jwks = save_output("jwks.json", {"key", "jwks", named, pem});
    ASSERT_FALSE(jwks.empty());

    const RunResult ok =
        run({"token", "verify", "--key", jwks, "--alg", "ES256", sign(pem_key, R"({"sub":"x"})")});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(parse_object(ok.out).at("sub").as_string(), "x");
    expect_rejected(
        run({"token", "verify", "--key", jwks, "--alg", "ES256", sign(stranger, R"({"sub":"y"})")}),
        "bad_signature");
    const RunResult by_kid =
        run({"token", "verify", "--key", jwks, "--alg", "ES256", sign(named, R"({"sub":"z"})")});
    EXPECT_EQ(by_kid.exit_code, 0) << describe(by_kid);
}

TEST_F(TokenVerify, KeyWithOtherKidIsNotFound) {
    // Only a key without a kid stands in for any kid; a key that names another kid does not.
    const std::string key = generate_key("key.jwk", {"--alg", "ES256", "--kid", "a"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"dan"})", {"--kid", "b"});
    expect_rejected(run({"token", "verify", "--key", key, token}), "key_not_found");
}

TEST_F(TokenVerify, PemKeyStillChecksAlgorithmFit) {
    // The kid-less PEM key serves any kid, but not a token whose alg it cannot serve.
    const std::string ec = generate_key("ec.jwk", {"--alg", "ES256"});
    const std::string hmac = generate_key("hmac.jwk", {"--alg", "HS256", "--kid", "x"});
    ASSERT_FALSE(ec.empty());
    ASSERT_FALSE(hmac.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", ec, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string token = sign(hmac, R"({"sub":"eve"})");
    const RunResult result = run({"token", "verify", "--key", pem, "--alg", "HS256", token});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
}

TEST_F(TokenVerify, WrongKeyIsBadSignature) {
    // Same kid, different key material: the key is selected, and the signature fails.
    const std::string right = generate_key("right.jwk", {"--alg", "ES256", "--kid", "shared"});
    const std::string wrong = generate_key("wrong.jwk", {"--alg", "ES256", "--kid", "shared"});
    ASSERT_FALSE(right.empty());
    ASSERT_FALSE(wrong.empty());
    const std::string token = sign(right, R"({"sub":"erin"})");
    expect_rejected(run({"token", "verify", "--key", wrong, token}), "bad_signature");
}

TEST_F(TokenVerify, WrongHmacSecretIsBadSignatureAndNotEchoed) {
    const std::string right = generate_key("right.jwk", {"--alg", "HS256", "--kid", "h"});
    const std::string wrong = generate_key("wrong.jwk", {"--alg", "HS256", "--kid", "h"});
    ASSERT_FALSE(right.empty());
    ASSERT_FALSE(wrong.empty());
    const std::string token = sign(right, R"({"sub":"erin"})");
    const RunResult result = run({"token", "verify", "--key", wrong, token});
    expect_rejected(result, "bad_signature");
    for (const std::string& key : {right, wrong}) {
        const std::string secret(parse_object(read_file(key)).at("k").as_string());
        EXPECT_EQ(result.err.find(secret), std::string::npos) << "secret in the error message";
    }
}

TEST_F(TokenVerify, RejectsExpiredToken) {
    const std::string key = generate_key("key.jwk", {"--alg", "EdDSA"});
    ASSERT_FALSE(key.empty());
    // exp = now: the token is expired from that second on (RFC 7519 §4.1.4, "on or after").
    const std::string now_token = sign(key, R"({"sub":"frank"})", {"--expires-in", "0"});
    expect_rejected(run({"token", "verify", "--key", key, now_token}), "expired");

    const std::string past =
        sign(key, R"({"sub":"frank","exp":)" + std::to_string(now_seconds() - 30) + "}");
    expect_rejected(run({"token", "verify", "--key", key, past}), "expired");
    expect_rejected(run({"token", "verify", "--key", key, "--leeway", "10", past}), "expired");
    const RunResult within_leeway = run({"token", "verify", "--key", key, "--leeway", "120", past});
    EXPECT_EQ(within_leeway.exit_code, 0) << describe(within_leeway);
}

TEST_F(TokenVerify, RejectsWrongIssuer) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS384"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"iss":"https://a.example"})");
    expect_rejected(run({"token", "verify", "--key", key, "--iss", "https://b.example", token}),
                    "bad_issuer");
    expect_rejected(run({"token", "verify", "--key", key, "--iss", "https://a.example/", token}),
                    "bad_issuer");
    const RunResult ok =
        run({"token", "verify", "--key", key, "--iss", "https://a.example", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    const std::string no_iss = sign(key, R"({"sub":"x"})");
    EXPECT_EQ(
        run({"token", "verify", "--key", key, "--iss", "https://a.example", no_iss}).exit_code, 1);
}

TEST_F(TokenVerify, RejectsWrongAudience) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256K"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"aud":["api","billing"]})");
    const RunResult ok = run({"token", "verify", "--key", key, "--aud", "billing", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    expect_rejected(run({"token", "verify", "--key", key, "--aud", "other", token}),
                    "bad_audience");
    expect_rejected(run({"token", "verify", "--key", key, "--aud", "bill", token}), "bad_audience");
}

TEST_F(TokenVerify, RejectsMissingRequiredClaim) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES512"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"gina","scope":"read"})");
    const RunResult ok =
        run({"token", "verify", "--key", key, "--require", "sub", "--require", "scope", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    expect_rejected(
        run({"token", "verify", "--key", key, "--require", "sub", "--require", "jti", token}),
        "missing_claim");
}

TEST_F(TokenVerify, RejectsUnexpectedTyp) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"hal"})", {"--typ", "at+jwt"});
    const RunResult ok = run({"token", "verify", "--key", key, "--typ", "at+jwt", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    expect_rejected(run({"token", "verify", "--key", key, "--typ", "JWT", token}), "bad_typ");
}

TEST_F(TokenVerify, RefusesToGuessAlgorithmForKeyWithoutAlg) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string unbound = save_output("pub.jwk", {"key", "import", pem});
    ASSERT_FALSE(unbound.empty());
    ASSERT_FALSE(parse_object(read_file(unbound)).contains("alg"));
    const std::string token = sign(key, R"({"sub":"ivan"})");

    for (const std::string& verify_key : {pem, unbound}) {
        const RunResult refused = run({"token", "verify", "--key", verify_key, token});
        expect_rejected(refused, "invalid_argument");
        EXPECT_NE(refused.err.find("--alg"), std::string::npos) << refused.err;
        const RunResult ok = run({"token", "verify", "--key", verify_key, "--alg", "ES256", token});
        EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    }
}

TEST_F(TokenVerify, AlgOptionCannotOverrideKeyAlg) {
    // The key says RS256; allowing PS256 on the command line must not make it verify PS256, nor
    // let an RS256 token through under a PS256-only allow-list.
    const std::string key = generate_key("key.jwk", {"--alg", "RS256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"judy"})");
    const RunResult result = run({"token", "verify", "--key", key, "--alg", "PS256", token});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_TRUE(starts_with(result.err, "key_alg_mismatch: ")) << result.err;
    const RunResult ok =
        run({"token", "verify", "--key", key, "--alg", "PS256", "--alg", "RS256", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
}

TEST_F(TokenVerify, AlgAllowListRejectsOtherAlgorithm) {
    // An RSA key bound to no algorithm, allowed only PS256, refuses an RS256 token; allowed only
    // ES384, it fits no allowed algorithm at all.
    const std::string key = generate_key("key.jwk", {"--alg", "RS256"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("pub.pem", {"key", "export", key, "--public"});
    ASSERT_FALSE(pem.empty());
    const std::string token = sign(key, R"({"sub":"kim"})");
    expect_rejected(run({"token", "verify", "--key", pem, "--alg", "PS256", token}),
                    "alg_not_allowed");
    expect_rejected(run({"token", "verify", "--key", pem, "--alg", "ES384", token}),
                    "key_alg_mismatch");
    const RunResult ok = run({"token", "verify", "--key", pem, "--alg", "RS256", token});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
}

TEST_F(TokenVerify, RejectsUnsecuredToken) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const std::string none = base64url_encode(std::string_view(R"({"alg":"none"})")) + "." +
                             base64url_encode(std::string_view(R"({"sub":"root"})")) + ".";
    const RunResult result = run({"token", "verify", "--key", key, none});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    const RunResult explicit_none = run({"token", "verify", "--key", key, "--alg", "none", none});
    EXPECT_EQ(explicit_none.exit_code, 2) << describe(explicit_none);
    EXPECT_TRUE(explicit_none.out.empty());
}

TEST_F(TokenVerify, TrimsTrailingWhitespaceFromStdinAndFile) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"leo"})");
    const RunResult from_stdin = run({"token", "verify", "--key", key, "-"}, token + "\r\n \t\n");
    EXPECT_EQ(from_stdin.exit_code, 0) << describe(from_stdin);
    EXPECT_EQ(parse_object(from_stdin.out).at("sub").as_string(), "leo");
    const std::string file = write_file("token.txt", token + "\n");
    const RunResult from_file = run({"token", "verify", "--key", key, file});
    EXPECT_EQ(from_file.exit_code, 0) << describe(from_file);
}

TEST_F(TokenVerify, KeepsWhitespaceInsideOrBeforeToken) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"mia"})");
    std::string inner = token;
    inner.insert(token.find('.') + 1, " ");
    for (const std::string& input : {inner + "\n", " " + token + "\n", "\n" + token}) {
        const RunResult result = run({"token", "verify", "--key", key, "-"}, input);
        EXPECT_EQ(result.exit_code, 1) << describe(result);
        EXPECT_TRUE(result.out.empty());
    }
}

TEST_F(TokenVerify, ReadsKeyFromStandardInput) {
    const std::string key = generate_key("key.jwk", {"--alg", "EdDSA"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"ned"})");
    const RunResult ok = run({"token", "verify", "--key", "-", token}, read_file(key));
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    const RunResult twice = run({"token", "verify", "--key", "-", "-"}, read_file(key));
    EXPECT_EQ(twice.exit_code, 2) << describe(twice);
    EXPECT_TRUE(twice.out.empty());
}

TEST_F(TokenVerify, RejectsMalformedToken) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    for (const std::string token : {"not-a-token", "a.b", "a.b.c.d"}) {
        const RunResult result = run({"token", "verify", "--key", key, token});
        EXPECT_EQ(result.exit_code, 1) << describe(result);
        EXPECT_TRUE(result.out.empty());
        EXPECT_FALSE(result.err.empty());
    }
}

using TokenSign = CliTest;

TEST_F(TokenSign, AlgOptionMustFitKeyAlg) {
    const std::string key = generate_key("key.jwk", {"--alg", "RS256"});
    ASSERT_FALSE(key.empty());
    const std::string claims = write_file("claims.json", R"({"sub":"olga"})");
    expect_rejected(run({"token", "sign", "--key", key, "--alg", "PS256", claims}),
                    "key_alg_mismatch");
}

TEST_F(TokenSign, RequiresAlgForKeyWithoutAlg) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
    ASSERT_FALSE(key.empty());
    const std::string pem = save_output("key.pem", {"key", "export", key});
    ASSERT_FALSE(pem.empty());
    const std::string claims = write_file("claims.json", R"({"sub":"pia"})");
    const RunResult refused = run({"token", "sign", "--key", pem, claims});
    expect_rejected(refused, "invalid_argument");
    EXPECT_NE(refused.err.find("--alg"), std::string::npos);

    // With --alg, a PEM private key signs, and the JWK of the same key verifies.
    const RunResult signed_token = run({"token", "sign", "--key", pem, "--alg", "ES256", claims});
    ASSERT_EQ(signed_token.exit_code, 0) << describe(signed_token);
    const RunResult ok = run({"token", "verify", "--key", key, chomp(signed_token.out)});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
}

TEST_F(TokenSign, KidAndTypOptionsSetTheHeader) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256", "--kid", "own"});
    ASSERT_FALSE(key.empty());
    const std::string token =
        sign(key, R"({"sub":"quinn"})", {"--kid", "other", "--typ", "at+jwt"});
    const RunResult decoded = run({"token", "decode", token});
    ASSERT_EQ(decoded.exit_code, 0) << describe(decoded);
    const auto header = parse_object(decoded.out).at("header").as_object();
    EXPECT_EQ(header.at("kid").as_string(), "other");
    EXPECT_EQ(header.at("typ").as_string(), "at+jwt");
    EXPECT_EQ(header.at("alg").as_string(), "ES256");

    const std::string plain = sign(key, R"({"sub":"quinn"})");
    const RunResult plain_decoded = run({"token", "decode", plain});
    ASSERT_EQ(plain_decoded.exit_code, 0) << describe(plain_decoded);
    const auto plain_header = parse_object(plain_decoded.out).at("header").as_object();
    EXPECT_EQ(plain_header.at("kid").as_string(), "own");
    EXPECT_EQ(plain_header.at("typ").as_string(), "JWT");
}

TEST_F(TokenSign, ExpiresInKeepsGivenIat) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"rita","iat":1000})", {"--expires-in", "60"});
    const RunResult decoded = run({"token", "decode", token});
    ASSERT_EQ(decoded.exit_code, 0) << describe(decoded);
    const auto payload = parse_object(decoded.out).at("payload").as_object();
    EXPECT_EQ(payload.at("iat").as_int64(), 1000);
    EXPECT_LE(std::abs(payload.at("exp").as_int64() - (now_seconds() + 60)), 5);
}

TEST_F(TokenSign, ReadsClaimsFromStandardInput) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS512"});
    ASSERT_FALSE(key.empty());
    const RunResult result = run({"token", "sign", "--key", key, "-"}, R"({"sub":"sam"})");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const RunResult ok = run({"token", "verify", "--key", key, chomp(result.out)});
    EXPECT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(parse_object(ok.out).at("sub").as_string(), "sam");
}

TEST_F(TokenSign, RejectsClaimsThatAreNotAnObject) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    for (const std::string claims : {"[1,2]", "not json", R"({"a":1,"a":2})"}) {
        const RunResult result = run({"token", "sign", "--key", key, "-"}, claims);
        EXPECT_EQ(result.exit_code, 1) << claims << "\n" << describe(result);
        EXPECT_TRUE(result.out.empty());
    }
}

TEST_F(TokenSign, NeverEchoesTheSecretOnFailure) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const std::string secret(parse_object(read_file(key)).at("k").as_string());
    const std::string claims = write_file("claims.json", R"({"sub":"tom"})");
    const RunResult result = run({"token", "sign", "--key", key, "--alg", "HS512", claims});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_EQ(result.err.find(secret), std::string::npos) << "secret in the error message";
}

using TokenDecode = CliTest;

TEST_F(TokenDecode, PrintsHeaderAndPayloadAndWarns) {
    const std::string key = generate_key("key.jwk", {"--alg", "ES256", "--kid", "k1"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"uma","n":[1,2]})");
    const RunResult result = run({"token", "decode", token});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(line_count(result.out), 1u);
    const auto out = parse_object(result.out);
    EXPECT_EQ(out.size(), 2u);
    const auto& header = out.at("header").as_object();
    EXPECT_EQ(header.at("alg").as_string(), "ES256");
    EXPECT_EQ(header.at("kid").as_string(), "k1");
    EXPECT_EQ(out.at("payload").as_object(), parse_object(R"({"sub":"uma","n":[1,2]})"));
    EXPECT_NE(result.err.find("NOT verified"), std::string::npos) << result.err;
}

TEST_F(TokenDecode, DecodesWithoutAnyKeyEvenForgedTokens) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const auto parts = split_token(sign(key, R"({"sub":"vic"})"));
    ASSERT_EQ(parts.size(), 3u);
    const std::string forged =
        parts[0] + "." + base64url_encode(std::string_view(R"({"sub":"admin"})")) + "." + parts[2];
    const RunResult result = run({"token", "decode", "-"}, forged + "\n");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(parse_object(result.out).at("payload").as_object().at("sub").as_string(), "admin");
    EXPECT_NE(result.err.find("NOT verified"), std::string::npos);
}

TEST_F(TokenDecode, RejectsMalformedToken) {
    const RunResult result = run({"token", "decode", "abc"});
    EXPECT_EQ(result.exit_code, 1) << describe(result);
    EXPECT_TRUE(result.out.empty());
    EXPECT_EQ(result.err.find("NOT verified"), std::string::npos);
}

}  // namespace
}  // namespace signet::cli::test
