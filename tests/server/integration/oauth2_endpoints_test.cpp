// UserInfo (OIDC Core §5.3), revocation (RFC 7009), introspection (RFC 7662), discovery (OIDC
// Discovery §3, RFC 8414 §2-§3) and RP-initiated logout (OIDC RP-Initiated Logout 1.0) over real
// HTTP.
#include "server/integration/oauth2_support.hpp"

namespace signet::test {
namespace {

using ProviderEndpoints = SharedServerTest;

std::string str(const boost::json::object& o, std::string_view name) {
    const boost::json::value* value = o.if_contains(name);
    return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

struct Issued {
    CodeGrant grant;
    std::string access_token;
    std::string refresh_token;
    std::string id_token;
};

Issued issue(HttpClient& http, const OAuthClient& app, std::string_view tag,
             std::string scope = "openid email") {
    Issued issued;
    issued.grant = obtain_code(http, app, tag, std::move(scope));
    const HttpResult result = exchange(http, app, issued.grant);
    EXPECT_EQ(result.status, 200u) << describe(result);
    const boost::json::object body = result.json().as_object();
    issued.access_token = str(body, "access_token");
    issued.refresh_token = str(body, "refresh_token");
    issued.id_token = str(body, "id_token");
    return issued;
}

TEST_F(ProviderEndpoints, UserinfoAnswersWithTheClaimsOfTheGrantedScopes) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "userinfo");
    const Issued full = issue(http, app, "userinfo");
    for (const boost::beast::http::verb method :
         {boost::beast::http::verb::get, boost::beast::http::verb::post}) {
        const HttpResult result =
            http.request(method, "/oauth2/userinfo", {}, bearer(full.access_token));
        ASSERT_EQ(result.status, 200u) << describe(result);
        const boost::json::object body = result.json().as_object();
        EXPECT_EQ(str(body, "sub"), full.grant.user.id);
        EXPECT_EQ(str(body, "email"), full.grant.user.email);
        EXPECT_FALSE(body.at("email_verified").as_bool());
    }
    const Issued openid_only = issue(http, app, "userinfo", "openid");
    const boost::json::object minimal =
        http.get("/oauth2/userinfo", bearer(openid_only.access_token)).json().as_object();
    EXPECT_EQ(str(minimal, "sub"), openid_only.grant.user.id);
    EXPECT_FALSE(minimal.contains("email"));

    // No credentials: the bare challenge (RFC 6750 §3.1); a token without openid: 403.
    const HttpResult anonymous = http.get("/oauth2/userinfo");
    EXPECT_EQ(anonymous.status, 401u);
    EXPECT_EQ(anonymous.header("www-authenticate"), R"(Bearer realm="signet")");
    const TestUser first_party = new_user(http, "userinfo-api");
    const HttpResult no_openid =
        http.get("/oauth2/userinfo", bearer(first_party.tokens.access_token));
    EXPECT_EQ(no_openid.status, 403u) << describe(no_openid);
    EXPECT_NE(no_openid.header("www-authenticate").find("insufficient_scope"), std::string::npos);
    const HttpResult garbage = http.get("/oauth2/userinfo", bearer("not.a.token"));
    EXPECT_EQ(garbage.status, 401u);
    EXPECT_NE(garbage.header("www-authenticate").find("invalid_token"), std::string::npos);
}

TEST_F(ProviderEndpoints, RevokingARefreshTokenEndsItsFamily) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "revoke");
    const Issued issued = issue(http, app, "revoke");
    const HttpResult revoked = post_form(http, "/oauth2/revoke",
                                         {{"token", issued.refresh_token},
                                          {"token_type_hint", "refresh_token"},
                                          {"client_id", app.id}});
    EXPECT_EQ(revoked.status, 200u) << describe(revoked);
    expect_error(post_form(http, "/oauth2/token",
                           {{"grant_type", "refresh_token"},
                            {"refresh_token", issued.refresh_token},
                            {"client_id", app.id}}),
                 400, "invalid_grant");
    // Unknown tokens get 200 too (RFC 7009 §2.2).
    EXPECT_EQ(
        post_form(http, "/oauth2/revoke", {{"token", "unknown"}, {"client_id", app.id}}).status,
        200u);
    expect_error(post_form(http, "/oauth2/revoke", {{"client_id", app.id}}), 400,
                 "invalid_request");
}

