// POST /v1/users over real HTTP, and the request errors every route shares: malformed JSON, missing
// or mistyped fields, wrong media type, oversized bodies, unknown paths and methods.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

namespace http = boost::beast::http;

using UsersApi = SharedServerTest;

HttpResult post_raw(HttpClient& client, std::string_view target, std::string_view body,
                    std::string_view content_type = "application/json") {
    return client.request(http::verb::post, target, body,
                          {{"Content-Type", std::string(content_type)}});
}

TEST_F(UsersApi, RegisterCreatesUserWithIdAndEmail) {
    HttpClient c = client();
    const std::string email = unique_email("register");
    const HttpResult result =
        c.post_json("/v1/users", boost::json::object{{"email", email}, {"password", kPassword}});
    ASSERT_EQ(result.status, 201u) << describe(result);
    EXPECT_TRUE(result.header("content-type").starts_with("application/json"));
    const boost::json::value body = result.json();
    ASSERT_TRUE(body.is_object());
    ASSERT_TRUE(body.as_object().contains("id"));
    ASSERT_TRUE(body.at("id").is_string()) << result.body;
    EXPECT_FALSE(body.at("id").get_string().empty());
    ASSERT_TRUE(body.as_object().contains("email"));
    ASSERT_TRUE(body.at("email").is_string()) << result.body;
    EXPECT_EQ(body.at("email").get_string(), email);
    // The password (or its hash) is never echoed back.
    EXPECT_EQ(result.body.find(std::string(kPassword)), std::string::npos);
    EXPECT_EQ(result.body.find("argon2"), std::string::npos);
}

TEST_F(UsersApi, RegisterRejectsTakenEmailWith409) {
    HttpClient c = client();
    const std::string email = unique_email("dup");
    register_user(c, email);
    const HttpResult again =
        c.post_json("/v1/users", boost::json::object{{"email", email}, {"password", kPassword}});
    expect_error(again, 409, "email_taken");
}

TEST_F(UsersApi, RegisterTreatsEmailCaseInsensitivelyForDuplicates) {
    HttpClient c = client();
    const std::string email = unique_email("CaseDup");
    register_user(c, email);
    std::string upper = email;
    for (char& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const HttpResult again =
        c.post_json("/v1/users", boost::json::object{{"email", upper}, {"password", kPassword}});
    expect_error(again, 409, "email_taken");
}

TEST_F(UsersApi, RegisterRejectsInvalidEmailWith400) {
    HttpClient c = client();
    for (const char* email : {"not-an-email", "", "@example.com", "user@", "a b@example.com"}) {
        SCOPED_TRACE(email);
        expect_error(c.post_json("/v1/users",
                                 boost::json::object{{"email", email}, {"password", kPassword}}),
                     400, "invalid_email");
    }
}

TEST_F(UsersApi, RegisterRejectsPasswordOf7CharactersWith400) {
    HttpClient c = client();
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", unique_email("short")},
                                                              {"password", "1234567"}}),
                 400, "invalid_password");
}

TEST_F(UsersApi, RegisterRejectsPasswordOf1025CharactersWith400) {
    HttpClient c = client();
    expect_error(
        c.post_json("/v1/users", boost::json::object{{"email", unique_email("long")},
                                                     {"password", std::string(1025, 'p')}}),
        400, "invalid_password");
}

TEST_F(UsersApi, RegisterAcceptsPasswordsOf8And1024Characters) {
    HttpClient c = client();
    const std::string short_email = unique_email("min");
    register_user(c, short_email, "12345678");
    const std::string long_email = unique_email("max");
    const std::string long_password(1024, 'p');
    register_user(c, long_email, long_password);
    login(c, long_email, long_password);
}

TEST_F(UsersApi, PasswordLengthCountsCharactersNotBytes) {
    HttpClient c = client();
    std::string seven;  // 7 characters, 14 bytes of UTF-8
    for (int i = 0; i < 7; ++i)
        seven += "\xC3\xA9";
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", unique_email("utf8")},
                                                              {"password", seven}}),
                 400, "invalid_password");
    register_user(c, unique_email("utf8ok"), seven + "\xC3\xA9");
}

TEST_F(UsersApi, MalformedJsonGets400InvalidRequest) {
    HttpClient c = client();
    for (const char* body : {"{\"email\":", "not json", "{\"email\":\"a@example.com\",}", ""}) {
        SCOPED_TRACE(body);
        expect_error(post_raw(c, "/v1/users", body), 400, "invalid_request");
    }
}

TEST_F(UsersApi, BodyThatIsNotAnObjectGets400InvalidRequest) {
    HttpClient c = client();
    for (const char* body : {"[]", "\"text\"", "42", "null"}) {
        SCOPED_TRACE(body);
        expect_error(post_raw(c, "/v1/users", body), 400, "invalid_request");
    }
}

TEST_F(UsersApi, MissingFieldGets400InvalidRequest) {
    HttpClient c = client();
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", unique_email("nopw")}}),
                 400, "invalid_request");
    expect_error(c.post_json("/v1/users", boost::json::object{{"password", kPassword}}), 400,
                 "invalid_request");
    expect_error(c.post_json("/v1/login", boost::json::object{{"email", unique_email("nopw")}}),
                 400, "invalid_request");
}

TEST_F(UsersApi, WrongFieldTypeGets400InvalidRequest) {
    HttpClient c = client();
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", unique_email("type")},
                                                              {"password", 12345678}}),
                 400, "invalid_request");
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", boost::json::array{"a"}},
                                                              {"password", kPassword}}),
                 400, "invalid_request");
    expect_error(c.post_json("/v1/token/refresh", boost::json::object{{"refresh_token", 7}}), 400,
                 "invalid_request");
}

