// The parsed key and parameter export (the inverse of key_import.cpp).
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <mutex>

#include "crypto/curves.hpp"
#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {
std::atomic<std::uint64_t> g_next_key_id{1};

// Group orders, computed once per curve.
struct Order {
    std::array<unsigned char, 66> bytes{};
    std::size_t size = 0;
};
const Order& curve_order(Curve curve) {
    static std::array<Order, 9> orders;
    static std::once_flag once;
    std::call_once(once, [] {
        for (Curve c : {Curve::P256, Curve::P384, Curve::P521, Curve::secp256k1}) {
            EC_GROUP* group = EC_GROUP_new_by_curve_name(openssl_curve_nid(c));
            if (group == nullptr) continue;
            Order& o = orders[static_cast<std::size_t>(c)];
            o.size = curve_field_bytes(c);
            BN_bn2binpad(EC_GROUP_get0_order(group), o.bytes.data(), static_cast<int>(o.size));
            EC_GROUP_free(group);
        }
    });
    return orders[static_cast<std::size_t>(curve)];
}
}  // namespace

const char* openssl_curve_name(Curve curve) noexcept {
    switch (curve) {
        case Curve::P256: return "P-256";
        case Curve::P384: return "P-384";
        case Curve::P521: return "P-521";
        case Curve::secp256k1: return "secp256k1";
        case Curve::Ed25519: return "ED25519";
        case Curve::Ed448: return "ED448";
        case Curve::X25519: return "X25519";
        case Curve::X448: return "X448";
        case Curve::none: break;
    }
    return "";
}

int openssl_curve_nid(Curve curve) noexcept {
    switch (curve) {
        case Curve::P256: return NID_X9_62_prime256v1;
        case Curve::P384: return NID_secp384r1;
        case Curve::P521: return NID_secp521r1;
        case Curve::secp256k1: return NID_secp256k1;
        default: return 0;
    }
}

std::size_t curve_field_bytes(Curve curve) noexcept {
    switch (curve) {
        case Curve::P256:
        case Curve::secp256k1:
        case Curve::Ed25519:
        case Curve::X25519: return 32;
        case Curve::P384: return 48;
        case Curve::P521: return 66;
        case Curve::Ed448: return 57;
        case Curve::X448: return 56;
        case Curve::none: break;
    }
    return 0;
}

bool is_ec_curve(Curve c) noexcept {
    return c == Curve::P256 || c == Curve::P384 || c == Curve::P521 || c == Curve::secp256k1;
}
bool is_okp_curve(Curve c) noexcept {
    return c == Curve::Ed25519 || c == Curve::Ed448 || c == Curve::X25519 || c == Curve::X448;
}

KeyMaterial::KeyMaterial() : id(g_next_key_id.fetch_add(1, std::memory_order_relaxed)) {}

KeyMaterial::~KeyMaterial() {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
}

Result<KeyPtr> wrap_pkey(PkeyPtr pkey, KeyType kty, Curve curve, bool has_private) {
    auto key = std::make_shared<KeyMaterial>();
    key->kty = kty;
    key->curve = curve;
    key->has_private = has_private;
    key->bits = static_cast<std::size_t>(EVP_PKEY_get_bits(pkey.get()));
    if (kty == KeyType::EC) {
        const Order& o = curve_order(curve);
        if (o.size == 0) return Error(Errc::unsupported_key, "curve not available in this build");
        key->order = o.bytes;
        key->order_bytes = o.size;
        key->bits = curve == Curve::P521 ? 521 : o.size * 8;
    }
    key->pkey = std::move(pkey);
    return KeyPtr(std::move(key));
}

KeyInfo key_info(const KeyMaterial& key) noexcept {
    return {key.kty, key.curve, key.has_private, key.bits};
}

std::string_view oct_secret(const KeyMaterial& key) noexcept {
    return key.secret;
}

namespace {
std::string get_bn(const EVP_PKEY* pkey, const char* name, std::size_t pad_to = 0) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return {};
    BnPtr owned(bn);
    return bn_to_bytes(bn, pad_to);
}
}  // namespace

RsaParams export_rsa(const KeyMaterial& key) {
    RsaParams p;
    const EVP_PKEY* k = key.pkey.get();
    p.n = get_bn(k, OSSL_PKEY_PARAM_RSA_N);
    p.e = get_bn(k, OSSL_PKEY_PARAM_RSA_E);
    if (key.has_private) {
        p.d = get_bn(k, OSSL_PKEY_PARAM_RSA_D);
        p.p = get_bn(k, OSSL_PKEY_PARAM_RSA_FACTOR1);
        p.q = get_bn(k, OSSL_PKEY_PARAM_RSA_FACTOR2);
        p.dp = get_bn(k, OSSL_PKEY_PARAM_RSA_EXPONENT1);
        p.dq = get_bn(k, OSSL_PKEY_PARAM_RSA_EXPONENT2);
        p.qi = get_bn(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    }
    return p;
}

EcParams export_ec(const KeyMaterial& key) {
    EcParams p;
    const EVP_PKEY* k = key.pkey.get();
    const std::size_t size = curve_field_bytes(key.curve);
    p.x = get_bn(k, OSSL_PKEY_PARAM_EC_PUB_X, size);
    p.y = get_bn(k, OSSL_PKEY_PARAM_EC_PUB_Y, size);
    if (key.has_private) p.d = get_bn(k, OSSL_PKEY_PARAM_PRIV_KEY, key.order_bytes);
    return p;
}

OkpParams export_okp(const KeyMaterial& key) {
    OkpParams p;
    const EVP_PKEY* k = key.pkey.get();
    std::size_t len = 0;
    if (EVP_PKEY_get_raw_public_key(k, nullptr, &len) == 1) {
        p.x.resize(len);
        EVP_PKEY_get_raw_public_key(k, reinterpret_cast<unsigned char*>(p.x.data()), &len);
    }
    if (key.has_private && EVP_PKEY_get_raw_private_key(k, nullptr, &len) == 1) {
        p.d.resize(len);
        EVP_PKEY_get_raw_private_key(k, reinterpret_cast<unsigned char*>(p.d.data()), &len);
    }
    return p;
}

}  // namespace signet::detail
