// Sign and verify of a typical access token for every JWS algorithm, measured next to the raw
// OpenSSL primitive on the same bytes, with the heap allocations each verify costs.
//
// For each algorithm the suite registers:
//   sign/<alg>         Signer::sign of the claims below (serialize, encode, sign)
//   raw_sign/<alg>     OpenSSL alone signing the same signing input
//   verify/<alg>       Verifier::verify of that token: signature plus iss, aud and exp validation,
//                      returning Claims
//   verify_view/<alg>  the same verification returning the claims as a reused ClaimsView
//   raw_verify/<alg>   OpenSSL alone checking the same signature over the same signing input
// and, for HS256 and ES256, verify_threads/<alg> (one Verifier shared by 1 and 2 threads), and
// verify_rotating/HS256/<n> (tokens of n keys in turn, each found by "kid"). The ratio targets
// are also timed paired with their raw side (paired.hpp): paired_view/<alg> (HS256, RS256,
// PS256, ES256, EdDSA-Ed25519), paired_verify/<alg> (the four asymmetric ones, returning
// Claims) and paired_sign/<alg> (HS256, ES256).
// The raw side is the fastest correct OpenSSL code for each algorithm (see bench/README.md):
// everything that can be prepared once is, and each iteration does only the per-message work.
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
#include "ecdsa_der.hpp"
#include "must.hpp"
#include "paired.hpp"
#include "signet/signet.hpp"

namespace {

using signet::Algorithm;
using signet::bench::access_token_claims;
using signet::bench::AllocCounts;
using signet::bench::count_allocations;
using signet::bench::die;
using signet::bench::jose_ecdsa_to_der;
using signet::bench::kAudience;
using signet::bench::kIssuer;
using signet::bench::must;
using signet::bench::run_paired;
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
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct MdFree {
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
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
    std::unique_ptr<EVP_MD, MdFree> md;                  // fetched once (nullptr for EdDSA)
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md_ctx;       // digests; EdDSA: initialised for verify
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ed_sign_ctx;  // EdDSA: initialised for signing
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> verify_ctx;  // RSA, ECDSA: verify over a digest
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> sign_ctx;    // RSA, ECDSA: sign over a digest
    std::unique_ptr<EVP_PKEY, PkeyFree> pkey;               // public key
    std::unique_ptr<EVP_PKEY, PkeyFree> private_pkey;
    std::string raw_signature;              // DER for ECDSA, else the JOSE signature
    std::unique_ptr<EVP_MAC, MacFree> mac;  // HMAC algorithms
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> mac_ctx;

    // Allocation counts, measured on the first run of each benchmark.
    std::optional<AllocCounts> sign_allocs, raw_sign_allocs, verify_allocs, view_allocs, raw_allocs;
};

std::unique_ptr<EVP_PKEY, PkeyFree> read_pem_key(const std::string& pem, bool is_private,
                                                 const std::string& label) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = nullptr;
    if (bio != nullptr) {
        key = is_private ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                         : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    }
    BIO_free(bio);
    if (key == nullptr) die(label + ": cannot read the PEM key");
    return std::unique_ptr<EVP_PKEY, PkeyFree>(key);
}

// An EVP_PKEY_CTX set up once for RSA or ECDSA over a precomputed digest, with the padding
// RFC 7518 §3.3 and §3.5 prescribe (PSS: MGF1 with the same hash, salt as long as the hash).
std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> digest_ctx(EVP_PKEY* key, const EVP_MD* md,
                                                      Algorithm alg, bool signing,
                                                      const std::string& label) {
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    const bool ok =
        ctx && (signing ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) == 1 &&
        EVP_PKEY_CTX_set_signature_md(ctx.get(), md) == 1;
    if (!ok) die(label + ": EVP_PKEY_CTX setup failed");
    if (is_ecdsa(alg)) return ctx;
    const bool rsa_ok =
        is_pss(alg)
            ? EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) == 1 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1
            : EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1;
    if (!rsa_ok) die(label + ": RSA padding setup failed");
    return ctx;
}

