// The server's TLS context (TLS 1.2 and up) loaded from PEM files.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>

namespace signet::server::http {

struct TlsFiles {
    std::filesystem::path certificate_chain;  // PEM
    std::filesystem::path private_key;        // PEM
};

// Throws std::runtime_error naming the file that could not be loaded, or the mismatch.
boost::asio::ssl::context make_tls_context(const TlsFiles& files);

}  // namespace signet::server::http
