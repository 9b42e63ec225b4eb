// The code flow's rules that depend on time, over a real SQLite file and the memory code store:
// a code is exchanged only within 60 s of its issue (RFC 6749 §4.1.2), and the ID token's times.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/auth/access_token_key_options.hpp"
#include "server/auth/authorization_service.hpp"
#include "server/auth/id_token_issuer.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/oauth_grants.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/token_service.hpp"
#include "server/http/metrics.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/temp_dir.hpp"
#include "signet/base64url.hpp"

namespace signet::server {
namespace {

constexpr std::int64_t kNow = 1'900'000'000;
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr std::string_view kRedirect = "https://app.example/cb";

http::FormParams form(std::initializer_list<std::pair<std::string, std::string>> items) {
    http::FormParams params;
    for (const auto& [name, value] : items)
        params.add(name, value);
    return params;
}

class CodeLifetime : public ::testing::Test {
  protected:
    void SetUp() override {
        client_.id = "app";
        client_.redirect_uris = {std::string(kRedirect)};
        ASSERT_TRUE(stores_.clients->create(client_));
        user_ = User{.id = "u1",
                     .email = "ada@example.com",
                     .password_hash = "unused",
                     .disabled = false,
                     .created_at = kNow,
                     .password_generation = 0};
        ASSERT_TRUE(stores_.users->create(user_));
    }

    // A code issued at `at` for a session begun at `session_start`.
    std::string issue_code(std::int64_t at, std::int64_t session_start) {
        Session session{user_.id, user_.email, session_start, at + 3600, at + 3600};
        const AuthorizeDecision decision =
            authorizations_.decide(form({{"client_id", "app"},
                                         {"redirect_uri", std::string(kRedirect)},
                                         {"response_type", "code"},
                                         {"scope", "openid email"},
                                         {"nonce", "n1"},
                                         {"code_challenge", std::string(kChallenge)},
                                         {"code_challenge_method", "S256"}}),
                                   session, false, at);
        EXPECT_EQ(decision.step, AuthorizeStep::redirect_code) << decision.description;
        const std::size_t at_code = decision.location.find("code=");
        return decision.location.substr(at_code + 5,
                                        decision.location.find('&', at_code) - at_code - 5);
    }

    GrantOutcome exchange(const std::string& code, std::int64_t at) {
        return grants_.exchange_code(client_,
                                     form({{"code", code},
                                           {"redirect_uri", std::string(kRedirect)},
                                           {"code_verifier", std::string(kVerifier)}}),
                                     at);
    }

