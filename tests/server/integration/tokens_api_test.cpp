// The JWT flow over real HTTP: login, the RFC 9068 access token, /v1/me with a Bearer header or the
// JWT cookie, refresh rotation, logout, password change, disabled users and the login rate limit.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <string>
#include <thread>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

namespace http = boost::beast::http;

using TokensApi = SharedServerTest;

std::string string_member(const boost::json::object& object, std::string_view key) {
    const boost::json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::int64_t int_member(const boost::json::object& object, std::string_view key) {
    const boost::json::value* value = object.if_contains(key);
    if (value == nullptr) return -1;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
    return -1;
}

// GET /v1/me with `headers`; expects 200 and returns the body object.
boost::json::object me(HttpClient& client, const Headers& headers) {
    const HttpResult result = client.get("/v1/me", headers);
    EXPECT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.status == 200 ? result.json() : boost::json::value();
    return body.is_object() ? body.get_object() : boost::json::object();
}

void expect_invalid_token(const HttpResult& result) {
    expect_error(result, 401, "invalid_token");
    const std::string challenge = result.header("www-authenticate");
    EXPECT_TRUE(challenge.starts_with("Bearer ")) << describe(result);
    EXPECT_NE(challenge.find("realm=\"signet\""), std::string::npos) << describe(result);
    EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << describe(result);
}

TEST_F(TokensApi, LoginReturnsBearerPairWithExpiry) {
    HttpClient c = client();
    const std::string email = unique_email("login");
    register_user(c, email);
    const HttpResult result = login_request(c, email, kPassword);
    ASSERT_EQ(result.status, 200u) << describe(result);
    EXPECT_TRUE(result.header("content-type").starts_with("application/json"));
    const boost::json::value body = result.json();
    ASSERT_TRUE(body.is_object());
    const boost::json::object& o = body.get_object();
    EXPECT_FALSE(string_member(o, "access_token").empty()) << result.body;
    EXPECT_EQ(string_member(o, "token_type"), "Bearer") << result.body;
    EXPECT_EQ(int_member(o, "expires_in"), 900) << result.body;
    const std::string refresh = string_member(o, "refresh_token");
    EXPECT_GE(refresh.size(), 32u) << "a refresh token needs at least 128 bits: " << result.body;
    EXPECT_EQ(refresh.find('.'), std::string::npos) << "refresh tokens are opaque, not JWTs";
}

TEST_F(TokensApi, LoginEmailIsCaseInsensitive) {
    HttpClient c = client();
    const std::string email = unique_email("case");
    register_user(c, email);
    std::string upper = email;
    for (char& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const Tokens tokens = login(c, upper);
    EXPECT_FALSE(tokens.access_token.empty());
}

TEST_F(TokensApi, AccessTokenFollowsRfc9068) {
    HttpClient c = client();
    const TestUser user = new_user(c, "rfc9068");
    ASSERT_FALSE(user.tokens.access_token.empty());
    const DecodedJwt jwt = decode_jwt(user.tokens.access_token);
    EXPECT_EQ(string_member(jwt.header, "typ"), "at+jwt");
    EXPECT_EQ(string_member(jwt.header, "alg"), "ES256");
    EXPECT_FALSE(string_member(jwt.header, "kid").empty());

    const std::string issuer = issuer_of(c);
    EXPECT_EQ(string_member(jwt.payload, "iss"), issuer);
    EXPECT_EQ(string_member(jwt.payload, "sub"), user.id);
    EXPECT_NE(string_member(jwt.payload, "sub"), user.email);
    EXPECT_EQ(string_member(jwt.payload, "sub").find('@'), std::string::npos);
    EXPECT_EQ(string_member(jwt.payload, "email"), user.email);
    ASSERT_TRUE(jwt.payload.contains("aud"));
    const boost::json::value& aud = jwt.payload.at("aud");
    EXPECT_TRUE((aud.is_string() && !aud.get_string().empty()) ||
                (aud.is_array() && !aud.get_array().empty()))
        << boost::json::serialize(aud);
    const std::int64_t iat = int_member(jwt.payload, "iat");
    const std::int64_t exp = int_member(jwt.payload, "exp");
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    EXPECT_LE(std::abs(iat - now), 60) << "iat " << iat << " now " << now;
    EXPECT_EQ(exp - iat, 900);
    EXPECT_GE(string_member(jwt.payload, "jti").size(), 16u);
    EXPECT_FALSE(string_member(jwt.payload, "scope").empty());

    // Every login gets its own jti.
    const Tokens second = login(c, user.email);
    EXPECT_NE(string_member(decode_jwt(second.access_token).payload, "jti"),
              string_member(jwt.payload, "jti"));
}

TEST_F(TokensApi, MeAcceptsBearerToken) {
    HttpClient c = client();
    const TestUser user = new_user(c, "me-bearer");
    const boost::json::object body = me(c, bearer(user.tokens.access_token));
    EXPECT_EQ(string_member(body, "sub"), user.id);
    EXPECT_EQ(string_member(body, "email"), user.email);
    EXPECT_EQ(string_member(body, "auth"), "jwt");
}

TEST_F(TokensApi, CookieLoginSetsJwtCookiesAndMeAcceptsThem) {
    HttpClient c = client();
    const std::string email = unique_email("me-cookie");
    const std::string id = register_user(c, email);
    const HttpResult result = c.post_json(
        "/v1/login",
        boost::json::object{{"email", email}, {"password", kPassword}, {"cookie", true}});
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.json();
    ASSERT_TRUE(body.is_object());
    EXPECT_FALSE(body.get_object().contains("access_token")) << result.body;
    EXPECT_FALSE(body.get_object().contains("refresh_token")) << result.body;
    EXPECT_EQ(string_member(body.get_object(), "token_type"), "Bearer");
    const std::string csrf_body = string_member(body.get_object(), "csrf_token");
    EXPECT_FALSE(csrf_body.empty()) << result.body;

    const std::string at_line = set_cookie_line(result, "signet_at");
    ASSERT_FALSE(at_line.empty()) << describe(result);
    EXPECT_TRUE(has_cookie_attribute(at_line, "HttpOnly")) << at_line;
    EXPECT_TRUE(has_cookie_attribute(at_line, "SameSite=Lax")) << at_line;
    EXPECT_TRUE(has_cookie_attribute(at_line, "Path=/")) << at_line;
    EXPECT_FALSE(has_cookie_attribute(at_line, "Secure")) << at_line;
    EXPECT_EQ(cookie_attribute(at_line, "Max-Age"), "900") << at_line;

    const std::string rt_line = set_cookie_line(result, "signet_rt");
    ASSERT_FALSE(rt_line.empty()) << describe(result);
    EXPECT_TRUE(has_cookie_attribute(rt_line, "HttpOnly")) << rt_line;
    EXPECT_TRUE(has_cookie_attribute(rt_line, "Path=/v1")) << rt_line;

    const std::string csrf_line = set_cookie_line(result, "signet_csrf");
    ASSERT_FALSE(csrf_line.empty()) << describe(result);
    EXPECT_FALSE(has_cookie_attribute(csrf_line, "HttpOnly")) << csrf_line;
    EXPECT_EQ(result.cookie("signet_csrf"), csrf_body);

    const boost::json::object who = me(c, {{"Cookie", "signet_at=" + result.cookie("signet_at")}});
    EXPECT_EQ(string_member(who, "sub"), id);
    EXPECT_EQ(string_member(who, "auth"), "jwt");
}

TEST_F(TokensApi, CookieRefreshAndLogoutUseTheCookies) {
    HttpClient c = client();
    const std::string email = unique_email("cookie-flow");
    register_user(c, email);
    const HttpResult logged = c.post_json(
        "/v1/login",
        boost::json::object{{"email", email}, {"password", kPassword}, {"cookie", true}});
    ASSERT_EQ(logged.status, 200u) << describe(logged);
    const std::string csrf = logged.cookie("signet_csrf");
    const std::string cookies = "signet_at=" + logged.cookie("signet_at") +
                                "; signet_rt=" + logged.cookie("signet_rt") +
                                "; signet_csrf=" + csrf;
    const HttpResult refreshed = c.post_json("/v1/token/refresh", boost::json::object{},
                                             {{"Cookie", cookies}, {"X-CSRF-Token", csrf}});
    ASSERT_EQ(refreshed.status, 200u) << describe(refreshed);
    const std::string new_at = refreshed.cookie("signet_at");
    const std::string new_rt = refreshed.cookie("signet_rt");
    ASSERT_FALSE(new_at.empty()) << describe(refreshed);
    ASSERT_FALSE(new_rt.empty()) << describe(refreshed);
    EXPECT_NE(new_rt, logged.cookie("signet_rt"));
    me(c, {{"Cookie", "signet_at=" + new_at}});

    const std::string new_csrf =
        refreshed.cookie("signet_csrf").empty() ? csrf : refreshed.cookie("signet_csrf");
    const std::string new_cookies =
        "signet_at=" + new_at + "; signet_rt=" + new_rt + "; signet_csrf=" + new_csrf;
    const HttpResult out = c.post_json("/v1/logout", boost::json::object{},
                                       {{"Cookie", new_cookies}, {"X-CSRF-Token", new_csrf}});
    ASSERT_EQ(out.status, 204u) << describe(out);
    // The cookies are cleared ...
    const std::string cleared = set_cookie_line(out, "signet_at");
    EXPECT_FALSE(cleared.empty()) << describe(out);
    EXPECT_TRUE(out.cookie("signet_at").empty() || cookie_attribute(cleared, "Max-Age") == "0")
        << cleared;
    // ... and the old values are dead on the server too.
    expect_invalid_token(c.get("/v1/me", {{"Cookie", "signet_at=" + new_at}}));
    expect_error(refresh_request(c, new_rt), 401, "invalid_grant");
}

TEST_F(TokensApi, MeWithoutCredentialsGets401WithBareChallenge) {
    HttpClient c = client();
    const HttpResult result = c.get("/v1/me");
    expect_error(result, 401, "unauthorized");
    EXPECT_EQ(result.header("www-authenticate"), "Bearer realm=\"signet\"") << describe(result);
}

TEST_F(TokensApi, MeWithGarbageTokenGets401InvalidToken) {
    HttpClient c = client();
    expect_invalid_token(c.get("/v1/me", bearer("not-a-token")));
    expect_invalid_token(c.get("/v1/me", bearer("a.b.c")));
    expect_invalid_token(c.get("/v1/me", {{"Cookie", "signet_at=garbage"}}));
}

TEST_F(TokensApi, RefreshRotatesThePair) {
    HttpClient c = client();
    const TestUser user = new_user(c, "rotate");
    const HttpResult result = refresh_request(c, user.tokens.refresh_token);
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.json();
    ASSERT_TRUE(body.is_object());
    const std::string access = string_member(body.get_object(), "access_token");
    const std::string refresh = string_member(body.get_object(), "refresh_token");
    EXPECT_EQ(string_member(body.get_object(), "token_type"), "Bearer");
    EXPECT_NE(refresh, user.tokens.refresh_token);
    EXPECT_NE(access, user.tokens.access_token);
    EXPECT_EQ(string_member(me(c, bearer(access)), "sub"), user.id);

    // The new refresh token works once more; the spent one never again.
    const HttpResult again = refresh_request(c, refresh);
    EXPECT_EQ(again.status, 200u) << describe(again);
}

TEST_F(TokensApi, UnknownRefreshTokenGets401InvalidGrant) {
    HttpClient c = client();
    expect_error(refresh_request(c, "no-such-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 401,
                 "invalid_grant");
}

TEST_F(TokensApi, LogoutRevokesAccessAndRefreshToken) {
    HttpClient c = client();
    const TestUser user = new_user(c, "logout");
    me(c, bearer(user.tokens.access_token));
    const HttpResult out =
        c.post_json("/v1/logout", boost::json::object{{"refresh_token", user.tokens.refresh_token}},
                    bearer(user.tokens.access_token));
    ASSERT_EQ(out.status, 204u) << describe(out);
    EXPECT_TRUE(out.body.empty());
    expect_invalid_token(c.get("/v1/me", bearer(user.tokens.access_token)));
    expect_error(refresh_request(c, user.tokens.refresh_token), 401, "invalid_grant");
}

TEST_F(TokensApi, LogoutLeavesOtherLoginsOfTheUserAlone) {
    HttpClient c = client();
    const TestUser user = new_user(c, "logout-other");
    const Tokens other = login(c, user.email);
    const HttpResult out =
        c.post_json("/v1/logout", boost::json::object{{"refresh_token", user.tokens.refresh_token}},
                    bearer(user.tokens.access_token));
    ASSERT_EQ(out.status, 204u) << describe(out);
    me(c, bearer(other.access_token));
    EXPECT_EQ(refresh_request(c, other.refresh_token).status, 200u);
}

TEST_F(TokensApi, PasswordChangeRevokesEveryRefreshTokenAndSession) {
    HttpClient c = client();
    const TestUser user = new_user(c, "pwchange");
    const Tokens second = login(c, user.email);
    const HttpResult session = c.post_json(
        "/v1/sessions", boost::json::object{{"email", user.email}, {"password", kPassword}});
    ASSERT_EQ(session.status, 201u) << describe(session);
    const std::string sid = session.cookie("signet_sid");
    me(c, {{"Cookie", "signet_sid=" + sid}});

    const std::string new_password = "a whole new password";
    const HttpResult changed = c.post_json(
        "/v1/password",
        boost::json::object{{"current_password", kPassword}, {"new_password", new_password}},
        bearer(user.tokens.access_token));
    ASSERT_EQ(changed.status, 204u) << describe(changed);

    expect_error(login_request(c, user.email, kPassword), 401, "invalid_credentials");
    EXPECT_FALSE(login(c, user.email, new_password).access_token.empty());
    expect_error(refresh_request(c, user.tokens.refresh_token), 401, "invalid_grant");
    expect_error(refresh_request(c, second.refresh_token), 401, "invalid_grant");
    const HttpResult dead_session = c.get("/v1/me", {{"Cookie", "signet_sid=" + sid}});
    EXPECT_EQ(dead_session.status, 401u) << describe(dead_session);
}

TEST_F(TokensApi, PasswordChangeChecksCurrentPasswordAndNewLength) {
    HttpClient c = client();
    const TestUser user = new_user(c, "pwcheck");
    const HttpResult wrong =
        c.post_json("/v1/password",
                    boost::json::object{{"current_password", "not the password"},
                                        {"new_password", "whatever123"}},
                    bearer(user.tokens.access_token));
    EXPECT_GE(wrong.status, 400u) << describe(wrong);
    EXPECT_LT(wrong.status, 500u) << describe(wrong);
    expect_error(
        c.post_json("/v1/password",
                    boost::json::object{{"current_password", kPassword}, {"new_password", "short"}},
                    bearer(user.tokens.access_token)),
        400, "invalid_password");
    // Neither attempt changed anything.
    EXPECT_FALSE(login(c, user.email).access_token.empty());
    EXPECT_EQ(refresh_request(c, user.tokens.refresh_token).status, 200u);
}

TEST_F(TokensApi, PasswordChangeWithoutCredentialsGets401) {
    HttpClient c = client();
    const HttpResult result = c.post_json(
        "/v1/password",
        boost::json::object{{"current_password", kPassword}, {"new_password", "whatever123"}});
    expect_error(result, 401, "unauthorized");
}

TEST_F(TokensApi, DisabledUserCannotLogInOrRefresh) {
    HttpClient c = client();
    const TestUser user = new_user(c, "disabled");
    ASSERT_FALSE(user.tokens.refresh_token.empty());
    const CommandResult disabled =
        run_cli({"user", "disable", user.email, "--data-dir", server().data_dir().string()});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);

    const HttpResult refused = login_request(c, user.email, kPassword);
    expect_error(refused, 401, "invalid_credentials");
    const HttpResult unknown = login_request(c, unique_email("never-registered"), kPassword);
    EXPECT_EQ(refused.body, unknown.body) << "a disabled account must look like any failed login";
    expect_error(refresh_request(c, user.tokens.refresh_token), 401, "invalid_grant");
}

TEST_F(TokensApi, EleventhWrongPasswordForOneEmailGets429WithRetryAfter) {
    HttpClient c = client();
    const std::string email = unique_email("limited");
    register_user(c, email);
    for (int i = 1; i <= 10; ++i) {
        SCOPED_TRACE(i);
        expect_error(login_request(c, email, "wrong password"), 401, "invalid_credentials");
    }
    const HttpResult limited = login_request(c, email, "wrong password");
    expect_error(limited, 429, "rate_limited");
    const std::string retry = limited.header("retry-after");
    unsigned seconds = 0;
    const auto [end, ec] = std::from_chars(retry.data(), retry.data() + retry.size(), seconds);
    EXPECT_TRUE(ec == std::errc() && end == retry.data() + retry.size() && seconds >= 1 &&
                seconds <= 300)
        << "Retry-After: '" << retry << "'";
    // The right password is refused too while limited: otherwise 429 vs 200 would still let an
    // attacker test passwords.
    expect_error(login_request(c, email, kPassword), 429, "rate_limited");
    // Another email from the same address is not affected by this email's counter.
    const std::string other = unique_email("not-limited");
    register_user(c, other);
    EXPECT_FALSE(login(c, other).access_token.empty());
}

TEST(TokensApiConfig, FailedLoginsPerAddressAreLimited) {
    const TempDir dir;
    auto server = start_server(
        with_config(dir, "login_limit_per_address = 3\nlogin_limit_per_email = 100\n"));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    for (int i = 0; i < 3; ++i) {
        expect_error(login_request(c, unique_email("addr"), "wrong password"), 401,
                     "invalid_credentials");
    }
    const HttpResult limited = login_request(c, unique_email("addr"), "wrong password");
    expect_error(limited, 429, "rate_limited");
    EXPECT_FALSE(limited.header("retry-after").empty()) << describe(limited);
}

TEST(TokensApiConfig, ExpiredAccessTokenGets401InvalidToken) {
    auto server = start_server(ServerOptions({"--access-token-ttl", "2"}));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string email = unique_email("ttl");
    register_user(c, email);
    const HttpResult result = login_request(c, email, kPassword);
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::object body = result.json().as_object();
    EXPECT_EQ(int_member(body, "expires_in"), 2);
    const std::string token = string_member(body, "access_token");
    const DecodedJwt jwt = decode_jwt(token);
    const std::int64_t exp = int_member(jwt.payload, "exp");
    EXPECT_EQ(exp - int_member(jwt.payload, "iat"), 2);
    EXPECT_EQ(c.get("/v1/me", bearer(token)).status, 200u);

    // Past exp (leeway is 0 by default), with a margin for the whole-second claim.
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::seconds(exp)) +
                                  std::chrono::milliseconds(1200));
    expect_invalid_token(c.get("/v1/me", bearer(token)));

    // Logging out once the access token expired still ends the refresh family (RFC 7009 §2.1).
    const std::string refresh_token = string_member(body, "refresh_token");
    const HttpResult out = c.post_json(
        "/v1/logout", boost::json::object{{"refresh_token", refresh_token}}, bearer(token));
    EXPECT_EQ(out.status, 204u) << describe(out);
    expect_error(refresh_request(c, refresh_token), 401, "invalid_grant");
}

