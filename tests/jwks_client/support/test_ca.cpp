// X.509 v3 certificates built with the OpenSSL 3 API. The CA keeps only PEM text (copyable, no
// OpenSSL types in the header) and parses its key and certificate again for each issue().
#include "jwks_client/support/test_ca.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstddef>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace signet::test {

namespace {

constexpr auto kValidBefore = std::chrono::hours(1);  // notBefore in the past: clock skew
constexpr auto kCaLifetime = std::chrono::days(30);
constexpr auto kLeafLifetime = std::chrono::days(1);

template <auto Free>
struct OpenSslFree {
    template <class T>
    void operator()(T* object) const {
        Free(object);
    }
};
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<&BN_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<&BIO_free>>;
using CertificatePtr = std::unique_ptr<X509, OpenSslFree<&X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslFree<&X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpenSslFree<&GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslFree<&GENERAL_NAMES_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<&EVP_PKEY_free>>;

// Throws with OpenSSL's first queued error, which says more than the failing call's name alone.
void check(bool ok, const char* what) {
    if (ok) return;
    const unsigned long code = ERR_get_error();
    char reason[256] = "no OpenSSL error queued";
    if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    throw std::runtime_error(std::string("TestCa: ") + what + ": " + reason);
}

KeyPtr generate_p256_key() {
    KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "generating a P-256 key");
    return key;
}

std::string pem_of(const X509* certificate) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_X509(bio.get(), certificate) == 1, "writing a certificate as PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string pem_of(const EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(
        bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing a private key as PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

CertificatePtr certificate_from_pem(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    check(bio != nullptr, "reading PEM");
    CertificatePtr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    check(certificate != nullptr, "reading the CA certificate");
    return certificate;
}

KeyPtr key_from_pem(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    check(bio != nullptr, "reading PEM");
    KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    check(key != nullptr, "reading the CA key");
    return key;
}

// A random positive 63-bit serial number (RFC 5280 §4.1.2.2).
BignumPtr random_serial() {
    BignumPtr serial(BN_new());
    check(serial && BN_rand(serial.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1,
          "drawing a serial number");
    return serial;
}

// A version 3 certificate for `key`, not yet signed nor named by an issuer, valid from an hour
// ago for `lifetime`.
CertificatePtr unsigned_certificate(EVP_PKEY* key, const std::string& common_name,
                                    const BIGNUM* serial, std::chrono::seconds lifetime) {
    CertificatePtr certificate(X509_new());
    check(certificate != nullptr, "allocating a certificate");
    check(X509_set_version(certificate.get(), X509_VERSION_3) == 1, "setting the version");
    check(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate.get())) != nullptr,
          "setting the serial number");

    const auto not_before = std::chrono::duration_cast<std::chrono::seconds>(kValidBefore);
    check(X509_gmtime_adj(X509_getm_notBefore(certificate.get()),
                          -static_cast<long>(not_before.count())) != nullptr,
          "setting notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(certificate.get()),
                          static_cast<long>(lifetime.count())) != nullptr,
          "setting notAfter");

    X509_NAME* subject = X509_get_subject_name(certificate.get());
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
          "setting the subject name");
    check(X509_set_pubkey(certificate.get(), key) == 1, "setting the public key");
    return certificate;
}

// One extension in openssl.cnf syntax (e.g. "critical,CA:TRUE"); `issuer` is the certificate
// that signs `subject` (itself for the CA), which authorityKeyIdentifier is taken from.
void add_extension(X509* subject, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, subject, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    check(extension != nullptr, value);
    check(X509_add_ext(subject, extension.get(), -1) == 1, value);
}

