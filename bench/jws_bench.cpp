// Sign and verify of a typical access token for every JWS algorithm, measured next to the raw
// OpenSSL primitive on the same bytes, with the heap allocations each verify costs.
//
// For each algorithm the suite registers three benchmarks:
//   sign/<alg>        Signer::sign of the claims below (serialize, encode, sign)
//   verify/<alg>      Verifier::verify of that token: signature plus iss, aud and exp validation
//   raw_verify/<alg>  what OpenSSL alone costs for the same signature over the same signing input:
//                     an HMAC computation and comparison, or one EVP_DigestVerify
// The raw side is written the way a user of OpenSSL naturally writes it: algorithm objects and
// keys are prepared once, and each iteration re-initialises a reused context.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access_token.hpp"
#include "alloc_counter.hpp"
#include "must.hpp"
#include "signet/signet.hpp"

namespace {

using signet::Algorithm;
using signet::bench::access_token_claims;
using signet::bench::AllocCounts;
using signet::bench::count_allocations;
using signet::bench::die;
using signet::bench::kAudience;
using signet::bench::kIssuer;
using signet::bench::must;
using signet::bench::set_alloc_counters;

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};

// The digest name OpenSSL wants for an algorithm; nullptr for EdDSA, which hashes internally.
const char* digest_name(Algorithm alg) {
    switch (alg) {
        case Algorithm::HS256:
        case Algorithm::RS256:
        case Algorithm::PS256:
        case Algorithm::ES256:
        case Algorithm::ES256K: return "SHA256";
        case Algorithm::HS384:
        case Algorithm::RS384:
        case Algorithm::PS384:
        case Algorithm::ES384: return "SHA384";
        case Algorithm::HS512:
        case Algorithm::RS512:
        case Algorithm::PS512:
        case Algorithm::ES512: return "SHA512";
        case Algorithm::EdDSA: return nullptr;
    }
    return nullptr;
}

bool is_pss(Algorithm alg) {
    return alg == Algorithm::PS256 || alg == Algorithm::PS384 || alg == Algorithm::PS512;
}

bool is_ecdsa(Algorithm alg) {
    return alg == Algorithm::ES256 || alg == Algorithm::ES384 || alg == Algorithm::ES512 ||
           alg == Algorithm::ES256K;
}

