// The token endpoint over real HTTP (RFC 6749 §2.3.1, §4.1.3, §5.1-§5.2, §6; RFC 7636 §4.6; OIDC
// Core §2, §3.1.3) and the ID token it issues.
#include <openssl/sha.h>

#include "server/integration/oauth2_support.hpp"
#include "signet/base64url.hpp"

namespace signet::test {
namespace {

using TokenEndpoint = SharedServerTest;

std::string str(const boost::json::object& o, std::string_view name) {
    const boost::json::value* value = o.if_contains(name);
    return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

void expect_oauth_error(const HttpResult& result, unsigned status, std::string_view error) {
    expect_error(result, status, error);
    EXPECT_EQ(result.header("cache-control"), "no-store");
}

TEST_F(TokenEndpoint, ACodeBecomesAccessIdAndRefreshTokens) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token", std::string(40, 's'));
    const CodeGrant grant = obtain_code(http, app, "token");
    const HttpResult result = exchange(http, app, grant);
    ASSERT_EQ(result.status, 200u) << describe(result);
    EXPECT_EQ(result.header("cache-control"), "no-store");
    const boost::json::object body = result.json().as_object();
    EXPECT_EQ(str(body, "token_type"), "Bearer");
    EXPECT_EQ(str(body, "scope"), "openid email");
    EXPECT_TRUE(body.contains("expires_in"));
    EXPECT_FALSE(str(body, "refresh_token").empty());

    const DecodedJwt access = decode_jwt(str(body, "access_token"));
    EXPECT_EQ(str(access.header, "typ"), "at+jwt");
    EXPECT_EQ(str(access.payload, "client_id"), app.id);
    EXPECT_EQ(str(access.payload, "sub"), grant.user.id);
    EXPECT_EQ(str(access.payload, "scope"), "openid email");

    // OIDC Core §2 / §3.1.3.7.
    const DecodedJwt id = decode_jwt(str(body, "id_token"));
    EXPECT_EQ(str(id.header, "typ"), "JWT");
    EXPECT_EQ(str(id.header, "kid"), str(access.header, "kid"));
    EXPECT_EQ(str(id.payload, "iss"), issuer_of(http));
    EXPECT_EQ(str(id.payload, "sub"), grant.user.id);
    EXPECT_EQ(str(id.payload, "aud"), app.id);
    EXPECT_EQ(str(id.payload, "nonce"), "n-456");
    EXPECT_EQ(str(id.payload, "email"), grant.user.email);
    ASSERT_TRUE(id.payload.contains("email_verified"));
    EXPECT_FALSE(id.payload.at("email_verified").as_bool());
    ASSERT_TRUE(id.payload.contains("auth_time") && id.payload.contains("exp") &&
                id.payload.contains("iat"));
    EXPECT_LE(id.payload.at("auth_time").as_int64(), id.payload.at("iat").as_int64());
    // at_hash: the left half of SHA-256 of the access token (ES256 deployment).
    const std::string token = str(body, "access_token");
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
    EXPECT_EQ(str(id.payload, "at_hash"),
              base64url_encode(std::string_view(reinterpret_cast<char*>(digest), 16)));

    // The ID token is never an access token.
    EXPECT_EQ(http.get("/oauth2/userinfo", bearer(token)).status, 200u);
    EXPECT_EQ(http.get("/v1/me", bearer(str(body, "id_token"))).status, 401u);
    EXPECT_EQ(http.get("/oauth2/userinfo", bearer(str(body, "id_token"))).status, 401u);
}

TEST_F(TokenEndpoint, WithoutTheOpenidScopeThereIsNoIdTokenAndNoEmail) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-api");
    const CodeGrant grant = obtain_code(http, app, "token-api", "api");
    const HttpResult result = exchange(http, app, grant);
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::object body = result.json().as_object();
    EXPECT_FALSE(body.contains("id_token"));
    EXPECT_EQ(str(body, "scope"), "api");
    EXPECT_FALSE(decode_jwt(str(body, "access_token")).payload.contains("email"));
}

TEST_F(TokenEndpoint, ACodeIsSingleUseAndItsReplayRevokesWhatItIssued) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-replay");
    const CodeGrant grant = obtain_code(http, app, "token-replay");
    const HttpResult first = exchange(http, app, grant);
    ASSERT_EQ(first.status, 200u) << describe(first);
    const boost::json::object body = first.json().as_object();
    ASSERT_EQ(http.get("/oauth2/userinfo", bearer(str(body, "access_token"))).status, 200u);