// subjectAltName entries built directly rather than from "DNS:a,IP:b" text, so that a name is
// never misread (the text form splits on commas, and OpenSSL's IPv4 reader accepts a trailing
// suffix such as "1.2.3.4.example").
void add_subject_alt_names(X509* certificate, const std::vector<std::string>& names) {
    if (names.empty()) return;  // an empty subjectAltName is invalid (RFC 5280 §4.2.1.6)
    GeneralNamesPtr alt_names(GENERAL_NAMES_new());
    check(alt_names != nullptr, "allocating subjectAltName");
    for (const auto& name : names) {
        GeneralNamePtr entry(GENERAL_NAME_new());
        check(entry != nullptr, "allocating a subjectAltName entry");
        unsigned char address[16];
        int address_size = 0;
        if (::inet_pton(AF_INET, name.c_str(), address) == 1) {
            address_size = 4;
        } else if (::inet_pton(AF_INET6, name.c_str(), address) == 1) {
            address_size = 16;
        }
        ASN1_STRING* value = address_size > 0 ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
        check(value != nullptr, "allocating a subjectAltName value");
        const int set = address_size > 0
                            ? ASN1_STRING_set(value, address, address_size)
                            : ASN1_STRING_set(value, name.data(), static_cast<int>(name.size()));
        if (set != 1) ASN1_STRING_free(value);
        check(set == 1, "setting a subjectAltName value");
        GENERAL_NAME_set0_value(entry.get(), address_size > 0 ? GEN_IPADD : GEN_DNS, value);
        check(sk_GENERAL_NAME_push(alt_names.get(), entry.get()) > 0, "adding a subjectAltName");
        entry.release();  // the stack owns it now
    }
    check(X509_add1_ext_i2d(certificate, NID_subject_alt_name, alt_names.get(), 0,
                            X509V3_ADD_DEFAULT) == 1,
          "adding subjectAltName");
}

void sign(X509* certificate, EVP_PKEY* issuer_key) {
    check(X509_sign(certificate, issuer_key, EVP_sha256()) > 0, "signing a certificate");
}

std::string hex(const BIGNUM* number) {
    char* text = BN_bn2hex(number);
    check(text != nullptr, "formatting a serial number");
    std::string out(text);
    OPENSSL_free(text);
    return out;
}

}  // namespace

TestCa::TestCa() {
    KeyPtr key = generate_p256_key();
    BignumPtr serial = random_serial();
    CertificatePtr certificate = unsigned_certificate(
        key.get(), "signet test CA " + hex(serial.get()), serial.get(), kCaLifetime);
    X509* ca = certificate.get();
    check(X509_set_issuer_name(ca, X509_get_subject_name(ca)) == 1, "setting the issuer name");
    add_extension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca, ca, NID_subject_key_identifier, "hash");
    sign(ca, key.get());
    certificate_pem_ = pem_of(ca);
    private_key_pem_ = pem_of(key.get());
}

TestCertificate TestCa::issue(const std::vector<std::string>& names) const {
    CertificatePtr ca_certificate = certificate_from_pem(certificate_pem_);
    KeyPtr ca_key = key_from_pem(private_key_pem_);
    KeyPtr key = generate_p256_key();
    // Clients match host names against subjectAltName only (RFC 6125 §6.4.4), so the common name
    // is a fixed label: a long host name would not fit its 64 characters anyway.
    CertificatePtr leaf =
        unsigned_certificate(key.get(), "signet test server", random_serial().get(), kLeafLifetime);
    check(X509_set_issuer_name(leaf.get(), X509_get_subject_name(ca_certificate.get())) == 1,
          "setting the issuer name");
    add_extension(leaf.get(), ca_certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(leaf.get(), ca_certificate.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(leaf.get(), ca_certificate.get(), NID_ext_key_usage, "serverAuth");
    add_extension(leaf.get(), ca_certificate.get(), NID_subject_key_identifier, "hash");
    add_extension(leaf.get(), ca_certificate.get(), NID_authority_key_identifier, "keyid:always");
    add_subject_alt_names(leaf.get(), names);
    sign(leaf.get(), ca_key.get());
    return TestCertificate{pem_of(leaf.get()), pem_of(key.get())};
}

void TestCa::write_certificate(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << certificate_pem_;
    out.close();
    if (!out) throw std::runtime_error("TestCa: cannot write " + path.string());
}

}  // namespace signet::test