// JOSE ECDSA signatures are R||S (RFC 7518 §3.4); OpenSSL's EVP interface wants DER.
std::optional<std::string> jose_ecdsa_to_der(std::string_view rs) {
    const std::size_t half = rs.size() / 2;
    const auto* bytes = reinterpret_cast<const unsigned char*>(rs.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) return std::nullopt;
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

// Everything one algorithm's benchmarks need, prepared once before any timing.
struct Case {
    std::string label;  // "RS256", "EdDSA-Ed25519"
    Algorithm alg{};
    std::optional<signet::Signer> signer;
    std::optional<signet::Verifier> verifier;
    signet::Claims claims;
    std::string token;
    std::string_view signing_input;  // view into token
    std::string signature;           // decoded JOSE signature

    // Raw OpenSSL side.
    const char* digest = nullptr;
    std::unique_ptr<EVP_PKEY, PkeyFree> pkey;  // asymmetric algorithms
    std::string raw_signature;                 // DER for ECDSA, else the JOSE signature
    std::unique_ptr<EVP_MAC, MacFree> mac;     // HMAC algorithms
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> mac_ctx;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md_ctx;

    // Allocation counts, measured on the first run of each benchmark.
    std::optional<AllocCounts> sign_allocs;
    std::optional<AllocCounts> verify_allocs;
    std::optional<AllocCounts> raw_allocs;
};

std::unique_ptr<Case> make_case(std::string label, Algorithm alg, const signet::Jwk& private_key) {
    auto c = std::make_unique<Case>();
    c->label = std::move(label);
    c->alg = alg;
    c->digest = digest_name(alg);
    c->claims = access_token_claims();
    c->signer.emplace(must(signet::Signer::create(private_key, alg), c->label + " signer"));
    c->token = must(c->signer->sign(c->claims), c->label + " sign");

    const signet::Jwk verify_key = signet::is_hmac(alg)
                                       ? private_key
                                       : must(private_key.public_key(), c->label + " public key");
    signet::VerifierOptions options;
    options.keys = must(signet::KeySet::from_keys({verify_key}), c->label + " key set");
    options.algorithms = {alg};
    options.issuers = {std::string(kIssuer)};
    options.audiences = {std::string(kAudience)};
    options.required_claims = {"exp"};
    c->verifier.emplace(must(signet::Verifier::create(std::move(options)), c->label + " verifier"));
    const signet::Claims verified = must(c->verifier->verify(c->token), c->label + " verify");
    if (verified.subject() != c->claims.subject()) die(c->label + ": verified claims differ");

    const std::size_t dot = c->token.rfind('.');
    c->signing_input = std::string_view(c->token).substr(0, dot);
    c->signature = must(signet::base64url_decode(std::string_view(c->token).substr(dot + 1)),
                        c->label + " signature");

    if (signet::is_hmac(alg)) {
        // The secret, read back from the JWK's "k" (RFC 7518 §6.4.1).
        const boost::json::object jwk = private_key.to_json(true);
        const auto* k = jwk.if_contains("k");
        if (k == nullptr || !k->is_string()) die(c->label + ": oct JWK without \"k\"");
        const std::string secret =
            must(signet::base64url_decode(std::string_view(k->get_string())), c->label + " k");
        c->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
        if (!c->mac) die("EVP_MAC_fetch(HMAC) failed");
        c->mac_ctx.reset(EVP_MAC_CTX_new(c->mac.get()));
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(c->digest),
                                             0),
            OSSL_PARAM_construct_end(),
        };
        if (!c->mac_ctx ||
            EVP_MAC_init(c->mac_ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                         secret.size(), params) != 1) {
            die(c->label + ": EVP_MAC_init failed");
        }
        c->raw_signature = c->signature;
    } else {
        // The same public key, through PEM as a user holding the key would load it.
        const std::string pem = must(verify_key.to_pem(true), c->label + " to_pem");
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        c->pkey.reset(bio == nullptr ? nullptr
                                     : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
        BIO_free(bio);
        if (!c->pkey) die(c->label + ": PEM_read_bio_PUBKEY failed");
        if (is_ecdsa(alg)) {
            auto der = jose_ecdsa_to_der(c->signature);
            if (!der) die(c->label + ": cannot convert R||S to DER");
            c->raw_signature = std::move(*der);
        } else {
            c->raw_signature = c->signature;
        }
        c->md_ctx.reset(EVP_MD_CTX_new());
        if (!c->md_ctx) die("EVP_MD_CTX_new failed");
    }
    return c;
}

// One raw verification; true when the signature is valid.
bool raw_verify_once(Case& c) {
    const auto* data = reinterpret_cast<const unsigned char*>(c.signing_input.data());
    const auto* sig = reinterpret_cast<const unsigned char*>(c.raw_signature.data());
    if (c.mac_ctx) {
        unsigned char out[EVP_MAX_MD_SIZE];
        std::size_t out_len = 0;
        return EVP_MAC_init(c.mac_ctx.get(), nullptr, 0, nullptr) == 1 &&
               EVP_MAC_update(c.mac_ctx.get(), data, c.signing_input.size()) == 1 &&
               EVP_MAC_final(c.mac_ctx.get(), out, &out_len, sizeof out) == 1 &&
               out_len == c.raw_signature.size() && CRYPTO_memcmp(out, sig, out_len) == 0;
    }
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(c.md_ctx.get(), &pctx, c.digest, nullptr, nullptr, c.pkey.get(),
                                nullptr) != 1) {
        return false;
    }
    if (is_pss(c.alg)) {
        // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output.
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
            return false;
        }
    }
    return EVP_DigestVerify(c.md_ctx.get(), sig, c.raw_signature.size(), data,
                            c.signing_input.size()) == 1;
}

