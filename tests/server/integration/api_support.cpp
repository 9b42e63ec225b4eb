// Helpers for the black-box tests of `signet serve`: the shared server, test users, common API
// calls, JWT decoding (with the library's strict base64url) and Set-Cookie attributes.
#include "server/integration/api_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "signet/base64url.hpp"

namespace signet::test {
namespace {

// Owns the shared server; a global test environment stops it after the last test.
class SharedServerEnvironment : public ::testing::Environment {
  public:
    static ServerProcess* acquire(std::string& error) {
        if (!instance_) {
            auto dir = std::make_unique<TempDir>();
            auto server = std::make_unique<ServerProcess>(
                with_config(*dir, "login_limit_per_address = 100000\n"));
            const ::testing::AssertionResult started = server->start();
            if (!started) {
                failure_ = started.message();
            } else {
                config_dir_ = std::move(dir);
                instance_ = std::move(server);
            }
        }
        error = failure_;
        return instance_.get();
    }

    void TearDown() override {
        if (instance_) {
            const int status = instance_->stop();
            EXPECT_EQ(status, 0) << "the shared server did not stop cleanly on SIGTERM\n"
                                 << instance_->stderr_text();
        }
        instance_.reset();
        config_dir_.reset();
    }

  private:
    static inline std::unique_ptr<TempDir> config_dir_;
    static inline std::unique_ptr<ServerProcess> instance_;
    static inline std::string failure_;
};

[[maybe_unused]] ::testing::Environment* const shared_environment =
    ::testing::AddGlobalTestEnvironment(new SharedServerEnvironment);

std::string json_string_or_empty(const boost::json::object& object, std::string_view key) {
    const boost::json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

}  // namespace

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string unique_email(std::string_view tag) {
    static std::atomic<unsigned> counter{0};
    return std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) +
           "@example.com";
}

void SharedServerTest::SetUp() {
    std::string error;
    server_ = SharedServerEnvironment::acquire(error);
    ASSERT_NE(server_, nullptr) << error;
}

std::unique_ptr<ServerProcess> start_server(ServerOptions options) {
    auto server = std::make_unique<ServerProcess>(std::move(options));
    const ::testing::AssertionResult started = server->start();
    if (!started) {
        ADD_FAILURE() << started.message();
        return nullptr;
    }
    return server;
}

std::vector<std::string> self_signed_tls_flags(const TempDir& dir) {
    const CommandResult cert = run_command(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout",
         (dir / "tls-key.pem").string(), "-out", (dir / "tls-cert.pem").string()});
    if (cert.exit_code != 0) {
        ADD_FAILURE() << "cannot make a certificate: " << describe(cert);
        return {};
    }
    return {"--tls-cert", (dir / "tls-cert.pem").string(), "--tls-key",
            (dir / "tls-key.pem").string()};
}

ServerOptions with_config(const TempDir& dir, std::string_view toml,
                          std::vector<std::string> extra_args) {
    ServerOptions options;
    options.args = {"--config", dir.write("signet.toml", toml).string()};
    options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
    return options;
}

std::string describe(const HttpResult& result) {
    std::string text = "HTTP " + std::to_string(result.status) + "\n";
    for (const auto& [name, value] : result.headers)
        text += name + ": " + value + "\n";
    return text + "\n" + result.body;
}

void expect_error(const HttpResult& result, unsigned status, std::string_view code) {
    EXPECT_EQ(result.status, status) << describe(result);
    EXPECT_TRUE(result.header("content-type").starts_with("application/json")) << describe(result);
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(result.body, ec);
    ASSERT_FALSE(ec) << "error body is not JSON: " << describe(result);
    ASSERT_TRUE(body.is_object()) << describe(result);
    EXPECT_EQ(json_string_or_empty(body.get_object(), "error"), code) << describe(result);
    EXPECT_FALSE(json_string_or_empty(body.get_object(), "error_description").empty())
        << "error_description missing: " << describe(result);
}

Headers bearer(const std::string& access_token) {
    return {{"Authorization", "Bearer " + access_token}};
}