    expect_oauth_error(exchange(http, app, grant), 400, "invalid_grant");
    // RFC 6749 §4.1.2: what the first use issued is revoked.
    EXPECT_EQ(http.get("/oauth2/userinfo", bearer(str(body, "access_token"))).status, 401u);
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", str(body, "refresh_token")},
                                  {"client_id", app.id}}),
                       400, "invalid_grant");
}

TEST_F(TokenEndpoint, PkceIsCheckedAndTheCodeIsBoundToClientAndRedirectUri) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-pkce");
    const OAuthClient other = add_client(server(), "token-other");
    const auto attempt = [&](const CodeGrant& grant, const OAuthClient& as,
                             std::vector<std::pair<std::string, std::string>> changes) {
        std::vector<std::pair<std::string, std::string>> params{
            {"grant_type", "authorization_code"},
            {"code", grant.code},
            {"redirect_uri", std::string(kRedirectUri)},
            {"code_verifier", grant.pkce.verifier},
            {"client_id", as.id}};
        for (const auto& change : changes) {
            std::erase_if(params, [&](const auto& item) { return item.first == change.first; });
            if (!change.second.empty()) params.push_back(change);
        }
        return post_form(http, "/oauth2/token", params);
    };
    expect_oauth_error(
        attempt(obtain_code(http, app, "pkce"), app, {{"code_verifier", new_pkce().verifier}}), 400,
        "invalid_grant");
    expect_oauth_error(attempt(obtain_code(http, app, "pkce"), app, {{"code_verifier", ""}}), 400,
                       "invalid_grant");
    expect_oauth_error(attempt(obtain_code(http, app, "pkce"), other, {}), 400, "invalid_grant");
    expect_oauth_error(
        attempt(obtain_code(http, app, "pkce"), app, {{"redirect_uri", std::string(kLogoutUri)}}),
        400, "invalid_grant");
    expect_oauth_error(attempt(obtain_code(http, app, "pkce"), app, {{"redirect_uri", ""}}), 400,
                       "invalid_request");
    expect_oauth_error(attempt(obtain_code(http, app, "pkce"), app, {{"code", "not-a-code"}}), 400,
                       "invalid_grant");
}

TEST_F(TokenEndpoint, ConfidentialClientsAuthenticateByBasicOrPostAndFailuresAre401) {
    HttpClient http = client();
    const std::string secret(48, 'k');
    const OAuthClient app = add_client(server(), "token-auth", secret);
    // client_secret_post.
    const CodeGrant grant = obtain_code(http, app, "token-auth");
    const HttpResult posted = post_form(http, "/oauth2/token",
                                        {{"grant_type", "authorization_code"},
                                         {"code", grant.code},
                                         {"redirect_uri", std::string(kRedirectUri)},
                                         {"code_verifier", grant.pkce.verifier},
                                         {"client_id", app.id},
                                         {"client_secret", secret}});
    EXPECT_EQ(posted.status, 200u) << describe(posted);

    const std::vector<std::pair<std::string, std::string>> refresh{{"grant_type", "refresh_token"},
                                                                   {"refresh_token", "whatever"}};
    OAuthClient wrong = app;
    wrong.secret = std::string(48, 'x');
    for (const HttpResult& failed :
         {post_form(http, "/oauth2/token", refresh, basic_auth(wrong)),
          post_form(http, "/oauth2/token", refresh),
          post_form(
              http, "/oauth2/token",
              {{"grant_type", "refresh_token"}, {"refresh_token", "x"}, {"client_id", app.id}}),
          post_form(http, "/oauth2/token",
                    {{"grant_type", "refresh_token"},
                     {"refresh_token", "x"},
                     {"client_id", "nobody"}})}) {
        expect_oauth_error(failed, 401, "invalid_client");
        EXPECT_NE(failed.header("www-authenticate").find("Basic"), std::string::npos);
    }
    // Two methods at once (RFC 6749 §2.3).
    std::vector<std::pair<std::string, std::string>> both = refresh;
    both.emplace_back("client_secret", secret);
    expect_oauth_error(post_form(http, "/oauth2/token", both, basic_auth(app)), 400,
                       "invalid_request");
}

