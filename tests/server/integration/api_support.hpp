// Helpers for the black-box tests of `signet serve`: a server shared by the tests of one binary,
// unique test users, the API calls most tests start with, JWT inspection and cookie attributes.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/integration/server_process.hpp"
#include "server/support/http_client.hpp"

namespace signet::test {

// An address nobody else in this test process uses: "<tag>-<pid>-<n>@example.com".
std::string unique_email(std::string_view tag);
inline constexpr std::string_view kPassword = "correct horse battery staple";

// The server most tests share (started on first use, stopped when the test program ends). Its
// limits allow many failed logins per client address so that tests do not trip over each other;
// the per-email limit keeps its default (10 per 300 s).
class SharedServerTest : public ::testing::Test {
  protected:
    void SetUp() override;
    ServerProcess& server() { return *server_; }
    HttpClient client() { return server_->client(); }

  private:
    ServerProcess* server_ = nullptr;
};

// Starts a server with `options`; null (and a recorded test failure) when it cannot start.
std::unique_ptr<ServerProcess> start_server(ServerOptions options = {});
// The flags that make `signet serve` speak TLS with a fresh self-signed P-256 certificate for
// 127.0.0.1, written into `dir`; empty after a test failure.
std::vector<std::string> self_signed_tls_flags(const TempDir& dir);
// ServerOptions with `--config <dir>/signet.toml` holding `toml`; the file is written in `dir`.
ServerOptions with_config(const TempDir& dir, std::string_view toml,
                          std::vector<std::string> extra_args = {});

// Registers `email` (201 expected); returns the user id, or "" after a test failure.
std::string register_user(HttpClient& client, const std::string& email,
                          std::string_view password = kPassword);

struct Tokens {
    std::string access_token;
    std::string refresh_token;
};
// Logs in (200 expected); empty tokens after a test failure.
Tokens login(HttpClient& client, const std::string& email, std::string_view password = kPassword);
// Registers a fresh user and logs in.
struct TestUser {
    std::string email;
    std::string id;
    Tokens tokens;
};
TestUser new_user(HttpClient& client, std::string_view tag);

Headers bearer(const std::string& access_token);
HttpResult login_request(HttpClient& client, const std::string& email, std::string_view password,
                         const Headers& headers = {});
HttpResult refresh_request(HttpClient& client, const std::string& refresh_token);

// Expects `status` and a JSON error body {"error": code, "error_description": <non-empty>}.
void expect_error(const HttpResult& result, unsigned status, std::string_view code);
// The status and body, for assertion messages.
std::string describe(const HttpResult& result);

// The value of the Set-Cookie header that sets `name` ("name=value; Attr; ..."), or "".
std::string set_cookie_line(const HttpResult& result, std::string_view name);
// Whether a Set-Cookie line has attribute `attribute` (case-insensitive; "HttpOnly", "Path=/").
bool has_cookie_attribute(std::string_view set_cookie, std::string_view attribute);
// The value of attribute `name` ("Path", "Max-Age"), or "" when absent.
std::string cookie_attribute(std::string_view set_cookie, std::string_view name);

// A compact JWS split into its segments, header and payload decoded.
struct DecodedJwt {
    std::vector<std::string> segments;
    boost::json::object header;
    boost::json::object payload;
};
// Records a test failure when `token` is not a 3-segment JWS with JSON object header and payload.
DecodedJwt decode_jwt(const std::string& token);

// The kid in a compact JWS header ("" when none).
std::string kid_of(const std::string& token);
// The kids the server publishes in its JWKS.
std::set<std::string> published_kids(HttpClient& client);

// "scheme://host[:port]" of an absolute URL.
std::string origin_of(std::string_view url);
// The path (and query) of an absolute URL.
std::string path_of(std::string_view url);

// The issuer a server announces in its openid-configuration; "" after a test failure.
std::string issuer_of(HttpClient& client);

// Lower-cases ASCII letters.
std::string lower(std::string_view text);

}  // namespace signet::test
