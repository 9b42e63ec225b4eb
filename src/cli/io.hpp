// Input and output helpers of the signet command line: read files or standard input with a size
// cap, load keys in any accepted form (JWK, JWKS, PEM), print JSON and errors.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace signet::cli {

// No input the command line reads (key, claims, token) is legitimately this large; the token
// itself is further limited by the library (kDefaultMaxTokenSize).
inline constexpr std::size_t kMaxInputBytes = 1024 * 1024;

// Reads `path`, or standard input when it is "-". Standard input can be consumed only once per
// invocation; a second "-" is a usage error (UsageError).
Result<std::string> read_input(std::string_view path);
// How messages name an input: "'keys.json'" or "standard input".
std::string input_name(std::string_view path);

// Drops trailing ASCII whitespace (a newline from `echo` or an editor). Nothing else is touched,
// so whitespace inside a token still reaches the library and is rejected there.
std::string_view trim_trailing_whitespace(std::string_view text) noexcept;

// A token operand: "-" reads standard input, an existing file is read, anything else is the token
// itself. Trailing whitespace read from stdin or a file is trimmed.
Result<std::string> read_token(std::string_view operand);

// Exactly one key: a JWK, a PEM key, or a JWKS holding a single key. `name` is for messages.
Result<Jwk> parse_single_key(std::string_view text, std::string_view name);

// The same, reading `path` (or "-") first.
Result<KeySet> load_key_set(std::string_view path);
Result<Jwk> load_single_key(std::string_view path);

// Compact JSON followed by a newline on stdout.
void print_json(const boost::json::object& json);
void print_line(std::string_view text);
// "<error_code>: <message>" on stderr; returns kExitFailure.
int report(const Error& error);
int report(Errc code, std::string_view message);

}  // namespace signet::cli
