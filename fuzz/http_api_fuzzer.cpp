// Fuzz target for the server's request handling, in process and without a socket: raw bytes are
// parsed as an HTTP/1.1 request with the server's limits (Beast's parser, as the listener uses),
// routed, and handled by the real API handlers over a real SQLite data dir and the in-memory
// stores. The placeholders @AT@ and @RT@ in an input are replaced by a live access and refresh
// token, so mutations reach the paths behind a valid signature. Invariants: no handler throws;
// every status is one the API documents; every error is a JSON object with string "error" and
// "error_description"; a 401 on /v1/me carries a Bearer challenge (RFC 6750 §3).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "server/api/api_common.hpp"
#include "server/http/router.hpp"
#include "server/services.hpp"
#include "server/store/memory/memory_stores.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace signet;
using namespace signet::server;

struct Setup {
    Setup() {
        std::string pattern = (std::filesystem::temp_directory_path() / "signet-fuzz-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        dir = pattern;
        config.data_dir = dir / "data";
        // A cheap Argon2id keeps executions fast; the cost is libsodium's concern, not the
        // parser's.
        config.argon2_memory_kib = 8192;
        config.argon2_iterations = 1;
        config.login_limit_per_email = 1'000'000'000;
        config.login_limit_per_address = 1'000'000'000;
        config.log_requests = false;
        services = std::make_unique<Services>(config, open_stores(store_settings(config)),
                                              "http://127.0.0.1:8080", false, metrics);
        api::add_api_routes(router, *services);

        password_hash = services->hasher.hash("fuzz-password");
        user = User{"u_fuzz", "fuzz@example.com", password_hash, false, unix_now(), 0};
        services->stores.users->create(user);
        renew_tokens();
    }
    // Live tokens for the placeholders; renewed after an input revoked or rotated them, so later
    // inputs still reach the paths behind a valid token.
    void renew_tokens() {
        // An input may have changed the password: set it back, and take the password generation
        // that setting it gives, so the new refresh token refreshes.
        services->stores.users->replace_password(user.id, password_hash);
        user = services->stores.users->find_by_id(user.id).value_or(user);
        const TokenPair pair = services->tokens.issue(user, unix_now());
        access_token = pair.access_token;
        refresh_token = pair.refresh_token;
    }
    ~Setup() {
        services.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::filesystem::path dir;
    ServerConfig config;
    http::Metrics metrics;
    std::unique_ptr<Services> services;
    http::Router router;
    User user;
    std::string password_hash;
    std::string access_token;
    std::string refresh_token;
};

Setup& setup() {
    static Setup instance;
    return instance;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

const std::set<unsigned> kDocumentedStatuses = {200, 201, 204, 400, 401, 403,
                                                404, 405, 409, 413, 415, 429};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Setup& s = setup();
    std::string bytes(reinterpret_cast<const char*>(data), size);
    replace_all(bytes, "@AT@", s.access_token);
    replace_all(bytes, "@RT@", s.refresh_token);

    // The listener's limits (ServerOptions defaults).
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(bytes), ec);
    if (ec || !parser.is_done()) return 0;  // the listener answers 400/413/431 or waits for more
    const http::Request request = parser.release();

    http::RequestContext context;
    context.client_address = "127.0.0.1";
    context.request_id = "fuzz";
    const http::Router::Match match = s.router.match(request.method(), request.target());
    http::Response response;
    if (match.route == nullptr) {
        response = http::unroutable(request, match);
    } else {
        try {
            // As the server does: a split route's inline part first, then its worker part.
            std::optional<http::Response> inline_response;
            if (match.route->try_inline)
                inline_response = match.route->try_inline(request, context);
            response = inline_response ? std::move(*inline_response)
                                       : match.route->handler(request, context);
        } catch (const std::exception& e) {
            FUZZ_CHECK_MSG(false, std::string("handler threw: ") + e.what());
        }
    }

    const unsigned status = response.result_int();
    FUZZ_CHECK_MSG(kDocumentedStatuses.count(status) == 1, std::to_string(status));
    if (status >= 400) {
        boost::system::error_code json_ec;
        const boost::json::value body = boost::json::parse(response.body(), json_ec);
        FUZZ_CHECK_MSG(!json_ec && body.is_object(), response.body());
        const auto* error = body.as_object().if_contains("error");
        const auto* description = body.as_object().if_contains("error_description");
        FUZZ_CHECK(error != nullptr && error->is_string());
        FUZZ_CHECK(description != nullptr && description->is_string());
    }
    const std::string_view path =
        match.route != nullptr ? std::string_view(match.route->path) : std::string_view();
    if (status == 401 && path == "/v1/me") {
        const auto challenge = response.find(bhttp::field::www_authenticate);
        FUZZ_CHECK(challenge != response.end() && challenge->value().starts_with("Bearer "));
    }
    if (status < 300 &&
        (path == "/v1/logout" || path == "/v1/password" || path == "/v1/token/refresh")) {
        s.renew_tokens();
    }
    return 0;
}