std::unique_ptr<Case> make_case(std::string label, Algorithm alg, const signet::Jwk& private_key) {
    auto c = std::make_unique<Case>();
    c->label = std::move(label);
    c->alg = alg;
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
    const signet::ClaimsView view = must(c->verifier->verify_view(c->token), c->label + " view");
    if (view.subject() != c->claims.subject()) die(c->label + ": viewed claims differ");

    const std::size_t dot = c->token.rfind('.');
    c->signing_input = std::string_view(c->token).substr(0, dot);
    c->signature = must(signet::base64url_decode(std::string_view(c->token).substr(dot + 1)),
                        c->label + " signature");

    if (const char* digest = digest_name(alg)) {
        c->md.reset(EVP_MD_fetch(nullptr, digest, nullptr));
        if (!c->md) die(c->label + ": EVP_MD_fetch failed");
    }
    c->md_ctx.reset(EVP_MD_CTX_new());
    if (!c->md_ctx) die("EVP_MD_CTX_new failed");
    if (signet::is_hmac(alg)) {
        const std::string_view secret = private_key.secret();
        c->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
        if (!c->mac) die("EVP_MAC_fetch(HMAC) failed");
        c->mac_ctx.reset(EVP_MAC_CTX_new(c->mac.get()));
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                             const_cast<char*>(digest_name(alg)), 0),
            OSSL_PARAM_construct_end(),
        };
        if (!c->mac_ctx ||
            EVP_MAC_init(c->mac_ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                         secret.size(), params) != 1) {
            die(c->label + ": EVP_MAC_init failed");
        }
        c->raw_signature = c->signature;
        return c;
    }
    // The same keys, through PEM as a user holding them would load them.
    c->pkey = read_pem_key(must(verify_key.to_pem(true), c->label + " to_pem"), false, c->label);
    c->private_pkey =
        read_pem_key(must(private_key.to_pem(false), c->label + " to_pem"), true, c->label);
    if (alg == Algorithm::EdDSA) {
        // EdDSA has no digest step: a message context initialised once per key serves every
        // one-shot call (OpenSSL 3.0 allows reusing it).
        c->ed_sign_ctx.reset(EVP_MD_CTX_new());
        if (!c->ed_sign_ctx ||
            EVP_DigestSignInit_ex(c->ed_sign_ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                  c->private_pkey.get(), nullptr) != 1 ||
            EVP_DigestVerifyInit_ex(c->md_ctx.get(), nullptr, nullptr, nullptr, nullptr,
                                    c->pkey.get(), nullptr) != 1) {
            die(c->label + ": EdDSA context setup failed");
        }
        c->raw_signature = c->signature;
        return c;
    }
    c->verify_ctx = digest_ctx(c->pkey.get(), c->md.get(), alg, false, c->label);
    c->sign_ctx = digest_ctx(c->private_pkey.get(), c->md.get(), alg, true, c->label);
    if (is_ecdsa(alg)) {
        auto der = jose_ecdsa_to_der(c->signature);
        if (!der) die(c->label + ": cannot convert R||S to DER");
        c->raw_signature = std::move(*der);
    } else {
        c->raw_signature = c->signature;
    }
    return c;
}