// A family rotated within each token's lifetime still ends at refresh_family_max_lifetime, and the
// refresh cookie's Max-Age follows the token's cut expiry.
TEST(TokensApiConfig, RefreshFamilyEndsAtItsMaximumLifetime) {
    const TempDir dir;
    auto server = start_server(with_config(
        dir, "access_token_ttl = 1\nrefresh_token_ttl = 3\nrefresh_family_max_lifetime = 4\n"));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string email = unique_email("family-end");
    register_user(c, email);
    const HttpResult logged = c.post_json(
        "/v1/login",
        boost::json::object{{"email", email}, {"password", kPassword}, {"cookie", true}});
    ASSERT_EQ(logged.status, 200u) << describe(logged);
    EXPECT_EQ(cookie_attribute(set_cookie_line(logged, "signet_rt"), "Max-Age"), "3");
    const std::int64_t login_at = int_member(decode_jwt(logged.cookie("signet_at")).payload, "iat");
    const auto at = [&](std::int64_t seconds) {
        return std::chrono::system_clock::time_point(std::chrono::seconds(login_at + seconds)) +
               std::chrono::milliseconds(200);
    };
    const auto refresh_with_cookie = [&](const std::string& refresh_token,
                                         const std::string& csrf) {
        return c.post_json("/v1/token/refresh", boost::json::object{},
                           {{"Cookie", "signet_rt=" + refresh_token + "; signet_csrf=" + csrf},
                            {"X-CSRF-Token", csrf}});
    };

    // Two seconds in, the next token would live 3 s; the family's end, 4 s after the login,
    // leaves it less (exactly what is left, whenever the refresh is handled).
    std::this_thread::sleep_until(at(2));
    const HttpResult refreshed =
        refresh_with_cookie(logged.cookie("signet_rt"), logged.cookie("signet_csrf"));
    ASSERT_EQ(refreshed.status, 200u) << describe(refreshed);
    const std::int64_t refreshed_at =
        int_member(decode_jwt(refreshed.cookie("signet_at")).payload, "iat");
    ASSERT_LT(refreshed_at, login_at + 4);
    EXPECT_EQ(cookie_attribute(set_cookie_line(refreshed, "signet_rt"), "Max-Age"),
              std::to_string(login_at + 4 - refreshed_at));
    EXPECT_LT(login_at + 4 - refreshed_at, 3);

    // Past the family's end (also the cut token's own expiry; a family whose tokens outlive it,
    // stored under a longer setting, is covered by
    // RefreshFamilyLifetime.ALoweredLifetimeEndsFamiliesBegunUnderTheOldOne).
    std::this_thread::sleep_until(at(4));
    const HttpResult ended =
        refresh_with_cookie(refreshed.cookie("signet_rt"), refreshed.cookie("signet_csrf"));
    expect_error(ended, 401, "invalid_grant");
}

TEST_F(TokensApi, AnotherAuthorizationSchemeCountsAsNoCredentials) {
    // RFC 6750 §3.1: without Bearer credentials the challenge carries no error code.
    const HttpResult result = client().get("/v1/me", {{"Authorization", "Basic YTpi"}});
    expect_error(result, 401, "unauthorized");
    EXPECT_EQ(result.header("www-authenticate"), R"(Bearer realm="signet")");
}

TEST_F(TokensApi, LogoutWithNeitherTokenGets401) {
    const HttpResult result = client().post_json("/v1/logout", boost::json::object{});
    expect_error(result, 401, "unauthorized");
}

}  // namespace
}  // namespace signet::test
