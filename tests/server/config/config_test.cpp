// load_config: defaults, the TOML file, SIGNET_* environment variables and flags (last wins), and
// every invalid or unknown setting stopping with a message that names it and its source.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config.hpp"

namespace signet::server {
namespace {

class ConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "signet-config-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
        dir_ = pattern;
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::filesystem::path write(std::string_view name, std::string_view content) {
        const std::filesystem::path file = dir_ / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << content;
        EXPECT_TRUE(out.good()) << file;
        return file;
    }

    // The ConfigError message of a load that must fail ("" and a test failure when it loads).
    static std::string error_of(const std::optional<std::filesystem::path>& file,
                                const std::vector<std::string>& env, const ConfigFlags& flags) {
        try {
            (void)load_config(file, env, flags);
        } catch (const ConfigError& error) {
            return error.what();
        }
        ADD_FAILURE() << "the configuration was accepted";
        return "";
    }
    std::string file_error(std::string_view toml) {
        return error_of(write("signet.toml", toml), {}, {});
    }
    static std::string env_error(const std::string& entry) { return error_of({}, {entry}, {}); }
    static std::string flag_error(const std::string& name, const std::string& value) {
        return error_of({}, {}, {{name, value}});
    }

    std::filesystem::path dir_;
};

// Expects `text` to contain each of `parts`.
void expect_mentions(const std::string& text, const std::vector<std::string>& parts) {
    for (const std::string& part : parts) {
        EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' missing from: " << text;
    }
}

TEST_F(ConfigTest, DefaultsWhenNoSourceGivesAnything) {
    const ServerConfig config = load_config(std::nullopt, {}, {});
    EXPECT_EQ(config.listen_host, "127.0.0.1");
    EXPECT_EQ(config.listen_port, 8080);
    EXPECT_EQ(config.data_dir, std::filesystem::path("signet-data"));
    EXPECT_FALSE(config.issuer.has_value());
    EXPECT_FALSE(config.audience.has_value());
    EXPECT_EQ(config.access_token_ttl, std::chrono::seconds(900));
    EXPECT_EQ(config.refresh_token_ttl, std::chrono::seconds(14 * 24 * 3600));
    EXPECT_EQ(config.refresh_family_max_lifetime, std::chrono::seconds(30 * 24 * 3600));
    EXPECT_EQ(config.signing_alg, Algorithm::ES256);
    EXPECT_FALSE(config.tls_cert.has_value());
    EXPECT_FALSE(config.hmac_secret.has_value());
    EXPECT_TRUE(config.registration);
    EXPECT_EQ(config.argon2_memory_kib, 19u * 1024u);
    EXPECT_EQ(config.argon2_iterations, 2u);
    EXPECT_EQ(config.max_body_bytes, 64u * 1024u);
}

TEST_F(ConfigTest, EnvironmentEntriesOfOtherProgramsAreIgnored) {
    const ServerConfig config = load_config(
        std::nullopt, {"PATH=/usr/bin", "HOME=/root", "SIGNETX=1", "signet_listen=x"}, {});
    EXPECT_EQ(config.listen_port, 8080);
}

TEST_F(ConfigTest, TomlFileSetsEverySettingKind) {
    const auto file = write("signet.toml", R"(
listen = "0.0.0.0:9000"
data_dir = "/var/lib/signet"
issuer = "https://auth.example.com"
audience = "api.example.com"
scope = "api read"
access_token_ttl = 300
refresh_token_ttl = 3600
refresh_family_max_lifetime = 86400
session_ttl = 7200
session_idle_timeout = 900
leeway = 5
signing_alg = "EdDSA"
registration = false
argon2_memory_kib = 65536
argon2_iterations = 3
login_limit_per_email = 5
login_limit_per_address = 50
login_limit_window = 60
max_body_bytes = 1024
max_header_bytes = 4096
max_connections = 10
max_connections_per_client = 3
header_timeout = 3
idle_timeout = 30
drain_timeout = 0
io_threads = 2
worker_threads = 4
key_reload_interval = 1
log_requests = false
)");
    const ServerConfig config = load_config(file, {}, {});
    EXPECT_EQ(config.listen_host, "0.0.0.0");
    EXPECT_EQ(config.listen_port, 9000);
    EXPECT_EQ(config.data_dir, std::filesystem::path("/var/lib/signet"));
    EXPECT_EQ(config.issuer, "https://auth.example.com");
    EXPECT_EQ(config.audience, "api.example.com");
    EXPECT_EQ(config.scope, "api read");
    EXPECT_EQ(config.access_token_ttl, std::chrono::seconds(300));
    EXPECT_EQ(config.refresh_token_ttl, std::chrono::seconds(3600));
    EXPECT_EQ(config.refresh_family_max_lifetime, std::chrono::seconds(86400));
    EXPECT_EQ(config.session_ttl, std::chrono::seconds(7200));
    EXPECT_EQ(config.session_idle_timeout, std::chrono::seconds(900));
    EXPECT_EQ(config.leeway, std::chrono::seconds(5));
    EXPECT_EQ(config.signing_alg, Algorithm::EdDSA);
    EXPECT_FALSE(config.registration);
    EXPECT_EQ(config.argon2_memory_kib, 65536u);
    EXPECT_EQ(config.argon2_iterations, 3u);
    EXPECT_EQ(config.login_limit_per_email, 5u);
    EXPECT_EQ(config.login_limit_per_address, 50u);
    EXPECT_EQ(config.login_limit_window, std::chrono::seconds(60));
    EXPECT_EQ(config.max_body_bytes, 1024u);
    EXPECT_EQ(config.max_header_bytes, 4096u);
    EXPECT_EQ(config.max_connections, 10u);
    EXPECT_EQ(config.max_connections_per_client, 3u);
    EXPECT_EQ(config.header_timeout, std::chrono::seconds(3));
    EXPECT_EQ(config.idle_timeout, std::chrono::seconds(30));
    EXPECT_EQ(config.drain_timeout, std::chrono::seconds(0));
    EXPECT_EQ(config.io_threads, 2u);
    EXPECT_EQ(config.worker_threads, 4u);
    EXPECT_EQ(config.key_reload_interval, std::chrono::seconds(1));
    EXPECT_FALSE(config.log_requests);
}

TEST_F(ConfigTest, EnvironmentOverridesTheFile) {
    const auto file = write("signet.toml", "listen = \"127.0.0.1:9000\"\naccess_token_ttl = 300\n");
    const ServerConfig config =
        load_config(file, {"SIGNET_ACCESS_TOKEN_TTL=60", "SIGNET_DATA_DIR=/tmp/d"}, {});
    EXPECT_EQ(config.listen_port, 9000);  // from the file, untouched by the environment
    EXPECT_EQ(config.access_token_ttl, std::chrono::seconds(60));
    EXPECT_EQ(config.data_dir, std::filesystem::path("/tmp/d"));
}

TEST_F(ConfigTest, FlagsOverrideTheEnvironmentAndTheFile) {
    const auto file = write("signet.toml", "listen = \"127.0.0.1:9000\"\nissuer = \"https://a\"\n");
    const ServerConfig config =
        load_config(file, {"SIGNET_LISTEN=127.0.0.1:9001", "SIGNET_ISSUER=https://b"},
                    {{"listen", "127.0.0.1:9002"}, {"access-token-ttl", "120"}});
    EXPECT_EQ(config.listen_port, 9002);
    EXPECT_EQ(config.issuer, "https://b");  // no flag: the environment's value stands
    EXPECT_EQ(config.access_token_ttl, std::chrono::seconds(120));
}

TEST_F(ConfigTest, EveryTomlKeyHasAnEnvironmentVariableAndAFlag) {
    const ServerConfig by_env = load_config(
        std::nullopt,
        {"SIGNET_LOGIN_LIMIT_PER_EMAIL=3", "SIGNET_REGISTRATION=0", "SIGNET_LOG_REQUESTS=false",
         "SIGNET_SIGNING_ALG=RS256", "SIGNET_MAX_BODY_BYTES=2048"},
        {});
    EXPECT_EQ(by_env.login_limit_per_email, 3u);
    EXPECT_FALSE(by_env.registration);
    EXPECT_FALSE(by_env.log_requests);
    EXPECT_EQ(by_env.signing_alg, Algorithm::RS256);
    EXPECT_EQ(by_env.max_body_bytes, 2048u);

    const ServerConfig by_flag = load_config(std::nullopt, {},
                                             {{"login-limit-per-email", "4"},
                                              {"registration", "true"},
                                              {"signing-alg", "PS384"},
                                              {"max-body-bytes", "4096"},
                                              {"data-dir", "d"}});
    EXPECT_EQ(by_flag.login_limit_per_email, 4u);
    EXPECT_TRUE(by_flag.registration);
    EXPECT_EQ(by_flag.signing_alg, Algorithm::PS384);
    EXPECT_EQ(by_flag.max_body_bytes, 4096u);
    EXPECT_EQ(by_flag.data_dir, std::filesystem::path("d"));
}

TEST_F(ConfigTest, ListenAcceptsIpv6InBracketsHostNamesAndPortZero) {
    ServerConfig config = load_config(std::nullopt, {}, {{"listen", "[::1]:8443"}});
    EXPECT_EQ(config.listen_host, "::1");
    EXPECT_EQ(config.listen_port, 8443);
    config = load_config(std::nullopt, {}, {{"listen", "localhost:0"}});
    EXPECT_EQ(config.listen_host, "localhost");
    EXPECT_EQ(config.listen_port, 0);
    config = load_config(std::nullopt, {}, {{"listen", "127.0.0.1:65535"}});
    EXPECT_EQ(config.listen_port, 65535);
}

TEST_F(ConfigTest, UnknownTomlKeyIsNamedWithFileAndLine) {
    const std::string message = file_error("access_token_ttl = 60\nlistne = \"127.0.0.1:1\"\n");
    expect_mentions(message, {"config file ", "signet.toml:2:", "unknown setting \"listne\""});
}

TEST_F(ConfigTest, TomlTablesAreUnknownSettings) {
    expect_mentions(file_error("[server]\nlisten = \"127.0.0.1:1\"\n"),
                    {"signet.toml:1:", "unknown setting \"server\""});
}

TEST_F(ConfigTest, FormerListenHostAndPortKeysAreUnknown) {
    expect_mentions(file_error("listen_port = 80\n"), {"unknown setting \"listen_port\""});
}

TEST_F(ConfigTest, TomlSyntaxErrorGivesFileLineAndColumn) {
    const std::string message = file_error("listen = \"127.0.0.1:1\"\naccess_token_ttl = = 3\n");
    expect_mentions(message, {"signet.toml:2:"});
    // file:line:column
    const std::size_t at = message.find("signet.toml:2:");
    ASSERT_NE(at, std::string::npos);
    const std::string after = message.substr(at + std::string_view("signet.toml:2:").size());
    ASSERT_FALSE(after.empty());
    EXPECT_TRUE(after[0] >= '1' && after[0] <= '9') << message;
}

TEST_F(ConfigTest, MissingConfigFileIsNamed) {
    const std::string message = error_of(dir_ / "absent.toml", {}, {});
    expect_mentions(message, {"config file ", "absent.toml", "cannot be read"});
}

TEST_F(ConfigTest, TomlTypeErrorsNameTheKey) {
    expect_mentions(file_error("access_token_ttl = \"900\"\n"),
                    {"signet.toml:1:", "access_token_ttl", "a string"});
    expect_mentions(file_error("registration = \"yes\"\n"),
                    {"registration", "must be true or false"});
    expect_mentions(file_error("listen = 8080\n"), {"listen", "must be a string", "an integer"});
    expect_mentions(file_error("leeway = 1.5\n"), {"leeway", "floating-point"});
    expect_mentions(file_error("scope = [\"a\"]\n"), {"scope", "an array"});
}

TEST_F(ConfigTest, UnknownSignetEnvironmentVariableIsNamed) {
    expect_mentions(env_error("SIGNET_LISTNE=127.0.0.1:1"), {"SIGNET_LISTNE", "unknown setting"});
    // Names are exact: the upper-case key only.
    expect_mentions(env_error("SIGNET_data_dir=x"), {"SIGNET_data_dir", "unknown setting"});
}

TEST_F(ConfigTest, UnknownFlagIsNamed) {
    expect_mentions(flag_error("listne", "x"), {"--listne", "unknown setting"});
    // Flags are kebab-case; the snake_case key is not a flag.
    expect_mentions(flag_error("data_dir", "x"), {"--data_dir", "unknown setting"});
}

TEST_F(ConfigTest, BadDurationsNameTheSettingAndSource) {
    expect_mentions(env_error("SIGNET_ACCESS_TOKEN_TTL=abc"),
                    {"SIGNET_ACCESS_TOKEN_TTL: ", "must be a positive whole number of seconds"});
    expect_mentions(env_error("SIGNET_ACCESS_TOKEN_TTL=0"), {"SIGNET_ACCESS_TOKEN_TTL"});
    expect_mentions(env_error("SIGNET_ACCESS_TOKEN_TTL=-5"), {"SIGNET_ACCESS_TOKEN_TTL"});
    expect_mentions(env_error("SIGNET_ACCESS_TOKEN_TTL= 60"), {"SIGNET_ACCESS_TOKEN_TTL"});
    expect_mentions(env_error("SIGNET_ACCESS_TOKEN_TTL=60s"), {"SIGNET_ACCESS_TOKEN_TTL"});
    expect_mentions(flag_error("refresh-token-ttl", "99999999999"),
                    {"option '--refresh-token-ttl'", "seconds"});
    expect_mentions(file_error("session_ttl = -1\n"), {"session_ttl", "seconds"});
    // Below a minute an idle limit would end sessions between two clicks.
    expect_mentions(file_error("session_idle_timeout = 59\n"), {"session_idle_timeout"});
    // An access token valid for more than a day is refused.
    expect_mentions(flag_error("access-token-ttl", "86401"), {"--access-token-ttl"});
}

TEST_F(ConfigTest, LeewayAndDrainTimeoutMayBeZero) {
    const ServerConfig config =
        load_config(std::nullopt, {"SIGNET_LEEWAY=0", "SIGNET_DRAIN_TIMEOUT=0"}, {});
    EXPECT_EQ(config.leeway, std::chrono::seconds(0));
    EXPECT_EQ(config.drain_timeout, std::chrono::seconds(0));
    expect_mentions(env_error("SIGNET_LEEWAY=301"), {"SIGNET_LEEWAY"});
}

TEST_F(ConfigTest, MaxConnectionsPerClientDefaultsTo64AndComesFromEverySource) {
    EXPECT_EQ(load_config(std::nullopt, {}, {}).max_connections_per_client, 64u);
    EXPECT_EQ(load_config(std::nullopt, {"SIGNET_MAX_CONNECTIONS_PER_CLIENT=8"}, {})
                  .max_connections_per_client,
              8u);
    EXPECT_EQ(load_config(std::nullopt, {}, {{"max-connections-per-client", "9"}})
                  .max_connections_per_client,
              9u);
    expect_mentions(env_error("SIGNET_MAX_CONNECTIONS_PER_CLIENT=0"),
                    {"SIGNET_MAX_CONNECTIONS_PER_CLIENT"});
}

TEST_F(ConfigTest, MetricsListenIsUnsetByDefaultAndParsedLikeListen) {
    EXPECT_FALSE(load_config(std::nullopt, {}, {}).metrics_listen_host.has_value());
    const auto file = write("signet.toml", "metrics_listen = \"10.0.0.5:9100\"\n");
    const ServerConfig from_file = load_config(file, {}, {});
    EXPECT_EQ(from_file.metrics_listen_host, "10.0.0.5");
    EXPECT_EQ(from_file.metrics_listen_port, 9100);
    const ServerConfig from_env = load_config(std::nullopt, {"SIGNET_METRICS_LISTEN=[::1]:0"}, {});
    EXPECT_EQ(from_env.metrics_listen_host, "::1");
    EXPECT_EQ(from_env.metrics_listen_port, 0);
    EXPECT_EQ(
        load_config(std::nullopt, {}, {{"metrics-listen", "127.0.0.1:9101"}}).metrics_listen_port,
        9101);
    expect_mentions(env_error("SIGNET_METRICS_LISTEN=9100"), {"SIGNET_METRICS_LISTEN", "port"});
}

TEST_F(ConfigTest, BadBooleansAreNamed) {
    expect_mentions(env_error("SIGNET_REGISTRATION=yes"),
                    {"SIGNET_REGISTRATION", "true, false, 1 or 0"});
    expect_mentions(flag_error("log-requests", "TRUE"), {"--log-requests"});
}

TEST_F(ConfigTest, RefreshTtlShorterThanAccessTtlIsRefused) {
    expect_mentions(error_of({}, {"SIGNET_ACCESS_TOKEN_TTL=600"}, {{"refresh-token-ttl", "300"}}),
                    {"option '--refresh-token-ttl'", "at least access_token_ttl"});
    expect_mentions(error_of(write("signet.toml", "refresh_token_ttl = 60\n"), {}, {}),
                    {"signet.toml:1:", "refresh_token_ttl"});
    const ServerConfig config =
        load_config(std::nullopt, {}, {{"access-token-ttl", "300"}, {"refresh-token-ttl", "300"}});
    EXPECT_EQ(config.refresh_token_ttl, config.access_token_ttl);
}

TEST_F(ConfigTest, RefreshFamilyLifetimeShorterThanRefreshTtlIsRefused) {
    expect_mentions(
        error_of({}, {"SIGNET_REFRESH_FAMILY_MAX_LIFETIME=3600"}, {{"refresh-token-ttl", "7200"}}),
        {"SIGNET_REFRESH_FAMILY_MAX_LIFETIME", "at least refresh_token_ttl"});
    // Raising the token's lifetime past the default family lifetime names the token's setting.
    expect_mentions(error_of(write("signet.toml", "refresh_token_ttl = 31536000\n"), {}, {}),
                    {"signet.toml:1:", "refresh_token_ttl", "refresh_family_max_lifetime"});
    const ServerConfig config = load_config(
        std::nullopt, {"SIGNET_REFRESH_FAMILY_MAX_LIFETIME=3600"}, {{"refresh-token-ttl", "3600"}});
    EXPECT_EQ(config.refresh_family_max_lifetime, config.refresh_token_ttl);
}

TEST_F(ConfigTest, BadListenValuesAreNamed) {
    for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                            "127.0.0.1:80x", ":80", "::1:8080", "[::1]8080", "[::1]:", "[zz]:80",
                            "999.1.1.1:80", "bad host:80", "host_name:80"}) {
        expect_mentions(flag_error("listen", bad), {"option '--listen'"});
    }
    expect_mentions(env_error("SIGNET_LISTEN=::1:8080"), {"SIGNET_LISTEN", "brackets"});
    expect_mentions(env_error("SIGNET_LISTEN=localhost"), {"SIGNET_LISTEN", "HOST:PORT"});
    expect_mentions(file_error("listen = \"127.0.0.1:99999\"\n"), {"signet.toml:1:", "listen"});
}

