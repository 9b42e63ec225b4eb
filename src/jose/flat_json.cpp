// A strict scanner for flat JSON objects; see flat_json.hpp for what it accepts and why.
#include "flat_json.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "json_strict.hpp"
#include "vector_kernels.hpp"

#if SIGNET_AVX2_KERNELS
#include <immintrin.h>
#endif

namespace signet::detail {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxHeaderMembers = 16;

bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The length of a string's body up to its closing quote, or npos when the body holds a byte
// outside 0x20..0x7e, a backslash, or no closing quote: one pass, eight bytes per step, inline
// (the strings of a claims set are short, so a library call per string would cost more).
std::size_t plain_string_length(const char* p, std::size_t n) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const auto zero_bytes = [](std::uint64_t w) { return (w - ones) & ~w & highs; };
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        // Text order is byte significance order from here on: the first byte is the lowest.
        if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
        const std::uint64_t quotes = zero_bytes(w ^ (0x22 * ones));
        // A byte at or above 0x80 has its high bit set; with none such, adding 0x60 carries no
        // byte into the next and leaves the high bit clear exactly for bytes below 0x20. 0x7f
        // and the backslash are caught as zero bytes after XOR. (Bytes above a high byte may be
        // flagged falsely; only the lowest flagged byte is ever used.)
        const std::uint64_t bad = ((w | ~(w + 0x6060606060606060ull)) & highs) |
                                  zero_bytes(w ^ (0x7f * ones)) | zero_bytes(w ^ (0x5c * ones));
        if ((quotes | bad) != 0) {
            const int first_quote = quotes != 0 ? __builtin_ctzll(quotes) : 64;
            const int first_bad = bad != 0 ? __builtin_ctzll(bad) : 64;
            if (first_bad < first_quote) return std::string_view::npos;
            return i + static_cast<std::size_t>(first_quote / 8);
        }
    }
    for (; i < n; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c == '"') return i;
        if (c < 0x20 || c >= 0x7f || c == '\\') return std::string_view::npos;
    }
    return std::string_view::npos;
}

// Where the quotes are in a text of up to 1 KiB, and where the bytes a plain string may not hold
// (a backslash, anything outside 0x20..0x7e): one vector pass over the whole text, after which
// finding a string's end costs a few bit operations instead of a scan of its bytes.
class StringMap {
  public:
    static constexpr std::size_t kMaxBytes = 1024;

    // False (and no map) when the text is too long or the vector kernels are off.
    bool build(std::string_view text) noexcept {
#if SIGNET_AVX2_KERNELS
        if (text.size() > kMaxBytes || !vector_kernels_enabled()) return false;
        build_avx2(text.data(), text.size());
        return true;
#else
        (void)text;
        return false;
#endif
    }

    // As plain_string_length, for the string body starting at `from`.
    std::size_t plain_string_length(std::size_t from) const noexcept {
        std::size_t w = from >> 6;
        if (w >= words_) return std::string_view::npos;
        const std::uint64_t from_here = ~std::uint64_t{0} << (from & 63);
        std::uint64_t quotes = quotes_[w] & from_here, bad = bad_[w] & from_here;
        while (quotes == 0) {
            if (bad != 0 || ++w == words_) return std::string_view::npos;
            quotes = quotes_[w];
            bad = bad_[w];
        }
        const std::uint64_t before_quote = (quotes & (~quotes + 1)) - 1;
        if ((bad & before_quote) != 0) return std::string_view::npos;
        return w * 64 + static_cast<std::size_t>(std::countr_zero(quotes)) - from;
    }

  private:
#if SIGNET_AVX2_KERNELS
    __attribute__((target("avx2"))) static std::uint32_t bits(__m256i mask) noexcept {
        return static_cast<std::uint32_t>(_mm256_movemask_epi8(mask));
    }
    __attribute__((target("avx2"))) void build_avx2(const char* p, std::size_t n) noexcept {
        words_ = (n + 63) / 64;
        for (std::size_t i = 0; i < n; i += 32) {
            __m256i c;
            if (i + 32 <= n) {
                c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
            } else {
                // The tail, padded with zero bytes: never quotes, always bad.
                alignas(32) char tail[32] = {};
                std::memcpy(tail, p + i, n - i);
                c = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
            }
            const std::uint32_t quote = bits(_mm256_cmpeq_epi8(c, _mm256_set1_epi8('"')));
            // Bytes at or above 0x80 compare as negative, so they fail "above 0x1f".
            const __m256i printable =
                _mm256_and_si256(_mm256_cmpgt_epi8(c, _mm256_set1_epi8(0x1f)),
                                 _mm256_cmpgt_epi8(_mm256_set1_epi8(0x7f), c));
            const std::uint32_t bad =
                ~bits(printable) | bits(_mm256_cmpeq_epi8(c, _mm256_set1_epi8('\\')));
            const std::size_t w = i >> 6;
            if ((i & 32) == 0) {
                quotes_[w] = quote;
                bad_[w] = bad;
            } else {
                quotes_[w] |= std::uint64_t{quote} << 32;
                bad_[w] |= std::uint64_t{bad} << 32;
            }
        }
    }
#endif

