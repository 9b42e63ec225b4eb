// A resource server that protects GET /hello with access tokens from an issuer it knows only by
// URL. The keys come from the issuer's published JWK Set (found through its discovery document)
// and follow its key rotation; nothing is shared with the issuer but that URL.
//
//   resource_server --issuer https://id.example.com [--audience API] [--port 8081]
//                   [--ca-file ca.pem] [--allow-http]
//
//   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8081/hello
//
// One thread per connection keeps the example short; a thread may wait for a JWKS fetch when a
// token names a key the issuer has just rotated in.
#include <signet/jwks_client.hpp>
#include <signet/jwt.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Settings {
    std::string issuer;
    std::string audience;
    std::string ca_file;
    bool allow_http = false;
    unsigned short port = 8081;
};

[[noreturn]] void usage(const char* why) {
    std::cerr << "resource_server: " << why
              << "\nusage: resource_server --issuer URL [--audience AUD] [--port N] "
                 "[--ca-file FILE] [--allow-http]\n";
    std::exit(2);
}

Settings parse_arguments(int argc, char** argv) {
    Settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage("an option is missing its value");
            return argv[++i];
        };
        if (arg == "--issuer") {
            s.issuer = next();
        } else if (arg == "--audience") {
            s.audience = next();
        } else if (arg == "--ca-file") {
            s.ca_file = next();
        } else if (arg == "--port") {
            s.port = static_cast<unsigned short>(std::stoul(next()));
        } else if (arg == "--allow-http") {
            s.allow_http = true;
        } else {
            usage("unknown argument");
        }
    }
    if (s.issuer.empty()) usage("--issuer is required");
    return s;
}

// RFC 6750 §2.1: "Authorization: Bearer <token>".
std::string_view bearer_token(const http::request<http::string_body>& request) {
    const auto it = request.find(http::field::authorization);
    if (it == request.end()) return {};
    const std::string_view value = it->value();
    constexpr std::string_view scheme = "Bearer ";
    if (value.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i) {  // the scheme is case-insensitive
        if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(scheme[i]))
            return {};
    }
    return value.substr(scheme.size());
}

http::response<http::string_body> answer(const http::request<http::string_body>& request,
                                         const signet::Verifier& verifier) {
    http::response<http::string_body> response(http::status::ok, request.version());
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    if (request.target() != "/hello" || request.method() != http::verb::get) {
        response.result(http::status::not_found);
        response.body() = R"({"error":"not_found"})";
    } else if (const std::string_view token = bearer_token(request); token.empty()) {
        response.result(http::status::unauthorized);  // RFC 6750 §3.1: no error code
        response.set(http::field::www_authenticate, "Bearer");
        response.body() = R"({"error":"unauthorized"})";
    } else if (auto claims = verifier.verify(token); !claims) {
        response.result(http::status::unauthorized);
        response.set(http::field::www_authenticate,
                     "Bearer error=\"invalid_token\", error_description=\"" +
                         std::string(signet::to_string(claims.error().code())) + "\"");
        response.body() = boost::json::serialize(boost::json::object{
            {"error", "invalid_token"}, {"reason", signet::to_string(claims.error().code())}});
    } else {
        response.body() =
            boost::json::serialize(boost::json::object{{"hello", claims->subject().value_or("")}});
    }
    response.prepare_payload();
    return response;
}

void serve_connection(tcp::socket socket, const signet::Verifier& verifier) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) return;
        auto response = answer(request, verifier);
        http::write(socket, response, ec);
        if (ec || !response.keep_alive()) return;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const Settings settings = parse_arguments(argc, argv);

    // Trusting the issuer: its keys, by discovery, kept fresh in the background.
    signet::RemoteJwksOptions remote;
    remote.issuer = settings.issuer;
    remote.ca_file = settings.ca_file;
    remote.allow_http = settings.allow_http;
    remote.on_fetch_error = [](const signet::Error& e) {
        std::cerr << "JWKS fetch failed (the last good keys stay in use): " << e.to_string()
                  << "\n";
    };
    auto keys = signet::RemoteJwks::load(std::move(remote));
    if (!keys) {
        std::cerr << "resource_server: " << keys.error().to_string() << "\n";
        return 1;
    }
    signet::VerifierOptions options;
    options.key_source = *keys;
    options.issuers = {settings.issuer};
    options.audiences = {settings.audience.empty() ? settings.issuer : settings.audience};
    options.required_claims = {"sub", "exp"};
    options.leeway = std::chrono::seconds(30);
    auto verifier = signet::Verifier::create(std::move(options));
    if (!verifier) {
        std::cerr << "resource_server: " << verifier.error().to_string() << "\n";
        return 1;
    }

    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), settings.port});
    std::cerr << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << " for "
              << settings.issuer << " (" << (*keys)->stats().keys << " keys)\n";
    for (;;) {
        tcp::socket socket = acceptor.accept();
        std::thread(serve_connection, std::move(socket), std::cref(*verifier)).detach();
    }
}