TEST_F(ConfigTest, IssuerMustBeAnAbsoluteHttpUrlWithoutQueryOrFragment) {
    for (const char* good : {"https://auth.example.com", "https://auth.example.com/tenant/a",
                             "http://127.0.0.1:8080", "https://[::1]:8443/", "https://a.b/p%20q"}) {
        const ServerConfig config = load_config(std::nullopt, {}, {{"issuer", good}});
        EXPECT_EQ(config.issuer, good);
    }
    expect_mentions(flag_error("issuer", "auth.example.com"), {"--issuer", "https://"});
    expect_mentions(flag_error("issuer", "ftp://auth.example.com"), {"--issuer"});
    expect_mentions(flag_error("issuer", "https://auth.example.com/?x=1"), {"--issuer", "query"});
    expect_mentions(flag_error("issuer", "https://auth.example.com/#top"),
                    {"--issuer", "fragment"});
    expect_mentions(flag_error("issuer", "https://"), {"--issuer"});
    expect_mentions(flag_error("issuer", "https://user@auth.example.com"), {"--issuer"});
    expect_mentions(flag_error("issuer", "https://auth.example.com:99999"), {"--issuer", "port"});
    expect_mentions(flag_error("issuer", "https://auth.example.com/a b"), {"--issuer"});
    expect_mentions(env_error("SIGNET_ISSUER=/relative"), {"SIGNET_ISSUER"});
    expect_mentions(file_error("issuer = \"https://x.example/?q\"\n"),
                    {"signet.toml:1:", "issuer"});
}

