// `signet key ...`: generate JSON Web Keys (RFC 7517), derive public halves and JWK Sets, compute
// RFC 7638 thumbprints, and convert between JWK and PEM.
#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "signet/algorithm.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace signet::cli {

namespace {

std::string non_empty(const Args& args, std::string_view name) {
    std::string value = *args.value(name);
    if (value.empty()) throw UsageError("option '--" + std::string(name) + "' must not be empty");
    return value;
}

int run_generate(const Args& args) {
    const Algorithm alg = parse_algorithm_option("alg", *args.value("alg"));
    KeyGenOptions options;
    if (args.has("kid")) options.kid = non_empty(args, "kid");
    if (auto bits = args.value("bits")) {
        if (key_type_for(alg) != KeyType::RSA) {
            throw UsageError("option '--bits' applies to RSA keys (RS*, PS*) only, not " +
                             std::string(to_string(alg)));
        }
        options.rsa_bits = static_cast<int>(parse_integer("bits", *bits, 1, 16384));
    }
    if (auto crv_name = args.value("crv")) {
        const Curve crv = parse_curve_option("crv", *crv_name);
        if (alg == Algorithm::EdDSA) {
            // RFC 8037 §3.1: EdDSA signs with Ed25519 or Ed448; X25519/X448 are for key agreement.
            if (crv != Curve::Ed25519 && crv != Curve::Ed448) {
                throw UsageError("EdDSA keys use curve Ed25519 or Ed448, not " + *crv_name);
            }
            options.curve = crv;
        } else if (key_type_for(alg) == KeyType::EC) {
            // RFC 7518 §3.4 (and RFC 8812 §3.2 for ES256K): each ES* algorithm names its curve.
            if (crv != curve_for(alg)) {
                throw UsageError(std::string(to_string(alg)) + " uses curve " +
                                 std::string(to_string(curve_for(alg))) + ", not " + *crv_name);
            }
        } else {
            throw UsageError("option '--crv' does not apply to " + std::string(to_string(alg)));
        }
    }
    auto key = Jwk::generate(alg, options);
    if (!key) return report(key.error());
    print_json(key->to_json(/*include_private=*/true));
    return kExitOk;
}

int run_public(const Args& args) {
    const std::string& path = args.operands().front();
    auto text = read_input(path);
    if (!text) return report(text.error());
    if (detect_key_format(*text) == KeyFormat::jwks) {
        auto set = KeySet::parse(*text);
        if (!set) return report(set.error());
        auto pub = set->public_keys();
        if (!pub) return report(pub.error());
        print_json(pub->to_json(/*include_private=*/false));
        return kExitOk;
    }
    auto key = parse_single_key(*text, input_name(path));
    if (!key) return report(key.error());
    auto pub = key->public_key();
    if (!pub) return report(pub.error());
    print_json(pub->to_json(/*include_private=*/false));
    return kExitOk;
}

int run_thumbprint(const Args& args) {
    auto key = load_single_key(args.operands().front());
    if (!key) return report(key.error());
    print_line(key->thumbprint());
    return kExitOk;
}

int run_import(const Args& args) {
    std::optional<Algorithm> alg;
    if (auto name = args.value("alg")) alg = parse_algorithm_option("alg", *name);
    std::optional<std::string> kid;
    if (args.has("kid")) kid = non_empty(args, "kid");

    const std::string& path = args.operands().front();
    auto text = read_input(path);
    if (!text) return report(text.error());
    if (detect_key_format(*text) != KeyFormat::pem) {
        return report(Errc::invalid_argument,
                      input_name(path) + " is not PEM (expected a \"-----BEGIN ...\" line)");
    }
    auto key = Jwk::from_pem(*text);
    if (!key) return report(key.error());
    Jwk jwk = std::move(*key);
    if (alg) {
        jwk = jwk.with_alg(*alg);
        // Binding a key to an algorithm it cannot serve (an EC key to RS256) is refused here
        // rather than producing a JWK that fails later.
        if (auto usable = jwk.check_usable(*alg, KeyOperation::verify); !usable) {
            return report(usable.error());
        }
    }
    jwk = jwk.with_kid(kid ? *kid : jwk.thumbprint());
    print_json(jwk.to_json(/*include_private=*/jwk.is_private()));
    return kExitOk;
}

int run_export(const Args& args) {
    auto key = load_single_key(args.operands().front());
    if (!key) return report(key.error());
    auto pem = key->to_pem(/*public_only=*/args.has("public"));
    if (!pem) return report(pem.error());
    std::string_view out = *pem;
    if (out.ends_with('\n')) out.remove_suffix(1);
    print_line(out);
    return kExitOk;
}

int run_jwks(const Args& args) {
    std::vector<Jwk> keys;
    for (const std::string& path : args.operands()) {
        auto set = load_key_set(path);
        if (!set) {
            return report(set.error().code(), input_name(path) + ": " + set.error().message());
        }
        for (const Jwk& key : *set) {
            auto pub = key.public_key();
            if (!pub) {
                return report(pub.error().code(), input_name(path) + ": " + pub.error().message());
            }
            keys.push_back(std::move(*pub));
        }
    }
    auto set = KeySet::from_keys(std::move(keys));
    if (!set) return report(set.error());
    print_json(set->to_json(/*include_private=*/false));
    return kExitOk;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"generate",
         {.path = "key generate",
          .summary = "Generate a private JWK for an algorithm",
          .operands = "",
          .description =
              "Generate a fresh key for ALG and print it as a private JWK (RFC 7517) with "
              "\"alg\",\n"
              "\"use\":\"sig\" and \"kid\" set. The kid defaults to the key's RFC 7638 "
              "thumbprint.\n"
              "ES256/ES384/ES512/ES256K imply their curve; EdDSA uses Ed25519 unless --crv Ed448.",
          .options = {{"alg", "ALG",
                       "Algorithm the key is for: HS256..HS512, RS*, PS*, ES*, "
                       "ES256K, EdDSA",
                       false, true},
                      {"kid", "KID", "Key id (default: the RFC 7638 thumbprint)"},
                      {"bits", "N", "RSA modulus size in bits (default 2048, at least 2048)"},
                      {"crv", "CRV", "Curve: Ed25519 or Ed448 for EdDSA; must match ES*"}},
          .min_operands = 0,
          .max_operands = 0},
         run_generate},
        {"public",
         {.path = "key public",
          .summary = "Print the public JWK (or JWKS) of a private one",
          .operands = "FILE|-",
          .description =
              "Print the public half of a JWK, of a PEM key, or of every key in a JWKS.\n"
              "Private members are never printed. An oct (HMAC) key has no public half.",
          .options = {},
          .min_operands = 1,
          .max_operands = 1},
         run_public},
        {"thumbprint",
         {.path = "key thumbprint",
          .summary = "Print a key's RFC 7638 SHA-256 thumbprint",
          .operands = "FILE|-",
          .description =
              "Print the RFC 7638 JWK thumbprint (SHA-256, base64url) of a JWK or PEM key.",
          .options = {},
          .min_operands = 1,
          .max_operands = 1},
         run_thumbprint},
        {"import",
         {.path = "key import",
          .summary = "Convert a PEM key to a JWK",
          .operands = "PEMFILE",
          .description =
              "Convert a PEM key (SPKI, PKCS#8, traditional RSA/EC, or an X.509 certificate's\n"
              "public key) to a JWK. The kid defaults to the RFC 7638 thumbprint. Without --alg\n"
              "the JWK is bound to no algorithm, and verifying with it needs --alg.",
          .options = {{"alg", "ALG", "Bind the key to this algorithm (\"alg\" member)"},
                      {"kid", "KID", "Key id (default: the RFC 7638 thumbprint)"}},
          .min_operands = 1,
          .max_operands = 1,
          .operands_first = true},
         run_import},
        {"export",
         {.path = "key export",
          .summary = "Convert a JWK to PEM",
          .operands = "FILE|-",
          .description =
              "Convert a JWK to PEM: PKCS#8 for a private key, SPKI for a public key or\n"
              "with --public. oct (HMAC) keys have no PEM form.",
          .options = {{"public", "", "Write only the public key (SPKI)"}},
          .min_operands = 1,
          .max_operands = 1,
          .operands_first = true},
         run_export},
        {"jwks",
         {.path = "key jwks",
          .summary = "Build a JWKS of the public halves of keys",
          .operands = "FILE...",
          .description =
              "Print a JWK Set (RFC 7517 §5) holding the public halves of the keys in the\n"
              "given files (JWK, JWKS or PEM). Duplicate kids are refused.",
          .options = {},
          .min_operands = 1,
          .max_operands = kUnlimited},
         run_jwks},
    };
    return table;
}

}  // namespace

std::span<const Command> key_commands() {
    return commands();
}

}  // namespace signet::cli