    std::array<std::uint64_t, kMaxBytes / 64> quotes_, bad_;
    std::size_t words_ = 0;
};

class Scanner {
  public:
    explicit Scanner(std::string_view s) : s_(s), mapped_(map_.build(s)) {}

    // Whitespace is rare in tokens: one comparison settles any byte above the space.
    void skip_ws() {
        while (i_ < s_.size() && static_cast<unsigned char>(s_[i_]) <= ' ' && is_ws(s_[i_]))
            ++i_;
    }
    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {  // the usual case: no whitespace before it
            ++i_;
            return true;
        }
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    char peek() {
        skip_ws();
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    bool at_end() {
        skip_ws();
        return i_ == s_.size();
    }
    // Printable ASCII without escapes only: escapes and UTF-8 are the full parser's business.
    // Inlined: it runs for every name and most values, and is short with the string map.
    __attribute__((always_inline)) bool string(std::string_view& out) {
        if (!eat('"')) return false;
        const char* start = s_.data() + i_;
        const std::size_t n =
            mapped_ ? map_.plain_string_length(i_) : plain_string_length(start, s_.size() - i_);
        if (n == std::string_view::npos) return false;
        out = std::string_view(start, n);
        i_ += n + 1;
        return true;
    }
    std::size_t pos() const noexcept { return i_; }
    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }
    // -?(0|[1-9][0-9]{0,17}) with no fraction or exponent: always exact in an int64. "-0" and
    // anything longer are left to the full parser, whose choice of type they depend on.
    bool integer(std::int64_t& out) {
        skip_ws();
        const bool negative = i_ < s_.size() && s_[i_] == '-';
        if (negative) ++i_;
        const std::size_t start = i_;
        // Up to 19 digits are read: a 19th means the number is too long for this path.
        const std::size_t end = std::min(s_.size(), start + 19);
        std::uint64_t u = 0;  // 19 digits still fit in 64 unsigned bits
        for (unsigned d; i_ < end && (d = static_cast<unsigned char>(s_[i_]) - '0') < 10; ++i_) {
            u = u * 10 + d;
        }
        const std::size_t digits = i_ - start;
        if (digits == 19) return false;
        const auto v = static_cast<std::int64_t>(u);
        if (digits == 0 || (digits > 1 && s_[start] == '0') || (negative && v == 0)) {
            return false;
        }
        if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return false;
        out = negative ? -v : v;
        return true;
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;
    StringMap map_;
    bool mapped_;
};

}  // namespace

bool scan_flat_header(std::string_view text, FlatHeader& out) noexcept {
    Scanner sc(text);
    std::array<std::string_view, kMaxHeaderMembers> names{};
    std::size_t count = 0;
    if (!sc.eat('{')) return false;
    if (sc.eat('}')) return sc.at_end();
    for (;;) {
        std::string_view name;
        if (!sc.string(name) || !sc.eat(':') || count == names.size()) return false;
        for (std::size_t k = 0; k < count; ++k) {
            if (names[k] == name) return false;  // a duplicate: the full parser reports it
        }
        names[count++] = name;
        out.members = count;
        // The members the header check reads; every other name is ignored as the full path does.
        enum { other, alg, kid, typ, cty, b64, crit } which = other;
        if (name.size() == 3) {
            const std::uint32_t v = three_letter_code(name);
            constexpr auto code = three_letter_code;
            if (v == code("alg"))
                which = alg;
            else if (v == code("kid"))
                which = kid;
            else if (v == code("typ"))
                which = typ;
            else if (v == code("cty"))
                which = cty;
            else if (v == code("b64"))
                which = b64;
        } else if (name == "crit") {
            which = crit;
        }
        const char c = sc.peek();
        if (c == '"') {
            std::string_view value;
            if (!sc.string(value) || which == b64 || which == crit) return false;
            if (which == alg) out.alg = value, out.has_alg = true;
            if (which == kid) out.kid = value, out.has_kid = true;
            if (which == typ) out.typ = value, out.has_typ = true;
            if (which == cty) out.cty = value, out.has_cty = true;
        } else if (c == 't' || c == 'f') {
            const bool value = c == 't';
            if (!sc.literal(value ? "true" : "false") || (which != other && which != b64))
                return false;
            if (which == b64) out.has_b64 = true, out.b64 = value;
        } else {
            return false;  // numbers, null, objects, arrays ("crit", "jwk", "x5c"): full parser
        }
        if (sc.eat(',')) continue;
        return sc.eat('}') && sc.at_end();
    }
}

