// OpenID Provider test helpers.
#include "server/integration/oauth2_support.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <atomic>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

#include "signet/base64url.hpp"

namespace signet::test {

OAuthClient add_client(const ServerProcess& server, std::string_view tag, std::string secret) {
    static std::atomic<int> counter{0};
    OAuthClient client;
    client.id =
        std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    client.secret = std::move(secret);
    std::vector<std::string> args{"client",
                                  "add",
                                  "--data-dir",
                                  server.data_dir().string(),
                                  "--id",
                                  client.id,
                                  "--name",
                                  "Test app " + client.id,
                                  "--redirect-uri",
                                  std::string(kRedirectUri),
                                  "--post-logout-redirect-uri",
                                  std::string(kLogoutUri)};
    if (client.secret.empty()) {
        args.emplace_back("--public");
    } else {
        args.emplace_back("--secret-stdin");
    }
    const CommandResult result = run_cli(args, client.secret);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return client;
}

Pkce new_pkce() {
    unsigned char bytes[32];
    EXPECT_EQ(RAND_bytes(bytes, sizeof bytes), 1);
    Pkce pkce;
    pkce.verifier =
        base64url_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(pkce.verifier.data()), pkce.verifier.size(),
           digest);
    pkce.challenge =
        base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
    return pkce;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out += '&';
        out += boost::urls::encode(name, boost::urls::unreserved_chars);
        out += '=';
        out += boost::urls::encode(value, boost::urls::unreserved_chars);
    }
    return out;
}

HttpResult post_form(HttpClient& client, std::string_view target,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     Headers headers) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return client.request(boost::beast::http::verb::post, target, form(params), headers);
}

Headers basic_auth(const OAuthClient& client) {
    const std::string pair = client.id + ":" + client.secret;
    std::string encoded(4 * ((pair.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(pair.data()),
                                       static_cast<int>(pair.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return {{"Authorization", "Basic " + encoded}};
}

std::string session_cookie(HttpClient& client, const std::string& email) {
    const HttpResult result = client.post_json(
        "/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    EXPECT_EQ(result.status, 201u) << describe(result);
    return "signet_sid=" + result.cookie("signet_sid");
}

std::map<std::string, std::string> query_of(std::string_view location) {
    std::map<std::string, std::string> out;
    auto url = boost::urls::parse_uri_reference(location);
    EXPECT_TRUE(url.has_value()) << location;
    if (!url) return out;
    for (const auto& param : url->params())
        out[param.key] = param.value;
    return out;
}

std::vector<std::pair<std::string, std::string>> authorize_params(const OAuthClient& client,
                                                                  const Pkce& pkce) {
    return {{"response_type", "code"},
            {"client_id", client.id},
            {"redirect_uri", std::string(kRedirectUri)},
            {"scope", "openid email"},
            {"state", "st-123"},
            {"nonce", "n-456"},
            {"code_challenge", pkce.challenge},
            {"code_challenge_method", "S256"}};
}

HttpResult authorize(HttpClient& http,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const std::string& cookie) {
    Headers headers;
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return http.get("/oauth2/authorize?" + form(params), headers);
}

CodeGrant obtain_code(HttpClient& http, const OAuthClient& client, std::string_view tag,
                      std::string scope) {
    CodeGrant grant;
    grant.user = new_user(http, tag);
    grant.cookie = session_cookie(http, grant.user.email);
    grant.pkce = new_pkce();
    auto params = authorize_params(client, grant.pkce);
    for (auto& [name, value] : params) {
        if (name == "scope") value = scope;
    }
    const HttpResult result = authorize(http, params, grant.cookie);
    EXPECT_EQ(result.status, 302u) << describe(result);
    const auto query = query_of(result.header("location"));
    EXPECT_TRUE(query.contains("code")) << result.header("location");
    if (query.contains("code")) grant.code = query.at("code");
    return grant;
}

HttpResult exchange(HttpClient& http, const OAuthClient& client, const CodeGrant& grant) {
    std::vector<std::pair<std::string, std::string>> params{
        {"grant_type", "authorization_code"},
        {"code", grant.code},
        {"redirect_uri", std::string(kRedirectUri)},
        {"code_verifier", grant.pkce.verifier}};
    if (client.secret.empty()) {
        params.emplace_back("client_id", client.id);
        return post_form(http, "/oauth2/token", params);
    }
    return post_form(http, "/oauth2/token", params, basic_auth(client));
}

}  // namespace signet::test
