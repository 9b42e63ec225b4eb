// PEM import (SPKI, PKCS#8, traditional RSA/EC, X.509 certificates) and export (SPKI, PKCS#8).
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

#include "crypto/curves.hpp"
#include "crypto/openssl.hpp"

namespace signet::detail {
namespace {

struct BioFree {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Never prompt on a terminal for a passphrase: encrypted PEM is refused instead.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

Result<PemKey> describe(EVP_PKEY* pkey, bool is_private) {
    KeyMaterial tmp;  // only to reuse the exporters
    tmp.has_private = is_private;
    PemKey out{};
    const int id = EVP_PKEY_get_base_id(pkey);
    if (id == EVP_PKEY_RSA) {
        out.kty = KeyType::RSA;
        out.curve = Curve::none;
        tmp.kty = KeyType::RSA;
        tmp.pkey.reset(pkey);
        EVP_PKEY_up_ref(pkey);
        out.rsa = export_rsa(tmp);
        return out;
    }
    if (id == EVP_PKEY_EC) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) != 1) {
            return Error(Errc::unsupported_key, "EC key without a named curve");
        }
        Curve curve = Curve::none;
        for (Curve c : {Curve::P256, Curve::P384, Curve::P521, Curve::secp256k1}) {
            if (openssl_curve_nid(c) == OBJ_txt2nid(group)) curve = c;
        }
        if (curve == Curve::none) {
            return Error(Errc::unsupported_key, std::string("unsupported EC curve ") + group);
        }
        out.kty = KeyType::EC;
        out.curve = curve;
        tmp.kty = KeyType::EC;
        tmp.curve = curve;
        tmp.order_bytes = curve_field_bytes(curve);
        tmp.pkey.reset(pkey);
        EVP_PKEY_up_ref(pkey);
        out.ec = export_ec(tmp);
        return out;
    }
    Curve curve = Curve::none;
    if (id == EVP_PKEY_ED25519) curve = Curve::Ed25519;
    if (id == EVP_PKEY_ED448) curve = Curve::Ed448;
    if (id == EVP_PKEY_X25519) curve = Curve::X25519;
    if (id == EVP_PKEY_X448) curve = Curve::X448;
    if (curve == Curve::none) return Error(Errc::unsupported_key, "unsupported PEM key type");
    out.kty = KeyType::OKP;
    out.curve = curve;
    tmp.kty = KeyType::OKP;
    tmp.curve = curve;
    tmp.pkey.reset(pkey);
    EVP_PKEY_up_ref(pkey);
    out.okp = export_okp(tmp);
    return out;
}

}  // namespace

Result<PemKey> read_pem(std::string_view pem) {
    constexpr std::size_t kMaxPem = 1 << 20;
    if (pem.size() > kMaxPem) return Error(Errc::invalid_key, "PEM input larger than 1 MiB");
    const auto begins = [&](std::string_view label) {
        return pem.find(std::string("-----BEGIN ") + std::string(label) + "-----") !=
               std::string_view::npos;
    };
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return Error(Errc::crypto_failure, "out of memory");
    PkeyPtr pkey;
    bool is_private = false;
    if (begins("CERTIFICATE")) {
        X509* cert = PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr);
        if (cert == nullptr) return Error(Errc::invalid_key, "not a valid PEM certificate");
        pkey.reset(X509_get_pubkey(cert));
        X509_free(cert);
    } else if (begins("PUBLIC KEY")) {
        pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
    } else if (begins("ENCRYPTED PRIVATE KEY")) {
        return Error(Errc::unsupported_key, "encrypted PEM private keys are not supported");
    } else if (begins("PRIVATE KEY") || begins("RSA PRIVATE KEY") || begins("EC PRIVATE KEY")) {
        // PKCS#8, or the traditional PKCS#1 RSA and SEC 1 EC forms.
        pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
        is_private = true;
    } else {
        return Error(Errc::invalid_key,
                     "no supported PEM block (PUBLIC KEY, PRIVATE KEY, CERTIFICATE)");
    }
    if (!pkey) return Error(Errc::invalid_key, "the PEM key could not be decoded");
    EVP_PKEY* raw = pkey.release();
    auto out = describe(raw, is_private);
    EVP_PKEY_free(raw);
    return out;
}

Result<std::string> write_pem(const KeyMaterial& key, bool public_only) {
    if (key.kty == KeyType::oct)
        return Error(Errc::invalid_argument, "symmetric keys have no PEM form");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return Error(Errc::crypto_failure, "out of memory");
    const bool write_private = key.has_private && !public_only;
    const int ok = write_private ? PEM_write_bio_PrivateKey(bio.get(), key.pkey.get(), nullptr,
                                                            nullptr, 0, nullptr, nullptr)
                                 : PEM_write_bio_PUBKEY(bio.get(), key.pkey.get());
    if (ok != 1) return Error(Errc::crypto_failure, "PEM encoding failed");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace signet::detail
