// Attacks through the JWS protected header: keys the token brings along ("jwk", "jku", "x5u",
// "x5c"), "kid" values aimed at file systems and databases, "crit" abuse, and the RFC 7797
// unencoded payload smuggled into a JWT.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "security/security_support.hpp"

namespace signet::security {
namespace {

namespace json = boost::json;

const Jwk& attacker_key() {
    static const Jwk key = [] {
        KeyGenOptions options;
        options.kid = "attacker";
        return Jwk::generate(Algorithm::ES256, options).value();
    }();
    return key;
}

std::string with_member(std::string_view name, const json::value& value,
                        std::string_view kid = {}) {
    json::object header{{"alg", "ES256"}, {"typ", "JWT"}};
    header[name] = value;
    if (!kid.empty()) header["kid"] = kid;
    return json::serialize(header);
}

// CVE-2018-0114 (node-jose trusted the "jwk" header as the verification key); RFC 7515 §4.1.3,
// RFC 8725 §3.10. The attacker signs with their own key and ships its public half in the header.
TEST(EmbeddedJwk, AttackerKeyInHeaderIsIgnored) {
    const Jwk& victim = signing_key(Algorithm::ES256);
    const Jwk attacker_pub = public_of(attacker_key());
    const Verifier verifier = make_verifier({public_of(victim)});
    const KeySet keys = key_set({public_of(victim)});
    const json::value jwk = attacker_pub.to_json();

    const std::string no_kid =
        signed_token(with_member("jwk", jwk), valid_claims(), attacker_key(), Algorithm::ES256);
    const std::string own_kid = signed_token(with_member("jwk", jwk, "attacker"), valid_claims(),
                                             attacker_key(), Algorithm::ES256);
    const std::string victim_kid = signed_token(with_member("jwk", jwk, "ES256-key"),
                                                valid_claims(), attacker_key(), Algorithm::ES256);
    EXPECT_VERIFIER(verifier, no_kid, Errc::bad_signature);      // the victim's key was tried
    EXPECT_VERIFIER(verifier, own_kid, Errc::key_not_found);     // "attacker" is no key of ours
    EXPECT_VERIFIER(verifier, victim_kid, Errc::bad_signature);  // the victim's key, not the jwk
    EXPECT_JWS(no_kid, keys, jws_options({Algorithm::ES256}), Errc::bad_signature);
    EXPECT_JWS(own_kid, keys, jws_options({Algorithm::ES256}), Errc::key_not_found);
    EXPECT_JWS(victim_kid, keys, jws_options({Algorithm::ES256}), Errc::bad_signature);
    // With no key at all, the header's key still does not become one.
    EXPECT_JWS(no_kid, KeySet{}, jws_options({Algorithm::ES256}), Errc::key_not_found);

    // The symmetric variant: an oct "jwk" carrying the very secret the token is HMAC'd with.
    const std::string secret(32, 'k');
    const json::value oct = json::object{{"kty", "oct"}, {"k", b64(secret)}};
    const std::string hs_token =
        signed_token(R"({"alg":"HS256","jwk":)" + json::serialize(oct) + "}", valid_claims(),
                     Jwk::from_secret(secret, Algorithm::HS256).value(), Algorithm::HS256);
    EXPECT_VERIFIER(make_verifier({signing_key(Algorithm::HS256)}), hs_token, Errc::bad_signature);

    // Control: the token is sound and verifies for whoever really trusts the attacker's key.
    EXPECT_VERIFIER(make_verifier({attacker_pub}), no_kid, Errc::ok);
}

// A loopback listener that records whether anything connected: a verifier that fetched "jku" or
// "x5u" would connect here while verifying.
class Listener {
  public:
    Listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
            ::listen(fd_, 8) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("cannot listen on loopback");
        }
        port_ = ntohs(addr.sin_port);
    }
    ~Listener() { ::close(fd_); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    // True when a connection is pending (waits up to `ms` for a late one).
    bool contacted(int ms) const {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    }

  private:
    int fd_ = -1;
    unsigned short port_ = 0;
};

// RFC 8725 §3.10 (never fetch keys from URLs the token names: SSRF and key injection),
// RFC 7515 §4.1.2 (jku) and §4.1.5 (x5u). The URLs point at a live listener that must stay
// untouched.
TEST(RemoteKeyHeaders, JkuAndX5uAreNeverFetched) {
    const Listener listener;
    const Verifier verifier = make_verifier({public_of(signing_key(Algorithm::ES256))});
    const KeySet keys = key_set({public_of(signing_key(Algorithm::ES256))});
    for (const std::string name : {"jku", "x5u"}) {
        SCOPED_TRACE(name);
        const json::value url = json::string(listener.url("/" + name + ".json"));
        const std::string no_kid =
            signed_token(with_member(name, url), valid_claims(), attacker_key(), Algorithm::ES256);
        const std::string own_kid = signed_token(with_member(name, url, "attacker"), valid_claims(),
                                                 attacker_key(), Algorithm::ES256);
        EXPECT_VERIFIER(verifier, no_kid, Errc::bad_signature);
        EXPECT_VERIFIER(verifier, own_kid, Errc::key_not_found);
        EXPECT_JWS(no_kid, keys, jws_options({Algorithm::ES256}), Errc::bad_signature);
        EXPECT_JWS(own_kid, keys, jws_options({Algorithm::ES256}), Errc::key_not_found);
        EXPECT_JWS(own_kid, KeySet{}, jws_options({Algorithm::ES256}), Errc::key_not_found);
    }
    EXPECT_FALSE(listener.contacted(200)) << "a verifier connected to a URL from the token";
}

std::string standard_base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

struct Certificate {
    std::string der, pem;
};

// A self-signed X.509 certificate for the attacker's key: what an "x5c" header would carry.
Certificate self_signed(const Jwk& private_key) {
    const std::string key_pem = private_key.to_pem().value();
    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
    if (!pkey || !cert) throw std::runtime_error("cannot build a certificate");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), pkey.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("attacker"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), pkey.get(), EVP_sha256()) == 0)
        throw std::runtime_error("cannot sign the certificate");
    Certificate out;
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert.get(), &der);
    out.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    std::unique_ptr<BIO, decltype(&BIO_free)> out_bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509(out_bio.get(), cert.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(out_bio.get(), &data);
    out.pem.assign(data, static_cast<std::size_t>(size));
    return out;
}

