// The settings of `signet serve`. Sources, last wins: defaults, a TOML file, SIGNET_* environment
// variables, command-line flags. An unknown or invalid setting stops the start with a message
// naming it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/stores.hpp"
#include "signet/algorithm.hpp"

namespace signet::server {

// A setting that is unknown or invalid; what() names the setting and where it came from.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ServerConfig {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::filesystem::path data_dir = "signet-data";
    // Users, refresh tokens, keys and revocations. Unset: SQLite in the data dir. Otherwise a
    // PostgreSQL connection URI (postgresql://user:pass@host:port/db?sslmode=...).
    std::optional<std::string> database_url;
    // Sessions and rate-limit counters. Unset: this process's memory. Otherwise
    // redis://[:password@]host:port[/db].
    std::optional<std::string> redis_url;
    // Connections each node keeps to PostgreSQL and to Redis, at most.
    unsigned database_pool_size = 16;
    // Peers (CIDR blocks) whose X-Forwarded-For/Forwarded headers name the client; empty: the TCP
    // peer is the client.
    std::vector<std::string> trusted_proxies;
    // The deployment's "iss". Unset: the one stored in the data dir, else http(s)://<listen>.
    std::optional<std::string> issuer;
    // The access tokens' "aud" (RFC 9068 §2.2). Unset: the issuer.
    std::optional<std::string> audience;
    std::string scope = "api";
    std::chrono::seconds access_token_ttl{900};
    std::chrono::seconds refresh_token_ttl{14 * 24 * 3600};
    // A refresh-token family ends this long after its login however often it rotates (Auth0's
    // absolute lifetime defaults to 30 days; refresh_token_ttl is then the idle limit).
    std::chrono::seconds refresh_family_max_lifetime{30 * 24 * 3600};
    std::chrono::seconds session_ttl{8 * 3600};
    // A session unused for this long ends (Keycloak's "SSO Session Idle", 30 minutes by default).
    std::chrono::seconds session_idle_timeout{30 * 60};
    std::chrono::seconds leeway{0};
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    Algorithm signing_alg = Algorithm::ES256;
    // For HS256/384/512: the shared secret (at least as long as the hash output, RFC 7518 §3.2).
    // Unset: a random secret is generated and kept in the database.
    std::optional<std::string> hmac_secret;
    bool registration = true;
    // Argon2id cost (OWASP: m = 19 MiB, t = 2, p = 1). Stored hashes with other costs are
    // rehashed at the next successful login.
    std::uint64_t argon2_memory_kib = 19 * 1024;
    std::uint64_t argon2_iterations = 2;
    // Failed-login limits per window, per email and per client address (429 beyond).
    std::uint64_t login_limit_per_email = 10;
    std::uint64_t login_limit_per_address = 100;
    std::chrono::seconds login_limit_window{300};
    // HTTP limits.
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_client = 64;  // per TCP peer address; trusted proxies exempt
    // When set, /metrics is served only on this plain-HTTP address (keep it private).
    std::optional<std::string> metrics_listen_host;
    std::uint16_t metrics_listen_port = 0;
    std::chrono::seconds header_timeout{10};
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds drain_timeout{10};
    unsigned io_threads = 0;      // 0: the cores this process may use
    unsigned worker_threads = 0;  // 0: the cores this process may use
    // How often a node re-reads the signing keys (a rotation by another process shows up then).
    std::chrono::seconds key_reload_interval{5};
    bool log_requests = true;
    // Access tokens remembered after a successful verification, so a repeated token skips the
    // signature check (as Envoy's jwt_authn does); 0 turns the cache off.
    std::size_t token_cache_size = 100000;

    // A verify-only node: no store at all; it trusts this issuer's access tokens, verified with
    // the keys its JWKS publishes (found through its discovery document, RFC 8414 §3). https://,
    // or http:// to a loopback host. Stored without trailing '/', as an issuer names itself.
    std::optional<std::string> trust_issuer;
    // PEM trust anchors for the issuer's HTTPS certificate; unset: the system's trust store.
    std::optional<std::filesystem::path> trust_issuer_ca_file;
    // After a JWKS fetch, a token naming an unknown "kid" triggers no other fetch for this long.
    std::chrono::seconds jwks_refresh_cooldown{30};
};

// Flags given on the command line: option name without "--" to value ("listen" -> "0.0.0.0:80").
using ConfigFlags = std::map<std::string, std::string, std::less<>>;

// Builds the configuration: defaults, then `config_file` (TOML) when given, then the SIGNET_*
// variables of `environment` (NAME=VALUE strings, normally environ), then `flags`.
// Throws ConfigError.
ServerConfig load_config(const std::optional<std::filesystem::path>& config_file,
                         const std::vector<std::string>& environment, const ConfigFlags& flags);

// The name of every setting (its TOML key), in the order of the settings table; the manual page
// signet.toml(5) and docs/cli.md must list exactly these.
std::vector<std::string_view> setting_names();

// Which storage engines the settings name, for open_stores().
StoreSettings store_settings(const ServerConfig& config);

}  // namespace signet::server
