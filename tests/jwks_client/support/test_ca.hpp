// A throwaway certificate authority for TLS tests: a fresh EC P-256 key and self-signed CA
// certificate made in memory, which issues server certificates for whatever names a test needs
// (including wrong ones), so HTTPS clients can be tested with full verification against a trust
// anchor that exists only for the test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace signet::test {

struct TestCertificate {
    std::string certificate_pem;
    std::string private_key_pem;  // PKCS#8
};

class TestCa {
  public:
    // Generates the CA key and certificate (CA:TRUE, keyCertSign) with the OpenSSL API; each CA
    // has its own subject name, so two CAs never vouch for each other's certificates.
    TestCa();

    const std::string& certificate_pem() const { return certificate_pem_; }

    // A leaf certificate with a fresh P-256 key, signed by this CA, valid from an hour ago to a
    // day from now, for TLS servers (serverAuth). Each name becomes a subjectAltName: IP: when it
    // parses as an IPv4 or IPv6 address, DNS: otherwise.
    TestCertificate issue(const std::vector<std::string>& names) const;

    // Writes certificate_pem() to `path` (a CA file for clients); throws when it cannot.
    void write_certificate(const std::filesystem::path& path) const;

  private:
    std::string certificate_pem_;
    std::string private_key_pem_;
};

}  // namespace signet::test