// RFC 8725 §3.10, RFC 7515 §4.1.6: an "x5c" chain is the sender's claim, not a trust anchor.
TEST(RemoteKeyHeaders, X5cCertificateIsNeverUsed) {
    const Certificate cert = self_signed(attacker_key());
    const json::value chain = json::array{json::string(standard_base64(cert.der))};
    const std::string no_kid =
        signed_token(with_member("x5c", chain), valid_claims(), attacker_key(), Algorithm::ES256);
    const std::string own_kid = signed_token(with_member("x5c", chain, "attacker"), valid_claims(),
                                             attacker_key(), Algorithm::ES256);
    const Verifier verifier = make_verifier({public_of(signing_key(Algorithm::ES256))});
    const KeySet keys = key_set({public_of(signing_key(Algorithm::ES256))});
    EXPECT_VERIFIER(verifier, no_kid, Errc::bad_signature);
    EXPECT_VERIFIER(verifier, own_kid, Errc::key_not_found);
    EXPECT_JWS(no_kid, keys, jws_options({Algorithm::ES256}), Errc::bad_signature);
    EXPECT_JWS(own_kid, KeySet{}, jws_options({Algorithm::ES256}), Errc::key_not_found);
    // Control: the certificate really holds the key that signed the token.
    const Jwk from_cert = Jwk::from_pem(cert.pem).value();
    EXPECT_EQ(from_cert.thumbprint(), attacker_key().thumbprint());
    EXPECT_VERIFIER(make_verifier({from_cert}, {Algorithm::ES256}), no_kid, Errc::ok);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[32];
    unsigned int len = sizeof(out);
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

// RFC 8725 §3.10 ("kid" used in SQL or LDAP lookups, or as a path), RFC 7515 §4.1.4: a "kid"
// is an opaque, case-sensitive string, compared byte for byte with the keys' "kid"s. A path
// traversal to /dev/null would make the key the empty string, so the tokens are HMAC'd with an
// empty key, as the attack needs; SQL metacharacters hope for a lookup that matches any row.
TEST(KidInjection, PathTraversalAndSqlMetacharactersAreOpaqueStrings) {
    const Jwk& hs = signing_key(Algorithm::HS256);  // kid "HS256-key"
    const Verifier verifier = make_verifier({hs});
    const KeySet keys = key_set({hs});
    const std::vector<std::string> kids = {
        "../../dev/null",
        "../../../../../../../../etc/passwd",
        "/dev/null",
        "..\\\\..\\\\windows\\\\win.ini",  // JSON escapes: ..\..\windows\win.ini
        "' OR '1'='1",
        "x' UNION SELECT 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' --",
        "\\\"; DROP TABLE keys; --",  // JSON escapes: "; DROP TABLE keys; --
        "*",
        "%",
        "HS256-key\\u0000../../dev/null",  // a NUL that C-string code would stop at
        "HS256-KEY",                       // case differs
        "HS256-key ",
        "",
    };
    for (const std::string& kid : kids) {
        const std::string header = R"({"alg":"HS256","typ":"JWT","kid":")" + kid + R"("})";
        const std::string input = b64(header) + "." + b64(valid_claims());
        for (const std::string& mac_key : {std::string(), std::string(32, '\0')}) {
            const std::string token = input + "." + b64(hmac_sha256(mac_key, input));
            EXPECT_VERIFIER(verifier, token, Errc::key_not_found);
            EXPECT_JWS(token, keys, jws_options({Algorithm::HS256}), Errc::key_not_found);
        }
        // Even signed with the real secret, only the exact "kid" selects the key.
        EXPECT_VERIFIER(verifier, signed_token(header, valid_claims(), hs, Algorithm::HS256),
                        Errc::key_not_found);
    }
    // Control: a key whose "kid" is literally one of these strings is found by exact match.
    const std::string secret(32, 's');
    const Jwk odd = Jwk::from_secret(secret, Algorithm::HS256).value().with_kid("' OR '1'='1");
    const std::string header = R"({"alg":"HS256","kid":"' OR '1'='1"})";
    EXPECT_VERIFIER(make_verifier({odd}),
                    signed_token(header, valid_claims(), odd, Algorithm::HS256), Errc::ok);
    const std::string other_case = R"({"alg":"HS256","kid":"' or '1'='1"})";
    EXPECT_VERIFIER(make_verifier({odd}),
                    signed_token(other_case, valid_claims(), odd, Algorithm::HS256),
                    Errc::key_not_found);
}

// RFC 7515 §4.1.4: "kid" is a string. A number, object or array must not reach a key lookup
// (where a loosely typed store might coerce it) and is refused as a bad header.
TEST(KidInjection, NonStringKidIsRefused) {
    const Jwk& hs = signing_key(Algorithm::HS256);
    const Verifier verifier = make_verifier({hs});
    const KeySet keys = key_set({hs});
    for (const std::string kid :
         {"0", "1", "-1", "1e3", "null", "true", "false", R"(["HS256-key"])", R"({"$ne":""})",
          R"({"kid":"HS256-key"})", "[]", "{}"}) {
        const std::string token = signed_token(R"({"alg":"HS256","kid":)" + kid + "}",
                                               valid_claims(), hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::bad_header);
        EXPECT_JWS(token, keys, jws_options({Algorithm::HS256}), Errc::bad_header);
    }
}

// RFC 7515 §4.1.11: "crit" is a non-empty array of distinct extension names, none of them
// registered by the JOSE RFCs, each understood by the recipient and present in the header.
// Anything else makes the token invalid.
TEST(Crit, MalformedOrUnknownCritRejected) {
    const Jwk& hs = signing_key(Algorithm::HS256);
    const Verifier verifier = make_verifier({hs});
    const KeySet keys = key_set({hs});
    JwsVerifyOptions understands_ext = jws_options({Algorithm::HS256});
    understands_ext.understood_crit = {"https://example.com/ext"};

    const std::vector<std::string> rejected = {
        // An unknown extension, present, marked critical.
        R"({"alg":"HS256","crit":["https://example.com/unknown"],"https://example.com/unknown":1})",
        R"({"alg":"HS256","crit":["exp"],"exp":1})",
        // Registered names may not be listed (RFC 7515 §4.1.11 "MUST NOT").
        R"({"alg":"HS256","crit":["alg"]})",
        R"({"alg":"HS256","kid":"HS256-key","crit":["kid"]})",
        R"({"alg":"HS256","typ":"JWT","crit":["typ"]})",
        R"({"alg":"HS256","crit":["crit"]})",
        // Empty, or not an array of strings.
        R"({"alg":"HS256","crit":[]})",
        R"({"alg":"HS256","crit":"https://example.com/ext","https://example.com/ext":1})",
        R"({"alg":"HS256","crit":1})",
        R"({"alg":"HS256","crit":true})",
        R"({"alg":"HS256","crit":null})",
        R"({"alg":"HS256","crit":{"https://example.com/ext":true}})",
        R"({"alg":"HS256","crit":[1]})",
        R"({"alg":"HS256","crit":[null]})",
        R"({"alg":"HS256","crit":[["https://example.com/ext"]],"https://example.com/ext":1})",
        // Listed but absent from the header.
        R"({"alg":"HS256","crit":["https://example.com/ext"]})",
        // "b64" is understood, but listed while absent.
        R"({"alg":"HS256","crit":["b64"]})",
        // Listed twice.
        R"({"alg":"HS256","crit":["https://example.com/ext","https://example.com/ext"],)"
        R"("https://example.com/ext":1})",
    };
    for (const std::string& header : rejected) {
        const std::string token = signed_token(header, valid_claims(), hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::unsupported_crit);
        EXPECT_JWS(token, keys, jws_options({Algorithm::HS256}), Errc::unsupported_crit);
    }
    // The extension the caller understands passes jws::verify; the rejected shapes stay rejected.
    const std::string ext =
        R"({"alg":"HS256","crit":["https://example.com/ext"],"https://example.com/ext":1})";
    const std::string ext_token = signed_token(ext, valid_claims(), hs, Algorithm::HS256);
    EXPECT_JWS(ext_token, keys, understands_ext, Errc::ok);  // control
    EXPECT_JWS(ext_token, keys, jws_options({Algorithm::HS256}), Errc::unsupported_crit);
    EXPECT_VERIFIER(verifier, ext_token, Errc::unsupported_crit);  // JWTs know no extension
    for (const std::string& header : rejected) {
        const std::string token = signed_token(header, valid_claims(), hs, Algorithm::HS256);
        EXPECT_JWS(token, keys, understands_ext, Errc::unsupported_crit);
    }
}

// RFC 7797 §7: "b64": false must not be used with a JWT (its payload would be signed unencoded,
// so the signed bytes and the claims the verifier reads could differ); §6: "b64" must be in
// "crit". The Verifier refuses it in every form; a non-boolean "b64" is a bad header.
TEST(UnencodedPayload, B64FalseRefusedInJwt) {
    const Jwk& hs = signing_key(Algorithm::HS256);
    const Verifier verifier = make_verifier({hs});
    const KeySet keys = key_set({hs});
    // The payload travels raw: the attacker signs exactly what is in the token.
    const std::string raw_claims = R"({"sub":"admin","exp":1700000600})";
    for (const std::string header :
         {R"({"alg":"HS256","b64":false,"crit":["b64"]})", R"({"alg":"HS256","b64":false})",
          R"({"crit":["b64"],"b64":false,"alg":"HS256","typ":"JWT"})"}) {
        const std::string token = sign_input(b64(header) + "." + raw_claims, hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::unencoded_payload);
        EXPECT_JWS(token, keys, jws_options({Algorithm::HS256}), Errc::unencoded_payload);
        // Encoded the usual way, with b64:false still claimed: refused just the same.
        const std::string encoded = signed_token(header, raw_claims, hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, encoded, Errc::unencoded_payload);
    }
    for (const std::string b64_value : {R"("false")", "0", "null", "[]"}) {
        const std::string token = signed_token(R"({"alg":"HS256","b64":)" + b64_value + "}",
                                               valid_claims(), hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::bad_header);
        EXPECT_JWS(token, keys, jws_options({Algorithm::HS256}), Errc::bad_header);
    }
    // "b64": true is the default encoding and harmless (control).
    EXPECT_VERIFIER(
        verifier,
        signed_token(R"({"alg":"HS256","b64":true})", valid_claims(), hs, Algorithm::HS256),
        Errc::ok);
}

}  // namespace
}  // namespace signet::security
