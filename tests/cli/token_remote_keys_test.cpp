// `signet token verify --jwks-url` and `--issuer-url`: keys fetched from an issuer over HTTP(S),
// against a real server on loopback (tests/jwks_client/support).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "cli/cli_runner.hpp"
#include "jwks_client/support/jwks_test_server.hpp"
#include "signet/jwk.hpp"

namespace signet::cli::test {
namespace {

namespace json = boost::json;
using signet::test::CannedResponse;
using signet::test::JwksTestServer;

class TokenRemoteKeys : public CliTest {
  protected:
    // A fresh ES256 key, its public JWKS served at /jwks, and a token it signed for `iss`.
    std::string publish_key_and_sign(const std::string& iss) {
        const std::string key = generate_key("key.jwk", {"--alg", "ES256"});
        const Jwk jwk = Jwk::parse(read_file(key)).value();
        CannedResponse jwks;
        jwks.body = json::serialize(
            json::object{{"keys", json::array{jwk.public_key().value().to_json()}}});
        server_.set("/jwks", jwks);
        return sign(key, R"({"sub":"alice","iss":")" + iss + R"("})", {"--expires-in", "600"});
    }
    JwksTestServer server_;
};

TEST_F(TokenRemoteKeys, VerifiesWithTheKeysAtAJwksUrl) {
    const std::string token = publish_key_and_sign("https://issuer.example");
    const RunResult ok = run({"token", "verify", "--jwks-url", server_.url("/jwks"), "--allow-http",
                              "--iss", "https://issuer.example", token});
    ASSERT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(parse_object(ok.out).at("sub").as_string(), "alice");
    EXPECT_EQ(server_.requests("/jwks"), 1u);

    // http:// only when allowed by name.
    const RunResult plain = run({"token", "verify", "--jwks-url", server_.url("/jwks"), token});
    EXPECT_EQ(plain.exit_code, 1) << describe(plain);
    EXPECT_NE(plain.err.find("invalid_argument"), std::string::npos) << plain.err;
    EXPECT_TRUE(plain.out.empty());
}

TEST_F(TokenRemoteKeys, DiscoversTheKeysAndRequiresTheIssuer) {
    const std::string issuer = server_.origin();
    CannedResponse metadata;
    metadata.body =
        json::serialize(json::object{{"issuer", issuer}, {"jwks_uri", server_.url("/jwks")}});
    server_.set("/.well-known/openid-configuration", metadata);
    const std::string token = publish_key_and_sign(issuer);
    const RunResult ok = run({"token", "verify", "--issuer-url", issuer, "--allow-http", token});
    ASSERT_EQ(ok.exit_code, 0) << describe(ok);
    EXPECT_EQ(parse_object(ok.out).at("iss").as_string(), issuer);

    // A token from another issuer, signed with the same key, is refused by its "iss".
    const std::string other =
        sign(path("key.jwk"), R"({"sub":"alice","iss":"https://other"})", {"--expires-in", "600"});
    const RunResult refused =
        run({"token", "verify", "--issuer-url", issuer, "--allow-http", other});
    EXPECT_EQ(refused.exit_code, 1) << describe(refused);
    EXPECT_NE(refused.err.find("bad_issuer"), std::string::npos) << refused.err;
}

TEST_F(TokenRemoteKeys, AnUnreachableIssuerIsAFetchFailure) {
    const std::string token = publish_key_and_sign("https://issuer.example");
    const RunResult missing =
        run({"token", "verify", "--jwks-url", server_.url("/nothing-here"), "--allow-http", token});
    EXPECT_EQ(missing.exit_code, 1) << describe(missing);
    EXPECT_NE(missing.err.find("fetch_failed"), std::string::npos) << missing.err;
    EXPECT_NE(missing.err.find("404"), std::string::npos) << missing.err;
}

TEST_F(TokenRemoteKeys, ExactlyOneKeySourceIsAUsageRule) {
    const std::string token = publish_key_and_sign("https://issuer.example");
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"token", "verify", token},
             {"token", "verify", "--key", path("key.jwk"), "--jwks-url", server_.url("/jwks"),
              token},
             {"token", "verify", "--jwks-url", server_.url("/jwks"), "--issuer-url",
              server_.origin(), token},
             {"token", "verify", "--key", path("key.jwk"), "--allow-http", token}}) {
        const RunResult r = run(args);
        EXPECT_EQ(r.exit_code, 2) << describe(r);
    }
    EXPECT_EQ(server_.total_requests(), 0u);
}

}  // namespace
}  // namespace signet::cli::test