std::size_t raw_digest(Case& c, unsigned char* out) {
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(c.md_ctx.get(), c.md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(c.md_ctx.get(), c.signing_input.data(), c.signing_input.size()) != 1 ||
        EVP_DigestFinal_ex(c.md_ctx.get(), out, &len) != 1) {
        return 0;
    }
    return len;
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
    if (c.alg == Algorithm::EdDSA) {
        return EVP_DigestVerify(c.md_ctx.get(), sig, c.raw_signature.size(), data,
                                c.signing_input.size()) == 1;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    const std::size_t md_len = raw_digest(c, md);
    return md_len != 0 &&
           EVP_PKEY_verify(c.verify_ctx.get(), sig, c.raw_signature.size(), md, md_len) == 1;
}

// One raw signature of the signing input (DER for ECDSA: no JOSE conversion); its length, or 0.
std::size_t raw_sign_once(Case& c) {
    const auto* data = reinterpret_cast<const unsigned char*>(c.signing_input.data());
    unsigned char out[1024];
    std::size_t out_len = sizeof out;
    if (c.mac_ctx) {
        const bool ok = EVP_MAC_init(c.mac_ctx.get(), nullptr, 0, nullptr) == 1 &&
                        EVP_MAC_update(c.mac_ctx.get(), data, c.signing_input.size()) == 1 &&
                        EVP_MAC_final(c.mac_ctx.get(), out, &out_len, sizeof out) == 1;
        return ok ? out_len : 0;
    }
    if (c.alg == Algorithm::EdDSA) {
        return EVP_DigestSign(c.ed_sign_ctx.get(), out, &out_len, data, c.signing_input.size()) == 1
                   ? out_len
                   : 0;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    const std::size_t md_len = raw_digest(c, md);
    return md_len != 0 && EVP_PKEY_sign(c.sign_ctx.get(), out, &out_len, md, md_len) == 1 ? out_len
                                                                                          : 0;
}

// Runs `op` (true on success) under `state`, with the allocation counts of one call.
template <class Op>
void run(benchmark::State& state, std::optional<AllocCounts>& allocs, const char* failure, Op op) {
    if (!allocs) allocs = count_allocations([&] { benchmark::DoNotOptimize(op()); });
    for (auto _ : state) {
        const bool ok = op();
        benchmark::DoNotOptimize(ok);
        if (!ok) {
            state.SkipWithError(failure);
            break;
        }
    }
    set_alloc_counters(state, *allocs);
    state.SetItemsProcessed(state.iterations());
}

void bench_sign(benchmark::State& state, Case& c) {
    run(state, c.sign_allocs, "Signer::sign failed", [&] {
        auto token = c.signer->sign(c.claims);
        benchmark::DoNotOptimize(token);
        return token.ok();
    });
    state.counters["token_bytes"] = benchmark::Counter(static_cast<double>(c.token.size()));
}

void bench_raw_sign(benchmark::State& state, Case& c) {
    run(state, c.raw_sign_allocs, "raw OpenSSL signing failed",
        [&] { return raw_sign_once(c) != 0; });
}

void bench_verify(benchmark::State& state, Case& c) {
    run(state, c.verify_allocs, "Verifier::verify rejected the token", [&] {
        auto claims = c.verifier->verify(c.token);
        benchmark::DoNotOptimize(claims);
        return claims.ok();
    });
}

void bench_verify_view(benchmark::State& state, Case& c) {
    signet::ClaimsView view;
    run(state, c.view_allocs, "Verifier::verify (view) rejected the token", [&] {
        const bool ok = c.verifier->verify(c.token, view).ok();
        benchmark::DoNotOptimize(view);
        return ok;
    });
}

void bench_raw_verify(benchmark::State& state, Case& c) {
    run(state, c.raw_allocs, "raw OpenSSL verification failed", [&] { return raw_verify_once(c); });
}

// The ratio targets, timed in alternating batches (paired.hpp).
void bench_paired_view(benchmark::State& state, Case& c) {
    signet::ClaimsView view;
    run_paired(
        state, "verification failed", [&] { return raw_verify_once(c); },
        [&] { return c.verifier->verify(c.token, view).ok(); });
}

void bench_paired_verify(benchmark::State& state, Case& c) {
    run_paired(
        state, "verification failed", [&] { return raw_verify_once(c); },
        [&] { return c.verifier->verify(c.token).ok(); });
}

void bench_paired_sign(benchmark::State& state, Case& c) {
    run_paired(
        state, "signing failed", [&] { return raw_sign_once(c) != 0; },
        [&] { return c.signer->sign(c.claims).ok(); });
}

// One Verifier shared by every thread, each with its own ClaimsView: nothing on the verify path
// is shared but the Verifier's immutable state.
void bench_verify_threads(benchmark::State& state, Case& c) {
    signet::ClaimsView view;
    for (auto _ : state) {
        if (!c.verifier->verify(c.token, view).ok()) {
            state.SkipWithError("Verifier::verify rejected the token");
            break;
        }
        benchmark::DoNotOptimize(view);
    }
    state.SetItemsProcessed(state.iterations());
}

// Tokens signed by n HS256 keys in turn, each found by "kid" in one key set: the per-thread
// context cache and the kid index at work.
struct Rotation {
    std::optional<signet::Verifier> verifier;
    std::vector<std::string> tokens;
};

std::unique_ptr<Rotation> make_rotation(std::size_t n) {
    auto r = std::make_unique<Rotation>();
    std::vector<signet::Jwk> keys;
    for (std::size_t i = 0; i < n; ++i) {
        keys.push_back(must(signet::Jwk::generate(Algorithm::HS256), "rotation key")
                           .with_kid("rotation-key-" + std::to_string(i)));
    }
    const signet::Claims claims = access_token_claims();
    for (const signet::Jwk& key : keys) {
        r->tokens.push_back(must(must(signet::Signer::create(key), "rotation signer").sign(claims),
                                 "rotation sign"));
    }
    signet::VerifierOptions options;
    options.keys = must(signet::KeySet::from_keys(std::move(keys)), "rotation key set");
    options.algorithms = {Algorithm::HS256};
    options.issuers = {std::string(kIssuer)};
    options.audiences = {std::string(kAudience)};
    options.required_claims = {"exp"};
    r->verifier.emplace(must(signet::Verifier::create(std::move(options)), "rotation verifier"));
    return r;
}

void bench_verify_rotating(benchmark::State& state, Rotation& r) {
    signet::ClaimsView view;
    std::size_t next = 0;
    for (auto _ : state) {
        if (!r.verifier->verify(r.tokens[next], view).ok()) {
            state.SkipWithError("Verifier::verify rejected a rotation token");
            break;
        }
        next = next + 1 == r.tokens.size() ? 0 : next + 1;
        benchmark::DoNotOptimize(view);
    }
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
        const auto add = [&](const char* kind, void (*fn)(benchmark::State&, Case&)) {
            return benchmark::RegisterBenchmark((std::string(kind) + "/" + ref.label).c_str(),
                                                [&ref, fn](benchmark::State& s) { fn(s, ref); });
        };
        add("sign", bench_sign);
        add("raw_sign", bench_raw_sign);
        add("verify", bench_verify);
        add("verify_view", bench_verify_view);
        add("raw_verify", bench_raw_verify);
        if (ref.label == "HS256" || ref.label == "ES256") {
            add("verify_threads", bench_verify_threads)->Threads(1)->Threads(2)->UseRealTime();
        }
        // The pairs the targets in bench/README.md are stated for.
        if (ref.label == "HS256") add("paired_view", bench_paired_view);
        if (ref.label == "RS256" || ref.label == "PS256" || ref.label == "ES256" ||
            ref.label == "EdDSA-Ed25519") {
            add("paired_view", bench_paired_view);
            add("paired_verify", bench_paired_verify);
        }
        if (ref.label == "HS256" || ref.label == "ES256") add("paired_sign", bench_paired_sign);
    }
    std::vector<std::unique_ptr<Rotation>> rotations;
    for (std::size_t n : {1, 16, 100, 1000}) {
        rotations.push_back(make_rotation(n));
        Rotation& ref = *rotations.back();
        benchmark::RegisterBenchmark(
            ("verify_rotating/HS256/" + std::to_string(n)).c_str(),
            [&ref](benchmark::State& s) { bench_verify_rotating(s, ref); });
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
