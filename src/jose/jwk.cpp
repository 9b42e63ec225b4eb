// JWK parsing, validation, serialization and thumbprints (RFC 7517, RFC 7518 §6, RFC 7638, RFC
// 8037).
#include "signet/jwk.hpp"

#include <boost/json/serialize.hpp>
#include <string>

#include "crypto/crypto.hpp"
#include "crypto/openssl.hpp"
#include "json_strict.hpp"
#include "signet/base64url.hpp"

namespace signet {

namespace json = boost::json;

struct JwkBuilder {
    static Jwk& metadata_from(Jwk& jwk, const Jwk& other) {
        jwk.extra_ = other.extra_;
        jwk.kid_ = other.kid_;
        jwk.alg_name_ = other.alg_name_;
        jwk.alg_ = other.alg_;
        jwk.use_ = other.use_;
        jwk.key_ops_ = other.key_ops_;
        return jwk;
    }
    static void set(Jwk& jwk, std::string kid, std::string alg_name, std::string use,
                    std::vector<std::string> key_ops) {
        jwk.kid_ = std::move(kid);
        jwk.alg_ = parse_algorithm(alg_name);
        jwk.alg_name_ = std::move(alg_name);
        jwk.use_ = std::move(use);
        jwk.key_ops_ = std::move(key_ops);
    }
};

namespace {

constexpr std::size_t kMaxJwkDepth = 8;

// Members interpreted per key type; everything else is kept in extra_ verbatim.
bool is_key_param(KeyType kty, std::string_view name) {
    switch (kty) {
        case KeyType::oct: return name == "k";
        case KeyType::RSA:
            return name == "n" || name == "e" || name == "d" || name == "p" || name == "q" ||
                   name == "dp" || name == "dq" || name == "qi" || name == "oth";
        case KeyType::EC: return name == "crv" || name == "x" || name == "y" || name == "d";
        case KeyType::OKP: return name == "crv" || name == "x" || name == "d";
    }
    return false;
}

Result<std::string> member_bytes(const json::object& obj, std::string_view name, bool required) {
    const json::value* v = obj.if_contains(name);
    if (v == nullptr) {
        if (required) return Error(Errc::invalid_key, "JWK lacks \"" + std::string(name) + "\"");
        return std::string();
    }
    if (!v->is_string())
        return Error(Errc::invalid_key, "JWK \"" + std::string(name) + "\" is not a string");
    std::string out;
    if (!base64url_decode_into(v->get_string(), out)) {
        return Error(Errc::invalid_key, "JWK \"" + std::string(name) + "\" is not base64url");
    }
    if (required && out.empty())
        return Error(Errc::invalid_key, "JWK \"" + std::string(name) + "\" is empty");
    return out;
}

Result<std::string> member_string(const json::object& obj, std::string_view name) {
    const json::value* v = obj.if_contains(name);
    if (v == nullptr) return std::string();
    if (!v->is_string())
        return Error(Errc::invalid_key, "JWK \"" + std::string(name) + "\" is not a string");
    return std::string(v->get_string());
}

Result<Curve> member_curve(const json::object& obj, KeyType kty) {
    auto name = member_string(obj, "crv");
    if (!name) return std::move(name).error();
    if (name->empty()) return Error(Errc::invalid_key, "JWK lacks \"crv\"");
    const auto curve = parse_curve(*name);
    const bool fits =
        curve && (kty == KeyType::EC ? (*curve == Curve::P256 || *curve == Curve::P384 ||
                                        *curve == Curve::P521 || *curve == Curve::secp256k1)
                                     : (*curve == Curve::Ed25519 || *curve == Curve::Ed448 ||
                                        *curve == Curve::X25519 || *curve == Curve::X448));
    if (!fits) {
        return Error(Errc::unsupported_key, "unsupported \"crv\" \"" + *name + "\" for kty " +
                                                std::string(to_string(kty)));
    }
    return *curve;
}

Result<detail::KeyPtr> material_from_json(const json::object& obj, KeyType kty) {
    switch (kty) {
        case KeyType::oct: {
            auto k = member_bytes(obj, "k", false);
            if (!k) return std::move(k).error();
            if (!obj.contains("k")) return Error(Errc::invalid_key, "JWK lacks \"k\"");
            return detail::make_oct_key(*k);
        }
        case KeyType::RSA: {
            if (obj.contains("oth")) {
                return Error(Errc::unsupported_key,
                             "multi-prime RSA keys (\"oth\") are not supported");
            }
            detail::RsaParams p;
            for (auto [name, field, required] : {std::tuple{"n", &p.n, true},
                                                 {"e", &p.e, true},
                                                 {"d", &p.d, false},
                                                 {"p", &p.p, false},
                                                 {"q", &p.q, false},
                                                 {"dp", &p.dp, false},
                                                 {"dq", &p.dq, false},
                                                 {"qi", &p.qi, false}}) {
                auto bytes = member_bytes(obj, name, required);
                if (!bytes) return std::move(bytes).error();
                *field = std::move(*bytes);
            }
            if (obj.contains("d") && p.d.empty())
                return Error(Errc::invalid_key, "JWK \"d\" is empty");
            return detail::make_rsa_key(p);
        }
        case KeyType::EC:
        case KeyType::OKP: {
            auto curve = member_curve(obj, kty);
            if (!curve) return std::move(curve).error();
            auto x = member_bytes(obj, "x", true);
            if (!x) return std::move(x).error();
            auto d = member_bytes(obj, "d", false);
            if (!d) return std::move(d).error();
            if (obj.contains("d") && d->empty())
                return Error(Errc::invalid_key, "JWK \"d\" is empty");
            if (kty == KeyType::OKP) {
                if (obj.contains("y")) return Error(Errc::invalid_key, "OKP keys have no \"y\"");
                return detail::make_okp_key(*curve, {std::move(*x), std::move(*d)});
            }
            auto y = member_bytes(obj, "y", true);
            if (!y) return std::move(y).error();
            return detail::make_ec_key(*curve, {std::move(*x), std::move(*y), std::move(*d)});
        }
    }
    return Error(Errc::unsupported_key, "unsupported key type");
}

std::string_view op_name(KeyOperation op) {
    switch (op) {
        case KeyOperation::sign: return "sign";
        case KeyOperation::verify: return "verify";
        case KeyOperation::encrypt: return "encrypt";
        case KeyOperation::decrypt: return "decrypt";
    }
    return "";
}

// The key type a JWE key management algorithm needs (ECDH-ES: EC, or OKP for X25519/X448).
bool km_fits(KeyManagement alg, KeyType kty) {
    switch (alg) {
        case KeyManagement::RSA1_5:
        case KeyManagement::RSA_OAEP:
        case KeyManagement::RSA_OAEP_256: return kty == KeyType::RSA;
        case KeyManagement::ECDH_ES:
        case KeyManagement::ECDH_ES_A128KW:
        case KeyManagement::ECDH_ES_A192KW:
        case KeyManagement::ECDH_ES_A256KW: return kty == KeyType::EC || kty == KeyType::OKP;
        default: return kty == KeyType::oct;
    }
}

bool is_ecdh(KeyManagement alg) {
    return km_fits(alg, KeyType::EC);
}

bool is_pbes2(KeyManagement alg) {
    return alg == KeyManagement::PBES2_HS256_A128KW || alg == KeyManagement::PBES2_HS384_A192KW ||
           alg == KeyManagement::PBES2_HS512_A256KW;
}

bool alg_fits_key_type(std::string_view alg, KeyType kty) {
    if (const auto a = parse_algorithm(alg)) return key_type_for(*a) == kty;
    if (const auto km = parse_key_management(alg)) return km_fits(*km, kty);
    if (parse_content_encryption(alg)) return kty == KeyType::oct;  // a "dir" key named by its enc
    return true;
}

void put_b64(json::object& obj, std::string_view name, std::string_view bytes) {
    obj[name] = base64url_encode(bytes);
}

}  // namespace

Result<Jwk> Jwk::parse(std::string_view text) {
    auto obj = detail::parse_json_object_strict(text, kMaxJwkDepth, "JWK");
    if (!obj) return std::move(obj).error();
    return from_json(*obj);
}

Result<Jwk> Jwk::from_json(const json::object& obj) {
    auto kty_name = member_string(obj, "kty");
    if (!kty_name) return std::move(kty_name).error();
    if (kty_name->empty()) return Error(Errc::invalid_key, "JWK lacks \"kty\"");
    const auto kty = parse_key_type(*kty_name);
    if (!kty) return Error(Errc::unsupported_key, "unsupported \"kty\" \"" + *kty_name + "\"");

    auto kid = member_string(obj, "kid");
    auto alg = member_string(obj, "alg");
    auto use = member_string(obj, "use");
    if (!kid) return std::move(kid).error();
    if (!alg) return std::move(alg).error();
    if (!use) return std::move(use).error();
    std::vector<std::string> ops;
    if (const json::value* v = obj.if_contains("key_ops")) {
        if (!v->is_array()) return Error(Errc::invalid_key, "JWK \"key_ops\" is not an array");
        for (const json::value& op : v->get_array()) {
            if (!op.is_string())
                return Error(Errc::invalid_key, "JWK \"key_ops\" holds a non-string");
            const std::string name(op.get_string());
            for (const auto& seen : ops) {  // RFC 7517 §4.3: no duplicate values
                if (seen == name)
                    return Error(Errc::invalid_key, "JWK \"key_ops\" repeats \"" + name + "\"");
            }
            ops.push_back(name);
        }
    }
    // A known "alg" must fit the key type (RFC 7517 §4.4); unknown values are kept as they are.
    if (!alg_fits_key_type(*alg, *kty)) {
        return Error(Errc::invalid_key,
                     "\"alg\" " + *alg + " does not fit a " + *kty_name + " key");
    }

    auto material = material_from_json(obj, *kty);
    if (!material) return std::move(material).error();

    Jwk jwk;
    jwk.material_ = std::move(*material);
    JwkBuilder::set(jwk, std::move(*kid), std::move(*alg), std::move(*use), std::move(ops));
    for (const auto& member : obj) {
        const std::string_view name = member.key();
        if (name == "kty" || name == "kid" || name == "alg" || name == "use" || name == "key_ops" ||
            is_key_param(*kty, name)) {
            continue;
        }
        jwk.extra_.emplace(name, member.value());
    }
    return jwk;
}

Result<Jwk> Jwk::from_pem(std::string_view pem) {
    auto parsed = detail::read_pem(pem);
    if (!parsed) return std::move(parsed).error();
    Result<detail::KeyPtr> material = Error(Errc::unsupported_key, "unsupported PEM key");
    switch (parsed->kty) {
        case KeyType::RSA: material = detail::make_rsa_key(parsed->rsa); break;
        case KeyType::EC: material = detail::make_ec_key(parsed->curve, parsed->ec); break;
        case KeyType::OKP: material = detail::make_okp_key(parsed->curve, parsed->okp); break;
        case KeyType::oct: break;
    }
    if (!material) return std::move(material).error();
    Jwk jwk;
    jwk.material_ = std::move(*material);
    return jwk;
}

Result<Jwk> Jwk::generate(Algorithm alg, const KeyGenOptions& options) {
    const KeyType kty = key_type_for(alg);
    Curve curve = curve_for(alg);
    if (alg == Algorithm::EdDSA) {
        curve = options.curve.value_or(Curve::Ed25519);
        if (curve != Curve::Ed25519 && curve != Curve::Ed448) {
            return Error(Errc::invalid_argument, "EdDSA keys use curve Ed25519 or Ed448");
        }
    } else if (options.curve && curve == Curve::none) {
        return Error(Errc::invalid_argument, "a curve applies to ES* and EdDSA keys only");
    } else if (options.curve && *options.curve != curve) {
        return Error(Errc::invalid_argument, std::string(to_string(alg)) + " keys use curve " +
                                                 std::string(to_string(curve)));
    }
    if (options.enc) {
        return Error(Errc::invalid_argument, "a content encryption applies to \"dir\" keys only");
    }
    std::size_t secret_bytes = min_hmac_key_bytes(alg);
    if (options.secret_bytes != 0) {
        if (kty != KeyType::oct)
            return Error(Errc::invalid_argument, "a secret size applies to HS* keys only");
        if (options.secret_bytes < secret_bytes) {
            return Error(Errc::weak_key, std::string(to_string(alg)) +
                                             " needs a secret of at least " +
                                             std::to_string(secret_bytes) + " bytes");
        }
        secret_bytes = options.secret_bytes;
    }
    auto material = detail::generate_key(kty, curve, options.rsa_bits, secret_bytes);
    if (!material) return std::move(material).error();
    Jwk jwk;
    jwk.material_ = std::move(*material);
    JwkBuilder::set(jwk, "", std::string(to_string(alg)), "sig", {});
    jwk.kid_ = options.kid ? *options.kid : jwk.thumbprint();
    return jwk;
}

Result<Jwk> Jwk::generate(KeyManagement alg, const KeyGenOptions& options) {
    // Options that do not apply are refused rather than silently ignored.
    if (options.curve && !is_ecdh(alg)) {
        return Error(Errc::invalid_argument, "a curve applies to ECDH-ES keys only");
    }
    if (options.enc && alg != KeyManagement::dir) {
        return Error(Errc::invalid_argument, "a content encryption applies to \"dir\" keys only");
    }
    if (options.secret_bytes != 0) {
        return Error(Errc::invalid_argument, "a secret size applies to HS* keys only");
    }
    Result<detail::KeyPtr> material = Error(Errc::invalid_argument, "unsupported algorithm");
    if (km_fits(alg, KeyType::RSA)) {
        material = detail::generate_key(KeyType::RSA, Curve::none, options.rsa_bits, 0);
    } else if (is_ecdh(alg)) {
        const Curve curve = options.curve.value_or(Curve::P256);
        const bool ec = curve == Curve::P256 || curve == Curve::P384 || curve == Curve::P521;
        if (!ec && curve != Curve::X25519 && curve != Curve::X448) {
            return Error(Errc::invalid_argument,
                         "ECDH-ES keys use P-256, P-384, P-521, X25519 or X448");
        }
        material = detail::generate_key(ec ? KeyType::EC : KeyType::OKP, curve, 0, 0);
    } else {
        std::size_t size = wrap_key_bytes(alg);
        if (alg == KeyManagement::dir) {
            if (!options.enc) {
                return Error(Errc::invalid_argument, "a \"dir\" key needs the content encryption");
            }
            size = cek_bytes(*options.enc);
        }
        if (is_pbes2(alg)) size = 32;  // a random password; users may import their own instead
        material = detail::generate_key(KeyType::oct, Curve::none, 0, size);
    }
    if (!material) return std::move(material).error();
    Jwk jwk;
    jwk.material_ = std::move(*material);
    JwkBuilder::set(jwk, "", std::string(to_string(alg)), "enc", {});
    jwk.kid_ = options.kid ? *options.kid : jwk.thumbprint();
    return jwk;
}

Result<Jwk> Jwk::from_secret(std::string_view secret, Algorithm alg) {
    if (!is_hmac(alg))
        return Error(Errc::invalid_argument, "secrets are keys for HS256/384/512 only");
    if (secret.size() < min_hmac_key_bytes(alg)) {
        return Error(Errc::weak_key, std::string(to_string(alg)) + " needs a secret of at least " +
                                         std::to_string(min_hmac_key_bytes(alg)) + " bytes");
    }
    auto material = detail::make_oct_key(secret);
    if (!material) return std::move(material).error();
    Jwk jwk;
    jwk.material_ = std::move(*material);
    JwkBuilder::set(jwk, "", std::string(to_string(alg)), "", {});
    return jwk;
}

KeyType Jwk::kty() const noexcept {
    return detail::key_info(*material_).kty;
}
Curve Jwk::curve() const noexcept {
    return detail::key_info(*material_).curve;
}
bool Jwk::is_private() const noexcept {
    return detail::key_info(*material_).has_private;
}
std::size_t Jwk::bits() const noexcept {
    return detail::key_info(*material_).bits;
}

std::string_view Jwk::secret() const noexcept {
    return material_->kty == KeyType::oct ? std::string_view(material_->secret)
                                          : std::string_view();
}

Jwk Jwk::with_kid(std::string kid) const {
    Jwk copy = *this;
    copy.kid_ = std::move(kid);
    return copy;
}

Jwk Jwk::with_alg(KeyManagement alg) const {
    Jwk copy = *this;
    copy.alg_.reset();
    copy.alg_name_ = std::string(to_string(alg));
    return copy;
}

Jwk Jwk::with_use(std::string use) const {
    Jwk copy = *this;
    copy.use_ = std::move(use);
    return copy;
}

Jwk Jwk::with_alg(Algorithm alg) const {
    Jwk copy = *this;
    copy.alg_ = alg;
    copy.alg_name_ = std::string(to_string(alg));
    return copy;
}

Result<void> Jwk::check_usable(Algorithm alg, KeyOperation op) const {
    const auto info = detail::key_info(*material_);
    const std::string alg_text(to_string(alg));
    if (info.kty != key_type_for(alg)) {
        return Error(Errc::key_alg_mismatch,
                     alg_text + " cannot use a " + std::string(to_string(info.kty)) + " key");
    }
    const Curve want = curve_for(alg);
    if ((want != Curve::none && info.curve != want) ||
        (alg == Algorithm::EdDSA && info.curve != Curve::Ed25519 && info.curve != Curve::Ed448)) {
        return Error(Errc::key_alg_mismatch,
                     alg_text + " cannot use a key on curve " + std::string(to_string(info.curve)));
    }
    // RFC 7517 §4.4 / RFC 8725 §3.1: a key bound to one algorithm serves no other.
    if (!alg_name_.empty() && alg_ != alg) {
        return Error(Errc::key_alg_mismatch,
                     "the key is bound to \"" + alg_name_ + "\", not " + alg_text);
    }
    if (!use_.empty() && use_ != "sig") {  // RFC 7517 §4.2
        return Error(Errc::key_use_mismatch, "the key's \"use\" is \"" + use_ + "\", not \"sig\"");
    }
    if (!key_ops_.empty()) {  // RFC 7517 §4.3
        bool listed = false;
        for (const auto& o : key_ops_)
            listed |= o == op_name(op);
        if (!listed) {
            return Error(Errc::key_use_mismatch, "the key's \"key_ops\" do not include \"" +
                                                     std::string(op_name(op)) + "\"");
        }
    }
    if (info.kty == KeyType::oct && info.bits / 8 < min_hmac_key_bytes(alg)) {  // RFC 7518 §3.2
        return Error(Errc::weak_key, alg_text + " needs a key of at least " +
                                         std::to_string(min_hmac_key_bytes(alg)) + " bytes");
    }
    if (op == KeyOperation::sign && !info.has_private) {
        return Error(Errc::invalid_key, "signing needs a private key");
    }
    return {};
}

std::vector<Algorithm> Jwk::allowed_algorithms() const {
    std::vector<Algorithm> out;
    for (Algorithm a : all_algorithms()) {
        if (allows(a, KeyOperation::verify)) out.push_back(a);
    }
    return out;
}

std::optional<KeyManagement> Jwk::key_management() const noexcept {
    return parse_key_management(alg_name_);
}

Result<void> Jwk::check_usable(KeyManagement alg, KeyOperation op,
                               std::optional<ContentEncryption> enc) const {
    const auto info = detail::key_info(*material_);
    const std::string alg_text(to_string(alg));
    if (op != KeyOperation::encrypt && op != KeyOperation::decrypt) {
        return Error(Errc::invalid_argument, "JWE keys encrypt or decrypt");
    }
    if (!km_fits(alg, info.kty)) {
        return Error(Errc::key_alg_mismatch,
                     alg_text + " cannot use a " + std::string(to_string(info.kty)) + " key");
    }
    if (is_ecdh(alg) && info.curve != Curve::P256 && info.curve != Curve::P384 &&
        info.curve != Curve::P521 && info.curve != Curve::X25519 && info.curve != Curve::X448) {
        return Error(Errc::key_alg_mismatch,
                     alg_text + " cannot use a key on curve " + std::string(to_string(info.curve)));
    }
    if (info.kty == KeyType::oct) {
        std::size_t want = is_pbes2(alg) ? 0 : wrap_key_bytes(alg);  // PBES2: any password length
        if (alg == KeyManagement::dir && enc) want = cek_bytes(*enc);
        if (want != 0 && info.bits / 8 != want) {
            return Error(Errc::key_alg_mismatch, alg_text + " needs a key of exactly " +
                                                     std::to_string(want) + " bytes, not " +
                                                     std::to_string(info.bits / 8));
        }
    }
    const bool named_by_enc = alg == KeyManagement::dir && enc && alg_name_ == to_string(*enc);
    if (!alg_name_.empty() && alg_name_ != alg_text && !named_by_enc) {
        return Error(Errc::key_alg_mismatch,
                     "the key is bound to \"" + alg_name_ + "\", not " + alg_text);
    }
    if (!use_.empty() && use_ != "enc") {  // RFC 7517 §4.2
        return Error(Errc::key_use_mismatch, "the key's \"use\" is \"" + use_ + "\", not \"enc\"");
    }
    if (!key_ops_.empty()) {
        // RFC 7517 §4.3: the operation names that stand for this use of the key.
        const bool enc_side = op == KeyOperation::encrypt;
        bool listed = false;
        for (const auto& o : key_ops_) {
            listed |= o == (enc_side ? "encrypt" : "decrypt") ||
                      o == (enc_side ? "wrapKey" : "unwrapKey") ||
                      (is_ecdh(alg) && (o == "deriveKey" || o == "deriveBits"));
        }
        if (!listed) {
            return Error(Errc::key_use_mismatch,
                         "the key's \"key_ops\" do not allow " + std::string(op_name(op)));
        }
    }
    if (op == KeyOperation::decrypt && !info.has_private) {
        return Error(Errc::invalid_key, "decryption needs a private key");
    }
    return {};
}

Result<Jwk> Jwk::public_key() const {
    const auto info = detail::key_info(*material_);
    Result<detail::KeyPtr> material =
        Error(Errc::invalid_argument, "symmetric keys have no public half");
    switch (info.kty) {
        case KeyType::oct: return std::move(material).error();
        case KeyType::RSA: {
            auto p = detail::export_rsa(*material_);
            material = detail::make_rsa_key({p.n, p.e, {}, {}, {}, {}, {}, {}});
            break;
        }
        case KeyType::EC: {
            auto p = detail::export_ec(*material_);
            material = detail::make_ec_key(info.curve, {p.x, p.y, {}});
            break;
        }
        case KeyType::OKP: {
            auto p = detail::export_okp(*material_);
            material = detail::make_okp_key(info.curve, {p.x, {}});
            break;
        }
    }
    if (!material) return std::move(material).error();
    Jwk jwk;
    jwk.material_ = std::move(*material);
    JwkBuilder::metadata_from(jwk, *this);
    return jwk;
}

json::object Jwk::to_json(bool include_private) const {
    const auto info = detail::key_info(*material_);
    json::object obj;
    obj["kty"] = to_string(info.kty);
    const bool priv = include_private && info.has_private;
    switch (info.kty) {
        case KeyType::oct:
            if (priv) put_b64(obj, "k", detail::oct_secret(*material_));
            break;
        case KeyType::RSA: {
            auto p = detail::export_rsa(*material_);
            put_b64(obj, "n", p.n);
            put_b64(obj, "e", p.e);
            if (priv) {
                put_b64(obj, "d", p.d);
                if (!p.p.empty()) {
                    put_b64(obj, "p", p.p);
                    put_b64(obj, "q", p.q);
                    put_b64(obj, "dp", p.dp);
                    put_b64(obj, "dq", p.dq);
                    put_b64(obj, "qi", p.qi);
                }
            }
            break;
        }
        case KeyType::EC: {
            auto p = detail::export_ec(*material_);
            obj["crv"] = to_string(info.curve);
            put_b64(obj, "x", p.x);
            put_b64(obj, "y", p.y);
            if (priv) put_b64(obj, "d", p.d);
            break;
        }
        case KeyType::OKP: {
            auto p = detail::export_okp(*material_);
            obj["crv"] = to_string(info.curve);
            put_b64(obj, "x", p.x);
            if (priv) put_b64(obj, "d", p.d);
            break;
        }
    }
    if (!kid_.empty()) obj["kid"] = kid_;
    if (!alg_name_.empty()) obj["alg"] = alg_name_;
    if (!use_.empty()) obj["use"] = use_;
    if (!key_ops_.empty()) {
        json::array ops;
        for (const auto& op : key_ops_)
            ops.emplace_back(op);
        obj["key_ops"] = std::move(ops);
    }
    for (const auto& member : extra_)
        obj.emplace(member.key(), member.value());
    return obj;
}

std::string Jwk::to_json_string(bool include_private) const {
    return json::serialize(to_json(include_private));
}

std::string Jwk::thumbprint() const {
    // RFC 7638 §3.2: the required members only, names in lexicographic order, no whitespace.
    // Every value is base64url or a registered name, so none needs JSON escaping.
    const auto info = detail::key_info(*material_);
    std::string canonical;
    switch (info.kty) {
        case KeyType::oct:
            canonical = "{\"k\":\"" + base64url_encode(detail::oct_secret(*material_)) +
                        "\",\"kty\":\"oct\"}";
            break;
        case KeyType::RSA: {
            auto p = detail::export_rsa(*material_);
            canonical = "{\"e\":\"" + base64url_encode(p.e) + "\",\"kty\":\"RSA\",\"n\":\"" +
                        base64url_encode(p.n) + "\"}";
            break;
        }
        case KeyType::EC: {
            auto p = detail::export_ec(*material_);
            canonical = "{\"crv\":\"" + std::string(to_string(info.curve)) +
                        "\",\"kty\":\"EC\",\"x\":\"" + base64url_encode(p.x) + "\",\"y\":\"" +
                        base64url_encode(p.y) + "\"}";
            break;
        }
        case KeyType::OKP: {  // RFC 8037 §2
            auto p = detail::export_okp(*material_);
            canonical = "{\"crv\":\"" + std::string(to_string(info.curve)) +
                        "\",\"kty\":\"OKP\",\"x\":\"" + base64url_encode(p.x) + "\"}";
            break;
        }
    }
    unsigned char digest[32];
    detail::sha256(canonical, digest);
    return base64url_encode(std::span<const std::uint8_t>(digest, sizeof(digest)));
}

Result<std::string> Jwk::to_pem(bool public_only) const {
    return detail::write_pem(*material_, public_only);
}

}  // namespace signet
