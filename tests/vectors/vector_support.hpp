// Shared helpers of the published-vector tests: read the vector files, decode hex, run a case and
// tally its outcome per file, so a failure names its vector and each file prints one summary line.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/base64url.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jws.hpp"
#include "signet/signature.hpp"

namespace signet::vectors {

// Absolute path of a file below tests/vectors/.
inline std::string vector_path(std::string_view relative) {
    return std::string(SIGNET_VECTORS_DIR) + "/" + std::string(relative);
}

// The bytes of a vector file, unchanged. Throws when the file cannot be read, which fails the test
// that asked for it with the path in the message.
inline std::string read_vector_file(std::string_view relative) {
    std::ifstream in(vector_path(relative), std::ios::binary);
    if (!in) throw std::runtime_error("cannot read vector file " + vector_path(relative));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline boost::json::value read_json_file(std::string_view relative) {
    return boost::json::parse(read_vector_file(relative));
}

// A text artefact (.jwsc, .thp) without trailing whitespace.
inline std::string read_text_file(std::string_view relative) {
    std::string text = read_vector_file(relative);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

// Wycheproof writes byte strings as lowercase hex.
inline std::string hex_decode(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument("bad hex digit in vector");
    };
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd-length hex in vector");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
    }
    return out;
}

// base64url member of a JSON vector (cookbook "sig", ...), decoded strictly.
inline std::string b64u(std::string_view text) {
    auto decoded = base64url_decode(text);
    if (!decoded)
        throw std::invalid_argument("vector holds invalid base64url: " + std::string(text));
    return std::move(decoded).value();
}

inline std::string str(const boost::json::value& v) {
    return std::string(v.as_string());
}

// What the library did with one case.
struct Outcome {
    bool accepted = false;
    Errc code = Errc::ok;
    std::string message;

    static Outcome accept() { return Outcome{true, Errc::ok, {}}; }
    static Outcome reject(const Error& error) {
        return Outcome{false, error.code(), error.message()};
    }
    template <class T>
    static Outcome of(const Result<T>& result) {
        return result ? accept() : reject(result.error());
    }
};

inline std::string describe(const Outcome& outcome) {
    if (outcome.accepted) return "accepted";
    return "rejected with " + std::string(to_string(outcome.code)) + " (" + outcome.message + ")";
}

inline std::string describe_codes(const std::vector<Errc>& codes) {
    std::string out;
    for (Errc code : codes) {
        if (!out.empty()) out += " or ";
        out += to_string(code);
    }
    return out;
}

inline bool code_in(Errc code, const std::vector<Errc>& codes) {
    for (Errc c : codes) {
        if (c == code) return true;
    }
    return false;
}

// Wycheproof "result".
enum class Expected { valid, invalid, acceptable };

inline Expected parse_expected(std::string_view result) {
    if (result == "valid") return Expected::valid;
    if (result == "invalid") return Expected::invalid;
    if (result == "acceptable") return Expected::acceptable;
    throw std::invalid_argument("unknown Wycheproof result: " + std::string(result));
}

// The counts one vector file contributes; printed as one line when the file is done.
class Tally {
  public:
    explicit Tally(std::string file) : file_(std::move(file)) {}

    const std::string& file() const noexcept { return file_; }
    std::size_t cases() const noexcept { return cases_; }
    std::size_t failed() const noexcept { return failed_; }
    std::size_t conflicts() const noexcept { return conflicts_; }

    // A case judged by its published expectation: every valid accepted, every invalid rejected,
    // acceptable either way.
    void expect(const std::string& label, Expected expected, const Outcome& outcome) {
        ++cases_;
        switch (expected) {
            case Expected::valid:
                if (outcome.accepted) {
                    ++valid_accepted_;
                } else {
                    fail(label, "expected valid (accepted), got " + describe(outcome));
                }
                break;
            case Expected::invalid:
                if (!outcome.accepted) {
                    ++invalid_rejected_;
                } else {
                    fail(label, "expected invalid (rejected), got accepted");
                }
                break;
            case Expected::acceptable:
                ++(outcome.accepted ? acceptable_accepted_ : acceptable_rejected_);
                break;
        }
    }

    // A case whose published expectation conflicts with one of the library's rules: the library
    // must reject it with the code of that rule.
    void conflict_rejected(const std::string& label, std::string_view reason,
                           const Outcome& outcome, const std::vector<Errc>& codes) {
        ++cases_;
        if (!outcome.accepted && code_in(outcome.code, codes)) {
            ++conflicts_;
        } else {
            fail(label, "conflict (" + std::string(reason) + "): expected rejection with " +
                            describe_codes(codes) + ", got " + describe(outcome));
        }
    }

    // A case published as invalid that the library's rules accept (see the reason).
    void conflict_accepted(const std::string& label, std::string_view reason,
                           const Outcome& outcome) {
        ++cases_;
        if (outcome.accepted) {
            ++conflicts_;
        } else {
            fail(label, "conflict (" + std::string(reason) + "): expected acceptance, got " +
                            describe(outcome));
        }
    }

    // A case of a family this API does not implement (JWE in a JWS test); it must be rejected
    // with one of `codes`.
    void out_of_scope(const std::string& label, std::string_view reason, const Outcome& outcome,
                      const std::vector<Errc>& codes) {
        ++cases_;
        if (!outcome.accepted && code_in(outcome.code, codes)) {
            ++out_of_scope_;
        } else {
            fail(label, "out of scope (" + std::string(reason) + "): expected rejection with " +
                            describe_codes(codes) + ", got " + describe(outcome));
        }
    }