TEST_F(ConfigTest, SigningAlgorithmIsAJwsAlgorithmAndNeverNone) {
    expect_mentions(flag_error("signing-alg", "none"), {"--signing-alg", "'none'", "ES256"});
    expect_mentions(env_error("SIGNET_SIGNING_ALG=es256"), {"SIGNET_SIGNING_ALG", "'es256'"});
    expect_mentions(file_error("signing_alg = \"RSA-OAEP\"\n"), {"signing_alg", "'RSA-OAEP'"});
}

TEST_F(ConfigTest, WeakHmacSecretIsRefused) {
    const std::string message =
        error_of({}, {"SIGNET_HMAC_SECRET=short-secret"}, {{"signing-alg", "HS256"}});
    expect_mentions(message, {"SIGNET_HMAC_SECRET", "weak HMAC secret", "32"});
    EXPECT_EQ(message.find("short-secret"), std::string::npos) << "the secret is echoed";
    // HS512 needs 64 bytes: 32 are not enough.
    expect_mentions(
        error_of({}, {"SIGNET_HMAC_SECRET=" + std::string(32, 'k')}, {{"signing-alg", "HS512"}}),
        {"weak HMAC secret", "64"});
}

TEST_F(ConfigTest, HmacSecretOfTheHashSizeIsAccepted) {
    const std::string secret(48, 's');
    const ServerConfig config =
        load_config(std::nullopt, {"SIGNET_SIGNING_ALG=HS384", "SIGNET_HMAC_SECRET=" + secret}, {});
    EXPECT_EQ(config.signing_alg, Algorithm::HS384);
    EXPECT_EQ(config.hmac_secret, secret);
}