void bench_sign(benchmark::State& state, Case& c) {
    if (!c.sign_allocs) {
        c.sign_allocs =
            count_allocations([&] { benchmark::DoNotOptimize(c.signer->sign(c.claims)); });
    }
    for (auto _ : state) {
        auto token = c.signer->sign(c.claims);
        benchmark::DoNotOptimize(token);
        if (!token.ok()) {
            state.SkipWithError("Signer::sign failed");
            break;
        }
    }
    set_alloc_counters(state, *c.sign_allocs);
    state.counters["token_bytes"] = benchmark::Counter(static_cast<double>(c.token.size()));
    state.SetItemsProcessed(state.iterations());
}

void bench_verify(benchmark::State& state, Case& c) {
    if (!c.verify_allocs) {
        c.verify_allocs =
            count_allocations([&] { benchmark::DoNotOptimize(c.verifier->verify(c.token)); });
    }
    for (auto _ : state) {
        auto claims = c.verifier->verify(c.token);
        benchmark::DoNotOptimize(claims);
        if (!claims.ok()) {
            state.SkipWithError("Verifier::verify rejected the token");
            break;
        }
    }
    set_alloc_counters(state, *c.verify_allocs);
    state.SetItemsProcessed(state.iterations());
}

void bench_raw_verify(benchmark::State& state, Case& c) {
    if (!c.raw_allocs) {
        c.raw_allocs = count_allocations([&] { benchmark::DoNotOptimize(raw_verify_once(c)); });
    }
    for (auto _ : state) {
        const bool ok = raw_verify_once(c);
        benchmark::DoNotOptimize(ok);
        if (!ok) {
            state.SkipWithError("raw OpenSSL verification failed");
            break;
        }
    }
    set_alloc_counters(state, *c.raw_allocs);
    state.SetItemsProcessed(state.iterations());
}

std::vector<std::unique_ptr<Case>> make_cases() {
    std::vector<std::unique_ptr<Case>> cases;
    auto generate = [](Algorithm alg, std::optional<signet::Curve> curve = std::nullopt) {
        signet::KeyGenOptions options;
        options.curve = curve;
        return must(signet::Jwk::generate(alg, options),
                    "generate " + std::string(signet::to_string(alg)));
    };
    for (Algorithm alg : {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512}) {
        cases.push_back(make_case(std::string(signet::to_string(alg)), alg, generate(alg)));
    }
    // One 2048-bit RSA key serves all six RSA algorithms, re-bound to each by its "alg".
    const signet::Jwk rsa = generate(Algorithm::RS256);
    for (Algorithm alg : {Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256,
                          Algorithm::PS384, Algorithm::PS512}) {
        cases.push_back(make_case(std::string(signet::to_string(alg)), alg, rsa.with_alg(alg)));
    }
    for (Algorithm alg :
         {Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::ES256K}) {
        cases.push_back(make_case(std::string(signet::to_string(alg)), alg, generate(alg)));
    }
    cases.push_back(make_case("EdDSA-Ed25519", Algorithm::EdDSA,
                              generate(Algorithm::EdDSA, signet::Curve::Ed25519)));
    cases.push_back(make_case("EdDSA-Ed448", Algorithm::EdDSA,
                              generate(Algorithm::EdDSA, signet::Curve::Ed448)));
    return cases;
}

}  // namespace

int main(int argc, char** argv) {
    // Must come before OpenSSL's first allocation.
    const bool openssl_counted = signet::bench::install_openssl_alloc_counter();

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    auto cases = make_cases();
    for (auto& c : cases) {
        Case& ref = *c;
        benchmark::RegisterBenchmark(("sign/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_sign(s, ref); });
        benchmark::RegisterBenchmark(("verify/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_verify(s, ref); });
        benchmark::RegisterBenchmark(("raw_verify/" + ref.label).c_str(),
                                     [&ref](benchmark::State& s) { bench_raw_verify(s, ref); });
    }

    benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
    benchmark::AddCustomContext("signet", SIGNET_VERSION_STRING);
    benchmark::AddCustomContext("claims_bytes",
                                std::to_string(cases.front()->claims.to_json_string().size()));
    benchmark::AddCustomContext("openssl_allocs_counted", openssl_counted ? "yes" : "no");

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
