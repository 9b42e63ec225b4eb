// Verification through a remote JWKS source with a warm cache, next to the same Verifier over a
// fixed KeySet, in the same run. The source's set is fetched once from a local HTTP server
// before timing; the verify path then reads it from a per-thread copy, checked against a version
// counter (one atomic load, plus the reference count of the copy it returns). Each pair's
// ratio (remote rate / fixed rate; the target is at least 0.95) is printed after the run.
//
//   verify/keyset/<alg>   Verifier over VerifierOptions::keys
//   verify/remote/<alg>   Verifier over a warm signet::RemoteJwks
#include <benchmark/benchmark.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access_token.hpp"
#include "jwks_client/support/jwks_test_server.hpp"
#include "must.hpp"
#include "signet/jwks_client.hpp"
#include "signet/signet.hpp"

namespace {

using signet::Algorithm;
using signet::bench::kAudience;
using signet::bench::kIssuer;
using signet::bench::must;

struct Pair {
    std::string label;
    std::string token;
    std::optional<signet::Verifier> fixed;
    std::optional<signet::Verifier> remote;
};

signet::VerifierOptions verifier_options() {
    signet::VerifierOptions o;
    o.issuers = {std::string(kIssuer)};
    o.audiences = {std::string(kAudience)};
    o.required_claims = {"exp"};
    return o;
}

void bench_verify(benchmark::State& state, const signet::Verifier& verifier,
                  const std::string& token) {
    for (auto _ : state) {
        auto claims = verifier.verify(token);
        benchmark::DoNotOptimize(claims);
        if (!claims.ok()) {
            state.SkipWithError(("verify failed: " + claims.error().to_string()).c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

// Records each benchmark's rate while the console reporter prints as usual.
class RateRecorder : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
            const auto it = run.counters.find("items_per_second");
            if (it != run.counters.end()) rates[run.benchmark_name()] = it->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> rates;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    signet::test::JwksTestServer issuer;
    std::vector<std::unique_ptr<Pair>> pairs;
    boost::json::array published;
    std::vector<signet::Jwk> public_keys;
    const std::vector<std::pair<std::string, Algorithm>> algorithms = {
        {"ES256", Algorithm::ES256},
        {"EdDSA-Ed25519", Algorithm::EdDSA},
        {"RS256", Algorithm::RS256}};
    std::vector<signet::Jwk> private_keys;
    for (const auto& [label, alg] : algorithms) {
        signet::KeyGenOptions gen;
        gen.kid = label;
        private_keys.push_back(must(signet::Jwk::generate(alg, gen), label + " key"));
        public_keys.push_back(must(private_keys.back().public_key(), label + " public key"));
        published.push_back(public_keys.back().to_json());
    }
    signet::test::CannedResponse jwks;
    jwks.body = boost::json::serialize(boost::json::object{{"keys", published}});
    jwks.headers.emplace_back("Cache-Control", "max-age=3600");
    issuer.set("/jwks", jwks);
    signet::RemoteJwksOptions remote_options;
    remote_options.jwks_uri = issuer.url("/jwks");
    remote_options.allow_http = true;
    const std::shared_ptr<signet::RemoteJwks> source =
        must(signet::RemoteJwks::load(remote_options), "loading the JWKS");

    for (std::size_t i = 0; i < algorithms.size(); ++i) {
        auto p = std::make_unique<Pair>();
        p->label = algorithms[i].first;
        p->token = must(must(signet::Signer::create(private_keys[i]), p->label + " signer")
                            .sign(signet::bench::access_token_claims()),
                        p->label + " sign");
        signet::VerifierOptions fixed = verifier_options();
        fixed.keys = must(signet::KeySet::from_keys({public_keys[i]}), p->label + " key set");
        p->fixed.emplace(must(signet::Verifier::create(std::move(fixed)), p->label + " verifier"));
        signet::VerifierOptions remote = verifier_options();
        remote.key_source = source;
        p->remote.emplace(must(signet::Verifier::create(std::move(remote)), p->label + " remote"));
        must(p->remote->verify(p->token), p->label + " remote verify");
        pairs.push_back(std::move(p));
    }
    for (auto& p : pairs) {
        Pair& ref = *p;
        benchmark::RegisterBenchmark(
            ("verify/keyset/" + ref.label).c_str(),
            [&ref](benchmark::State& s) { bench_verify(s, *ref.fixed, ref.token); });
        benchmark::RegisterBenchmark(
            ("verify/remote/" + ref.label).c_str(),
            [&ref](benchmark::State& s) { bench_verify(s, *ref.remote, ref.token); });
    }
    benchmark::AddCustomContext("signet", SIGNET_VERSION_STRING);

    RateRecorder reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    std::printf("\n%-16s %16s %16s %8s %s\n", "algorithm", "keyset verify/s", "remote verify/s",
                "ratio", "target >= 0.95");
    bool all_met = true;
    for (const auto& p : pairs) {
        const auto fixed = reporter.rates.find("verify/keyset/" + p->label);
        const auto remote = reporter.rates.find("verify/remote/" + p->label);
        if (fixed == reporter.rates.end() || remote == reporter.rates.end()) continue;
        const double ratio = remote->second / fixed->second;
        all_met = all_met && ratio >= 0.95;
        std::printf("%-16s %16.0f %16.0f %8.3f %s\n", p->label.c_str(), fixed->second,
                    remote->second, ratio, ratio >= 0.95 ? "met" : "MISSED");
    }
    const signet::RemoteJwksStats stats = source->stats();
    std::printf("JWKS requests during the run: %zu (fetches %llu, unknown-kid refreshes %llu)\n",
                issuer.requests("/jwks"), static_cast<unsigned long long>(stats.fetches),
                static_cast<unsigned long long>(stats.unknown_kid_refreshes));
    benchmark::Shutdown();
    return all_met ? 0 : 3;
}