TEST_F(ConfigTest, HmacSecretWithAnAsymmetricAlgorithmIsRefused) {
    expect_mentions(file_error("hmac_secret = \"" + std::string(64, 'x') + "\"\n"),
                    {"signet.toml:1:", "hmac_secret", "ES256"});
}

TEST_F(ConfigTest, TlsCertificateWithoutKeyIsRefused) {
    const auto cert = write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
    expect_mentions(flag_error("tls-cert", cert.string()),
                    {"option '--tls-cert'", "tls_key", "both or neither"});
    expect_mentions(env_error("SIGNET_TLS_KEY=" + cert.string()), {"SIGNET_TLS_KEY", "tls_cert"});
}

TEST_F(ConfigTest, TlsFilesMustExistAndBeReadable) {
    const auto cert = write("cert.pem", "cert");
    const auto key = write("key.pem", "key");
    const ServerConfig config =
        load_config(std::nullopt, {}, {{"tls-cert", cert.string()}, {"tls-key", key.string()}});
    EXPECT_EQ(config.tls_cert, cert);
    EXPECT_EQ(config.tls_key, key);

    expect_mentions(error_of({}, {}, {{"tls-cert", cert.string()}, {"tls-key", "/nonexistent"}}),
                    {"--tls-key", "/nonexistent"});
    expect_mentions(error_of({}, {}, {{"tls-cert", dir_.string()}, {"tls-key", key.string()}}),
                    {"--tls-cert", "not a readable file"});
    if (::geteuid() != 0) {  // root reads any file
        ASSERT_EQ(::chmod(key.c_str(), 0), 0);
        expect_mentions(error_of({}, {}, {{"tls-cert", cert.string()}, {"tls-key", key.string()}}),
                        {"--tls-key", "cannot be read"});
    }
}

