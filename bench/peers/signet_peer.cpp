// The Signet side of the peer comparison (bench/peers/run.py), and the tokens every peer reads.
//
//   signet_peer gen DIR
//       generates one key per algorithm (HS256, RS256, ES256, EdDSA with Ed25519), signs the
//       access token of bench/access_token.hpp with each (exp ten years ahead), and writes to DIR:
//       <ALG>.token, <ALG>.bad.token (the same header and claims with another key's signature),
//       <ALG>.jwk (the verification key as a JWK), <ALG>.pem (public key, SPKI PEM),
//       HS256.key (the raw secret) and meta.json (issuer, audience, subject, algorithms).
//   signet_peer run DIR ALG PEER SECONDS WARMUP
//       PEER is "signet" (signet::Verifier, built once: one key, one algorithm, issuer, audience,
//       exp required) or "openssl" (the same signature checked with OpenSSL alone, everything
//       that can be prepared once prepared once). Verifies <ALG>.token in a loop for SECONDS
//       after WARMUP seconds, checks every result, and prints one JSON line
//       {"peer", "alg", "ops_per_s", "iterations", "seconds", ...}.
//
// Only the public API (signet/signet.hpp) is used for the Signet side.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "../access_token.hpp"
#include "../ecdsa_der.hpp"
#include "../must.hpp"
#include "signet/signet.hpp"

namespace {

using signet::Algorithm;
using signet::bench::die;
using signet::bench::kAudience;
using signet::bench::kIssuer;
using signet::bench::must;

constexpr Algorithm kAlgorithms[] = {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256,
                                     Algorithm::EdDSA};

std::optional<Algorithm> parse_alg(std::string_view name) {
    for (Algorithm alg : kAlgorithms) {
        if (signet::to_string(alg) == name) return alg;
    }
    return std::nullopt;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) die("cannot write " + path);
}

std::string oct_secret(const signet::Jwk& key) {
    if (key.secret().empty()) die("an HMAC key without a secret");
    return std::string(key.secret());
}

int generate(const std::string& dir) {
    using namespace std::chrono_literals;
    const std::string subject = "248289761001";
    boost::json::array names;
    for (Algorithm alg : kAlgorithms) {
        const std::string name(signet::to_string(alg));
        signet::KeyGenOptions options;
        if (alg == Algorithm::EdDSA) options.curve = signet::Curve::Ed25519;
        const signet::Jwk key = must(signet::Jwk::generate(alg, options), name + " key");
        const signet::Jwk other = must(signet::Jwk::generate(alg, options), name + " other key");

        signet::Claims claims = signet::bench::access_token_claims();
        if (claims.subject() != subject) die("access_token_claims() changed its subject");
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        claims.set_expires_at(now + std::chrono::days(3650));
        const auto signer = must(signet::Signer::create(key, alg), name + " signer");
        const std::string token = must(signer.sign(claims), name + " sign");
        // The other key signs the same header (same kid) and claims: a well-formed token whose
        // signature does not match the published key.
        const auto other_signer =
            must(signet::Signer::create(other.with_kid(key.kid()), alg), name + " other signer");
        const std::string forged = must(other_signer.sign(claims), name + " other sign");
        if (forged == token) die(name + ": two keys gave the same signature");
        const std::string bad =
            token.substr(0, token.rfind('.')) + forged.substr(forged.rfind('.'));

        write_file(dir + "/" + name + ".token", token);
        write_file(dir + "/" + name + ".bad.token", bad);
        if (signet::is_hmac(alg)) {
            write_file(dir + "/" + name + ".jwk", key.to_json_string(true));
            write_file(dir + "/" + name + ".key", oct_secret(key));
        } else {
            const signet::Jwk pub = must(key.public_key(), name + " public key");
            write_file(dir + "/" + name + ".jwk", pub.to_json_string(false));
            write_file(dir + "/" + name + ".pem", must(pub.to_pem(true), name + " pem"));
        }
        names.emplace_back(name);
    }
    boost::json::object meta;
    meta["issuer"] = kIssuer;
    meta["audience"] = kAudience;
    meta["subject"] = subject;
    meta["algorithms"] = std::move(names);
    meta["signet"] = SIGNET_VERSION_STRING;
    meta["openssl"] = signet::openssl_version();
    write_file(dir + "/meta.json", boost::json::serialize(meta));
    return 0;
}

// ---- timing --------------------------------------------------------------------------------

struct Measurement {
    double ops_per_s = 0;
    long long iterations = 0;
    double seconds = 0;
};

// Runs `op` for `warmup` seconds, then for `seconds`, checking the clock every 64 calls. Every
// call's result is checked; one failure ends the program with an error.
Measurement measure(const std::string& what, const std::function<bool()>& op, double seconds,
                    double warmup) {
    using clock = std::chrono::steady_clock;
    auto run = [&](double budget) {
        const auto start = clock::now();
        long long n = 0;
        std::chrono::duration<double> elapsed{};
        do {
            for (int i = 0; i < 64; ++i) {
                if (!op()) die(what + ": verification failed during the timed loop");
            }
            n += 64;
            elapsed = clock::now() - start;
        } while (elapsed.count() < budget);
        return Measurement{static_cast<double>(n) / elapsed.count(), n, elapsed.count()};
    };
    run(warmup);
    return run(seconds);
}

