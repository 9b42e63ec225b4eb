// Strict JSON parsing with duplicate-name detection on top of boost::json::basic_parser.
#include "json_strict.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

namespace signet::detail {
namespace {

namespace json = boost::json;

// Member names of the objects currently open, reused across parses on one thread so that steady
// state parsing does not allocate for the check. Names are views into the input text; the rare
// name that had escapes (so exists only in the parser's scratch) is copied into `unescaped`.
struct Name {
    std::string_view text;
    std::uint64_t prefix;  // the first 8 bytes: most distinct names differ there
};

std::uint64_t prefix_of(std::string_view s) {
    std::uint64_t v = 0;
    std::memcpy(&v, s.data(), s.size() < 8 ? s.size() : 8);
    return v ^ s.size();
}

// Objects with up to this many members are checked by a linear scan (the common case: no
// allocation, no hashing); larger ones switch to a hash set so the check stays linear overall
// and a wide object cannot make parsing quadratic.
constexpr std::size_t kLinearNames = 16;

struct NameTracker {
    std::vector<Name> names;
    std::vector<std::uint32_t> frames;  // first index in `names` per open object
    std::vector<std::unordered_set<std::string_view>> sets;  // per nesting depth, for wide objects
    std::string pending;                                     // a name delivered in parts
    std::deque<std::string> unescaped;  // stable copies (deque: push_back keeps references)

    void clear() {
        names.clear();
        frames.clear();
        pending.clear();
        unescaped.clear();
    }
};

thread_local NameTracker t_tracker;

struct StrictHandler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack st;
    NameTracker& names;
    std::string_view input;
    bool duplicate = false;
    bool out_of_range = false;

    StrictHandler(unsigned char* buf, std::size_t size, NameTracker& t, std::string_view text)
        : st(json::storage_ptr(), buf, size), names(t), input(text) {}

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) {
        names.frames.push_back(static_cast<std::uint32_t>(names.names.size()));
        return true;
    }
    bool on_object_end(std::size_t n, json::error_code&) {
        names.names.resize(names.frames.back());
        names.frames.pop_back();
        st.push_object(n);
        return true;
    }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t n, json::error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        names.pending.append(s.data(), s.size());
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        std::string_view key(s.data(), s.size());
        const bool in_input = names.pending.empty() && key.data() >= input.data() &&
                              key.data() + key.size() <= input.data() + input.size();
        if (!in_input) {
            names.pending.append(key);
            key = names.unescaped.emplace_back(std::move(names.pending));
            names.pending.clear();
        }
        const std::uint64_t prefix = prefix_of(key);
        const std::size_t first = names.frames.back();
        const std::size_t count = names.names.size() - first;
        bool repeated = false;
        if (count < kLinearNames) {
            for (std::size_t i = first; i < names.names.size(); ++i) {
                repeated |= names.names[i].prefix == prefix && names.names[i].text == key;
            }
        } else {
            const std::size_t depth = names.frames.size() - 1;
            if (names.sets.size() <= depth) names.sets.resize(depth + 1);
            auto& set = names.sets[depth];
            if (count == kLinearNames) {
                set.clear();
                for (std::size_t i = first; i < names.names.size(); ++i)
                    set.insert(names.names[i].text);
            }
            repeated = !set.insert(key).second;
        }
        if (repeated) {
            duplicate = true;
            ec = json::error::syntax;  // stops the parser; reported as duplicate_member
            return false;
        }
        names.names.push_back({key, prefix});
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view, json::error_code& ec) {
        // Boost.JSON turns 1e400 into infinity (and 0e400 into NaN); such a value has no JSON
        // spelling, so it could not be written back, and as a date it would never expire.
        if (!std::isfinite(d)) {
            out_of_range = true;
            ec = json::error::syntax;
            return false;
        }
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, json::error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(json::error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, json::error_code&) { return false; }
    bool on_comment(json::string_view, json::error_code&) { return false; }
};

}  // namespace

Result<json::value> parse_json_strict(std::string_view text, std::size_t max_depth,
                                      json::storage_ptr sp) {
    json::parse_options opts;
    opts.max_depth = max_depth;
    opts.allow_comments = false;
    opts.allow_trailing_commas = false;
    opts.allow_invalid_utf8 = false;

    unsigned char temp[512];
    NameTracker& tracker = t_tracker;
    tracker.clear();
    json::basic_parser<StrictHandler> parser(opts, temp, sizeof(temp), tracker, text);
    parser.handler().st.reset(std::move(sp));  // where the resulting value lives
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (parser.handler().duplicate) {
        return Error(Errc::duplicate_member, "a JSON object repeats a member name");
    }
    if (parser.handler().out_of_range) {
        return Error(Errc::bad_json, "a number is out of the range of a double");
    }
    if (ec == json::error::too_deep) {
        return Error(Errc::json_too_deep,
                     "JSON nesting deeper than " + std::to_string(max_depth) + " levels");
    }
    if (ec) return Error(Errc::bad_json, "invalid JSON: " + ec.message());
    if (used != text.size()) return Error(Errc::bad_json, "invalid JSON: data after the value");
    return parser.handler().st.release();
}

Result<json::object> parse_json_object_strict(std::string_view text, std::size_t max_depth,
                                              std::string_view what, json::storage_ptr sp) {
    auto value = parse_json_strict(text, max_depth, std::move(sp));
    if (!value) {
        return Error(value.code(), std::string(what) + ": " + value.error().message());
    }
    if (!value->is_object()) {
        return Error(Errc::bad_json, std::string(what) + " is not a JSON object");
    }
    return std::move(value->get_object());
}

}  // namespace signet::detail
