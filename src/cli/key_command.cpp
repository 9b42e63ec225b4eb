// `signet key ...`: generate JSON Web Keys (RFC 7517) for JWS and JWE, derive public halves and
// JWK Sets, compute RFC 7638 thumbprints, convert between JWK and PEM, and rotate the signing key
// of a `signet serve` data dir.
#include <algorithm>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/deployment_options.hpp"
#include "cli/io.hpp"
#include "server/admin/admin_service.hpp"
#include "server/config.hpp"
#include "server/store/store_error.hpp"
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

// `--alg` of key generate and key import: a JWS algorithm (RFC 7518 §3.1) or a JWE key
// management algorithm (RFC 7518 §4.1). The two registries share no name.
struct KeyAlgorithm {
    std::optional<Algorithm> jws;
    std::optional<KeyManagement> jwe;
    std::string_view name() const { return jws ? to_string(*jws) : to_string(*jwe); }
};

KeyAlgorithm parse_key_algorithm(std::string_view option, std::string_view text) {
    if (auto alg = parse_algorithm(text)) return {alg, std::nullopt};
    if (auto alg = parse_key_management(text)) return {std::nullopt, alg};
    std::string message =
        "option '--" + std::string(option) + "': unsupported algorithm '" + std::string(text) + "'";
    if (text == "none") message += " (unsecured tokens are never created or accepted)";
    message += "; use a JWS algorithm (";
    for (Algorithm alg : all_algorithms()) {
        message += alg == all_algorithms().front() ? "" : " ";
        message += to_string(alg);
    }
    message += ") or a JWE key management algorithm (";
    for (KeyManagement alg : all_key_management()) {
        message += alg == all_key_management().front() ? "" : " ";
        message += to_string(alg);
    }
    message += ")";
    throw UsageError(message);
}

bool is_rsa_key_management(KeyManagement alg) {
    return alg == KeyManagement::RSA1_5 || alg == KeyManagement::RSA_OAEP ||
           alg == KeyManagement::RSA_OAEP_256;
}

bool is_ecdh(KeyManagement alg) {
    return alg == KeyManagement::ECDH_ES || alg == KeyManagement::ECDH_ES_A128KW ||
           alg == KeyManagement::ECDH_ES_A192KW || alg == KeyManagement::ECDH_ES_A256KW;
}

int parse_rsa_bits(std::string_view text) {
    return static_cast<int>(parse_integer("bits", text, 1, 16384));
}