// ---- Signet ----------------------------------------------------------------------------------

signet::Verifier make_verifier(const std::string& dir, Algorithm alg) {
    const std::string name(signet::to_string(alg));
    const signet::Jwk key = must(signet::Jwk::parse(read_file(dir + "/" + name + ".jwk")), "jwk");
    signet::VerifierOptions options;
    options.keys = must(signet::KeySet::from_keys({key}), "key set");
    options.algorithms = {alg};
    options.issuers = {std::string(kIssuer)};
    options.audiences = {std::string(kAudience)};
    options.required_claims = {"exp"};
    return must(signet::Verifier::create(std::move(options)), "verifier");
}

// ---- OpenSSL alone -----------------------------------------------------------------------------

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct MdFree {
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};

std::string jose_ecdsa_to_der(std::string_view rs) {
    auto der = signet::bench::jose_ecdsa_to_der(rs);
    if (!der) die("cannot convert R||S to DER");
    return std::move(*der);
}

// A raw check of one token's signature: the signing input and signature decoded once, the key
// and algorithm objects prepared once. verify_pkey (RSA, ECDSA) hashes with EVP_Digest and a
// pre-fetched EVP_MD, then calls EVP_PKEY_verify on a context initialised once;
// verify_digest (all asymmetric) calls EVP_DigestVerifyInit_ex + EVP_DigestVerify on a reused
// EVP_MD_CTX; verify_hmac re-initialises a keyed EVP_MAC_CTX.
class RawVerifier {
  public:
    RawVerifier(const std::string& dir, Algorithm alg, const std::string& token) : alg_(alg) {
        const std::string name(signet::to_string(alg));
        const std::size_t dot = token.rfind('.');
        input_ = token.substr(0, dot);
        signature_ =
            must(signet::base64url_decode(std::string_view(token).substr(dot + 1)), "signature");
        if (alg == Algorithm::HS256) {
            const std::string secret = read_file(dir + "/" + name + ".key");
            mac_.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
            if (!mac_) die("EVP_MAC_fetch(HMAC) failed");
            mac_ctx_.reset(EVP_MAC_CTX_new(mac_.get()));
            char digest[] = "SHA256";
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                OSSL_PARAM_construct_end(),
            };
            if (!mac_ctx_ ||
                EVP_MAC_init(mac_ctx_.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                             secret.size(), params) != 1) {
                die("EVP_MAC_init failed");
            }
            return;
        }
        const std::string pem = read_file(dir + "/" + name + ".pem");
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        pkey_.reset(bio == nullptr ? nullptr : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
        BIO_free(bio);
        if (!pkey_) die(name + ": PEM_read_bio_PUBKEY failed");
        if (alg == Algorithm::ES256) signature_ = jose_ecdsa_to_der(signature_);
        md_ctx_.reset(EVP_MD_CTX_new());
        if (!md_ctx_) die("EVP_MD_CTX_new failed");
        if (alg == Algorithm::EdDSA) return;
        md_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
        pkey_ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
        if (!md_ || !pkey_ctx_ || EVP_PKEY_verify_init(pkey_ctx_.get()) != 1 ||
            EVP_PKEY_CTX_set_signature_md(pkey_ctx_.get(), md_.get()) != 1) {
            die(name + ": EVP_PKEY_verify_init failed");
        }
        if (alg == Algorithm::RS256 &&
            EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(), RSA_PKCS1_PADDING) != 1) {
            die(name + ": EVP_PKEY_CTX_set_rsa_padding failed");
        }
    }

    bool has_pkey_method() const { return static_cast<bool>(pkey_ctx_); }

    bool verify_hmac() {
        unsigned char out[EVP_MAX_MD_SIZE];
        std::size_t out_len = 0;
        return EVP_MAC_init(mac_ctx_.get(), nullptr, 0, nullptr) == 1 &&
               EVP_MAC_update(mac_ctx_.get(), data(), input_.size()) == 1 &&
               EVP_MAC_final(mac_ctx_.get(), out, &out_len, sizeof out) == 1 &&
               out_len == signature_.size() && CRYPTO_memcmp(out, sig(), out_len) == 0;
    }

    bool verify_pkey() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        return EVP_Digest(data(), input_.size(), md, &md_len, md_.get(), nullptr) == 1 &&
               EVP_PKEY_verify(pkey_ctx_.get(), sig(), signature_.size(), md, md_len) == 1;
    }

    bool verify_digest() {
        const char* digest = alg_ == Algorithm::EdDSA ? nullptr : "SHA256";
        return EVP_DigestVerifyInit_ex(md_ctx_.get(), nullptr, digest, nullptr, nullptr,
                                       pkey_.get(), nullptr) == 1 &&
               EVP_DigestVerify(md_ctx_.get(), sig(), signature_.size(), data(), input_.size()) ==
                   1;
    }

    // Replaces the signature with another token's, for the rejection check.
    void use_signature_of(const std::string& token) {
        std::string s =
            must(signet::base64url_decode(std::string_view(token).substr(token.rfind('.') + 1)),
                 "signature");
        signature_ = alg_ == Algorithm::ES256 ? jose_ecdsa_to_der(s) : std::move(s);
    }

  private:
    const unsigned char* data() const {
        return reinterpret_cast<const unsigned char*>(input_.data());
    }
    const unsigned char* sig() const {
        return reinterpret_cast<const unsigned char*>(signature_.data());
    }

    Algorithm alg_;
    std::string input_;
    std::string signature_;
    std::unique_ptr<EVP_MAC, MacFree> mac_;
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> mac_ctx_;
    std::unique_ptr<EVP_PKEY, PkeyFree> pkey_;
    std::unique_ptr<EVP_MD, MdFree> md_;
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> pkey_ctx_;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md_ctx_;
};

