// Session mode over real HTTP: POST /v1/sessions sets the signet_sid cookie, /v1/me accepts it, and
// DELETE /v1/sessions/current forgets it.
#include <boost/json/object.hpp>
#include <string>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

using SessionsApi = SharedServerTest;

struct Session {
    std::string sid;
    std::string csrf;
    std::string cookies() const { return "signet_sid=" + sid + "; signet_csrf=" + csrf; }
};

Session open_session(HttpClient& client, const std::string& email) {
    const HttpResult result = client.post_json(
        "/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    EXPECT_EQ(result.status, 201u) << describe(result);
    return {result.cookie("signet_sid"), result.cookie("signet_csrf")};
}

TEST_F(SessionsApi, LoginSetsHttpOnlyLaxSessionCookie) {
    HttpClient c = client();
    const std::string email = unique_email("session");
    const std::string id = register_user(c, email);
    const HttpResult result =
        c.post_json("/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    ASSERT_EQ(result.status, 201u) << describe(result);

    const boost::json::value body = result.json();
    ASSERT_TRUE(body.is_object());
    const boost::json::object& o = body.get_object();
    ASSERT_TRUE(o.contains("sub") && o.at("sub").is_string()) << result.body;
    EXPECT_EQ(o.at("sub").get_string(), id);
    ASSERT_TRUE(o.contains("email") && o.at("email").is_string()) << result.body;
    EXPECT_EQ(o.at("email").get_string(), email);
    EXPECT_TRUE(o.contains("expires_in")) << result.body;
    ASSERT_TRUE(o.contains("csrf_token") && o.at("csrf_token").is_string()) << result.body;
    EXPECT_EQ(o.at("csrf_token").get_string(), result.cookie("signet_csrf"));
    EXPECT_FALSE(o.contains("access_token")) << result.body;

    const std::string line = set_cookie_line(result, "signet_sid");
    ASSERT_FALSE(line.empty()) << describe(result);
    EXPECT_TRUE(has_cookie_attribute(line, "HttpOnly")) << line;
    EXPECT_TRUE(has_cookie_attribute(line, "SameSite=Lax")) << line;
    EXPECT_TRUE(has_cookie_attribute(line, "Path=/")) << line;
    EXPECT_FALSE(has_cookie_attribute(line, "Secure")) << "no Secure over plain HTTP: " << line;
    // 256 random bits: at least 43 base64url or 64 hex characters.
    EXPECT_GE(result.cookie("signet_sid").size(), 43u) << line;

    const std::string csrf_line = set_cookie_line(result, "signet_csrf");
    ASSERT_FALSE(csrf_line.empty()) << describe(result);
    EXPECT_FALSE(has_cookie_attribute(csrf_line, "HttpOnly")) << csrf_line;
}

TEST_F(SessionsApi, MeAcceptsSessionCookie) {
    HttpClient c = client();
    const std::string email = unique_email("session-me");
    const std::string id = register_user(c, email);
    const Session session = open_session(c, email);
    const HttpResult result = c.get("/v1/me", {{"Cookie", "signet_sid=" + session.sid}});
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::object body = result.json().as_object();
    EXPECT_EQ(body.at("sub").as_string(), id);
    EXPECT_EQ(body.at("email").as_string(), email);
    EXPECT_EQ(body.at("auth").as_string(), "session");
}

TEST_F(SessionsApi, EachLoginGetsItsOwnSessionId) {
    HttpClient c = client();
    const std::string email = unique_email("session-two");
    register_user(c, email);
    const Session first = open_session(c, email);
    const Session second = open_session(c, email);
    EXPECT_NE(first.sid, second.sid);
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "signet_sid=" + first.sid}}).status, 200u);
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "signet_sid=" + second.sid}}).status, 200u);
}

TEST_F(SessionsApi, WrongPasswordGetsNoSession) {
    HttpClient c = client();
    const std::string email = unique_email("session-wrong");
    register_user(c, email);
    const HttpResult result = c.post_json(
        "/v1/sessions", boost::json::object{{"email", email}, {"password", "wrong password"}});
    expect_error(result, 401, "invalid_credentials");
    EXPECT_TRUE(set_cookie_line(result, "signet_sid").empty()) << describe(result);
}

TEST_F(SessionsApi, LogoutForgetsTheSession) {
    HttpClient c = client();
    const std::string email = unique_email("session-out");
    register_user(c, email);
    const Session session = open_session(c, email);
    ASSERT_EQ(c.get("/v1/me", {{"Cookie", session.cookies()}}).status, 200u);

    const HttpResult out = c.del("/v1/sessions/current",
                                 {{"Cookie", session.cookies()}, {"X-CSRF-Token", session.csrf}});
    ASSERT_EQ(out.status, 204u) << describe(out);
    const std::string cleared = set_cookie_line(out, "signet_sid");
    EXPECT_FALSE(cleared.empty()) << "the session cookie is cleared: " << describe(out);
    EXPECT_TRUE(out.cookie("signet_sid").empty() || cookie_attribute(cleared, "Max-Age") == "0")
        << cleared;

    const HttpResult after = c.get("/v1/me", {{"Cookie", "signet_sid=" + session.sid}});
    expect_error(after, 401, "invalid_token");
}

// POST /v1/logout ends whatever the request carries: with a session cookie, the session.
TEST_F(SessionsApi, PostLogoutWithASessionCookieEndsTheSession) {
    HttpClient c = client();
    const std::string email = unique_email("session-post-logout");
    register_user(c, email);
    const Session session = open_session(c, email);
    ASSERT_EQ(c.get("/v1/me", {{"Cookie", session.cookies()}}).status, 200u);

    // Cookie-authenticated, so a state change needs the CSRF token.
    const HttpResult forged = c.request(boost::beast::http::verb::post, "/v1/logout", "",
                                        {{"Cookie", session.cookies()}});
    EXPECT_EQ(forged.status, 403u) << describe(forged);
    ASSERT_EQ(c.get("/v1/me", {{"Cookie", session.cookies()}}).status, 200u);

    const HttpResult out =
        c.request(boost::beast::http::verb::post, "/v1/logout", "",
                  {{"Cookie", session.cookies()}, {"X-CSRF-Token", session.csrf}});
    ASSERT_EQ(out.status, 204u) << describe(out);
    EXPECT_EQ(cookie_attribute(set_cookie_line(out, "signet_sid"), "Max-Age"), "0");
    expect_error(c.get("/v1/me", {{"Cookie", "signet_sid=" + session.sid}}), 401, "invalid_token");
}

TEST_F(SessionsApi, LogoutWithoutSessionGets401) {
    HttpClient c = client();
    const HttpResult result = c.del("/v1/sessions/current");
    EXPECT_EQ(result.status, 401u) << describe(result);
}

}  // namespace
}  // namespace signet::test