TEST_F(TokenEndpoint, BadRequestsGetTheRfc6749Errors) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-bad");
    expect_oauth_error(
        post_form(http, "/oauth2/token", {{"grant_type", "password"}, {"client_id", app.id}}), 400,
        "unsupported_grant_type");
    expect_oauth_error(post_form(http, "/oauth2/token", {{"client_id", app.id}}), 400,
                       "invalid_request");
    const HttpResult json =
        http.post_json("/oauth2/token",
                       boost::json::object{{"grant_type", "refresh_token"}, {"client_id", app.id}});
    EXPECT_EQ(json.status, 415u) << describe(json);
    const HttpResult repeated =
        http.request(boost::beast::http::verb::post, "/oauth2/token",
                     "grant_type=refresh_token&client_id=" + app.id + "&client_id=" + app.id,
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    expect_oauth_error(repeated, 400, "invalid_request");
}

TEST_F(TokenEndpoint, RefreshRotatesForItsClientOnlyAndMayNarrowTheScope) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-refresh");
    const OAuthClient other = add_client(server(), "token-refresh-other");
    const CodeGrant grant = obtain_code(http, app, "token-refresh");
    const boost::json::object first = exchange(http, app, grant).json().as_object();
    const std::string refresh_token = str(first, "refresh_token");

    // Another client cannot use it, and its attempt does not spend it (RFC 6749 §6).
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", refresh_token},
                                  {"client_id", other.id}}),
                       400, "invalid_grant");
    // Nor does the first-party API, whose refresh route serves only its own families.
    EXPECT_EQ(refresh_request(http, refresh_token).status, 401u);
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", refresh_token},
                                  {"client_id", app.id},
                                  {"scope", "openid email api"}}),
                       400, "invalid_scope");

    const HttpResult narrowed = post_form(http, "/oauth2/token",
                                          {{"grant_type", "refresh_token"},
                                           {"refresh_token", refresh_token},
                                           {"client_id", app.id},
                                           {"scope", "openid"}});
    ASSERT_EQ(narrowed.status, 200u) << describe(narrowed);
    const boost::json::object second = narrowed.json().as_object();
    EXPECT_EQ(str(second, "scope"), "openid");
    EXPECT_NE(str(second, "refresh_token"), refresh_token);
    EXPECT_EQ(str(decode_jwt(str(second, "access_token")).payload, "scope"), "openid");
    // OIDC Core §12.2: a new ID token, the same auth_time, no nonce.
    const DecodedJwt id = decode_jwt(str(second, "id_token"));
    const DecodedJwt first_id = decode_jwt(str(first, "id_token"));
    EXPECT_EQ(id.payload.at("auth_time"), first_id.payload.at("auth_time"));
    EXPECT_FALSE(id.payload.contains("nonce"));
    EXPECT_EQ(str(id.payload, "sub"), grant.user.id);

    // The spent token's reuse ends the family (RFC 9700 §4.14.2).
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", refresh_token},
                                  {"client_id", app.id}}),
                       400, "invalid_grant");
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", str(second, "refresh_token")},
                                  {"client_id", app.id}}),
                       400, "invalid_grant");
}

TEST_F(TokenEndpoint, AFirstPartyRefreshTokenIsNotAClientsGrant) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-first-party");
    const TestUser user = new_user(http, "token-first-party");
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", user.tokens.refresh_token},
                                  {"client_id", app.id}}),
                       400, "invalid_grant");
    // Unspent by that attempt.
    EXPECT_EQ(refresh_request(http, user.tokens.refresh_token).status, 200u);
}

TEST_F(TokenEndpoint, StateAndNonceComeBackUntouched) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-echo");
    const TestUser user = new_user(http, "token-echo");
    const std::string cookie = session_cookie(http, user.email);
    const Pkce pkce = new_pkce();
    const std::string state = "a b&c=d/%41+\xC3\xA9~";
    const std::string nonce = "n&=+/ \xE2\x9C\x93";
    auto params = authorize_params(app, pkce);
    for (auto& [name, value] : params) {
        if (name == "state") value = state;
        if (name == "nonce") value = nonce;
    }
    const HttpResult redirected = authorize(http, params, cookie);
    ASSERT_EQ(redirected.status, 302u) << describe(redirected);
    auto query = query_of(redirected.header("location"));
    EXPECT_EQ(query["state"], state);
    CodeGrant grant;
    grant.pkce = pkce;
    grant.code = query["code"];
    const HttpResult tokens = exchange(http, app, grant);
    ASSERT_EQ(tokens.status, 200u) << describe(tokens);
    EXPECT_EQ(str(decode_jwt(str(tokens.json().as_object(), "id_token")).payload, "nonce"), nonce);
}