TEST_F(ConfigTest, Argon2CostBelowTheMinimumIsRefused) {
    expect_mentions(env_error("SIGNET_ARGON2_MEMORY_KIB=4096"), {"SIGNET_ARGON2_MEMORY_KIB"});
    expect_mentions(env_error("SIGNET_ARGON2_ITERATIONS=0"), {"SIGNET_ARGON2_ITERATIONS"});
    const ServerConfig config = load_config(
        std::nullopt, {"SIGNET_ARGON2_MEMORY_KIB=8192", "SIGNET_ARGON2_ITERATIONS=1"}, {});
    EXPECT_EQ(config.argon2_memory_kib, 8192u);
    EXPECT_EQ(config.argon2_iterations, 1u);
}

TEST_F(ConfigTest, LimitsMustBePositive) {
    for (const char* name :
         {"SIGNET_MAX_BODY_BYTES", "SIGNET_MAX_HEADER_BYTES", "SIGNET_MAX_CONNECTIONS",
          "SIGNET_LOGIN_LIMIT_PER_EMAIL", "SIGNET_LOGIN_LIMIT_PER_ADDRESS",
          "SIGNET_LOGIN_LIMIT_WINDOW", "SIGNET_HEADER_TIMEOUT", "SIGNET_IDLE_TIMEOUT"}) {
        expect_mentions(env_error(std::string(name) + "=0"), {name, "positive"});
    }
}

