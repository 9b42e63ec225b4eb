// `signet serve`: the auth server. Settings come from a TOML file (--config), SIGNET_* environment
// variables and the flags below, last wins (server/config.hpp); the server itself is run_server.
#include <array>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/deployment_options.hpp"
#include "server/app.hpp"
#include "server/config.hpp"
#include "server/store/store_error.hpp"
#include "server/verify_only_app.hpp"

namespace signet::cli {

namespace {

// The flags of `signet serve` that are settings; each reaches load_config under its own name.
// Every other setting is read from the TOML file or a SIGNET_* variable.
constexpr std::array<std::string_view, 13> kSettingFlags = {
    "listen",      "data-dir",         "database-url",         "redis-url", "trusted-proxies",
    "issuer",      "access-token-ttl", "refresh-token-ttl",    "tls-cert",  "tls-key",
    "signing-alg", "trust-issuer",     "trust-issuer-ca-file",
};

// A host as it appears in a URL: an IPv6 address goes in brackets (RFC 3986 §3.2.2).
std::string url_host(const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

int run_serve(const Args& args) {
    // A setting is wrong: like a usage error, the invocation has to change (exit status 2).
    const auto refuse = [](const server::ConfigError& error) {
        std::cerr << "signet serve: " << error.what() << '\n';
        return kExitUsage;
    };
    server::ServerConfig config;
    try {
        config = load_settings(args, kSettingFlags);
    } catch (const server::ConfigError& error) {
        return refuse(error);
    }
    try {
        const std::string origin =
            std::string(config.tls_cert ? "https" : "http") + "://" + url_host(config.listen_host);
        // The one line on stdout: scripts and tests wait for it and read the bound port from it.
        const auto announce = [&origin](unsigned port) {
            std::cout << "signet: listening on " << origin << ':' << port << std::endl;
        };
        return config.trust_issuer ? server::run_verify_only_server(config, announce)
                                   : server::run_server(config, announce);
    } catch (const server::ConfigError& error) {
        return refuse(error);  // found unusable at start: a weak HMAC secret, unreadable TLS files
    } catch (const server::StoreError& error) {
        std::cerr << "store_error: " << error.what() << '\n';
        return kExitFailure;
    } catch (const std::exception& error) {
        std::cerr << "server_error: " << error.what() << '\n';
        return kExitFailure;
    }
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"serve",
         {.path = "serve",
          .summary = "Run the auth server (HTTP API, JWT and session login)",
          .operands = "",
          .description =
              "Run the auth server. By default on the embedded engines: a SQLite database in the\n"
              "data dir (created with mode 0700), sessions and rate limits in memory. With\n"
              "--database-url and --redis-url, any number of nodes share PostgreSQL and Redis.\n"
              "Signing keys are created on first start.\n"
              "Settings come from the TOML file of --config, then SIGNET_* environment variables\n"
              "(SIGNET_LISTEN, SIGNET_DATA_DIR, SIGNET_HMAC_SECRET, ...), then these options; the\n"
              "last wins. An unknown or invalid setting stops the start (exit status 2) with a\n"
              "message naming it. Once listening, one line goes to stdout:\n"
              "  signet: listening on http://HOST:PORT\n"
              "Requests are logged as JSON lines on stderr. SIGTERM or SIGINT drains in-flight\n"
              "requests and exits 0. SIGHUP re-reads the signing keys and the TLS certificate\n"
              "and key files without closing connections. Under systemd (NOTIFY_SOCKET) it\n"
              "reports READY=1 once listening and STOPPING=1 when the drain begins.\n"
              "With --trust-issuer URL the node is verify-only: no database, no data dir; it\n"
              "fetches the issuer's keys (discovery, then its JWKS) before listening, exits 1 "
              "when\n"
              "it cannot, and serves GET /v1/me, GET /v1/auth, /healthz and /metrics for that\n"
              "issuer's access tokens. Settings of stores, keys and logins are refused there.",
          .options = {{"config", "FILE", "TOML file of settings (see docs/cli.md)"},
                      {"listen", "HOST:PORT",
                       "Address to listen on (default 127.0.0.1:8080; port 0: any free port)"},
                      {"data-dir", "DIR", "Data directory (default ./signet-data)"},
                      {"database-url", "URL",
                       "PostgreSQL for users, tokens and keys (default: SQLite in the data dir)"},
                      {"redis-url", "URL",
                       "Redis for sessions and rate limits (default: this process's memory)"},
                      {"trusted-proxies", "CIDR,...",
                       "Proxies whose X-Forwarded-For names the client (default: none)"},
                      {"issuer", "URL",
                       "The deployment's issuer (default: the stored one, else http(s)://LISTEN)"},
                      {"access-token-ttl", "SECONDS", "Access token lifetime (default 900)"},
                      {"refresh-token-ttl", "SECONDS",
                       "Refresh token lifetime (default 1209600, 14 days)"},
                      {"tls-cert", "FILE", "TLS certificate chain, PEM (with --tls-key)"},
                      {"tls-key", "FILE", "TLS private key, PEM (with --tls-cert)"},
                      {"signing-alg", "ALG",
                       "JWS algorithm of the signing keys it creates (default ES256)"},
                      {"trust-issuer", "URL",
                       "Verify-only node for this issuer (https://, or http:// on loopback)"},
                      {"trust-issuer-ca-file", "FILE",
                       "PEM CA certificates for the issuer's HTTPS (default: system store)"}},
          .min_operands = 0,
          .max_operands = 0},
         run_serve},
    };
    return table;
}

}  // namespace

std::span<const Command> standalone_commands() {
    return commands();
}

}  // namespace signet::cli
