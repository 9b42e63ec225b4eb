// `signet token ...`: sign a claims set into a JWT (RFC 7519, compact JWS of RFC 7515), encrypt
// and decrypt compact JWE (RFC 7516), verify a JWT (nested in a JWE or not, RFC 7519 §5.2) with the
// library's Verifier, or decode one for display without verifying it.
#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>
#include <chrono>
#include <cstddef>
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
#include "signet/jwe.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jwks_client.hpp"
#include "signet/jwt.hpp"

namespace signet::cli {

namespace {

// Bounds for second counts given on the command line; a larger value is a typo, not a policy.
constexpr std::int64_t kMaxSeconds = 2147483647;
// The largest --max-decompressed: the plaintext is held in memory and written out whole.
constexpr std::int64_t kMaxDecompressedLimit = 1024 * 1024 * 1024;

constexpr std::string_view kRsa15Refused =
    "RSA1_5 is unsafe (RFC 8725 §3.2: RSAES-PKCS1-v1_5 invites padding oracle attacks) and is "
    "refused unless --allow-rsa1_5-unsafe is given";

template <class T>
void add_unique(std::vector<T>& list, T item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

bool contains(const std::vector<KeyManagement>& list, KeyManagement alg) {
    return std::find(list.begin(), list.end(), alg) != list.end();
}

// The key management algorithms a key set is bound to by "alg", in key order; the allow-list
// when none is given on the command line (RFC 8725 §3.1: never taken from the token).
std::vector<KeyManagement> key_management_of(const KeySet& keys) {
    std::vector<KeyManagement> algorithms;
    for (const Jwk& key : keys) {
        if (auto alg = key.key_management()) add_unique(algorithms, *alg);
    }
    return algorithms;
}

bool is_pbes2(KeyManagement alg) {
    return alg == KeyManagement::PBES2_HS256_A128KW || alg == KeyManagement::PBES2_HS384_A192KW ||
           alg == KeyManagement::PBES2_HS512_A256KW;
}

// True when a "cty" value names a JWT: RFC 7519 §5.2 writes "JWT"; media type names are
// case-insensitive and the "application/" prefix may be left out (RFC 7515 §4.1.10).
bool names_jwt(std::string_view cty) {
    std::string type(cty);
    for (char& c : type)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type.starts_with("application/")) type.erase(0, std::string_view("application/").size());
    return type == "jwt";
}

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

int run_encrypt(const Args& args) {
    std::optional<KeyManagement> alg;
    if (auto name = args.value("alg")) alg = parse_key_management_option("alg", *name);
    const ContentEncryption enc = parse_content_encryption_option("enc", *args.value("enc"));
    JweEncryptOptions options;
    if (auto zip = args.value("zip")) {
        // RFC 7516 §4.1.3: "DEF" (RFC 1951 DEFLATE) is the only registered compression.
        if (*zip != "DEF") {
            throw UsageError("option '--zip': the only compression is DEF, not '" + *zip + "'");
        }
        options.compress = true;
    }
    std::optional<std::string> cty;
    if (args.has("cty")) cty = non_empty(args, "cty");
    if (cty) options.header["cty"] = *cty;
    // --kid names the key in the header ("kid", RFC 7516 §4.1.6) in place of the key's own kid.
    if (args.has("kid")) options.header["kid"] = non_empty(args, "kid");
    std::optional<std::uint32_t> pbes2_count;
    if (auto n = args.value("pbes2-count")) {
        // Below 1000 is refused by RFC 7518 §4.8.1.2; above the default decryption limit, the
        // token would be refused by a default decrypter, this one included.
        pbes2_count = static_cast<std::uint32_t>(
            parse_integer("pbes2-count", *n, kMinPbes2Count, kDefaultMaxPbes2Count));
    }

    auto key = load_single_key(*args.value("key"));
    if (!key) return report(key.error());
    if (!alg) alg = key->key_management();
    if (!alg) {
        return report(Errc::invalid_argument,
                      key->alg_name().empty()
                          ? "the key has no \"alg\" member; pass --alg ALG"
                          : "the key's \"alg\" (" + key->alg_name() +
                                ") is not a JWE key management algorithm; pass --alg ALG");
    }
    if (pbes2_count) {
        if (!is_pbes2(*alg)) {
            throw UsageError("option '--pbes2-count' applies to the PBES2 algorithms only, not " +
                             std::string(to_string(*alg)));
        }
        options.pbes2_count = *pbes2_count;
    }
    if (*alg == KeyManagement::RSA1_5) {
        if (!args.has("allow-rsa1_5-unsafe")) {
            return report(Errc::alg_not_allowed, std::string(kRsa15Refused));
        }
        options.allow_rsa1_5_unsafe = true;
    }

    auto text = read_input(args.operands().front());
    if (!text) return report(text.error());
    // A nested JWT's plaintext is a compact JWS; a newline after it (from `token sign` or an
    // editor) is not part of the token, as for every token read from a file or stdin.
    const std::string_view plaintext =
        cty && names_jwt(*cty) ? trim_trailing_whitespace(*text) : std::string_view(*text);
    auto token = jwe::encrypt(plaintext, *key, *alg, enc, options);
    if (!token) return report(token.error());
    print_line(*token);
    return kExitOk;
}

int run_decrypt(const Args& args) {
    JweDecryptOptions options;
    for (const std::string& name : args.values("alg")) {
        add_unique(options.algorithms, parse_key_management_option("alg", name));
    }
    for (const std::string& name : args.values("enc")) {
        add_unique(options.encryptions, parse_content_encryption_option("enc", name));
    }
    if (auto n = args.value("max-decompressed")) {
        options.max_decompressed_size = static_cast<std::size_t>(
            parse_integer("max-decompressed", *n, 1, kMaxDecompressedLimit));
    }

    const std::string key_path = *args.value("key");
    auto keys = load_key_set(key_path);
    if (!keys) return report(keys.error());
    if (keys->empty()) {
        return report(Errc::key_not_found, input_name(key_path) + " holds no usable key");
    }
    if (options.algorithms.empty()) options.algorithms = key_management_of(*keys);
    if (options.algorithms.empty()) {
        // RFC 8725 §3.1: the algorithm is never taken from the token being decrypted.
        return report(Errc::invalid_argument,
                      "no algorithm allowed: the key has no JWE \"alg\" member and no --alg was "
                      "given; the algorithm is never guessed from the token");
    }
    if (contains(options.algorithms, KeyManagement::RSA1_5)) {
        if (!args.has("allow-rsa1_5-unsafe")) {
            return report(Errc::alg_not_allowed, std::string(kRsa15Refused));
        }
        // The library then applies the RFC 7516 §11.5 countermeasure.
        options.allow_rsa1_5_unsafe = true;
    }

    auto token = read_token(args.operands().front());
    if (!token) return report(token.error());
    auto decrypted = jwe::decrypt(*token, *keys, options);
    if (!decrypted) return report(decrypted.error());
    // Exactly the plaintext: it may be binary, so nothing (not even a newline) is added.
    std::cout.write(decrypted->plaintext.data(),
                    static_cast<std::streamsize>(decrypted->plaintext.size()));
    return kExitOk;
}

// --decrypt-key and its companions: the VerifierOptions for nested JWTs (RFC 7519 §5.2). The
// options are checked first (usage errors), the decryption keys are loaded later.
void parse_nested_jwt_options(const Args& args, VerifierOptions& options) {
    if (!args.has("decrypt-key")) {
        for (std::string_view name : {"decrypt-alg", "require-encryption"}) {
            if (args.has(name)) {
                throw UsageError("option '--" + std::string(name) + "' needs --decrypt-key FILE");
            }
        }
        return;
    }
    for (const std::string& name : args.values("decrypt-alg")) {
        add_unique(options.decryption.algorithms, parse_key_management_option("decrypt-alg", name));
    }
    options.require_encryption = args.has("require-encryption");
}

// Returns kExitOk, or the exit status of a reported failure.
int load_decryption_keys(const Args& args, VerifierOptions& options) {
    const auto key_path = args.value("decrypt-key");
    if (!key_path) return kExitOk;
    auto keys = load_key_set(*key_path);
    if (!keys) return report(keys.error().code(), "--decrypt-key: " + keys.error().message());
    if (keys->empty()) {
        return report(Errc::key_not_found, input_name(*key_path) + " holds no usable key");
    }
    if (options.decryption.algorithms.empty()) {
        options.decryption.algorithms = key_management_of(*keys);
    }
    if (options.decryption.algorithms.empty()) {
        return report(Errc::invalid_argument,
                      "no decryption algorithm allowed: the decryption key has no JWE \"alg\" "
                      "member and no --decrypt-alg was given");
    }
    if (contains(options.decryption.algorithms, KeyManagement::RSA1_5)) {
        return report(Errc::alg_not_allowed,
                      "RSA1_5 is unsafe (RFC 8725 §3.2) and token verify never decrypts it");
    }
    options.decryption_keys = std::move(*keys);
    return kExitOk;
}

int run_verify(const Args& args) {
    VerifierOptions options;
    for (const std::string& name : args.values("alg")) {
        add_unique(options.algorithms, parse_algorithm_option("alg", name));
    }
    options.issuers = args.values("iss");
    options.audiences = args.values("aud");
    options.required_claims = args.values("require");
    if (auto leeway = args.value("leeway")) {
        options.leeway = std::chrono::seconds(parse_integer("leeway", *leeway, 0, kMaxSeconds));
    }
    if (args.has("typ")) options.type = non_empty(args, "typ");
    parse_nested_jwt_options(args, options);

    const int key_sources = args.has("key") + args.has("jwks-url") + args.has("issuer-url");
    if (key_sources != 1) {
        throw UsageError("give exactly one of --key, --jwks-url and --issuer-url");
    }
    if ((args.has("ca-file") || args.has("allow-http")) && args.has("key")) {
        throw UsageError("--ca-file and --allow-http go with --jwks-url or --issuer-url");
    }
    if (args.has("key")) {
        const std::string key_path = *args.value("key");
        auto keys = load_key_set(key_path);
        if (!keys) return report(keys.error());
        if (keys->empty()) {
            return report(Errc::key_not_found, input_name(key_path) + " holds no usable key");
        }
        if (options.algorithms.empty() &&
            std::none_of(keys->begin(), keys->end(),
                         [](const Jwk& k) { return k.alg().has_value(); })) {
            // RFC 8725 §3.1: the algorithm is never taken from the token being verified.
            return report(Errc::invalid_argument,
                          "no algorithm allowed: the key has no \"alg\" member and no --alg was "
                          "given; the algorithm is never guessed from the token");
        }
        // A key without a "kid" (a PEM key) needs no special handling: the library tries such
        // keys when no key carries the token's "kid", still checking type and binding.
        options.keys = std::move(*keys);
    } else {
        // The issuer's published keys; without --alg each key's own "alg" is its allow-list.
        RemoteJwksOptions remote;
        if (auto url = args.value("jwks-url")) remote.jwks_uri = *url;
        if (auto url = args.value("issuer-url")) {
            remote.issuer = *url;
            // Discovery names the issuer: require it of the token unless --iss says otherwise.
            if (options.issuers.empty()) options.issuers = {*url};
        }
        remote.allow_http = args.has("allow-http");
        remote.ca_file = args.value("ca-file").value_or("");
        auto source = RemoteJwks::load(std::move(remote));
        if (!source) return report(source.error());
        options.key_source = std::move(*source);
    }
    if (const int status = load_decryption_keys(args, options); status != kExitOk) return status;

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
        {"encrypt",
         {.path = "token encrypt",
          .summary = "Encrypt a plaintext into a compact JWE",
          .operands = "PLAINTEXT_FILE|-",
          .description =
              "Encrypt the bytes of PLAINTEXT_FILE (or stdin) into a compact JWE (RFC 7516) and\n"
              "print it. The key is the recipient's public (or private) JWK or PEM key, or an oct\n"
              "JWK for A*KW, A*GCMKW, PBES2 (the password) and dir. The key management algorithm\n"
              "is --alg or else the key's \"alg\"; --enc is required. For a nested JWT (RFC 7519\n"
              "§5.2) sign first with 'token sign', then encrypt the token with --cty JWT; with\n"
              "--cty JWT trailing whitespace after the token is dropped, any other plaintext is\n"
              "encrypted byte for byte.\n"
              "RSA1_5 is UNSAFE (RFC 8725 §3.2: padding oracle attacks) and refused unless\n"
              "--allow-rsa1_5-unsafe is given; use RSA-OAEP-256 instead.",
          .options = {{"key", "FILE", "Recipient key: JWK, single-key JWKS or PEM (- for stdin)",
                       false, true},
                      {"alg", "ALG", "Key management algorithm (default: the key's \"alg\")"},
                      {"enc", "ENC",
                       "Content encryption: A128CBC-HS256 ... A256CBC-HS512, A128GCM ... A256GCM",
                       false, true},
                      {"zip", "DEF", "Compress the plaintext with DEFLATE (\"zip\":\"DEF\")"},
                      {"cty", "TYPE", "Header \"cty\"; JWT when the plaintext is a signed JWT"},
                      {"kid", "KID", "Header \"kid\" (default: the key's kid)"},
                      {"pbes2-count", "N",
                       "PBES2 iteration count \"p2c\", 1000 to 1000000 (default 600000)"},
                      {"allow-rsa1_5-unsafe", "",
                       "UNSAFE: allow RSA1_5 (RSAES-PKCS1-v1_5, open to padding oracles)"}},
          .min_operands = 1,
          .max_operands = 1},
         run_encrypt},
        {"decrypt",
         {.path = "token decrypt",
          .summary = "Decrypt a compact JWE and print its plaintext",
          .operands = "TOKEN|-",
          .description =
              "Decrypt a compact JWE (RFC 7516) and print its plaintext exactly: byte for byte,\n"
              "with no newline added (exit 0). On rejection print nothing on stdout and\n"
              "\"<error_code>: <message>\" on stderr (exit 1); a wrong key or a tampered token is\n"
              "decryption_failed. Allowed key management algorithms come from --alg, or else\n"
              "from the keys' \"alg\"; with neither, decryption is refused. --enc restricts the\n"
              "content encryption (default: all six). A key is chosen by the token's \"kid\",\n"
              "else every key that fits is tried. TOKEN is the token itself, a file holding it,\n"
              "or - for stdin; trailing whitespace read from a file or stdin is ignored.\n"
              "RSA1_5 is UNSAFE (RFC 8725 §3.2) and refused unless --allow-rsa1_5-unsafe is\n"
              "given; it is then decrypted with the RFC 7516 §11.5 countermeasure.",
          .options = {{"key", "FILE", "Decryption key(s): JWK, JWKS or PEM (- for stdin)", false,
                       true},
                      {"alg", "ALG", "Allow this key management algorithm (repeatable)", true},
                      {"enc", "ENC", "Allow this content encryption (repeatable)", true},
                      {"max-decompressed", "BYTES",
                       "Largest inflated \"zip\":\"DEF\" plaintext (default 250000)"},
                      {"allow-rsa1_5-unsafe", "",
                       "UNSAFE: accept RSA1_5 (RSAES-PKCS1-v1_5, open to padding oracles)"}},
          .min_operands = 1,
          .max_operands = 1},
         run_decrypt},
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
              "the token's \"kid\"; keys without a kid (a PEM key) are tried when no key has it.\n"
              "Instead of --key, --jwks-url fetches the issuer's JWK Set over HTTPS, and\n"
              "--issuer-url finds it through the issuer's discovery document (OpenID Connect\n"
              "Discovery, else RFC 8414) and also requires that issuer unless --iss is given.\n"
              "Without --alg, each published key allows only its own \"alg\".\n"
              "With --decrypt-key a nested JWT (RFC 7519 §5.2: a JWE with \"cty\":\"JWT\" holding\n"
              "a signed JWT) is decrypted first, then verified as above; its key management\n"
              "algorithms come from --decrypt-alg or else the decryption keys' \"alg\".",
          .options =
              {{"key", "FILE", "Verification key(s): JWK, JWKS or PEM (- for stdin)"},
               {"jwks-url", "URL", "Fetch the verification keys from this JWK Set URL"},
               {"issuer-url", "URL", "Discover the issuer's JWK Set from its metadata"},
               {"ca-file", "FILE", "Trust these PEM CA certificates for HTTPS (default: system)"},
               {"allow-http", "", "Allow plain http:// URLs (loopback and tests only)"},
               {"alg", "ALG", "Allow this algorithm (repeatable)", true},
               {"iss", "ISS", "Require this issuer (repeat to accept any of several)", true},
               {"aud", "AUD", "Require this audience (repeat to accept any of several)", true},
               {"leeway", "SECONDS", "Clock leeway for exp/nbf/iat (default 0)"},
               {"require", "CLAIM", "Require this claim to be present (repeatable)", true},
               {"typ", "TYP", "Require this header \"typ\""},
               {"decrypt-key", "FILE",
                "Decrypt nested JWTs with these key(s): JWK, JWKS or PEM (- for stdin)"},
               {"decrypt-alg", "ALG",
                "Allow this key management algorithm for --decrypt-key (repeatable)", true},
               {"require-encryption", "",
                "With --decrypt-key: refuse tokens that are only signed"}},
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
