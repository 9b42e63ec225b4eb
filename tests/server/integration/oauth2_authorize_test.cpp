// The authorization endpoint and its login page over real HTTP (RFC 6749 §4.1.1-§4.1.2.1, RFC
// 7636, RFC 9207, RFC 9700 §2.1/§4, OIDC Core §3.1.2).
#include "server/integration/oauth2_support.hpp"

namespace signet::test {
namespace {

using Authorize = SharedServerTest;

using Params = std::vector<std::pair<std::string, std::string>>;

Params with(Params params, const std::string& name, const std::string& value) {
    for (auto& [key, old] : params) {
        if (key == name) {
            old = value;
            return params;
        }
    }
    params.emplace_back(name, value);
    return params;
}

Params without(Params params, const std::string& name) {
    std::erase_if(params, [&](const auto& item) { return item.first == name; });
    return params;
}

// A redirect to the client with `error`, the state and the issuer (RFC 6749 §4.1.2.1, RFC 9207).
void expect_error_redirect(const HttpResult& result, std::string_view error,
                           const std::string& issuer) {
    ASSERT_EQ(result.status, 302u) << describe(result);
    const std::string location = result.header("location");
    EXPECT_TRUE(location.starts_with(std::string(kRedirectUri) + "?")) << location;
    const auto query = query_of(location);
    EXPECT_EQ(query.count("error") ? query.at("error") : "", error) << location;
    EXPECT_FALSE(query.count("error_description") ? query.at("error_description").empty() : true);
    EXPECT_EQ(query.count("state") ? query.at("state") : "", "st-123") << location;
    EXPECT_EQ(query.count("iss") ? query.at("iss") : "", issuer) << location;
    EXPECT_FALSE(query.contains("code")) << location;
}

// An error shown to the user: never a redirect (no open redirector, RFC 9700 §4.11).
void expect_shown_error(const HttpResult& result) {
    EXPECT_EQ(result.status, 400u) << describe(result);
    EXPECT_TRUE(result.header("location").empty()) << describe(result);
    EXPECT_NE(result.header("content-type").find("text/html"), std::string::npos);
}

TEST_F(Authorize, ASessionGetsACodeWithStateAndIssuer) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz");
    const TestUser user = new_user(http, "authz");
    const std::string cookie = session_cookie(http, user.email);
    const HttpResult result = authorize(http, authorize_params(app, new_pkce()), cookie);
    ASSERT_EQ(result.status, 302u) << describe(result);
    const std::string location = result.header("location");
    EXPECT_TRUE(location.starts_with(std::string(kRedirectUri) + "?code=")) << location;
    const auto query = query_of(location);
    EXPECT_GE(query.at("code").size(), 43u);
    EXPECT_EQ(query.at("state"), "st-123");
    EXPECT_EQ(query.at("iss"), issuer_of(http));
    EXPECT_EQ(result.header("cache-control"), "no-store");
}

TEST_F(Authorize, AnUnknownClientOrRedirectUriIsShownAndNeverRedirected) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-shown");
    const std::string cookie = session_cookie(http, new_user(http, "authz-shown").email);
    const Params good = authorize_params(app, new_pkce());
    expect_shown_error(authorize(http, with(good, "client_id", "no-such-client"), cookie));
    expect_shown_error(authorize(http, without(good, "client_id"), cookie));
    expect_shown_error(authorize(http, without(good, "redirect_uri"), cookie));
    // Exact match only: no prefix, suffix, added query or case change (RFC 9700 §4.1.3).
    for (const std::string& uri :
         {std::string(kRedirectUri) + "/x", std::string(kRedirectUri) + "?a=1",
          std::string("http://127.0.0.1:9/Callback"), std::string("http://127.0.0.1:9/"),
          std::string("https://evil.example/callback")}) {
        expect_shown_error(authorize(http, with(good, "redirect_uri", uri), cookie));
    }
}