TEST_F(UsersApi, NonJsonContentTypeGets415) {
    HttpClient c = client();
    const std::string body = boost::json::serialize(
        boost::json::object{{"email", unique_email("plain")}, {"password", kPassword}});
    expect_error(post_raw(c, "/v1/users", body, "text/plain"), 415, "unsupported_media_type");
    expect_error(post_raw(c, "/v1/login", body, "application/x-www-form-urlencoded"), 415,
                 "unsupported_media_type");
}

TEST_F(UsersApi, JsonContentTypeWithCharsetIsAccepted) {
    HttpClient c = client();
    const std::string body = boost::json::serialize(
        boost::json::object{{"email", unique_email("charset")}, {"password", kPassword}});
    const HttpResult result = post_raw(c, "/v1/users", body, "application/json; charset=utf-8");
    EXPECT_EQ(result.status, 201u) << describe(result);
}

TEST_F(UsersApi, BodyOver64KiBGets413) {
    HttpClient c = client();
    std::string body = "{\"email\":\"big@example.com\",\"password\":\"";
    body += std::string(64 * 1024, 'x');
    body += "\"}";
    expect_error(post_raw(c, "/v1/users", body), 413, "payload_too_large");
}

TEST_F(UsersApi, BodyOfExactly64KiBIsNotTooLarge) {
    HttpClient c = client();
    // Valid JSON padded with whitespace to the limit: it is read and judged on its content.
    std::string body = boost::json::serialize(
        boost::json::object{{"email", unique_email("edge")}, {"password", std::string(1025, 'p')}});
    body.resize(64 * 1024, ' ');
    expect_error(post_raw(c, "/v1/users", body), 400, "invalid_password");
}

TEST_F(UsersApi, UnknownPathGets404) {
    HttpClient c = client();
    expect_error(c.get("/v1/nothing-here"), 404, "not_found");
    expect_error(c.post_json("/v2/users", boost::json::object{}), 404, "not_found");
}

TEST_F(UsersApi, WrongMethodGets405WithAllow) {
    HttpClient c = client();
    const HttpResult get_login = c.get("/v1/login");
    expect_error(get_login, 405, "method_not_allowed");
    EXPECT_NE(get_login.header("allow").find("POST"), std::string::npos) << describe(get_login);

    const HttpResult post_me = c.post_json("/v1/me", boost::json::object{});
    expect_error(post_me, 405, "method_not_allowed");
    EXPECT_NE(post_me.header("allow").find("GET"), std::string::npos) << describe(post_me);

    const HttpResult del_users = c.del("/v1/users");
    expect_error(del_users, 405, "method_not_allowed");
    EXPECT_NE(del_users.header("allow").find("POST"), std::string::npos) << describe(del_users);
}

TEST_F(UsersApi, EveryResponseCarriesRequestIdAndNoStore) {
    HttpClient c = client();
    const HttpResult results[] = {c.get("/healthz"), c.get("/v1/nothing-here"), c.get("/v1/me"),
                                  post_raw(c, "/v1/users", "{")};
    std::string previous_id;
    for (const HttpResult& result : results) {
        EXPECT_FALSE(result.header("x-request-id").empty()) << describe(result);
        EXPECT_NE(result.header("x-request-id"), previous_id) << describe(result);
        EXPECT_NE(lower(result.header("cache-control")).find("no-store"), std::string::npos)
            << describe(result);
        previous_id = result.header("x-request-id");
    }
}

// Open registration answers 409 for a taken email, so probing for accounts through it is throttled
// per client address like failed logins (docs/http-api.md, "Account enumeration"): taken or not,
// every registration counts.
TEST(UsersApiConfig, RegistrationsPerAddressAreLimitedSoProbingForAccountsIsSlow) {
    const TempDir dir;
    auto server = start_server(with_config(dir, "login_limit_per_address = 3\n"));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string taken = unique_email("taken");
    const auto register_email = [&](const std::string& email) {
        return c.post_json("/v1/users",
                           boost::json::object{{"email", email}, {"password", kPassword}});
    };
    EXPECT_EQ(register_email(taken).status, 201u);
    expect_error(register_email(taken), 409, "email_taken");
    EXPECT_EQ(register_email(unique_email("fresh")).status, 201u);
    // The fourth try from this address is refused before the email is looked at.
    const HttpResult limited = register_email(taken);
    expect_error(limited, 429, "rate_limited");
    EXPECT_FALSE(limited.header("retry-after").empty()) << describe(limited);
    expect_error(register_email(unique_email("other")), 429, "rate_limited");
}

TEST(UsersApiConfig, RegistrationDisabledGets403ButCliAddedUserLogsIn) {
    const TempDir dir;
    auto server = start_server(with_config(dir, "registration = false\n"));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    expect_error(c.post_json("/v1/users", boost::json::object{{"email", unique_email("closed")},
                                                              {"password", kPassword}}),
                 403, "registration_disabled");

    const std::string email = unique_email("admin-added");
    const CommandResult added = run_cli({"user", "add", "--email", email, "--password-stdin",
                                         "--data-dir", server->data_dir().string()},
                                        std::string(kPassword) + "\n");
    ASSERT_EQ(added.exit_code, 0) << describe(added);
    const Tokens tokens = login(c, email);
    EXPECT_FALSE(tokens.access_token.empty());
    EXPECT_EQ(server->stop(), 0) << server->stderr_text();
}

}  // namespace
}  // namespace signet::test