    // An extra assertion about a case already counted (a re-sign, a second key form).
    void check(bool ok, const std::string& label, const std::string& what) {
        if (!ok) fail(label, what);
    }

    std::string summary() const {
        std::ostringstream out;
        out << file_ << ": " << cases_ << " cases, " << valid_accepted_ << " valid accepted, "
            << invalid_rejected_ << " invalid rejected, ";
        if (acceptable_accepted_ + acceptable_rejected_ > 0) {
            out << (acceptable_accepted_ + acceptable_rejected_) << " acceptable ("
                << acceptable_accepted_ << " accepted, " << acceptable_rejected_ << " rejected), ";
        }
        out << conflicts_ << " conflicts";
        if (out_of_scope_ > 0) out << ", " << out_of_scope_ << " out of scope (rejected)";
        if (failed_ > 0) out << ", " << failed_ << " FAILED";
        return out.str();
    }

    // Prints the summary line and checks the file was read completely and without failures.
    void finish(std::size_t declared_cases) const {
        std::cout << summary() << std::endl;
        EXPECT_GT(cases_, 0U) << file_ << ": no cases were run";
        EXPECT_EQ(cases_, declared_cases) << file_ << ": cases run differ from the file's count";
        EXPECT_EQ(failed_, 0U) << summary();
    }

    // The same for a selection of a file's cases (the JWE groups of a mixed file, the JSON
    // serialization cases given to another API), where the file's own count does not apply.
    void finish_selection() const {
        std::cout << summary() << std::endl;
        EXPECT_GT(cases_, 0U) << file_ << ": no cases were run";
        EXPECT_EQ(failed_, 0U) << summary();
    }

  private:
    void fail(const std::string& label, const std::string& what) {
        ++failed_;
        ADD_FAILURE() << label << ": " << what;
    }

    std::string file_;
    std::size_t cases_ = 0;
    std::size_t valid_accepted_ = 0;
    std::size_t invalid_rejected_ = 0;
    std::size_t acceptable_accepted_ = 0;
    std::size_t acceptable_rejected_ = 0;
    std::size_t conflicts_ = 0;
    std::size_t out_of_scope_ = 0;
    std::size_t failed_ = 0;
};

// "wycheproof/x.json tcId 12 (comment) [Flag1,Flag2]": how a failure names its vector.
inline std::string case_label(std::string_view file, const boost::json::object& test) {
    std::ostringstream out;
    out << file << " tcId " << test.at("tcId").as_int64();
    if (const auto* comment = test.if_contains("comment")) {
        if (comment->is_string() && !comment->as_string().empty()) {
            out << " (" << std::string_view(comment->as_string()) << ")";
        }
    }
    if (const auto* flags = test.if_contains("flags")) {
        if (flags->is_array() && !flags->as_array().empty()) {
            out << " [";
            bool first = true;
            for (const auto& flag : flags->as_array()) {
                if (!first) out << ",";
                out << std::string_view(flag.as_string());
                first = false;
            }
            out << "]";
        }
    }
    return out.str();
}

// A Wycheproof file: its groups and tests, in order.
struct WycheproofFile {
    std::string name;  // relative to tests/vectors/, e.g. "wycheproof/hmac_sha256_test.json"
    boost::json::value root;

    explicit WycheproofFile(std::string relative)
        : name(std::move(relative)), root(read_json_file(name)) {}

    std::size_t declared_cases() const {
        return static_cast<std::size_t>(root.at("numberOfTests").as_int64());
    }
    const boost::json::array& groups() const { return root.at("testGroups").as_array(); }
};

inline std::int64_t tc_id(const boost::json::object& test) {
    return test.at("tcId").as_int64();
}

// The three segments of a compact JWS (RFC 7515 §7.1), as text.
struct CompactParts {
    std::string header;
    std::string payload;
    std::string signature;

    std::string signing_input() const { return header + "." + payload; }
    std::string compact() const { return header + "." + payload + "." + signature; }
};

inline CompactParts split_compact(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string_view::npos ? first : first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos ||
        token.find('.', second + 1) != std::string_view::npos) {
        throw std::invalid_argument("vector is not a three-segment compact JWS");
    }
    return CompactParts{std::string(token.substr(0, first)),
                        std::string(token.substr(first + 1, second - first - 1)),
                        std::string(token.substr(second + 1))};
}

// A key set holding exactly `key` (the form jws::verify and Verifier take).
inline KeySet key_set_of(const Jwk& key) {
    return KeySet::from_keys({key}).value();
}

inline JwsVerifyOptions allow(std::vector<Algorithm> algorithms) {
    JwsVerifyOptions options;
    options.algorithms = std::move(algorithms);
    return options;
}

}  // namespace signet::vectors

// Asserts a Result is ok, printing its error code and message when it is not.
#define SIGNET_ASSERT_OK(result) ASSERT_TRUE((result).ok()) << (result).error().to_string()
#define SIGNET_EXPECT_OK(result) EXPECT_TRUE((result).ok()) << (result).error().to_string()
// Asserts a Result failed with `errc`.
#define SIGNET_EXPECT_ERROR(result, errc)                       \
    EXPECT_EQ((result).code(), (errc))                          \
        << "expected " << ::signet::to_string(errc) << ", got " \
        << ((result).ok() ? std::string("success") : (result).error().to_string())