TEST_F(Authorize, ErrorsAfterTheRedirectUriIsKnownGoToTheClient) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-errors");
    const std::string cookie = session_cookie(http, new_user(http, "authz-errors").email);
    const std::string issuer = issuer_of(http);
    const Params good = authorize_params(app, new_pkce());
    expect_error_redirect(authorize(http, with(good, "response_type", "token"), cookie),
                          "unsupported_response_type", issuer);
    expect_error_redirect(authorize(http, without(good, "response_type"), cookie),
                          "invalid_request", issuer);
    // PKCE for every client, S256 only (RFC 9700 §2.1.1, RFC 7636 §4.3).
    expect_error_redirect(authorize(http, without(good, "code_challenge"), cookie),
                          "invalid_request", issuer);
    expect_error_redirect(authorize(http, with(good, "code_challenge_method", "plain"), cookie),
                          "invalid_request", issuer);
    expect_error_redirect(authorize(http, without(good, "code_challenge_method"), cookie),
                          "invalid_request", issuer);
    expect_error_redirect(authorize(http, with(good, "code_challenge", "short"), cookie),
                          "invalid_request", issuer);
    expect_error_redirect(
        authorize(http, with(good, "request", "eyJhbGciOiJub25lIn0.e30."), cookie),
        "request_not_supported", issuer);
    expect_error_redirect(authorize(http, with(good, "request_uri", "https://a.example/r"), cookie),
                          "request_uri_not_supported", issuer);
    expect_error_redirect(authorize(http, with(good, "scope", "bogus"), cookie), "invalid_scope",
                          issuer);
    expect_error_redirect(authorize(http, with(good, "max_age", "-1"), cookie), "invalid_request",
                          issuer);
    expect_error_redirect(authorize(http, with(good, "prompt", "none login"), cookie),
                          "invalid_request", issuer);
    expect_error_redirect(authorize(http, with(good, "response_mode", "fragment"), cookie),
                          "invalid_request", issuer);
}

TEST_F(Authorize, RepeatedParametersAreRefusedAndUnknownOnesIgnored) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-repeat");
    const std::string cookie = session_cookie(http, new_user(http, "authz-repeat").email);
    Params repeated = authorize_params(app, new_pkce());
    repeated.emplace_back("scope", "openid");
    expect_shown_error(authorize(http, repeated, cookie));
    const HttpResult extra =
        authorize(http, with(authorize_params(app, new_pkce()), "frobnicate", "1"), cookie);
    ASSERT_EQ(extra.status, 302u) << describe(extra);
    EXPECT_TRUE(query_of(extra.header("location")).contains("code"));
}

TEST_F(Authorize, WithoutASessionTheLoginPageIsShownUnderAStrictPolicy) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-page");
    const HttpResult page =
        authorize(http, with(authorize_params(app, new_pkce()), "login_hint", "hint@example.com"));
    ASSERT_EQ(page.status, 200u) << describe(page);
    EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
    const std::string csp = page.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("form-action 'self' http://127.0.0.1:9"), std::string::npos) << csp;
    // Not no-referrer, under which browsers post the form with "Origin: null".
    EXPECT_EQ(page.header("referrer-policy"), "same-origin");
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
    EXPECT_EQ(page.body.find("https://"), std::string::npos) << "no external resources";
    EXPECT_NE(page.body.find("action=\"/oauth2/login\""), std::string::npos);
    EXPECT_NE(page.body.find("Test app " + app.id), std::string::npos);
    EXPECT_NE(page.body.find("value=\"hint@example.com\""), std::string::npos);
    const std::string csrf = page.cookie("signet_csrf");
    ASSERT_GE(csrf.size(), 43u) << describe(page);
    EXPECT_NE(page.body.find("name=\"csrf_token\" value=\"" + csrf + "\""), std::string::npos);
}

TEST_F(Authorize, PromptNoneWithoutASessionIsLoginRequired) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-none");
    expect_error_redirect(
        authorize(http, with(authorize_params(app, new_pkce()), "prompt", "none")),
        "login_required", issuer_of(http));
}

TEST_F(Authorize, PromptLoginAndAnExceededMaxAgeShowTheLoginPageDespiteASession) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-prompt");
    const std::string cookie = session_cookie(http, new_user(http, "authz-prompt").email);
    const Params good = authorize_params(app, new_pkce());
    const HttpResult login = authorize(http, with(good, "prompt", "login"), cookie);
    EXPECT_EQ(login.status, 200u) << describe(login);
    EXPECT_NE(login.body.find("/oauth2/login"), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const HttpResult aged = authorize(http, with(good, "max_age", "0"), cookie);
    EXPECT_EQ(aged.status, 200u) << describe(aged);
    expect_error_redirect(
        authorize(http, with(with(good, "max_age", "0"), "prompt", "none"), cookie),
        "login_required", issuer_of(http));
    const HttpResult young = authorize(http, with(good, "max_age", "3600"), cookie);
    EXPECT_EQ(young.status, 302u) << describe(young);
}

