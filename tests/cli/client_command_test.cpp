// End-to-end tests of `signet client add|list|remove`, run as the real binary against a SQLite
// data dir in a temp directory.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace signet::cli::test {
namespace {

// A secret of 32 characters and its SHA-256 (hex), as `sha256sum` prints it.
constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
constexpr const char* kSecretSha256 =
    "3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9";

class ClientCommand : public CliTest {
  protected:
    std::string data_dir() const { return path("data"); }

    RunResult add(std::vector<std::string> args, std::string_view input = {}) {
        args.insert(args.begin(), {"client", "add"});
        args.insert(args.end(), {"--data-dir", data_dir()});
        return run(args, input);
    }

    // The lines of `client list`, each parsed.
    std::vector<boost::json::object> listed() {
        const RunResult result = run({"client", "list", "--data-dir", data_dir()});
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        std::vector<boost::json::object> clients;
        std::size_t start = 0;
        while (start < result.out.size()) {
            const std::size_t end = result.out.find('\n', start);
            clients.push_back(parse_object(result.out.substr(start, end - start)));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return clients;
    }

    // Runs `sql` on the data dir's database; the first column of the first row ("" for none or
    // NULL).
    std::string sql(const std::string& statement) {
        sqlite3* db = nullptr;
        std::string value;
        if (sqlite3_open((data_dir() + "/signet.db").c_str(), &db) == SQLITE_OK) {
            sqlite3_busy_timeout(db, 5000);
            sqlite3_stmt* stmt = nullptr;
            if (sqlite3_prepare_v2(db, statement.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
                const int rc = sqlite3_step(stmt);
                if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
                    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
                    ADD_FAILURE() << statement << ": " << sqlite3_errmsg(db);
                }
            } else {
                ADD_FAILURE() << statement << ": " << sqlite3_errmsg(db);
            }
            sqlite3_finalize(stmt);
        }
        sqlite3_close(db);
        return value;
    }
};

std::vector<std::string> strings(const boost::json::value& value) {
    std::vector<std::string> out;
    for (const auto& item : value.as_array())
        out.emplace_back(item.as_string());
    return out;
}

TEST_F(ClientCommand, AddGeneratesASecretShowsItOnceAndStoresOnlyItsHash) {
    const RunResult result = add(
        {"--id", "web-app", "--name", "Web App", "--redirect-uri", "https://app.example/callback"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(line_count(result.out), 1u);
    const boost::json::object client = parse_object(result.out);
    EXPECT_EQ(client.at("id"), "web-app");
    EXPECT_EQ(client.at("type"), "confidential");
    EXPECT_EQ(client.at("name"), "Web App");
    EXPECT_EQ(strings(client.at("redirect_uris")),
              std::vector<std::string>{"https://app.example/callback"});
    ASSERT_TRUE(client.contains("client_secret")) << result.out;
    const std::string secret(client.at("client_secret").as_string());
    // 32 random bytes, base64url without padding.
    EXPECT_EQ(secret.size(), 43u) << secret;
    EXPECT_EQ(secret.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << secret;
    EXPECT_NE(result.err.find("not be shown again"), std::string::npos) << describe(result);

    const std::string stored = sql("SELECT secret_hash FROM clients WHERE id = 'web-app'");
    EXPECT_EQ(stored.size(), 64u) << stored;
    EXPECT_EQ(stored.find(secret), std::string::npos);
    // Never shown again.
    const RunResult list = run({"client", "list", "--data-dir", data_dir()});
    EXPECT_EQ(list.out.find(secret), std::string::npos) << list.out;
    EXPECT_EQ(list.out.find(stored), std::string::npos) << list.out;

    // Another client gets another secret.
    const RunResult other =
        add({"--id", "other", "--redirect-uri", "https://other.example/callback"});
    ASSERT_EQ(other.exit_code, 0) << describe(other);
    EXPECT_NE(std::string(parse_object(other.out).at("client_secret").as_string()), secret);
}

TEST_F(ClientCommand, AddReadsTheSecretFromStdinAndStoresItsSha256) {
    const RunResult result =
        add({"--id", "svc", "--redirect-uri", "https://svc.example/cb", "--secret-stdin"},
            std::string(kSecret) + "\n");
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const boost::json::object client = parse_object(result.out);
    EXPECT_EQ(client.at("type"), "confidential");
    EXPECT_FALSE(client.contains("client_secret")) << result.out;
    EXPECT_TRUE(result.err.empty()) << describe(result);
    EXPECT_EQ(sql("SELECT secret_hash FROM clients WHERE id = 'svc'"), kSecretSha256);
}

TEST_F(ClientCommand, AGivenSecretShorterThan32CharactersIsRefused) {
    const RunResult result =
        add({"--id", "svc", "--redirect-uri", "https://svc.example/cb", "--secret-stdin"},
            std::string(31, 's') + "\n");
    expect_rejected(result, "invalid_secret");
    EXPECT_NE(result.err.find("32"), std::string::npos) << describe(result);
    // Refused before the data dir is touched.
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(ClientCommand, APublicClientHasNoSecret) {
    const RunResult result = add(
        {"--id", "spa", "--public", "--redirect-uri", "https://spa.example/cb", "--redirect-uri",
         "http://127.0.0.1:8080/cb", "--post-logout-redirect-uri", "https://spa.example/bye"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    const boost::json::object client = parse_object(result.out);
    EXPECT_EQ(client.at("type"), "public");
    EXPECT_FALSE(client.contains("client_secret")) << result.out;
    EXPECT_TRUE(result.err.empty()) << describe(result);
    EXPECT_EQ(strings(client.at("redirect_uris")),
              (std::vector<std::string>{"https://spa.example/cb", "http://127.0.0.1:8080/cb"}));
    EXPECT_EQ(strings(client.at("post_logout_redirect_uris")),
              std::vector<std::string>{"https://spa.example/bye"});
    EXPECT_EQ(sql("SELECT secret_hash FROM clients WHERE id = 'spa'"), "");
}

TEST_F(ClientCommand, PublicWithSecretStdinAndMissingOptionsAreUsageErrors) {
    EXPECT_EQ(add({"--id", "spa", "--public", "--secret-stdin", "--redirect-uri",
                   "https://spa.example/cb"},
                  std::string(kSecret))
                  .exit_code,
              2);
    EXPECT_EQ(add({"--redirect-uri", "https://spa.example/cb"}).exit_code, 2);
    EXPECT_EQ(add({"--id", "spa"}).exit_code, 2);
    EXPECT_EQ(run({"client", "remove", "--data-dir", data_dir()}).exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(ClientCommand, RedirectUrisMustBeHttpsLoopbackHttpOrAPrivateUseScheme) {
    const std::vector<std::string> accepted = {"https://a.example/cb", "http://127.0.0.1/cb",
                                               "http://[::1]:9000/cb", "http://localhost:3000/cb",
                                               "com.example.app:/oauth2redirect"};
    for (std::size_t i = 0; i < accepted.size(); ++i) {
        const RunResult result =
            add({"--id", "ok" + std::to_string(i), "--public", "--redirect-uri", accepted[i]});
        EXPECT_EQ(result.exit_code, 0) << accepted[i] << ": " << describe(result);
    }
    for (const char* refused :
         {"https://a.example/cb#fragment", "http://a.example/cb", "/relative/cb", "myapp:/cb",
          "javascript:alert(1)", "https://user:pw@a.example/cb"}) {
        const RunResult result = add({"--id", "bad", "--public", "--redirect-uri", refused});
        expect_rejected(result, "invalid_redirect_uri");
        EXPECT_NE(result.err.find(refused), std::string::npos) << describe(result);
    }
    const RunResult logout =
        add({"--id", "bad", "--public", "--redirect-uri", "https://a.example/cb",
             "--post-logout-redirect-uri", "http://a.example/bye"});
    expect_rejected(logout, "invalid_post_logout_redirect_uri");
    EXPECT_EQ(listed().size(), accepted.size());
}

TEST_F(ClientCommand, ClientIdsAreCheckedAndTakenOnce) {
    for (const std::string& id :
         std::vector<std::string>{"has space", "slash/id", "", std::string(65, 'x')}) {
        const RunResult result =
            add({"--id", id, "--public", "--redirect-uri", "https://a.example/cb"});
        expect_rejected(result, "invalid_client_id");
    }
    ASSERT_EQ(add({"--id", "My_App.v2-x", "--public", "--redirect-uri", "https://a.example/cb"})
                  .exit_code,
              0);
    const RunResult again =
        add({"--id", "My_App.v2-x", "--public", "--redirect-uri", "https://evil.example/cb"});
    expect_rejected(again, "client_id_taken");
    const auto clients = listed();
    ASSERT_EQ(clients.size(), 1u);
    EXPECT_EQ(strings(clients[0].at("redirect_uris")),
              std::vector<std::string>{"https://a.example/cb"});
}

// "signet" is the first-party API's client_id in access tokens; a configured audience is the
// access tokens' "aud", which an ID token's "aud" (its client id) must never equal.
TEST_F(ClientCommand, TheFirstPartyClientIdAndTheAudienceAreReserved) {
    expect_rejected(add({"--id", "signet", "--public", "--redirect-uri", "https://a.example/cb"}),
                    "invalid_client_id");
    const std::string config = path("signet.toml");
    {
        std::ofstream out(config);
        out << "audience = \"orders-api\"\n";
    }
    expect_rejected(add({"--id", "orders-api", "--public", "--redirect-uri", "https://a.example/cb",
                         "--config", config}),
                    "invalid_client_id");
    EXPECT_EQ(add({"--id", "orders-app", "--public", "--redirect-uri", "https://a.example/cb",
                   "--config", config})
                  .exit_code,
              0);
}

TEST_F(ClientCommand, ListPrintsEveryClientOldestFirst) {
    ASSERT_EQ(add({"--id", "zeta", "--redirect-uri", "https://z.example/cb"}).exit_code, 0);
    ASSERT_EQ(add({"--id", "alpha", "--public", "--name", "Alpha", "--redirect-uri",
                   "https://a.example/cb", "--redirect-uri", "com.example.alpha:/cb"})
                  .exit_code,
              0);
    const auto clients = listed();
    ASSERT_EQ(clients.size(), 2u);
    EXPECT_EQ(clients[0].at("id"), "zeta");
    EXPECT_EQ(clients[0].at("type"), "confidential");
    EXPECT_EQ(clients[1].at("id"), "alpha");
    EXPECT_EQ(clients[1].at("type"), "public");
    EXPECT_EQ(clients[1].at("name"), "Alpha");
    EXPECT_EQ(strings(clients[1].at("redirect_uris")),
              (std::vector<std::string>{"https://a.example/cb", "com.example.alpha:/cb"}));
    for (const auto& client : clients) {
        EXPECT_FALSE(client.contains("client_secret"));
        EXPECT_TRUE(client.at("created_at").is_int64());
    }
}

TEST_F(ClientCommand, ListAndRemoveWithoutADataDirFailAndCreateNone) {
    expect_rejected(run({"client", "list", "--data-dir", data_dir()}), "data_dir_not_found");
    expect_rejected(run({"client", "remove", "app", "--data-dir", data_dir()}),
                    "data_dir_not_found");
    EXPECT_FALSE(std::filesystem::exists(data_dir()));
}

TEST_F(ClientCommand, RemoveRevokesTheClientsRefreshFamiliesAndForgetsIt) {
    ASSERT_EQ(add({"--id", "app", "--redirect-uri", "https://app.example/cb"}).exit_code, 0);
    ASSERT_EQ(add({"--id", "other", "--redirect-uri", "https://other.example/cb"}).exit_code, 0);
    // Families as the token endpoint records them: two of the client, one of another client, one
    // of the first-party API.
    sql("INSERT INTO refresh_families (family_id, user_id, created_at, client_id, scope) VALUES "
        "('f1', 'u1', 1, 'app', 'openid'), ('f2', 'u2', 1, 'app', 'openid'), "
        "('f3', 'u1', 1, 'other', 'openid'), ('f4', 'u1', 1, '', '')");

    const RunResult removed = run({"client", "remove", "app", "--data-dir", data_dir()});
    ASSERT_EQ(removed.exit_code, 0) << describe(removed);
    const boost::json::object result = parse_object(removed.out);
    EXPECT_EQ(result.at("removed"), "app");
    EXPECT_EQ(result.at("revoked_refresh_families"), 2);
    EXPECT_EQ(sql("SELECT count(*) FROM refresh_families WHERE revoked_at IS NOT NULL"), "2");
    EXPECT_EQ(sql("SELECT revoked_at IS NULL FROM refresh_families WHERE family_id = 'f3'"), "1");
    EXPECT_EQ(sql("SELECT revoked_at IS NULL FROM refresh_families WHERE family_id = 'f4'"), "1");

    const auto clients = listed();
    ASSERT_EQ(clients.size(), 1u);
    EXPECT_EQ(clients[0].at("id"), "other");
    EXPECT_EQ(sql("SELECT count(*) FROM client_uris WHERE client_id = 'app'"), "0");
    expect_rejected(run({"client", "remove", "app", "--data-dir", data_dir()}), "client_not_found");
}

}  // namespace
}  // namespace signet::cli::test
