// A Verifier is configured once and then shared by many threads (RFC 8725-style verification on
// the hot path with per-thread crypto contexts). Eight threads verify a mix of valid and invalid
// tokens for HS256, ES256, RS256 and EdDSA, and every result is checked against its expectation.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::fixed_clock;
using testing::key_set;
using testing::kNow;
using testing::make_token;
using testing::public_of;
using testing::tamper_signature;
using testing::test_key;

constexpr int kThreads = 8;
constexpr int kVerifications = 2000;

struct Case {
    std::string token;
    Errc expected;
    std::string subject;  // for valid tokens: the "sub" the claims must carry
    const Verifier* verifier;
};

VerifierOptions options_for(KeySet keys) {
    VerifierOptions o;
    o.keys = std::move(keys);
    o.issuers = {"https://issuer.example"};
    o.audiences = {"api"};
    o.clock = fixed_clock(kNow);
    return o;
}

// Valid and invalid tokens of one algorithm, each with the code it must produce.
void add_cases(Algorithm alg, const Verifier& verifier, std::vector<Case>& cases) {
    const Jwk& key = test_key(alg);
    const json::object header{{"alg", to_string(alg)}, {"kid", key.kid()}};
    for (int i = 0; i < 4; ++i) {
        const std::string sub = std::string(to_string(alg)) + "-user-" + std::to_string(i);
        const json::object claims{{"iss", "https://issuer.example"},
                                  {"aud", "api"},
                                  {"sub", sub},
                                  {"exp", kNow + 60 + i}};
        const std::string token = make_token(header, claims, key, alg);
        cases.push_back({token, Errc::ok, sub, &verifier});
        cases.push_back({tamper_signature(token), Errc::bad_signature, "", &verifier});
    }
    json::object expired{{"iss", "https://issuer.example"}, {"aud", "api"}, {"exp", kNow - 1}};
    cases.push_back({make_token(header, expired, key, alg), Errc::expired, "", &verifier});
    json::object wrong_aud{{"iss", "https://issuer.example"}, {"aud", "api2"}};
    cases.push_back({make_token(header, wrong_aud, key, alg), Errc::bad_audience, "", &verifier});
    json::object wrong_iss{{"iss", "https://evil.example"}, {"aud", "api"}};
    cases.push_back({make_token(header, wrong_iss, key, alg), Errc::bad_issuer, "", &verifier});
    json::object unknown_kid{{"alg", to_string(alg)}, {"kid", "unknown"}};
    cases.push_back(
        {make_token(unknown_kid, wrong_iss, key, alg), Errc::key_not_found, "", &verifier});
}

TEST(VerifierThreads, SharedVerifiersAcrossEightThreads) {
    // HMAC and asymmetric keys cannot share one key set (ambiguous_key_set), so HS256 has its own
    // Verifier; both are shared by every thread.
    ASSERT_EQ(KeySet::from_keys({test_key(Algorithm::HS256), public_of(test_key(Algorithm::ES256))})
                  .code(),
              Errc::ambiguous_key_set);
    const Verifier asymmetric =
        Verifier::create(options_for(key_set({public_of(test_key(Algorithm::ES256)),
                                              public_of(test_key(Algorithm::RS256)),
                                              public_of(test_key(Algorithm::EdDSA))})))
            .value();
    const Verifier hmac =
        Verifier::create(options_for(key_set({test_key(Algorithm::HS256)}))).value();

    std::vector<Case> cases;
    add_cases(Algorithm::HS256, hmac, cases);
    const std::size_t first_es256 = cases.size();
    add_cases(Algorithm::ES256, asymmetric, cases);
    add_cases(Algorithm::RS256, asymmetric, cases);
    add_cases(Algorithm::EdDSA, asymmetric, cases);
    // Cross-verifier: an ES256 token offered to the HMAC verifier is refused by its allow-list.
    ASSERT_EQ(cases[first_es256].expected, Errc::ok);
    cases.push_back({cases[first_es256].token, Errc::alg_not_allowed, "", &hmac});

    std::atomic<int> next{0};
    std::atomic<int> checked{0};
    std::vector<std::vector<std::string>> failures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = next++; i < kVerifications; i = next++) {
                // Stride through the cases so that threads interleave algorithms and outcomes.
                const Case& c = cases[static_cast<std::size_t>(i * 7 + t) % cases.size()];
                auto result = c.verifier->verify(c.token);
                if (result.code() != c.expected) {
                    failures[t].push_back("expected " + std::string(to_string(c.expected)) +
                                          ", got " + std::string(to_string(result.code())));
                } else if (c.expected == Errc::ok && result->subject() != c.subject) {
                    failures[t].push_back("wrong subject for " + c.subject);
                }
                ++checked;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(checked.load(), kVerifications);
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_TRUE(failures[t].empty())
            << "thread " << t << ": " << failures[t].size()
            << " failures, first: " << (failures[t].empty() ? "" : failures[t].front());
    }
}

TEST(VerifierThreads, ConcurrentResultsMatchSingleThreadedResults) {
    const Verifier v =
        Verifier::create(options_for(key_set({public_of(test_key(Algorithm::EdDSA)),
                                              public_of(test_key(Algorithm::ES256))})))
            .value();
    std::vector<Case> cases;
    add_cases(Algorithm::EdDSA, v, cases);
    add_cases(Algorithm::ES256, v, cases);
    std::vector<Errc> single;
    for (const Case& c : cases)
        single.push_back(v.verify(c.token).code());
    std::vector<std::vector<Errc>> per_thread(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (const Case& c : cases)
                per_thread[t].push_back(v.verify(c.token).code());
        });
    }
    for (auto& th : threads)
        th.join();
    for (std::size_t i = 0; i < cases.size(); ++i)
        EXPECT_EQ(single[i], cases[i].expected) << i;
    for (int t = 0; t < kThreads; ++t)
        EXPECT_EQ(per_thread[t], single) << "thread " << t;
}

}  // namespace
}  // namespace signet
