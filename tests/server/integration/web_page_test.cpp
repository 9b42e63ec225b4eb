// The web page's server side over real HTTP: the embedded files and their headers, the token
// inspector (POST /v1/inspect), the session record (GET /v1/sessions/current), and what the
// logins tell the page. The page itself is tested in a browser (tests/web).
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>

#include "server/integration/api_support.hpp"
#include "signet/claims.hpp"
#include "signet/jwk.hpp"
#include "signet/jwt.hpp"

namespace signet::test {
namespace {

using WebPage = SharedServerTest;
using Inspector = SharedServerTest;

boost::json::object inspect(HttpClient& c, boost::json::object request) {
    const HttpResult result = c.post_json("/v1/inspect", request);
    EXPECT_EQ(result.status, 200u) << describe(result);
    return result.status == 200u ? result.json().as_object() : boost::json::object{};
}

std::string code_of(const boost::json::object& verdict) {
    EXPECT_FALSE(verdict.at("valid").as_bool()) << boost::json::serialize(verdict);
    return std::string(verdict.at("code").as_string());
}

// An HS256 token with `claims`, signed by a key made here (the pasted-key case).
std::string hs256_token(const Jwk& key, const Claims& claims) {
    auto signer = Signer::create(key, Algorithm::HS256);
    EXPECT_TRUE(signer) << signer.error().to_string();
    auto token = signer->sign(claims);
    EXPECT_TRUE(token) << token.error().to_string();
    return *token;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST_F(WebPage, IsServedAtTheRootWithAStrictContentSecurityPolicy) {
    HttpClient c = client();
    const HttpResult index = c.get("/");
    ASSERT_EQ(index.status, 200u) << describe(index);
    EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
    const std::string csp = index.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(index.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(index.header("referrer-policy"), "no-referrer");
    EXPECT_NE(index.body.find("<script type=\"module\" src=\"/web/app.js\">"), std::string::npos);

    for (const auto& [path, type] :
         {std::pair{"/web/app.js", "text/javascript; charset=utf-8"},
          std::pair{"/web/inspector.js", "text/javascript; charset=utf-8"},
          std::pair{"/web/style.css", "text/css; charset=utf-8"}}) {
        const HttpResult asset = c.get(path);
        EXPECT_EQ(asset.status, 200u) << path;
        EXPECT_EQ(asset.header("content-type"), type) << path;
        EXPECT_FALSE(asset.body.empty()) << path;
    }
    expect_error(c.get("/web/missing.js"), 404, "not_found");
}

// Cache-Control: no-cache with a strong ETag: a browser revalidates and gets a bodiless 304 while
// the page is unchanged (RFC 9110 §13.1.2, RFC 9111 §5.2.2.4).
TEST_F(WebPage, RevalidationByEtagAnswers304) {
    HttpClient c = client();
    const HttpResult first = c.get("/web/app.js");
    ASSERT_EQ(first.status, 200u);
    EXPECT_EQ(first.header("cache-control"), "no-cache");
    const std::string etag = first.header("etag");
    ASSERT_EQ(etag.size(), 34u) << etag;  // a quoted 128-bit hex digest
    const HttpResult again = c.get("/web/app.js", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304u) << describe(again);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(c.get("/web/app.js", {{"If-None-Match", "\"other\""}}).status, 200u);
    EXPECT_EQ(c.get("/web/app.js", {{"If-None-Match", "\"a*b\""}}).status, 200u);
    EXPECT_EQ(c.get("/web/app.js", {{"If-None-Match", "\"other\", W/" + etag}}).status, 304u);
    EXPECT_EQ(
        c.get("/web/app.js", {{"If-None-Match", "\"other\""}, {"If-None-Match", etag}}).status,
        304u);
    EXPECT_EQ(c.get("/web/app.js", {{"If-None-Match", "*"}}).status, 304u);
    EXPECT_NE(c.get("/").header("etag"), etag);
}

TEST_F(Inspector, AcceptsThisServersTokenAndShowsItsClaims) {
    HttpClient c = client();
    const TestUser user = new_user(c, "inspect-valid");
    const std::string issuer = issuer_of(c);
    const boost::json::object verdict =
        inspect(c, {{"token", user.tokens.access_token}, {"issuer", issuer}, {"audience", issuer}});
    ASSERT_TRUE(verdict.at("valid").as_bool()) << boost::json::serialize(verdict);
    EXPECT_EQ(verdict.at("claims").at("sub").as_string(), user.id);
    EXPECT_EQ(verdict.at("header").at("typ").as_string(), "at+jwt");
}

TEST_F(Inspector, NamesEachFailureWithTheLibrarysCode) {
    HttpClient c = client();
    const TestUser user = new_user(c, "inspect-bad");
    const std::string token = user.tokens.access_token;
    std::string tampered = token;
    char& middle = tampered[token.rfind('.') + (token.size() - token.rfind('.')) / 2];
    middle = middle == 'A' ? 'B' : 'A';
    EXPECT_EQ(code_of(inspect(c, {{"token", tampered}})), "bad_signature");
    EXPECT_EQ(code_of(inspect(c, {{"token", token}, {"issuer", "https://elsewhere.example"}})),
              "bad_issuer");
    EXPECT_EQ(code_of(inspect(c, {{"token", token}, {"audience", "someone-else"}})),
              "bad_audience");
    EXPECT_EQ(code_of(inspect(c, {{"token", "not.a-token"}})), "malformed");
    // A compact JWE: five parts, sealed without its key.
    EXPECT_EQ(code_of(inspect(c, {{"token", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AA.AA.AA"}})),
              "encrypted");
}

TEST_F(Inspector, VerifiesWithAPastedKeyAndItsRules) {
    HttpClient c = client();
    auto key = Jwk::generate(Algorithm::HS256);
    ASSERT_TRUE(key) << key.error().to_string();
    const std::string key_json = boost::json::serialize(key->to_json(true));
    const std::int64_t now = now_seconds();

    Claims expired;
    expired.set_subject("someone").set("iat", now - 7200).set("exp", now - 100);
    const std::string expired_token = hs256_token(*key, expired);
    EXPECT_EQ(code_of(inspect(c, {{"token", expired_token}, {"key", key_json}})), "expired");
    // The leeway the page sends is applied, within its bound.
    EXPECT_TRUE(inspect(c, {{"token", expired_token}, {"key", key_json}, {"leeway", 300}})
                    .at("valid")
                    .as_bool());
    expect_error(c.post_json("/v1/inspect",
                             boost::json::object{
                                 {"token", expired_token}, {"key", key_json}, {"leeway", 301}}),
                 400, "invalid_request");

    Claims live;
    live.set_subject("someone").set("exp", now + 600);
    const std::string live_token = hs256_token(*key, live);
    const boost::json::object valid = inspect(c, {{"token", live_token}, {"key", key_json}});
    EXPECT_TRUE(valid.at("valid").as_bool()) << boost::json::serialize(valid);
    // This server's keys (ES256, each bound to its "alg") did not sign it.
    EXPECT_EQ(code_of(inspect(c, {{"token", live_token}})), "alg_not_allowed");

    // A key without "alg" verifies nothing until an algorithm is chosen (RFC 8725 §3.1).
    boost::json::object bare = key->to_json(true);
    bare.erase("alg");
    const std::string bare_json = boost::json::serialize(bare);
    EXPECT_EQ(code_of(inspect(c, {{"token", live_token}, {"key", bare_json}})), "invalid_argument");
    EXPECT_TRUE(inspect(c, {{"token", live_token}, {"key", bare_json}, {"alg", "HS256"}})
                    .at("valid")
                    .as_bool());
    // An algorithm the key cannot serve.
    EXPECT_EQ(code_of(inspect(c, {{"token", live_token}, {"key", bare_json}, {"alg", "ES256"}})),
              "key_alg_mismatch");
    EXPECT_EQ(code_of(inspect(c, {{"token", live_token}, {"key", "{\"kty\":\"oct\"}"}})),
              "invalid_key");
}

// Pasted keys are public keys or HMAC secrets: a private RSA, EC or OKP key is refused before it
// is imported (importing one costs a private-key operation), and so is a large set.
TEST_F(Inspector, RefusesPrivateKeysAndLargeSetsBeforeParsingThem) {
    HttpClient c = client();
    auto ec = Jwk::generate(Algorithm::ES256);
    ASSERT_TRUE(ec) << ec.error().to_string();
    const auto refused = [&](const std::string& key) {
        const boost::json::object verdict = inspect(c, {{"token", "a.b.c"}, {"key", key}});
        EXPECT_EQ(code_of(verdict), "invalid_key") << key.substr(0, 60);
        return std::string(verdict.at("message").as_string());
    };
    EXPECT_NE(refused(boost::json::serialize(ec->to_json(true))).find("private key"),
              std::string::npos);
    auto pem = ec->to_pem(false);
    ASSERT_TRUE(pem);
    EXPECT_NE(refused(*pem).find("private key"), std::string::npos);
    // An RSA modulus of 16384 bits.
    const std::string huge_rsa =
        R"({"kty":"RSA","e":"AQAB","n":")" + std::string(2731, 'x') + R"("})";
    EXPECT_NE(refused(huge_rsa).find("8192 bits"), std::string::npos);
    boost::json::array many;
    for (int i = 0; i < 17; ++i)
        many.push_back(ec->public_key()->to_json());
    EXPECT_NE(refused(boost::json::serialize(boost::json::object{{"keys", many}})).find("16 keys"),
              std::string::npos);
    // The public half is welcome: the token is what fails.
    const std::string public_key = boost::json::serialize(ec->public_key()->to_json());
    EXPECT_EQ(code_of(inspect(c, {{"token", "a.b.c"}, {"key", public_key}})), "bad_base64");
}

TEST_F(Inspector, RefusesMalformedRequests) {
    HttpClient c = client();
    expect_error(c.post_json("/v1/inspect", boost::json::object{}), 400, "invalid_request");
    expect_error(c.post_json("/v1/inspect", boost::json::object{{"token", 5}}), 400,
                 "invalid_request");
    expect_error(c.post_json("/v1/inspect", boost::json::object{{"token", "a.b.c"}, {"key", 1}}),
                 400, "invalid_request");
    expect_error(
        c.post_json("/v1/inspect", boost::json::object{{"token", "a.b.c"}, {"alg", "none"}}), 400,
        "invalid_request");
    // A pasted key left empty never falls back to this server's keys.
    expect_error(c.post_json("/v1/inspect", boost::json::object{{"token", "a.b.c"}, {"key", ""}}),
                 400, "invalid_request");
}

TEST(InspectorLimits, SixtyInspectionsPerMinutePerAddress) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    for (int i = 0; i < 60; ++i) {
        ASSERT_EQ(c.post_json("/v1/inspect", boost::json::object{{"token", "a.b.c"}}).status, 200u)
            << i;
    }
    const HttpResult limited = c.post_json("/v1/inspect", boost::json::object{{"token", "a.b.c"}});
    expect_error(limited, 429, "rate_limited");
    EXPECT_FALSE(limited.header("retry-after").empty());
}

TEST_F(WebPage, SessionRecordIsShownUntilTheSessionEnds) {
    HttpClient c = client();
    const std::string email = unique_email("record");
    const std::string id = register_user(c, email);
    const HttpResult opened =
        c.post_json("/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    ASSERT_EQ(opened.status, 201u) << describe(opened);
    const std::string csrf = opened.cookie("signet_csrf");
    const Headers cookies{
        {"Cookie", "signet_sid=" + opened.cookie("signet_sid") + "; signet_csrf=" + csrf}};

    const HttpResult record = c.get("/v1/sessions/current", cookies);
    ASSERT_EQ(record.status, 200u) << describe(record);
    const boost::json::object body = record.json().as_object();
    EXPECT_EQ(body.at("sub").as_string(), id);
    EXPECT_EQ(body.at("email").as_string(), email);
    EXPECT_EQ(body.at("store").as_string(), "memory");
    const std::int64_t created = body.at("created_at").as_int64();
    EXPECT_EQ(body.at("expires_at").as_int64() - created, 8 * 3600);
    EXPECT_EQ(body.at("idle_expires_at").as_int64() - created, 30 * 60);

    // The login told the page which cookies it set, without their values.
    const boost::json::value opened_body = opened.json();
    const boost::json::array& described = opened_body.at("cookies").as_array();
    ASSERT_EQ(described.size(), 2u) << opened.body;
    EXPECT_EQ(described[0].at("name").as_string(), "signet_sid");
    EXPECT_EQ(described[0].at("attributes").as_string(),
              "Path=/; Max-Age=28800; HttpOnly; SameSite=Lax");
    EXPECT_EQ(opened.body.find(opened.cookie("signet_sid")), std::string::npos);

    Headers logout = cookies;
    logout.emplace_back("X-CSRF-Token", csrf);
    ASSERT_EQ(c.del("/v1/sessions/current", logout).status, 204u);
    expect_error(c.get("/v1/sessions/current", cookies), 401, "invalid_token");
    expect_error(c.get("/v1/sessions/current"), 401, "unauthorized");
}

// The record is shown under the rules /v1/me applies: a disabled user's session is over.
TEST_F(WebPage, ADisabledUsersSessionRecordIsGone) {
    HttpClient c = client();
    const std::string email = unique_email("record-disabled");
    register_user(c, email);
    const HttpResult opened =
        c.post_json("/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    ASSERT_EQ(opened.status, 201u) << describe(opened);
    const CommandResult disabled =
        run_cli({"user", "disable", email, "--data-dir", server().data_dir().string()});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);
    const Headers cookie{{"Cookie", "signet_sid=" + opened.cookie("signet_sid")}};
    expect_error(c.get("/v1/sessions/current", cookie), 401, "invalid_token");
    expect_error(c.get("/v1/me", cookie), 401, "invalid_token");
}

TEST_F(WebPage, MeSaysWhenTheCredentialEnds) {
    HttpClient c = client();
    const TestUser user = new_user(c, "me-exp");
    const HttpResult me = c.get("/v1/me", bearer(user.tokens.access_token));
    ASSERT_EQ(me.status, 200u) << describe(me);
    const DecodedJwt jwt = decode_jwt(user.tokens.access_token);
    EXPECT_EQ(me.json().at("expires_at").as_int64(), jwt.payload.at("exp").as_int64());
}

}  // namespace
}  // namespace signet::test
