// Deployment settings for the admin commands, read as `signet serve` reads them.
#include "cli/deployment_options.hpp"

#include <array>
#include <filesystem>
#include <optional>
#include <string_view>

extern char** environ;

namespace signet::cli {
namespace {

// Flags that are settings, each passed to load_config under its own name.
constexpr std::array<std::string_view, 3> kSettingFlags = {"data-dir", "database-url", "redis-url"};

}  // namespace

const std::vector<Option>& deployment_options() {
    static const std::vector<Option> options = {
        {"config", "FILE", "TOML file of settings, as for signet serve"},
        {"data-dir", "DIR", "Data directory (default $SIGNET_DATA_DIR, else ./signet-data)"},
        {"database-url", "URL",
         "PostgreSQL database of the deployment (default: SQLite in the data dir)"},
        {"redis-url", "URL", "Redis of the deployment's sessions (default: none)"},
    };
    return options;
}

std::vector<std::string> environment() {
    std::vector<std::string> entries;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        entries.emplace_back(*entry);
    }
    return entries;
}

server::ServerConfig load_settings(const Args& args,
                                   std::span<const std::string_view> setting_flags) {
    std::optional<std::filesystem::path> config_file;
    if (auto file = args.value("config")) {
        if (file->empty()) throw UsageError("option '--config' must not be empty");
        config_file = *file;
    }
    server::ConfigFlags flags;
    for (std::string_view name : setting_flags) {
        if (auto value = args.value(name)) flags.emplace(std::string(name), *value);
    }
    return server::load_config(config_file, environment(), flags);
}

server::ServerConfig deployment_config(const Args& args) {
    try {
        return load_settings(args, kSettingFlags);
    } catch (const server::ConfigError& error) {
        throw UsageError(error.what());
    }
}

}  // namespace signet::cli
