// Helpers shared by the library's unit tests: keys generated once per process, hand-built tokens
// (any header, any payload, a real signature) and a fixed clock.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "signet/signet.hpp"

namespace signet::testing {

// A private key for `alg`, generated on first use and shared by every test of the binary
// (RSA generation is slow). kid: "<alg>-key".
inline const Jwk& test_key(Algorithm alg) {
    static std::mutex mutex;
    static std::map<Algorithm, Jwk> keys;
    std::lock_guard lock(mutex);
    auto it = keys.find(alg);
    if (it == keys.end()) {
        KeyGenOptions options;
        options.kid = std::string(to_string(alg)) + "-key";
        auto key = Jwk::generate(alg, options);
        if (!key) throw std::runtime_error("key generation failed: " + key.error().to_string());
        it = keys.emplace(alg, std::move(key).value()).first;
    }
    return it->second;
}

inline Jwk public_of(const Jwk& key) {
    if (key.is_symmetric()) return key;
    return key.public_key().value();
}

inline KeySet key_set(std::initializer_list<Jwk> keys) {
    return KeySet::from_keys(std::vector<Jwk>(keys)).value();
}

inline std::string b64(std::string_view bytes) {
    return base64url_encode(bytes);
}

inline std::string b64_json(const boost::json::object& obj) {
    return base64url_encode(boost::json::serialize(obj));
}

// A compact JWS over exactly these header and payload texts, signed with `key` under `alg`
// (whatever the header says). Lets tests build headers the library's signers refuse to write.
inline std::string make_token(std::string_view header_json, std::string_view payload_json,
                              const Jwk& key, Algorithm alg) {
    std::string input = b64(header_json) + "." + b64(payload_json);
    auto sig = sign_bytes(alg, key, input);
    if (!sig) throw std::runtime_error("signing failed: " + sig.error().to_string());
    return input + "." + b64(*sig);
}

inline std::string make_token(const boost::json::object& header, const boost::json::object& payload,
                              const Jwk& key, Algorithm alg) {
    return make_token(boost::json::serialize(header), boost::json::serialize(payload), key, alg);
}

// Replaces one character of the encoded signature so that it decodes to different bytes.
inline std::string tamper_signature(std::string token) {
    const std::size_t at = token.rfind('.') + 1;
    token[at] = token[at] == 'A' ? 'B' : 'A';
    return token;
}

inline constexpr std::int64_t kNow = 1'700'000'000;  // 2023-11-14T22:13:20Z

inline std::chrono::system_clock::time_point at_seconds(std::int64_t s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

inline Clock fixed_clock(std::int64_t s) {
    return [s] { return at_seconds(s); };
}

inline std::string read_vector(std::string_view relative) {
    const std::string path = std::string(SIGNET_VECTORS_DIR) + "/" + std::string(relative);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

}  // namespace signet::testing