TEST_F(TokenEndpoint, ADisabledUsersCodeAndARemovedClientsTokensStopWorking) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-disabled");
    const CodeGrant grant = obtain_code(http, app, "token-disabled");
    const CommandResult disabled =
        run_cli({"user", "disable", grant.user.email, "--data-dir", server().data_dir().string()});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);
    expect_oauth_error(exchange(http, app, grant), 400, "invalid_grant");

    const CodeGrant other = obtain_code(http, app, "token-removed");
    const boost::json::object tokens = exchange(http, app, other).json().as_object();
    const CommandResult removed =
        run_cli({"client", "remove", app.id, "--data-dir", server().data_dir().string()});
    ASSERT_EQ(removed.exit_code, 0) << describe(removed);
    expect_oauth_error(post_form(http, "/oauth2/token",
                                 {{"grant_type", "refresh_token"},
                                  {"refresh_token", str(tokens, "refresh_token")},
                                  {"client_id", app.id}}),
                       401, "invalid_client");
    // The family is revoked too, for whoever would hold it.
    const HttpResult introspected =
        post_form(http, "/oauth2/introspect", {{"token", str(tokens, "refresh_token")}},
                  basic_auth(add_client(server(), "token-removed-rs", std::string(40, 'q'))));
    EXPECT_FALSE(introspected.json().as_object().at("active").as_bool()) << describe(introspected);
}

// The first-party API and nginx's auth_request serve only tokens granted the deployment's scope
// ("api" here): a client granted "openid email" can read userinfo, and opens nothing else.
TEST_F(TokenEndpoint, OnlyATokenGrantedTheDeploymentsScopeOpensTheApi) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-scope");
    const boost::json::object narrow =
        exchange(http, app, obtain_code(http, app, "token-scope")).json().as_object();
    for (const std::string_view path : {"/v1/me", "/v1/auth"}) {
        const HttpResult refused = http.get(path, bearer(str(narrow, "access_token")));
        EXPECT_EQ(refused.status, 403u) << path << describe(refused);
        EXPECT_NE(refused.header("www-authenticate").find("insufficient_scope"), std::string::npos);
    }
    const boost::json::object wide =
        exchange(http, app, obtain_code(http, app, "token-scope", "openid email api"))
            .json()
            .as_object();
    EXPECT_EQ(http.get("/v1/me", bearer(str(wide, "access_token"))).status, 200u);
    EXPECT_EQ(http.get("/v1/auth", bearer(str(wide, "access_token"))).status, 200u);
}

// OIDC Core §3.1.2.1: id_token_hint names who must be logged in.
TEST_F(TokenEndpoint, AnIdTokenHintForAnotherUserIsLoginRequiredWithPromptNone) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "token-hint");
    const CodeGrant first = obtain_code(http, app, "token-hint");
    const std::string id_token = str(exchange(http, app, first).json().as_object(), "id_token");
    const TestUser other = new_user(http, "token-hint-other");
    const std::string other_cookie = session_cookie(http, other.email);
    auto params = authorize_params(app, new_pkce());
    params.emplace_back("prompt", "none");
    params.emplace_back("id_token_hint", id_token);
    const HttpResult refused = authorize(http, params, other_cookie);
    ASSERT_EQ(refused.status, 302u) << describe(refused);
    EXPECT_EQ(query_of(refused.header("location"))["error"], "login_required");
    // The hinted user's own session gets the code; a forged hint is invalid_request.
    const HttpResult granted = authorize(http, params, first.cookie);
    ASSERT_EQ(granted.status, 302u) << describe(granted);
    EXPECT_TRUE(query_of(granted.header("location")).contains("code"));
    std::string forged = id_token;
    char& in_signature = forged[forged.size() - 10];
    in_signature = in_signature == 'A' ? 'B' : 'A';
    params.back().second = forged;
    EXPECT_EQ(query_of(authorize(http, params, first.cookie).header("location"))["error"],
              "invalid_request");
}

}  // namespace
}  // namespace signet::test
