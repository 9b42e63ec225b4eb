// Helpers of the hostile-input suite: keys generated once per process, tokens assembled byte by
// byte (any header, any payload, any signature bytes), and checks that send one token through
// every public verification route and require the same exact error code from each.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jose/test_support.hpp"
#include "signet/signet.hpp"

namespace signet {
// GoogleTest prints codes by name ("bad_signature") rather than by number.
inline void PrintTo(Errc code, std::ostream* os) {
    *os << to_string(code);
}
}  // namespace signet

namespace signet::security {

inline constexpr std::int64_t kNow = 1'700'000'000;  // 2023-11-14T22:13:20Z

inline Clock fixed_clock() {
    return [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNow)); };
}

// A private signing key for `alg`, made on first use and shared by the binary (RSA generation is
// slow). Its "kid" is "<alg>-key" and its "alg" binds it to `alg`. The unit tests' cache.
inline const Jwk& signing_key(Algorithm alg) {
    return testing::test_key(alg);
}

using testing::public_of;

inline KeySet key_set(std::vector<Jwk> keys) {
    return KeySet::from_keys(std::move(keys)).value();
}

inline std::string b64(std::string_view bytes) {
    return base64url_encode(bytes);
}

inline std::string unb64(std::string_view text) {
    return base64url_decode(text).value();
}

inline std::string hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

// The parts of a compact serialization, split on every '.'.
inline std::vector<std::string> split_dots(std::string_view token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = token.find('.', start);
        parts.emplace_back(token.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

inline std::string join_dots(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i != 0) out.push_back('.');
        out += parts[i];
    }
    return out;
}

// A claims set every verifier of this suite accepts at kNow.
inline std::string valid_claims() {
    return R"({"iss":"https://issuer.example","sub":"alice","aud":"api","iat":1699999990,)"
           R"("exp":1700000600})";
}

// signing_input + "." + base64url(signature over signing_input with key under alg).
inline std::string sign_input(std::string_view signing_input, const Jwk& key, Algorithm alg) {
    auto sig = sign_bytes(alg, key, signing_input);
    if (!sig) throw std::runtime_error("signing failed: " + sig.error().to_string());
    return std::string(signing_input) + "." + b64(*sig);
}

// A compact JWS over exactly these header and payload texts, really signed with `key` under
// `alg` whatever the header claims: the only defect of the token is the one a test puts in.
inline std::string signed_token(std::string_view header_json, std::string_view payload_json,
                                const Jwk& key, Algorithm alg) {
    return sign_input(b64(header_json) + "." + b64(payload_json), key, alg);
}

inline VerifierOptions verifier_options(std::vector<Jwk> keys, std::vector<Algorithm> algs = {}) {
    VerifierOptions o;
    o.keys = key_set(std::move(keys));
    o.algorithms = std::move(algs);
    o.clock = fixed_clock();
    return o;
}

inline Verifier make_verifier(VerifierOptions options) {
    return Verifier::create(std::move(options)).value();
}

inline Verifier make_verifier(std::vector<Jwk> keys, std::vector<Algorithm> algs = {}) {
    return make_verifier(verifier_options(std::move(keys), std::move(algs)));
}

inline JwsVerifyOptions jws_options(std::vector<Algorithm> algs) {
    JwsVerifyOptions o;
    o.algorithms = std::move(algs);
    return o;
}

inline std::vector<Algorithm> every_algorithm() {
    const auto all = all_algorithms();
    return {all.begin(), all.end()};
}

// A token for a failure message: its size, start and end (tokens here may be megabytes long).
inline std::string abbreviate(std::string_view token) {
    if (token.size() <= 160) return "token: " + std::string(token);
    return "token of " + std::to_string(token.size()) +
           " bytes: " + std::string(token.substr(0, 100)) + " ... " +
           std::string(token.substr(token.size() - 50));
}

template <class T>
std::string describe(const Result<T>& r) {
    return r.ok() ? std::string("ok") : r.error().to_string();
}

// Verifier::verify reads usual headers with a flat fast-path scanner; verify_with_header always
// runs the full strict parser. Both routes must give the same exact code.
inline void expect_verifier(const Verifier& verifier, std::string_view token, Errc expected) {
    const auto fast = verifier.verify(token);
    EXPECT_EQ(fast.code(), expected) << "Verifier::verify: " << describe(fast);
    const auto full = verifier.verify_with_header(token);
    EXPECT_EQ(full.code(), expected) << "Verifier::verify_with_header: " << describe(full);
}

inline void expect_jws(std::string_view token, const KeySet& keys, const JwsVerifyOptions& options,
                       Errc expected) {
    const auto r = jws::verify(token, keys, options);
    EXPECT_EQ(r.code(), expected) << "jws::verify: " << describe(r);
}

// The median wall time of `reps` calls of f, in seconds: robust to the odd preemption of a shared
// machine, unlike a single measurement.
template <class F>
double median_seconds(int reps, F&& f) {
    std::vector<double> times;
    for (int i = 0; i < reps; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

template <class F>
double seconds_of(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace signet::security

// SCOPED_TRACE gives the failing line and a label for every check made in a loop.
#define EXPECT_VERIFIER(verifier, token, code)                            \
    do {                                                                  \
        SCOPED_TRACE(::signet::security::abbreviate(token));              \
        ::signet::security::expect_verifier((verifier), (token), (code)); \
    } while (false)

#define EXPECT_JWS(token, keys, options, code)                              \
    do {                                                                    \
        SCOPED_TRACE(::signet::security::abbreviate(token));                \
        ::signet::security::expect_jws((token), (keys), (options), (code)); \
    } while (false)