// JWS keys: RSA modulus or HMAC secret size, and the curve of EdDSA/ES* keys.
void jws_generate_options(const Args& args, Algorithm alg, KeyGenOptions& options) {
    if (args.has("enc")) {
        throw UsageError("option '--enc' applies to \"dir\" keys only, not " +
                         std::string(to_string(alg)));
    }
    if (auto bits = args.value("bits")) {
        if (key_type_for(alg) == KeyType::RSA) {
            options.rsa_bits = parse_rsa_bits(*bits);
        } else if (is_hmac(alg)) {
            // RFC 7518 §3.2: the secret is at least the hash size; the library refuses less
            // (weak_key). The JWK "k" holds whole bytes, so the size is given in whole bytes.
            const std::int64_t n = parse_integer("bits", *bits, 8, 16384);
            if (n % 8 != 0) {
                throw UsageError("option '--bits': an HMAC secret is a whole number of bytes; " +
                                 std::string(*bits) + " is not a multiple of 8");
            }
            options.secret_bytes = static_cast<std::size_t>(n / 8);
        } else {
            throw UsageError("option '--bits' applies to RSA keys and HMAC secrets only, not " +
                             std::string(to_string(alg)));
        }
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
}

// JWE keys: RSA modulus size, the ECDH-ES curve, and the content encryption a "dir" key is for.
// The other (oct) keys have the size their algorithm fixes (RFC 7518 §4.4, §4.7).
void jwe_generate_options(const Args& args, KeyManagement alg, KeyGenOptions& options) {
    const std::string name(to_string(alg));
    if (auto enc = args.value("enc")) {
        if (alg != KeyManagement::dir) {
            throw UsageError("option '--enc' applies to \"dir\" keys only, not " + name);
        }
        options.enc = parse_content_encryption_option("enc", *enc);
    } else if (alg == KeyManagement::dir) {
        // RFC 7518 §4.5: a "dir" key is the content encryption key, so its size is that of enc.
        throw UsageError("a \"dir\" key needs --enc ENC (the content encryption it is for)");
    }
    if (auto bits = args.value("bits")) {
        if (!is_rsa_key_management(alg)) {
            throw UsageError("option '--bits' does not apply to " + name +
                             (is_ecdh(alg) ? " (use --crv)" : " (its key size is fixed)"));
        }
        options.rsa_bits = parse_rsa_bits(*bits);
    }
    if (auto crv_name = args.value("crv")) {
        const Curve crv = parse_curve_option("crv", *crv_name);
        if (!is_ecdh(alg)) throw UsageError("option '--crv' does not apply to " + name);
        // RFC 7518 §4.6 and RFC 8037 §3.2: key agreement on the NIST curves or X25519/X448.
        if (crv != Curve::P256 && crv != Curve::P384 && crv != Curve::P521 &&
            crv != Curve::X25519 && crv != Curve::X448) {
            throw UsageError(name + " keys use curve P-256, P-384, P-521, X25519 or X448, not " +
                             *crv_name);
        }
        options.curve = crv;
    }
}

int run_generate(const Args& args) {
    const KeyAlgorithm alg = parse_key_algorithm("alg", *args.value("alg"));
    KeyGenOptions options;
    if (args.has("kid")) options.kid = non_empty(args, "kid");
    if (alg.jws) {
        jws_generate_options(args, *alg.jws, options);
    } else {
        jwe_generate_options(args, *alg.jwe, options);
    }
    auto key = alg.jws ? Jwk::generate(*alg.jws, options) : Jwk::generate(*alg.jwe, options);
    if (!key) return report(key.error());
    print_json(key->to_json(/*include_private=*/true));
    return kExitOk;
}

int run_public(const Args& args) {
    const std::string& path = args.operands().front();
    auto text = read_input(path);
    if (!text) return report(text.error());
    if (detect_key_text_format(*text) == KeyTextFormat::jwks) {
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

// Binds a key to a JWE key management algorithm: "alg" names it and "use" is "enc". Jwk offers
// with_alg for JWS algorithms only, so the binding goes through the JWK's JSON form.
Result<Jwk> bind_to_key_management(const Jwk& key, KeyManagement alg) {
    // Refused here rather than producing a JWK that fails later: an EC key for RSA-OAEP, or any
    // PEM key (never oct) for the A*KW, A*GCMKW, PBES2 or "dir" algorithms.
    if (auto usable = key.check_usable(alg, KeyOperation::encrypt); !usable) {
        return std::move(usable).error();
    }
    boost::json::object json = key.to_json(/*include_private=*/key.is_private());
    json["alg"] = to_string(alg);
    json["use"] = "enc";
    return Jwk::from_json(json);
}

int run_import(const Args& args) {
    std::optional<KeyAlgorithm> alg;
    if (auto name = args.value("alg")) alg = parse_key_algorithm("alg", *name);
    std::optional<std::string> kid;
    if (args.has("kid")) kid = non_empty(args, "kid");

    const std::string& path = args.operands().front();
    auto text = read_input(path);
    if (!text) return report(text.error());
    if (detect_key_text_format(*text) != KeyTextFormat::pem) {
        return report(Errc::invalid_argument,
                      input_name(path) + " is not PEM (expected a \"-----BEGIN ...\" line)");
    }
    auto key = Jwk::from_pem(*text);
    if (!key) return report(key.error());
    Jwk jwk = std::move(*key);
    if (alg && alg->jws) {
        // RFC 7517 §4.2: "use":"sig" says what the key is for, next to the "alg" binding.
        jwk = jwk.with_alg(*alg->jws).with_use("sig");
        // Binding a key to an algorithm it cannot serve (an EC key to RS256) is refused here
        // rather than producing a JWK that fails later.
        if (auto usable = jwk.check_usable(*alg->jws, KeyOperation::verify); !usable) {
            return report(usable.error());
        }
    } else if (alg) {
        auto bound = bind_to_key_management(jwk, *alg->jwe);
        if (!bound) return report(bound.error());
        jwk = std::move(*bound);
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

// Runs an admin operation on the deployment the options name, mapping its failures to exit codes.
template <class F>
int with_admin(const Args& args, bool create, const std::string& missing, F&& operation) {
    const server::ServerConfig config = deployment_config(args);
    try {
        server::AdminService admin(config, create);
        return operation(admin);
    } catch (const server::DeploymentNotFound&) {
        return report(Errc::key_not_found, missing);
    } catch (const server::StoreError& error) {
        std::cerr << "store_error: " << error.what() << '\n';
    } catch (const server::ConfigError& error) {
        return report(Errc::invalid_argument, error.what());
    }
    return kExitFailure;
}

// A new signing key in the deployment's key store, through the admin service. It is published at
// once and signs after one JWKS cache lifetime plus a key reload (at once with --now); the
// previous key stays published until the tokens it signed have expired.
int run_rotate(const Args& args) {
    std::optional<Algorithm> alg;
    if (auto name = args.value("alg")) alg = parse_algorithm_option("alg", *name);
    const bool now = args.has("now");
    const std::string no_key =
        "no signing key in the deployment to take the algorithm from; give --alg or start "
        "signet serve once";
    // Without --alg there must be a key already: no empty deployment is created for nothing.
    return with_admin(args, alg.has_value(), no_key, [&](server::AdminService& admin) {
        const std::optional<server::StoredKey> key = admin.rotate_key(alg, now);
        if (!key) return report(Errc::key_not_found, no_key);
        print_line(key->kid);
        const std::int64_t wait = key->activates_at - key->created_at;
        if (wait > 0) {
            std::cerr << "published now; signs in " << wait
                      << " s, once JWKS caches and every node have it (--now: at once)\n";
        }
        return kExitOk;
    });
}

// Revokes a compromised key for every node of the deployment (docs/keys.md, key compromise).
int run_revoke(const Args& args) {
    const std::string kid = args.operands().front();
    return with_admin(args, false, "no deployment here", [&](server::AdminService& admin) {
        const auto revoked = admin.revoke_key(kid);
        if (!revoked) {
            return report(Errc::key_not_found,
                          "no key \"" + kid + "\" in the deployment, or it is revoked already");
        }
        boost::json::object out{{"revoked", revoked->revoked_kid}};
        if (revoked->replacement) out["signing_kid"] = revoked->replacement->kid;
        print_json(out);
        return kExitOk;
    });
}

std::vector<Option> rotate_options() {
    std::vector<Option> options = deployment_options();
    options.push_back(
        {"alg", "ALG", "JWS algorithm of the new key: the configured signing_alg (default)"});
    options.push_back({"now", "", "Sign with the new key at once (after a key compromise)"});
    return options;
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
              "\"use\" (\"sig\" for a JWS algorithm, \"enc\" for a JWE one) and \"kid\" set. "
              "The kid\n"
              "defaults to the key's RFC 7638 thumbprint.\n"
              "JWS: ES256/ES384/ES512/ES256K imply their curve; EdDSA uses Ed25519 unless --crv\n"
              "Ed448. --bits sets the RSA modulus or the HMAC secret size (a multiple of 8, at\n"
              "least the hash size; default the hash size).\n"
              "JWE: RSA-OAEP, RSA-OAEP-256 and RSA1_5 make RSA keys (RSA1_5 is unsafe and only\n"
              "usable with --allow-rsa1_5-unsafe); ECDH-ES and ECDH-ES+A*KW use P-256 unless\n"
              "--crv P-384, P-521, X25519 or X448; A*KW, A*GCMKW and PBES2-* make oct keys of\n"
              "the size the algorithm needs; dir needs --enc, whose key size it takes.",
          .options = {{"alg", "ALG",
                       "JWS (HS256, RS256, ES256, EdDSA, ...) or JWE (RSA-OAEP-256, A256KW, dir, "
                       "...)",
                       false, true},
                      {"kid", "KID", "Key id (default: the RFC 7638 thumbprint)"},
                      {"bits", "N",
                       "RSA modulus bits (default 2048, at least 2048) or HMAC secret bits"},
                      {"crv", "CRV", "Curve for EdDSA, ES* or ECDH-ES* keys (see above)"},
                      {"enc", "ENC", "Content encryption a \"dir\" key is for (A256GCM, ...)"}},
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
              "public key) to a JWK. The kid defaults to the RFC 7638 thumbprint. --alg binds\n"
              "the key to a JWS algorithm (and sets \"use\":\"sig\") or to a JWE key management\n"
              "algorithm (\"use\":\"enc\"). Without --alg the JWK is bound to no algorithm, and\n"
              "verifying or decrypting with it needs --alg.",
          .options = {{"alg", "ALG",
                       "Bind the key to this JWS or JWE algorithm (\"alg\" and \"use\")"},
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
        {"rotate",
         {.path = "key rotate",
          .summary = "Add a new current signing key to a deployment",
          .operands = "",
          .description =
              "Add a new signing key to the key store of a `signet serve` deployment (the data\n"
              "dir's SQLite database, or --database-url) and print its kid (its RFC 7638\n"
              "thumbprint). The key is published in the JWKS at once and signs only after one\n"
              "JWKS cache lifetime (60 s) plus key_reload_interval, so that resource servers\n"
              "caching the JWKS know it before they see its tokens; --now makes it sign at once.\n"
              "The previous key stays in the JWKS until every token it signed has expired.\n"
              "The algorithm is the configured signing_alg; --alg must match it (needed when\n"
              "there is no key yet). A deployment signing with a configured hmac_secret rotates\n"
              "by replacing the secret in its configuration instead.",
          .options = rotate_options(),
          .min_operands = 0,
          .max_operands = 0},
         run_rotate},
        {"revoke",
         {.path = "key revoke",
          .summary = "Revoke a compromised signing key of a deployment",
          .operands = "KID",
          .description =
              "Revoke the key KID of a `signet serve` deployment: it leaves the JWKS and stops\n"
              "verifying on every node within key_reload_interval, so tokens it signed (or that\n"
              "anyone holding it forged) are refused. When it is the signing key, or announced\n"
              "to become one, a new key of the same algorithm signs at once. Prints\n"
              "{\"revoked\": KID, \"signing_kid\": NEW} (the second only after a replacement).\n"
              "Resource servers that cache the JWKS drop the key within their cache lifetime.",
          .options = deployment_options(),
          .min_operands = 1,
          .max_operands = 1},
         run_revoke},
    };
    return table;
}

}  // namespace

std::span<const Command> key_commands() {
    return commands();
}

}  // namespace signet::cli