bool parse_flat_object(std::string_view text, std::size_t max_depth, json::storage_ptr sp,
                       json::object& out) {
    if (max_depth < 2) return false;
    Scanner sc(text);
    json::object obj(sp);
    obj.reserve(16);
    if (!sc.eat('{')) return false;
    if (!sc.eat('}')) {
        for (;;) {
            std::string_view name;
            if (!sc.string(name) || !sc.eat(':')) return false;
            const json::string_view key(name.data(), name.size());
            const char c = sc.peek();
            bool inserted = false;
            if (c == '"') {
                std::string_view value;
                if (!sc.string(value)) return false;
                inserted = obj.emplace(key, json::string_view(value.data(), value.size())).second;
            } else if (c == 't' || c == 'f') {
                if (!sc.literal(c == 't' ? "true" : "false")) return false;
                inserted = obj.emplace(key, c == 't').second;
            } else if (c == 'n') {
                if (!sc.literal("null")) return false;
                inserted = obj.emplace(key, nullptr).second;
            } else if (c == '[') {
                sc.eat('[');
                json::array arr(sp);
                if (!sc.eat(']')) {
                    for (;;) {
                        std::string_view value;
                        if (!sc.string(value)) return false;
                        arr.emplace_back(json::string_view(value.data(), value.size()));
                        if (sc.eat(',')) continue;
                        if (!sc.eat(']')) return false;
                        break;
                    }
                }
                inserted = obj.emplace(key, std::move(arr)).second;
            } else {
                std::int64_t value = 0;
                if (!sc.integer(value)) return false;
                inserted = obj.emplace(key, value).second;
            }
            if (!inserted) return false;  // a duplicate name: the full parser reports it
            if (sc.eat(',')) continue;
            if (!sc.eat('}')) return false;
            break;
        }
    }
    if (!sc.at_end()) return false;
    out = std::move(obj);
    return true;
}

Result<json::object> parse_object(std::string_view text, std::size_t max_depth,
                                  std::string_view what, json::storage_ptr sp) {
    json::object flat(sp);
    if (parse_flat_object(text, max_depth, sp, flat)) return flat;
    return parse_json_object_strict(text, max_depth, what, std::move(sp));
}

bool index_flat_object(std::string_view text, std::size_t max_depth,
                       std::span<ClaimsView::Member> out, std::size_t& count) noexcept {
    using Kind = ClaimsView::Kind;
    if (max_depth < 2 || text.size() > 0xffff) return false;
    Scanner sc(text);
    count = 0;
    std::uint64_t seen = 0;
    const auto at = [&](std::string_view v) {
        return static_cast<std::uint16_t>(v.data() - text.data());
    };
    if (!sc.eat('{')) return false;
    if (sc.eat('}')) return sc.at_end();
    for (;;) {
        std::string_view name;
        if (count == out.size() || !sc.string(name) || !sc.eat(':')) return false;
        // A 64-bit filter of (length, first, last character) spares the pairwise comparison
        // for names that cannot repeat an earlier one.
        const std::uint64_t bit =
            name.empty()
                ? 1
                : std::uint64_t{1} << ((name.size() * 7 + static_cast<unsigned char>(name[0]) +
                                        static_cast<unsigned char>(name.back()) * 3) &
                                       63);
        if ((seen & bit) != 0) {
            for (std::size_t k = 0; k < count; ++k) {
                const ClaimsView::Member& m = out[k];
                if (m.name_len == name.size() &&
                    std::memcmp(text.data() + m.name_at, name.data(), name.size()) == 0) {
                    return false;  // a duplicate name: the full parser reports it
                }
            }
        }
        seen |= bit;
        ClaimsView::Member& m = out[count];
        m.name_at = at(name);
        m.name_len = static_cast<std::uint16_t>(name.size());
        m.integer = 0;
        const char c = sc.peek();
        const std::size_t start = sc.pos();
        if (c == '"') {
            std::string_view value;
            if (!sc.string(value)) return false;
            m.kind = Kind::string;
            m.value_at = at(value);
            m.value_len = static_cast<std::uint16_t>(value.size());
        } else {
            if (c == 't' || c == 'f') {
                if (!sc.literal(c == 't' ? "true" : "false")) return false;
                m.kind = Kind::boolean;
                m.integer = c == 't';
            } else if (c == 'n') {
                if (!sc.literal("null")) return false;
                m.kind = Kind::null;
            } else if (c == '[') {
                sc.eat('[');
                if (!sc.eat(']')) {
                    for (;;) {
                        std::string_view value;
                        if (!sc.string(value)) return false;
                        if (sc.eat(',')) continue;
                        if (!sc.eat(']')) return false;
                        break;
                    }
                }
                m.kind = Kind::string_array;
            } else {
                if (!sc.integer(m.integer)) return false;
                m.kind = Kind::integer;
            }
            m.value_at = static_cast<std::uint16_t>(start);
            m.value_len = static_cast<std::uint16_t>(sc.pos() - start);
        }
        ++count;
        if (sc.eat(',')) continue;
        return sc.eat('}') && sc.at_end();
    }
}

}  // namespace signet::detail
