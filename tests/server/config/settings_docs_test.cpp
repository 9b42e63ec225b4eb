// The settings table of docs/cli.md, from which the manual page signet.toml(5) is generated, lists
// exactly the settings that load_config knows: a new setting without documentation, or a
// documented one that no longer exists, fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "server/config.hpp"

namespace signet::server {
namespace {

// The first cell of each row of the "| setting | default | rules |" table; a cell may name
// several settings ("`tls_cert`, `tls_key`").
std::multiset<std::string> documented_settings(const std::string& markdown) {
    std::multiset<std::string> names;
    std::istringstream lines(markdown);
    std::string line;
    bool in_table = false;
    while (std::getline(lines, line)) {
        if (!in_table) {
            in_table = line.starts_with("| setting | default | rules |");
            if (in_table) std::getline(lines, line);  // the |---| row
            continue;
        }
        if (!line.starts_with("|")) break;
        const std::string cell = line.substr(1, line.find('|', 1) - 1);
        std::size_t at = 0;
        while ((at = cell.find('`', at)) != std::string::npos) {
            const std::size_t end = cell.find('`', at + 1);
            if (end == std::string::npos) break;
            names.insert(cell.substr(at + 1, end - at - 1));
            at = end + 1;
        }
    }
    return names;
}

TEST(SettingsDocs, DocsTableListsEverySettingOnce) {
    std::ifstream file(std::string(SIGNET_TEST_DATA_DIR) + "/../docs/cli.md");
    ASSERT_TRUE(file) << "cannot read docs/cli.md";
    std::stringstream text;
    text << file.rdbuf();
    const std::multiset<std::string> documented = documented_settings(text.str());
    ASSERT_GT(documented.size(), 10U) << "the settings table of docs/cli.md was not found";

    std::multiset<std::string> known;
    for (std::string_view name : setting_names())
        known.emplace(name);
    for (const std::string& name : known) {
        EXPECT_EQ(documented.count(name), 1U) << name << " is not documented once in docs/cli.md";
    }
    for (const std::string& name : documented) {
        EXPECT_EQ(known.count(name), 1U) << name << " is documented but is no setting";
    }
}

TEST(SettingsDocs, SettingNamesAreTheTomlKeysLoadConfigAccepts) {
    const auto names = setting_names();
    ASSERT_FALSE(names.empty());
    EXPECT_NE(std::find(names.begin(), names.end(), "listen"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "key_reload_interval"), names.end());
    // Every name is a key load_config takes from the environment (an unknown one would throw).
    for (std::string_view name : names) {
        std::string variable = "SIGNET_";
        for (char c : name)
            variable += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        try {
            (void)load_config(std::nullopt, {variable + "=x"}, {});
        } catch (const ConfigError& error) {
            EXPECT_EQ(std::string(error.what()).find("unknown setting"), std::string::npos)
                << name << ": " << error.what();
        }
    }
}

}  // namespace
}  // namespace signet::server