    test::TempDir dir_;
    SqliteStores stores_ = open_sqlite_stores(dir_ / "signet.db");
    std::shared_ptr<AuthorizationCodeStore> codes_ = make_memory_authorization_code_store();
    RevocationList revocations_{make_memory_revocation_store()};
    KeyManager keys_{stores_.keys, test::access_token_key_options()};
    http::Metrics metrics_;
    TokenService tokens_{TokenSettings{.issuer = "https://issuer.example",
                                       .audience = "api",
                                       .scope = "api",
                                       .access_ttl = std::chrono::seconds(900),
                                       .refresh_ttl = std::chrono::seconds(86400),
                                       .refresh_family_max_lifetime = std::chrono::seconds(864000),
                                       .leeway = std::chrono::seconds(0)},
                         keys_,
                         *stores_.users,
                         *stores_.refresh_tokens,
                         revocations_,
                         metrics_};
    IdTokenIssuer id_tokens_{keys_, "https://issuer.example", std::chrono::seconds(900)};
    AuthorizationService authorizations_{
        *stores_.clients, *codes_, "https://issuer.example", {"openid", "email", "api"}};
    OAuthGrants grants_{*codes_, *stores_.users, tokens_, id_tokens_};
    Client client_;
    User user_;
};

TEST_F(CodeLifetime, ACodeIsExchangedWithin60SecondsAndNotAfter) {
    const GrantOutcome in_time = exchange(issue_code(kNow, kNow - 100), kNow + 59);
    ASSERT_TRUE(in_time.tokens) << in_time.error << ": " << in_time.description;
    const GrantOutcome late = exchange(issue_code(kNow, kNow - 100), kNow + 60);
    EXPECT_FALSE(late.tokens);
    EXPECT_EQ(late.error, "invalid_grant");
}

TEST_F(CodeLifetime, TheIdTokenCarriesTheSessionsAuthTimeAndTheExchangesTimes) {
    const GrantOutcome outcome = exchange(issue_code(kNow, kNow - 100), kNow + 5);
    ASSERT_TRUE(outcome.tokens) << outcome.description;
    const std::string& id_token = outcome.tokens->id_token;
    const std::size_t first = id_token.find('.');
    const std::size_t second = id_token.find('.', first + 1);
    const auto payload = base64url_decode(id_token.substr(first + 1, second - first - 1));
    ASSERT_TRUE(payload);
    Result<Claims> claims = Claims::parse(*payload);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->json().at("auth_time").as_int64(), kNow - 100);
    EXPECT_EQ(claims->json().at("iat").as_int64(), kNow + 5);
    EXPECT_EQ(claims->json().at("exp").as_int64(), kNow + 5 + 900);
    EXPECT_EQ(claims->get_string("nonce").value_or(""), "n1");
    EXPECT_EQ(outcome.tokens->scope, "openid email");
}

// A replay racing the first exchange: the code is redeemed (the first exchange is still issuing),
// the replay comes and finds no family to revoke yet; the first exchange must then revoke what it
// issued and hand out nothing (RFC 6749 §4.1.2, RFC 9700 §4.5).
TEST_F(CodeLifetime, AReplayDuringTheFirstExchangeStillRevokesWhatItIssues) {
    const std::string code = issue_code(kNow, kNow - 100);
    const std::string key = sha256_hex(code);
    const RedeemedCode first = codes_->redeem(key, kNow + 1, kNow + 601);
    ASSERT_EQ(first.outcome, CodeRedemption::first);
    const GrantOutcome replay = exchange(code, kNow + 2);
    EXPECT_EQ(replay.error, "invalid_grant");
    const GrantOutcome finished = grants_.issue_for_code(client_, key, first.code, kNow + 3);
    EXPECT_FALSE(finished.tokens);
    EXPECT_EQ(finished.error, "invalid_grant");
    EXPECT_TRUE(revocations_.is_revoked(first.code.access_token_jti, user_.id, kNow + 3, kNow + 3));

    // Without a replay the same second half issues.
    const std::string other = issue_code(kNow, kNow - 100);
    const RedeemedCode alone = codes_->redeem(sha256_hex(other), kNow + 1, kNow + 601);
    const GrantOutcome issued =
        grants_.issue_for_code(client_, sha256_hex(other), alone.code, kNow + 3);
    EXPECT_TRUE(issued.tokens);
}

// Another client's replay of a code it saw does not end the owner's login.
TEST_F(CodeLifetime, OnlyTheCodesOwnClientsReplayRevokes) {
    Client intruder;
    intruder.id = "intruder";
    intruder.redirect_uris = {std::string(kRedirect)};
    ASSERT_TRUE(stores_.clients->create(intruder));
    const std::string code = issue_code(kNow, kNow - 100);
    const GrantOutcome owner = exchange(code, kNow + 1);
    ASSERT_TRUE(owner.tokens);
    const GrantOutcome replay =
        grants_.exchange_code(intruder,
                              form({{"code", code},
                                    {"redirect_uri", std::string(kRedirect)},
                                    {"code_verifier", std::string(kVerifier)}}),
                              kNow + 2);
    EXPECT_EQ(replay.error, "invalid_grant");
    const TokenService::RefreshResult refreshed =
        tokens_.refresh(owner.tokens->tokens.refresh_token, kNow + 3, "app");
    EXPECT_TRUE(refreshed.pair) << "the owner's family survives another client's replay";
    // The owner's own replay does revoke.
    EXPECT_EQ(exchange(code, kNow + 4).error, "invalid_grant");
    EXPECT_FALSE(tokens_.refresh(refreshed.pair->refresh_token, kNow + 5, "app").pair);
}

// RFC 8252 §7.3: a native app listening on a loopback IP literal picks its port when it starts.
TEST_F(CodeLifetime, ALoopbackRedirectUriMatchesOnAnyPortAndNothingElseLoosens) {
    Client native;
    native.id = "native";
    native.redirect_uris = {"http://127.0.0.1/cb", "http://[::1]:8080/cb", "http://localhost/cb",
                            "https://app.example/cb"};
    ASSERT_TRUE(stores_.clients->create(native));
    Session session{user_.id, user_.email, kNow, kNow + 3600, kNow + 3600};
    const auto step_for = [&](const std::string& uri) {
        return authorizations_
            .decide(form({{"client_id", "native"},
                          {"redirect_uri", uri},
                          {"response_type", "code"},
                          {"scope", "openid"},
                          {"code_challenge", std::string(kChallenge)},
                          {"code_challenge_method", "S256"}}),
                    session, false, kNow)
            .step;
    };
    for (const std::string uri : {"http://127.0.0.1:53111/cb", "http://127.0.0.1/cb",
                                  "http://[::1]:1/cb", "http://[::1]/cb"}) {
        EXPECT_EQ(step_for(uri), AuthorizeStep::redirect_code) << uri;
    }
    for (const std::string uri :
         {"http://127.0.0.1:53111/cb/x", "http://127.0.0.1:53111/cb?x=1", "http://127.0.0.2:1/cb",
          "http://localhost:8080/cb", "https://app.example:8443/cb", "https://127.0.0.1:1/cb",
          "http://user@127.0.0.1:1/cb", "http://127.0.0.1:1/cb#f"}) {
        EXPECT_EQ(step_for(uri), AuthorizeStep::show_error) << uri;
    }
}

}  // namespace
}  // namespace signet::server