std::string register_user(HttpClient& client, const std::string& email, std::string_view password) {
    const HttpResult result = client.post_json(
        "/v1/users", boost::json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(result.status, 201u) << describe(result);
    if (result.status != 201) return "";
    const boost::json::value body = result.json();
    if (!body.is_object()) return "";
    return json_string_or_empty(body.get_object(), "id");
}

HttpResult login_request(HttpClient& client, const std::string& email, std::string_view password,
                         const Headers& headers) {
    return client.post_json("/v1/login",
                            boost::json::object{{"email", email}, {"password", password}}, headers);
}

HttpResult refresh_request(HttpClient& client, const std::string& refresh_token) {
    return client.post_json("/v1/token/refresh",
                            boost::json::object{{"refresh_token", refresh_token}});
}

Tokens login(HttpClient& client, const std::string& email, std::string_view password) {
    const HttpResult result = login_request(client, email, password);
    EXPECT_EQ(result.status, 200u) << describe(result);
    if (result.status != 200) return {};
    const boost::json::value body = result.json();
    if (!body.is_object()) return {};
    return {json_string_or_empty(body.get_object(), "access_token"),
            json_string_or_empty(body.get_object(), "refresh_token")};
}

TestUser new_user(HttpClient& client, std::string_view tag) {
    TestUser user;
    user.email = unique_email(tag);
    user.id = register_user(client, user.email);
    if (!user.id.empty()) user.tokens = login(client, user.email);
    return user;
}

std::string set_cookie_line(const HttpResult& result, std::string_view name) {
    const std::string prefix = std::string(name) + "=";
    for (const std::string& line : result.headers_named("set-cookie")) {
        if (line.starts_with(prefix)) return line;
    }
    return "";
}

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// The attributes after the first ';' of a Set-Cookie line, trimmed.
std::vector<std::string_view> cookie_attributes(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t pos = line.find(';');
    while (pos != std::string_view::npos) {
        const std::size_t next = line.find(';', pos + 1);
        out.push_back(trim(line.substr(
            pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1)));
        pos = next;
    }
    return out;
}

}  // namespace

bool has_cookie_attribute(std::string_view set_cookie, std::string_view attribute) {
    const std::string wanted = lower(attribute);
    for (std::string_view attr : cookie_attributes(set_cookie)) {
        std::string text = lower(attr);
        // "SameSite = Lax" and "SameSite=Lax" are the same attribute.
        text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
        if (text == wanted) return true;
    }
    return false;
}

std::string cookie_attribute(std::string_view set_cookie, std::string_view name) {
    const std::string wanted = lower(name);
    for (std::string_view attr : cookie_attributes(set_cookie)) {
        const std::size_t eq = attr.find('=');
        if (eq == std::string_view::npos) continue;
        if (lower(trim(attr.substr(0, eq))) == wanted)
            return std::string(trim(attr.substr(eq + 1)));
    }
    return "";
}

DecodedJwt decode_jwt(const std::string& token) {
    DecodedJwt out;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = token.find('.', start);
        out.segments.push_back(
            token.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    EXPECT_EQ(out.segments.size(), 3u) << "not a compact JWS: " << token;
    if (out.segments.size() != 3) return out;
    for (int i = 0; i < 2; ++i) {
        auto decoded = base64url_decode(out.segments[static_cast<std::size_t>(i)]);
        EXPECT_TRUE(decoded.ok()) << "segment " << i << " is not base64url: " << token;
        if (!decoded) return out;
        boost::system::error_code ec;
        boost::json::value value = boost::json::parse(*decoded, ec);
        EXPECT_TRUE(!ec && value.is_object()) << "segment " << i << " is not a JSON object";
        if (ec || !value.is_object()) return out;
        (i == 0 ? out.header : out.payload) = std::move(value.get_object());
    }
    return out;
}

std::string origin_of(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const std::size_t path = url.find('/', scheme_end + 3);
    return std::string(url.substr(0, path));
}

std::string path_of(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const std::size_t path = url.find('/', scheme_end + 3);
    return path == std::string_view::npos ? "/" : std::string(url.substr(path));
}

std::string issuer_of(HttpClient& client) {
    const HttpResult result = client.get("/.well-known/openid-configuration");
    EXPECT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.json();
    if (!body.is_object()) return "";
    const std::string issuer = json_string_or_empty(body.get_object(), "issuer");
    EXPECT_FALSE(issuer.empty()) << describe(result);
    return issuer;
}

std::string kid_of(const std::string& token) {
    const DecodedJwt jwt = decode_jwt(token);
    const boost::json::value* kid = jwt.header.if_contains("kid");
    return kid != nullptr && kid->is_string() ? std::string(kid->get_string()) : "";
}

std::set<std::string> published_kids(HttpClient& client) {
    std::set<std::string> kids;
    const HttpResult result = client.get("/.well-known/jwks.json");
    EXPECT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.json();
    if (!body.is_object() || !body.get_object().contains("keys")) return kids;
    for (const boost::json::value& key : body.at("keys").as_array()) {
        if (key.is_object() && key.get_object().contains("kid")) {
            kids.insert(std::string(key.at("kid").as_string()));
        }
    }
    return kids;
}

}  // namespace signet::test