TEST_F(ProviderEndpoints, RevokingAnAccessTokenRefusesItEverywhere) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "revoke-at");
    const OAuthClient other = add_client(server(), "revoke-other");
    const Issued issued = issue(http, app, "revoke-at");
    ASSERT_EQ(http.get("/oauth2/userinfo", bearer(issued.access_token)).status, 200u);
    // Another client may not revoke it (RFC 7009 §2.1).
    expect_error(post_form(http, "/oauth2/revoke",
                           {{"token", issued.access_token}, {"client_id", other.id}}),
                 400, "unauthorized_client");
    EXPECT_EQ(http.get("/oauth2/userinfo", bearer(issued.access_token)).status, 200u);
    EXPECT_EQ(post_form(http, "/oauth2/revoke",
                        {{"token", issued.access_token},
                         {"token_type_hint", "access_token"},
                         {"client_id", app.id}})
                  .status,
              200u);
    EXPECT_EQ(http.get("/oauth2/userinfo", bearer(issued.access_token)).status, 401u);
}

TEST_F(ProviderEndpoints, IntrospectionIsForConfidentialClientsAndSaysOnlyWhatIsActive) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "introspect", std::string(40, 'a'));
    const OAuthClient resource = add_client(server(), "resource", std::string(40, 'r'));
    const Issued issued = issue(http, app, "introspect");
    const auto introspect = [&](const std::string& token) {
        return post_form(http, "/oauth2/introspect", {{"token", token}}, basic_auth(resource));
    };
    const HttpResult access = introspect(issued.access_token);
    ASSERT_EQ(access.status, 200u) << describe(access);
    const boost::json::object facts = access.json().as_object();
    EXPECT_TRUE(facts.at("active").as_bool());
    EXPECT_EQ(str(facts, "client_id"), app.id);
    EXPECT_EQ(str(facts, "sub"), issued.grant.user.id);
    EXPECT_EQ(str(facts, "scope"), "openid email");
    EXPECT_EQ(str(facts, "token_type"), "Bearer");
    EXPECT_TRUE(facts.contains("exp") && facts.contains("iat"));

    // A refresh token is described only to its own client (RFC 7662 §4).
    EXPECT_EQ(introspect(issued.refresh_token).json().as_object(),
              (boost::json::object{{"active", false}}));
    const auto own = [&](const std::string& token) {
        return post_form(http, "/oauth2/introspect", {{"token", token}}, basic_auth(app));
    };
    const boost::json::object refresh = own(issued.refresh_token).json().as_object();
    EXPECT_TRUE(refresh.at("active").as_bool());
    EXPECT_EQ(str(refresh, "token_type"), "refresh_token");
    EXPECT_EQ(str(refresh, "client_id"), app.id);

    // An ID token, garbage and a revoked token are inactive, with nothing else said.
    for (const std::string& token : {issued.id_token, std::string("garbage")}) {
        const boost::json::object inactive = introspect(token).json().as_object();
        EXPECT_EQ(inactive, (boost::json::object{{"active", false}})) << token;
    }
    ASSERT_EQ(post_form(http, "/oauth2/revoke", {{"token", issued.refresh_token}}, basic_auth(app))
                  .status,
              200u);
    EXPECT_FALSE(own(issued.refresh_token).json().as_object().at("active").as_bool());

    // A public client may not introspect.
    const OAuthClient public_app = add_client(server(), "introspect-public");
    const HttpResult refused = post_form(
        http, "/oauth2/introspect", {{"token", issued.access_token}, {"client_id", public_app.id}});
    expect_error(refused, 401, "invalid_client");
}