TEST_F(ConfigTest, EmptyValuesAreRefused) {
    expect_mentions(env_error("SIGNET_DATA_DIR="), {"SIGNET_DATA_DIR", "empty"});
    expect_mentions(file_error("audience = \"\"\n"), {"audience", "empty"});
}

TEST_F(ConfigTest, ScopeIsSpaceDelimitedScopeTokens) {
    EXPECT_EQ(load_config(std::nullopt, {"SIGNET_SCOPE=api openid"}, {}).scope, "api openid");
    expect_mentions(env_error("SIGNET_SCOPE=api  openid"), {"SIGNET_SCOPE", "RFC 6749"});
    expect_mentions(env_error("SIGNET_SCOPE=a\"b"), {"SIGNET_SCOPE"});
}

TEST_F(ConfigTest, ThreadCountsMayBeZeroForHardwareThreads) {
    const ServerConfig config =
        load_config(std::nullopt, {"SIGNET_IO_THREADS=0", "SIGNET_WORKER_THREADS=0"}, {});
    EXPECT_EQ(config.io_threads, 0u);
    expect_mentions(env_error("SIGNET_IO_THREADS=100000"), {"SIGNET_IO_THREADS"});
}

TEST_F(ConfigTest, EnginesAreEmbeddedUnlessUrlsAreGiven) {
    const ServerConfig embedded = load_config(std::nullopt, {}, {});
    EXPECT_FALSE(embedded.database_url);
    EXPECT_FALSE(embedded.redis_url);
    EXPECT_TRUE(embedded.trusted_proxies.empty());
    const StoreSettings stores = store_settings(embedded);
    EXPECT_EQ(stores.data_dir, embedded.data_dir);
    EXPECT_FALSE(stores.database_url);

    const ServerConfig shared = load_config(
        write("signet.toml",
              "database_url = \"postgresql://signet:pw@db.internal:5432/signet?sslmode=require\"\n"
              "redis_url = \"redis://:pw@cache.internal:6379/2\"\n"
              "database_pool_size = 4\n"
              "trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n"),
        {}, {});
    EXPECT_EQ(shared.database_url,
              "postgresql://signet:pw@db.internal:5432/signet?sslmode=require");
    EXPECT_EQ(shared.redis_url, "redis://:pw@cache.internal:6379/2");
    EXPECT_EQ(shared.database_pool_size, 4u);
    EXPECT_EQ(shared.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
    EXPECT_EQ(store_settings(shared).database_url, shared.database_url);
    EXPECT_EQ(store_settings(shared).redis_url, shared.redis_url);
    EXPECT_EQ(store_settings(shared).database_pool_size, 4u);
}

TEST_F(ConfigTest, EngineUrlsComeFromTheEnvironmentAndFlagsToo) {
    const ServerConfig by_env =
        load_config(std::nullopt,
                    {"SIGNET_DATABASE_URL=postgres://h/db", "SIGNET_REDIS_URL=redis://h",
                     "SIGNET_TRUSTED_PROXIES=127.0.0.1/32, 192.168.0.0/16"},
                    {});
    EXPECT_EQ(by_env.database_url, "postgres://h/db");
    EXPECT_EQ(by_env.redis_url, "redis://h");
    EXPECT_EQ(by_env.trusted_proxies, (std::vector<std::string>{"127.0.0.1/32", "192.168.0.0/16"}));
    const ServerConfig by_flag = load_config(std::nullopt, {},
                                             {{"database-url", "postgresql://a/b"},
                                              {"redis-url", "redis://c"},
                                              {"trusted-proxies", "::1"}});
    EXPECT_EQ(by_flag.database_url, "postgresql://a/b");
    EXPECT_EQ(by_flag.redis_url, "redis://c");
    EXPECT_EQ(by_flag.trusted_proxies, std::vector<std::string>{"::1"});
}

TEST_F(ConfigTest, EngineUrlsOfAnotherKindAreRefusedWithoutEchoingThem) {
    const std::string mysql = flag_error("database-url", "mysql://root:hunter2@db/signet");
    expect_mentions(mysql, {"--database-url", "PostgreSQL"});
    EXPECT_EQ(mysql.find("hunter2"), std::string::npos) << mysql;
    const std::string memcached = env_error("SIGNET_REDIS_URL=memcached://:hunter2@cache");
    expect_mentions(memcached, {"SIGNET_REDIS_URL", "redis://"});
    EXPECT_EQ(memcached.find("hunter2"), std::string::npos) << memcached;
    // Debian 12's hiredis speaks no TLS: refused with the way out rather than failing later.
    expect_mentions(flag_error("redis-url", "rediss://:hunter2@cache:6380"), {"rediss://", "TLS"});
}

TEST_F(ConfigTest, TrustedProxiesMustBeCidrBlocks) {
    expect_mentions(flag_error("trusted-proxies", "10.0.0.0/33"),
                    {"--trusted-proxies", "10.0.0.0/33"});
    expect_mentions(env_error("SIGNET_TRUSTED_PROXIES=nginx.internal"), {"nginx.internal"});
    expect_mentions(file_error("trusted_proxies = [\"10.0.0.0/8\", 5]\n"), {"trusted_proxies"});
    expect_mentions(flag_error("trusted-proxies", "::1/129"), {"::1/129"});
}

TEST_F(ConfigTest, TrustIssuerComesFromEverySourceWithItsCooldownAndCaFile) {
    const auto ca = write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const ServerConfig by_file = load_config(write("signet.toml", R"(
trust_issuer = "https://auth.example.com/"
trust_issuer_ca_file = ")" + ca.string() + R"("
jwks_refresh_cooldown = 5
audience = "api.example.com"
leeway = 3
)"),
                                             {}, {});
    EXPECT_EQ(by_file.trust_issuer, "https://auth.example.com")
        << "stored as the issuer names itself";
    EXPECT_EQ(by_file.trust_issuer_ca_file, ca);
    EXPECT_EQ(by_file.jwks_refresh_cooldown, std::chrono::seconds(5));
    EXPECT_EQ(by_file.audience, "api.example.com");

    const ServerConfig by_env = load_config(
        std::nullopt,
        {"SIGNET_TRUST_ISSUER=https://id.example.org/tenant", "SIGNET_JWKS_REFRESH_COOLDOWN=1"},
        {});
    EXPECT_EQ(by_env.trust_issuer, "https://id.example.org/tenant");
    EXPECT_EQ(by_env.jwks_refresh_cooldown, std::chrono::seconds(1));

    const ServerConfig by_flag =
        load_config(std::nullopt, {}, {{"trust-issuer", "http://127.0.0.1:8080"}});
    EXPECT_EQ(by_flag.trust_issuer, "http://127.0.0.1:8080");
    EXPECT_EQ(by_flag.jwks_refresh_cooldown, std::chrono::seconds(30)) << "the default cooldown";
    EXPECT_FALSE(by_flag.trust_issuer_ca_file.has_value());

    EXPECT_FALSE(load_config(std::nullopt, {}, {}).trust_issuer.has_value())
        << "a node issues tokens unless told to trust another issuer";
}

TEST_F(ConfigTest, TrustIssuerOverPlainHttpOnlyToALoopbackHost) {
    for (const char* loopback : {"http://127.0.0.1:9000", "http://127.1.2.3", "http://[::1]:8080",
                                 "http://localhost:8080", "http://LOCALHOST"}) {
        EXPECT_TRUE(load_config(std::nullopt, {}, {{"trust-issuer", loopback}}).trust_issuer)
            << loopback;
    }
    for (const char* remote : {"http://auth.example.com", "http://10.0.0.1:8080",
                               "http://[2001:db8::1]", "http://128.0.0.1"}) {
        expect_mentions(flag_error("trust-issuer", remote),
                        {"option '--trust-issuer'", "https://", "loopback"});
    }
    expect_mentions(flag_error("trust-issuer", "ftp://auth.example.com"),
                    {"option '--trust-issuer'", "https:// or http://"});
    expect_mentions(flag_error("trust-issuer", "https://auth.example.com?x=1"),
                    {"option '--trust-issuer'", "query"});
}

TEST_F(ConfigTest, AVerifyOnlyNodeRefusesTheSettingsOfStoresKeysAndLogins) {
    const std::string issuer = "SIGNET_TRUST_ISSUER=https://auth.example.com";
    for (const auto& [entry, key] : std::vector<std::pair<std::string, std::string>>{
             {"SIGNET_DATA_DIR=/var/lib/signet", "data_dir"},
             {"SIGNET_DATABASE_URL=postgresql://u:secret@db/signet", "database_url"},
             {"SIGNET_REDIS_URL=redis://cache:6379", "redis_url"},
             {"SIGNET_REGISTRATION=false", "registration"},
             {"SIGNET_ISSUER=https://other.example.com", "issuer"},
             {"SIGNET_SIGNING_ALG=ES256", "signing_alg"},
             {"SIGNET_ACCESS_TOKEN_TTL=60", "access_token_ttl"},
             {"SIGNET_KEY_RELOAD_INTERVAL=1", "key_reload_interval"}}) {
        const std::string message = error_of({}, {issuer, entry}, {});
        expect_mentions(message, {key, "verify-only node"});
        EXPECT_EQ(message.find("secret"), std::string::npos) << "a URL's password is never echoed";
    }
    expect_mentions(error_of({}, {}, {{"trust-issuer", "https://a.example"}, {"data-dir", "d"}}),
                    {"option '--data-dir'", "data_dir", "verify-only node"});
    // What a verify-only node does use is accepted.
    const ServerConfig config =
        load_config(std::nullopt,
                    {issuer, "SIGNET_LISTEN=0.0.0.0:9000", "SIGNET_LEEWAY=2", "SIGNET_IO_THREADS=2",
                     "SIGNET_LOG_REQUESTS=false", "SIGNET_SCOPE=orders:read"},
                    {});
    EXPECT_EQ(config.listen_port, 9000);
    EXPECT_EQ(config.leeway, std::chrono::seconds(2));
    // The scope a token must be granted, as on the issuer.
    EXPECT_EQ(config.scope, "orders:read");
}

TEST_F(ConfigTest, VerifyOnlySettingsWithoutTrustIssuerAreRefused) {
    expect_mentions(env_error("SIGNET_JWKS_REFRESH_COOLDOWN=5"),
                    {"SIGNET_JWKS_REFRESH_COOLDOWN", "jwks_refresh_cooldown", "trust_issuer"});
    expect_mentions(flag_error("trust-issuer-ca-file", write("ca.pem", "x").string()),
                    {"option '--trust-issuer-ca-file'", "trust_issuer"});
}

TEST_F(ConfigTest, JwksCooldownIsAPositiveNumberOfSecondsAndTheCaFileMustBeReadable) {
    const std::string issuer = "SIGNET_TRUST_ISSUER=https://auth.example.com";
    expect_mentions(error_of({}, {issuer, "SIGNET_JWKS_REFRESH_COOLDOWN=0"}, {}),
                    {"SIGNET_JWKS_REFRESH_COOLDOWN", "positive"});
    expect_mentions(error_of({}, {issuer, "SIGNET_JWKS_REFRESH_COOLDOWN=3601"}, {}),
                    {"SIGNET_JWKS_REFRESH_COOLDOWN"});
    expect_mentions(
        error_of({}, {issuer, "SIGNET_TRUST_ISSUER_CA_FILE=" + (dir_ / "missing.pem").string()},
                 {}),
        {"SIGNET_TRUST_ISSUER_CA_FILE", "missing.pem", "not a readable file"});
}

}  // namespace
}  // namespace signet::server