TEST_F(Authorize, ThePostFormOfTheRequestWorksLikeTheQuery) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "authz-post");
    const std::string cookie = session_cookie(http, new_user(http, "authz-post").email);
    const HttpResult result = post_form(http, "/oauth2/authorize",
                                        authorize_params(app, new_pkce()), {{"Cookie", cookie}});
    ASSERT_EQ(result.status, 302u) << describe(result);
    EXPECT_TRUE(query_of(result.header("location")).contains("code"));
}

// The login form: CSRF-protected, starts a session, resumes the request.
struct LoginForm {
    std::string csrf;
    std::string request;  // the hidden authorization_request value
};

LoginForm read_form(const HttpResult& page) {
    LoginForm form;
    form.csrf = page.cookie("signet_csrf");
    const std::string marker = "name=\"authorization_request\" value=\"";
    const std::size_t at = page.body.find(marker);
    EXPECT_NE(at, std::string::npos) << page.body;
    if (at == std::string::npos) return form;
    const std::size_t start = at + marker.size();
    std::string value = page.body.substr(start, page.body.find('"', start) - start);
    // The page escapes '&' as "&amp;".
    for (std::size_t pos = 0; (pos = value.find("&amp;", pos)) != std::string::npos; ++pos) {
        value.replace(pos, 5, "&");
    }
    form.request = value;
    return form;
}

TEST_F(Authorize, TheLoginFormStartsASessionAndResumesTheRequest) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "login-form");
    const TestUser user = new_user(http, "login-form");
    const HttpResult page = authorize(http, authorize_params(app, new_pkce()));
    ASSERT_EQ(page.status, 200u) << describe(page);
    const LoginForm login = read_form(page);
    const Headers headers{{"Cookie", "signet_csrf=" + login.csrf},
                          {"Origin", origin_of(server().base_url())}};

    const HttpResult wrong = post_form(http, "/oauth2/login",
                                       {{"csrf_token", login.csrf},
                                        {"authorization_request", login.request},
                                        {"email", user.email},
                                        {"password", "not the password"}},
                                       headers);
    EXPECT_EQ(wrong.status, 200u) << describe(wrong);
    EXPECT_TRUE(wrong.header("location").empty());
    EXPECT_NE(wrong.body.find("The email or password is wrong."), std::string::npos);

    const HttpResult ok = post_form(http, "/oauth2/login",
                                    {{"csrf_token", login.csrf},
                                     {"authorization_request", login.request},
                                     {"email", user.email},
                                     {"password", std::string(kPassword)}},
                                    headers);
    ASSERT_EQ(ok.status, 303u) << describe(ok);
    const auto query = query_of(ok.header("location"));
    EXPECT_TRUE(query.contains("code")) << ok.header("location");
    EXPECT_EQ(query.count("state") ? query.at("state") : "", "st-123");
    const std::string sid = ok.cookie("signet_sid");
    ASSERT_FALSE(sid.empty()) << describe(ok);
    // The session is a real one: /v1/me accepts it.
    EXPECT_EQ(http.get("/v1/me", {{"Cookie", "signet_sid=" + sid}}).status, 200u);
}

TEST_F(Authorize, TheLoginFormRefusesAMissingTokenAndAForeignOrigin) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "login-csrf");
    const TestUser user = new_user(http, "login-csrf");
    const LoginForm login = read_form(authorize(http, authorize_params(app, new_pkce())));
    const auto attempt = [&](const std::string& token, const Headers& headers) {
        return post_form(http, "/oauth2/login",
                         {{"csrf_token", token},
                          {"authorization_request", login.request},
                          {"email", user.email},
                          {"password", std::string(kPassword)}},
                         headers);
    };
    // No cookie to match, a token that differs, and another site's page (login CSRF).
    for (const HttpResult& refused :
         {attempt(login.csrf, {}),
          attempt(login.csrf + "x", {{"Cookie", "signet_csrf=" + login.csrf}}),
          attempt(login.csrf,
                  {{"Cookie", "signet_csrf=" + login.csrf}, {"Origin", "https://evil.example"}})}) {
        EXPECT_EQ(refused.status, 403u) << describe(refused);
        EXPECT_TRUE(refused.cookie("signet_sid").empty());
        EXPECT_TRUE(refused.header("location").empty());
    }
}

}  // namespace
}  // namespace signet::test