TEST_F(ProviderEndpoints, DiscoveryAdvertisesEveryRequiredFieldAndOnlyWorkingEndpoints) {
    HttpClient http = client();
    const std::string issuer = issuer_of(http);
    for (const std::string_view path :
         {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
        const HttpResult result = http.get(path);
        ASSERT_EQ(result.status, 200u) << path << describe(result);
        const boost::json::object doc = result.json().as_object();
        EXPECT_EQ(str(doc, "issuer"), issuer);
        for (const std::string_view field :
             {"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
              "revocation_endpoint", "introspection_endpoint", "end_session_endpoint"}) {
            const std::string url = str(doc, field);
            ASSERT_TRUE(url.starts_with(issuer + "/")) << field << ": " << url;
        }
        EXPECT_EQ(doc.at("response_types_supported"), (boost::json::array{"code"}));
        EXPECT_EQ(doc.at("subject_types_supported"), (boost::json::array{"public"}));
        EXPECT_EQ(doc.at("id_token_signing_alg_values_supported"), (boost::json::array{"ES256"}));
        EXPECT_EQ(doc.at("code_challenge_methods_supported"), (boost::json::array{"S256"}));
        EXPECT_TRUE(doc.at("authorization_response_iss_parameter_supported").as_bool());
        EXPECT_EQ(doc.at("grant_types_supported"),
                  (boost::json::array{"authorization_code", "refresh_token"}));
        const boost::json::array& scopes = doc.at("scopes_supported").as_array();
        EXPECT_NE(std::find(scopes.begin(), scopes.end(), boost::json::value("openid")),
                  scopes.end());
        // The first-party routes are not advertised under the standard names.
        EXPECT_EQ(str(doc, "token_endpoint").find("/v1/"), std::string::npos);
        EXPECT_EQ(str(doc, "revocation_endpoint").find("/v1/"), std::string::npos);
        EXPECT_EQ(str(doc, "userinfo_endpoint").find("/v1/"), std::string::npos);
    }
    // Every advertised form endpoint takes form posts: no 404, 405 or 415.
    for (const std::string_view path : {"/oauth2/token", "/oauth2/revoke", "/oauth2/introspect"}) {
        const HttpResult result = post_form(http, path, {{"client_id", "nobody"}});
        EXPECT_EQ(result.status, 401u) << path << describe(result);
    }
}

TEST_F(ProviderEndpoints, LogoutWithAnIdTokenHintEndsTheSessionAndReturnsToTheClient) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "logout");
    const Issued issued = issue(http, app, "logout");
    const std::string& cookie = issued.grant.cookie;
    ASSERT_EQ(http.get("/v1/me", {{"Cookie", cookie}}).status, 200u);
    const HttpResult result =
        http.get("/oauth2/logout?" + form({{"id_token_hint", issued.id_token},
                                           {"post_logout_redirect_uri", std::string(kLogoutUri)},
                                           {"state", "bye-1"}}),
                 {{"Cookie", cookie}});
    ASSERT_EQ(result.status, 302u) << describe(result);
    EXPECT_EQ(result.header("location"), std::string(kLogoutUri) + "?state=bye-1");
    EXPECT_EQ(http.get("/v1/me", {{"Cookie", cookie}}).status, 401u);
}

TEST_F(ProviderEndpoints, LogoutRefusesUnregisteredReturnUrisAndForeignHints) {
    HttpClient http = client();
    const OAuthClient app = add_client(server(), "logout-bad");
    const Issued issued = issue(http, app, "logout-bad");
    for (const std::string& uri : {std::string("https://evil.example/"), std::string(kRedirectUri),
                                   std::string(kLogoutUri) + "/x"}) {
        const HttpResult result =
            http.get("/oauth2/logout?" +
                     form({{"id_token_hint", issued.id_token}, {"post_logout_redirect_uri", uri}}));
        EXPECT_EQ(result.status, 400u) << uri << describe(result);
        EXPECT_TRUE(result.header("location").empty());
    }
    // A hint this provider did not sign (here: an access token, typ at+jwt).
    const HttpResult forged =
        http.get("/oauth2/logout?" + form({{"id_token_hint", issued.access_token}}));
    EXPECT_EQ(forged.status, 400u) << describe(forged);
    // Without any client, a return URI cannot be checked.
    EXPECT_EQ(
        http.get("/oauth2/logout?" + form({{"post_logout_redirect_uri", std::string(kLogoutUri)}}))
            .status,
        400u);
}

