// The rules of OAuth client registration: client ids, redirect URIs (RFC 6749 §3.1.2, RFC 8252
// §7.1 and §7.3, RFC 9700 §2.1), names and given secrets.
#include "server/auth/client_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace signet::server {
namespace {

TEST(ClientRules, ClientIdsAreOneTo64LettersDigitsDashUnderscoreOrDot) {
    for (const std::string& id :
         std::vector<std::string>{"a", "app", "my-app_2.web", "A.B-C_d", std::string(64, 'x')}) {
        EXPECT_TRUE(valid_client_id(id)) << id;
    }
    for (const std::string& id : std::vector<std::string>{
             "", std::string(65, 'x'), "my app", "app/1", "app:1", "appé", "a\nb", "a+b", "a%20"}) {
        EXPECT_FALSE(valid_client_id(id)) << id;
    }
}

TEST(ClientRules, HttpsRedirectUrisAreAccepted) {
    for (const char* uri :
         {"https://app.example/callback", "https://app.example", "https://app.example:8443/cb?x=1",
          "HTTPS://App.Example/cb", "https://[2001:db8::1]/cb"}) {
        EXPECT_EQ(redirect_uri_problem(uri), std::nullopt) << uri;
    }
}

TEST(ClientRules, HttpIsAcceptedOnlyForLoopbackHosts) {
    for (const char* uri :
         {"http://127.0.0.1/cb", "http://127.0.0.1:51004/cb", "http://[::1]/cb",
          "http://[::1]:8080/cb", "http://localhost:3000/cb", "http://LOCALHOST/cb"}) {
        EXPECT_EQ(redirect_uri_problem(uri), std::nullopt) << uri;
    }
    for (const char* uri : {"http://app.example/cb", "http://10.0.0.1/cb", "http://127.0.0.2/cb",
                            "http://localhost.example/cb", "http://[::2]/cb"}) {
        const auto problem = redirect_uri_problem(uri);
        ASSERT_TRUE(problem.has_value()) << uri;
        EXPECT_NE(problem->find("loopback"), std::string::npos) << *problem;
    }
}

TEST(ClientRules, PrivateUseSchemesWithADotAreAcceptedForNativeApps) {
    for (const char* uri : {"com.example.app:/oauth2redirect", "com.example.app:/cb?x=1",
                            "org.example.desktop://callback"}) {
        EXPECT_EQ(redirect_uri_problem(uri), std::nullopt) << uri;
    }
    for (const char* uri : {"myapp:/cb", "javascript:alert(1)", "data:text/html,hi",
                            "file:///etc/passwd", "ftp://files.example/cb"}) {
        const auto problem = redirect_uri_problem(uri);
        ASSERT_TRUE(problem.has_value()) << uri;
        EXPECT_NE(problem->find("https"), std::string::npos) << *problem;
    }
}

TEST(ClientRules, FragmentsAreRefused) {
    for (const char* uri : {"https://app.example/cb#frag", "https://app.example/cb#",
                            "http://127.0.0.1/cb#x", "com.example.app:/cb#x"}) {
        const auto problem = redirect_uri_problem(uri);
        ASSERT_TRUE(problem.has_value()) << uri;
        EXPECT_NE(problem->find("fragment"), std::string::npos) << *problem;
    }
}

TEST(ClientRules, RelativeMalformedAndHostlessUrisAreRefused) {
    for (const char* uri :
         {"", "/callback", "app.example/cb", "//app.example/cb", "https://app.example/c b",
          "https:///cb", "https:/cb", "https://user:pw@app.example/cb",
          "https://app.example:port/cb", "https://app.example/\x01"}) {
        EXPECT_TRUE(redirect_uri_problem(uri).has_value()) << uri;
    }
    const std::string long_uri = "https://app.example/" + std::string(kMaxRedirectUriLength, 'a');
    EXPECT_TRUE(redirect_uri_problem(long_uri).has_value());
}

TEST(ClientRules, NamesAreShortAndFreeOfControlCharacters) {
    EXPECT_EQ(client_name_problem(""), std::nullopt);
    EXPECT_EQ(client_name_problem("Example App — Ünïcode"), std::nullopt);
    EXPECT_TRUE(client_name_problem("two\nlines").has_value());
    EXPECT_TRUE(client_name_problem(std::string(kMaxClientNameLength + 1, 'n')).has_value());
}

TEST(ClientRules, GivenSecretsAreAtLeast32Characters) {
    EXPECT_EQ(client_secret_problem(std::string(32, 's')), std::nullopt);
    EXPECT_EQ(client_secret_problem(std::string(kMaxClientSecretLength, 's')), std::nullopt);
    const auto short_secret = client_secret_problem(std::string(31, 's'));
    ASSERT_TRUE(short_secret.has_value());
    EXPECT_NE(short_secret->find("32"), std::string::npos) << *short_secret;
    EXPECT_TRUE(client_secret_problem(std::string(kMaxClientSecretLength + 1, 's')).has_value());
    EXPECT_TRUE(client_secret_problem(std::string(32, 's') + "\n" + "tail").has_value());
}

}  // namespace
}  // namespace signet::server