std::string json_line(std::string_view peer, std::string_view alg, const Measurement& m,
                      const boost::json::object& extra = {}) {
    boost::json::object line = extra;
    line["peer"] = peer;
    line["alg"] = alg;
    line["ops_per_s"] = m.ops_per_s;
    line["iterations"] = m.iterations;
    line["seconds"] = m.seconds;
    return boost::json::serialize(line);
}

int run(const std::string& dir, const std::string& alg_name, const std::string& peer,
        double seconds, double warmup) {
    const auto alg = parse_alg(alg_name);
    if (!alg) die("unknown algorithm " + alg_name);
    const std::string token = read_file(dir + "/" + alg_name + ".token");
    const std::string bad = read_file(dir + "/" + alg_name + ".bad.token");
    const std::string what = peer + " " + alg_name;

    if (peer == "signet") {
        const signet::Verifier verifier = make_verifier(dir, *alg);
        const std::string_view subject = "248289761001";
        // The fast path: the claims read in place through one reused ClaimsView.
        signet::ClaimsView claims;
        auto ok = [&] {
            return verifier.verify(token, claims).ok() && claims.subject() == subject;
        };
        if (verifier.verify(bad).ok()) die(what + ": a token with a wrong signature verified");
        if (!ok()) die(what + ": the token does not verify");
        const Measurement m = measure(what, ok, seconds, warmup);
        std::printf("%s\n",
                    json_line(peer, alg_name, m, {{"version", SIGNET_VERSION_STRING}}).c_str());
        return 0;
    }
    if (peer != "openssl") die("unknown peer " + peer + " (signet or openssl)");

    RawVerifier good(dir, *alg, token);
    RawVerifier wrong(dir, *alg, token);
    wrong.use_signature_of(bad);
    const boost::json::string version = signet::openssl_version();
    struct Method {
        const char* name;
        std::function<bool(RawVerifier&)> call;
    };
    std::vector<Method> methods;
    if (*alg == Algorithm::HS256) {
        methods.push_back({"EVP_MAC", [](RawVerifier& v) { return v.verify_hmac(); }});
    } else {
        if (good.has_pkey_method()) {
            methods.push_back(
                {"EVP_Digest+EVP_PKEY_verify", [](RawVerifier& v) { return v.verify_pkey(); }});
        }
        methods.push_back({"EVP_DigestVerify", [](RawVerifier& v) { return v.verify_digest(); }});
    }
    // Every method is measured; the fastest is the baseline, the others are reported beside it.
    std::optional<std::pair<const char*, Measurement>> best;
    boost::json::array all;
    for (const Method& method : methods) {
        const std::string label = what + " " + method.name;
        if (method.call(wrong)) die(label + ": a wrong signature verified");
        if (!method.call(good)) die(label + ": the signature does not verify");
        const Measurement m = measure(
            label, [&] { return method.call(good); }, seconds, warmup);
        all.push_back({{"method", method.name}, {"ops_per_s", m.ops_per_s}});
        if (!best || m.ops_per_s > best->second.ops_per_s) best.emplace(method.name, m);
    }
    std::printf("%s\n", json_line(peer, alg_name, best->second,
                                  {{"method", best->first}, {"methods", all}, {"version", version}})
                            .c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "gen" && argc == 3) return generate(argv[2]);
    if (mode == "run" && argc == 7) {
        return run(argv[2], argv[3], argv[4], std::strtod(argv[5], nullptr),
                   std::strtod(argv[6], nullptr));
    }
    std::fprintf(stderr,
                 "usage: signet_peer gen DIR\n"
                 "       signet_peer run DIR ALG signet|openssl SECONDS WARMUP\n");
    return 2;
}