TEST_F(ProviderEndpoints, LogoutWithoutAHintAsksTheUserAndNeedsTheFormsToken) {
    HttpClient http = client();
    const TestUser user = new_user(http, "logout-confirm");
    const std::string cookie = session_cookie(http, user.email);
    const HttpResult page = http.get("/oauth2/logout", {{"Cookie", cookie}});
    ASSERT_EQ(page.status, 200u) << describe(page);
    EXPECT_NE(page.body.find("action=\"/oauth2/logout\""), std::string::npos);
    EXPECT_EQ(http.get("/v1/me", {{"Cookie", cookie}}).status, 200u) << "not ended by a GET";
    const std::string csrf = page.cookie("signet_csrf");
    ASSERT_FALSE(csrf.empty());
    const HttpResult forged = post_form(http, "/oauth2/logout", {{"csrf_token", "wrong"}},
                                        {{"Cookie", cookie + "; signet_csrf=" + csrf}});
    EXPECT_EQ(forged.status, 200u);
    EXPECT_EQ(http.get("/v1/me", {{"Cookie", cookie}}).status, 200u);
    const HttpResult confirmed = post_form(http, "/oauth2/logout", {{"csrf_token", csrf}},
                                           {{"Cookie", cookie + "; signet_csrf=" + csrf}});
    EXPECT_EQ(confirmed.status, 200u) << describe(confirmed);
    EXPECT_NE(confirmed.body.find("logged out"), std::string::npos);
    EXPECT_EQ(http.get("/v1/me", {{"Cookie", cookie}}).status, 401u);
}

// A deployment signing with a shared secret cannot give clients ID tokens they could verify: it
// is an OAuth server without OpenID Connect, and says so.
TEST(SharedSecretProvider, RefusesTheOpenidScopeAndServesOnlyTheOAuthMetadata) {
    auto server = start_server(ServerOptions({"--signing-alg", "HS256"}));
    ASSERT_NE(server, nullptr);
    HttpClient http = server->client();
    EXPECT_EQ(http.get("/.well-known/openid-configuration").status, 404u);
    const HttpResult metadata = http.get("/.well-known/oauth-authorization-server");
    ASSERT_EQ(metadata.status, 200u) << describe(metadata);
    const boost::json::object doc = metadata.json().as_object();
    EXPECT_FALSE(doc.contains("id_token_signing_alg_values_supported"));
    EXPECT_FALSE(doc.contains("userinfo_endpoint"));
    const boost::json::array& scopes = doc.at("scopes_supported").as_array();
    EXPECT_EQ(std::find(scopes.begin(), scopes.end(), boost::json::value("openid")), scopes.end());

    const OAuthClient app = add_client(*server, "hs");
    const TestUser user = new_user(http, "hs");
    const std::string cookie = session_cookie(http, user.email);
    const Pkce pkce = new_pkce();
    const HttpResult refused = authorize(http, authorize_params(app, pkce), cookie);
    ASSERT_EQ(refused.status, 302u) << describe(refused);
    EXPECT_EQ(query_of(refused.header("location"))["error"], "invalid_scope");

    // Without openid, the code flow works and issues no ID token.
    auto params = authorize_params(app, pkce);
    for (auto& [name, value] : params) {
        if (name == "scope") value = "email";
    }
    const HttpResult granted = authorize(http, params, cookie);
    ASSERT_EQ(granted.status, 302u) << describe(granted);
    CodeGrant grant;
    grant.pkce = pkce;
    grant.code = query_of(granted.header("location"))["code"];
    const HttpResult tokens = exchange(http, app, grant);
    ASSERT_EQ(tokens.status, 200u) << describe(tokens);
    EXPECT_FALSE(tokens.json().as_object().contains("id_token"));
}

}  // namespace
}  // namespace signet::test
