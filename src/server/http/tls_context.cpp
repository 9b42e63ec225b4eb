// Loads and checks the certificate chain and key once, at start, so a bad file fails fast.
#include "server/http/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

namespace signet::server::http {

namespace asio = boost::asio;

asio::ssl::context make_tls_context(const TlsFiles& files) {
    asio::ssl::context tls(asio::ssl::context::tls_server);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    tls.use_certificate_chain_file(files.certificate_chain.string(), ec);
    if (ec) {
        throw std::runtime_error("cannot load the TLS certificate chain " +
                                 files.certificate_chain.string() + ": " + ec.message());
    }
    tls.use_private_key_file(files.private_key.string(), asio::ssl::context::pem, ec);
    if (ec) {
        throw std::runtime_error("cannot load the TLS private key " + files.private_key.string() +
                                 ": " + ec.message());
    }
    if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
        throw std::runtime_error("the TLS private key " + files.private_key.string() +
                                 " does not match the certificate " +
                                 files.certificate_chain.string());
    }
    return tls;
}

}  // namespace signet::server::http
