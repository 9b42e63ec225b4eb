// `signet token ...`: sign a claims set into a JWT (RFC 7519, compact JWS of RFC 7515), verify one
// with the library's Verifier, or decode one for display without verifying it.
#include <algorithm>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "signet/algorithm.hpp"
#include "signet/claims.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jwt.hpp"

namespace signet::cli {

namespace {

// Bounds for second counts given on the command line; a larger value is a typo, not a policy.
constexpr std::int64_t kMaxSeconds = 2147483647;

std::string non_empty(const Args& args, std::string_view name) {
    std::string value = *args.value(name);
    if (value.empty()) throw UsageError("option '--" + std::string(name) + "' must not be empty");
    return value;
}

int run_sign(const Args& args) {
    std::optional<Algorithm> alg;
    if (auto name = args.value("alg")) alg = parse_algorithm_option("alg", *name);
    std::optional<std::string> kid;
    if (args.has("kid")) kid = non_empty(args, "kid");
    std::optional<std::string> typ;
    if (args.has("typ")) typ = non_empty(args, "typ");
    std::optional<std::int64_t> expires_in;
    if (auto n = args.value("expires-in")) {
        expires_in = parse_integer("expires-in", *n, 0, kMaxSeconds);
    }

    auto key = load_single_key(*args.value("key"));
    if (!key) return report(key.error());
    if (!alg && !key->alg()) {
        return report(Errc::invalid_argument,
                      key->alg_name().empty()
                          ? "the key has no \"alg\" member; pass --alg ALG"
                          : "the key's \"alg\" (" + key->alg_name() +
                                ") is not a signature algorithm; pass --alg ALG");
    }
    // --kid names the key in the header ("kid", RFC 7515 §4.1.4) in place of the key's own kid.
    auto signer = Signer::create(kid ? key->with_kid(*kid) : *key, alg);
    if (!signer) return report(signer.error());
    if (typ) signer->type(*typ);

    auto text = read_input(args.operands().front());
    if (!text) return report(text.error());
    auto claims = Claims::parse(*text);
    if (!claims) return report(claims.error());
    if (expires_in) {
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        claims->set_expires_at(now + std::chrono::seconds(*expires_in));
        if (!claims->contains("iat")) claims->set_issued_at(now);
    }
    auto token = signer->sign(*claims);
    if (!token) return report(token.error());
    print_line(*token);
    return kExitOk;
}

int run_verify(const Args& args) {
    VerifierOptions options;
    for (const std::string& name : args.values("alg")) {
        const Algorithm alg = parse_algorithm_option("alg", name);
        if (std::find(options.algorithms.begin(), options.algorithms.end(), alg) ==
            options.algorithms.end()) {
            options.algorithms.push_back(alg);
        }
    }
    options.issuers = args.values("iss");
    options.audiences = args.values("aud");
    options.required_claims = args.values("require");
    if (auto leeway = args.value("leeway")) {
        options.leeway = std::chrono::seconds(parse_integer("leeway", *leeway, 0, kMaxSeconds));
    }
    if (args.has("typ")) options.type = non_empty(args, "typ");

    const std::string key_path = *args.value("key");
    auto keys = load_key_set(key_path);
    if (!keys) return report(keys.error());
    if (keys->empty()) {
        return report(Errc::key_not_found, input_name(key_path) + " holds no usable key");
    }
    if (options.algorithms.empty() && std::none_of(keys->begin(), keys->end(), [](const Jwk& k) {
            return k.alg().has_value();
        })) {
        // RFC 8725 §3.1: the algorithm is never taken from the token being verified.
        return report(Errc::invalid_argument,
                      "no algorithm allowed: the key has no \"alg\" member and no --alg was "
                      "given; the algorithm is never guessed from the token");
    }
    if (keys->size() == 1 && keys->keys().front().kid().empty()) {
        // A single key without a "kid" (a PEM file, typically) is the one the user chose; a
        // token's "kid" cannot be matched against it, so the key is used whatever kid the token
        // names. The library still checks the key's type and binding against the token's "alg".
        options.key_resolver =
            [key = keys->keys().front()](const boost::json::object&) -> Result<Jwk> { return key; };
    }
    options.keys = std::move(*keys);

    auto token = read_token(args.operands().front());
    if (!token) return report(token.error());
    auto verifier = Verifier::create(std::move(options));
    if (!verifier) return report(verifier.error());
    auto claims = verifier->verify(*token);
    if (!claims) return report(claims.error());
    print_json(claims->json());
    return kExitOk;
}

int run_decode(const Args& args) {
    auto token = read_token(args.operands().front());
    if (!token) return report(token.error());
    auto decoded = decode_without_verification(*token);
    if (!decoded) return report(decoded.error());
    std::cerr << "warning: the token was NOT verified: its signature, expiry and issuer were not "
                 "checked\n";
    boost::json::object out;
    out["header"] = std::move(decoded->header);
    out["payload"] = std::move(decoded->payload);
    print_json(out);
    return kExitOk;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"sign",
         {.path = "token sign",
          .summary = "Sign a claims set into a compact JWS (JWT)",
          .operands = "CLAIMS_FILE|-",
          .description =
              "Sign the JSON claims set in CLAIMS_FILE (or stdin) and print the compact JWS.\n"
              "The algorithm is --alg or else the key's \"alg\"; the key must allow it. The key\n"
              "is a private JWK, a JWKS holding one key, or a PEM private key.",
          .options = {{"key", "FILE", "Signing key: JWK, single-key JWKS or PEM (- for stdin)",
                       false, true},
                      {"alg", "ALG", "Signature algorithm (default: the key's \"alg\")"},
                      {"kid", "KID", "Header \"kid\" (default: the key's kid)"},
                      {"typ", "TYP", "Header \"typ\" (default: JWT)"},
                      {"expires-in", "SECONDS",
                       "Set \"exp\" to now + SECONDS, and \"iat\" to now unless present"}},
          .min_operands = 1,
          .max_operands = 1},
         run_sign},
        {"verify",
         {.path = "token verify",
          .summary = "Verify a token and print its payload",
          .operands = "TOKEN|-",
          .description =
              "Verify a compact JWS/JWT: signature, then exp/nbf/iat, iss, aud, typ and required\n"
              "claims. On success print the payload JSON (exit 0). On rejection print nothing on\n"
              "stdout and \"<error_code>: <message>\" on stderr (exit 1).\n"
              "Allowed algorithms come from --alg, or else from the keys' \"alg\"; with neither,\n"
              "verification is refused. TOKEN is the token itself, a file holding it, or - for\n"
              "stdin; trailing whitespace read from a file or stdin is ignored. A key is chosen "
              "by\n"
              "the token's \"kid\"; a single key without a kid (a PEM key) is used for any kid.",
          .options =
              {{"key", "FILE", "Verification key(s): JWK, JWKS or PEM (- for stdin)", false, true},
               {"alg", "ALG", "Allow this algorithm (repeatable)", true},
               {"iss", "ISS", "Require this issuer (repeat to accept any of several)", true},
               {"aud", "AUD", "Require this audience (repeat to accept any of several)", true},
               {"leeway", "SECONDS", "Clock leeway for exp/nbf/iat (default 0)"},
               {"require", "CLAIM", "Require this claim to be present (repeatable)", true},
               {"typ", "TYP", "Require this header \"typ\""}},
          .min_operands = 1,
          .max_operands = 1},
         run_verify},
        {"decode",
         {.path = "token decode",
          .summary = "Print a token's header and payload WITHOUT verifying it",
          .operands = "TOKEN|-",
          .description =
              "Print {\"header\":...,\"payload\":...} of a compact JWS/JWT WITHOUT verifying it:\n"
              "no signature, expiry or issuer check. For inspection only; a warning says so on\n"
              "stderr. TOKEN is the token itself, a file holding it, or - for stdin.",
          .options = {},
          .min_operands = 1,
          .max_operands = 1},
         run_decode},
    };
    return table;
}

}  // namespace

std::span<const Command> token_commands() {
    return commands();
}

}  // namespace signet::cli
