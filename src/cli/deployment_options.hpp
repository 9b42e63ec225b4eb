// The options that name a deployment for the commands that work on one (`user`, `key rotate`):
// the same settings `signet serve` reads, from --config, SIGNET_* variables and these flags.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "server/config.hpp"

namespace signet::cli {

// --config, --data-dir, --database-url, --redis-url.
const std::vector<Option>& deployment_options();

// The deployment's settings: defaults, the TOML file of --config, SIGNET_* variables, then the
// flags above. Throws UsageError naming a bad setting.
server::ServerConfig deployment_config(const Args& args);

// The same with another set of setting flags (each passed to load_config under its own name).
// Throws server::ConfigError naming a bad setting.
server::ServerConfig load_settings(const Args& args,
                                   std::span<const std::string_view> setting_flags);

// This process's environment as NAME=VALUE strings.
std::vector<std::string> environment();

}  // namespace signet::cli
