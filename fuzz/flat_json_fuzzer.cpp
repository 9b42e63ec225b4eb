// Differential fuzz target for the verifier's flat-JSON fast path (src/jose/flat_json.hpp) against
// the strict parser (json_strict.hpp, RFC 8259 with the RFC 7515 §5.2 duplicate-name rule): on
// every input the fast path accepts, the strict parser must accept too and build the same object,
// and the header members the scanner reports must be those of the strictly parsed header. The
// strict parser's own duplicate-name check (a linear scan for small objects, a hash set for wide
// ones) is compared with a plain std::set per object on the same Boost.JSON parser, and the
// numbers it yields must be finite (RFC 8259 §6 has no Infinity or NaN to write them back as).
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/storage_ptr.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "jose/flat_json.hpp"
#include "jose/json_strict.hpp"
#include "jose/jws_internal.hpp"
#include "signet/claims_view.hpp"
#include "signet/jws.hpp"

namespace {

namespace json = boost::json;
using namespace signet;
using namespace signet::fuzz;

// The same Boost.JSON parser and options as json_strict.cpp, with every object's member names in
// a std::set: the reference for the duplicate-name rule of RFC 7515 §5.2 step 4.
struct ReferenceHandler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    std::vector<std::set<std::string>> open;
    std::string key;
    bool duplicate = false;
    bool out_of_range = false;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) {
        open.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t, json::error_code&) {
        open.pop_back();
        return true;
    }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t, json::error_code&) { return true; }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        key.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        key.append(s.data(), s.size());
        if (!open.back().insert(key).second) {
            duplicate = true;
            ec = json::error::syntax;
            return false;
        }
        key.clear();
        return true;
    }
    bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
    // The strict parser refuses numbers beyond double range (they would be infinity or NaN).
    bool on_double(double d, json::string_view, json::error_code& ec) {
        if (std::isfinite(d)) return true;
        out_of_range = true;
        ec = json::error::syntax;
        return false;
    }
    bool on_bool(bool, json::error_code&) { return true; }
    bool on_null(json::error_code&) { return true; }
    bool on_comment_part(json::string_view, json::error_code&) { return false; }
    bool on_comment(json::string_view, json::error_code&) { return false; }
};

Errc reference_verdict(std::string_view text, std::size_t depth) {
    json::parse_options opts;
    opts.max_depth = depth;
    opts.allow_comments = false;
    opts.allow_trailing_commas = false;
    opts.allow_invalid_utf8 = false;
    json::basic_parser<ReferenceHandler> parser(opts);
    json::error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (parser.handler().duplicate) return Errc::duplicate_member;
    if (parser.handler().out_of_range) return Errc::bad_json;
    if (ec == json::error::too_deep) return Errc::json_too_deep;
    if (ec || used != text.size()) return Errc::bad_json;
    return Errc::ok;
}

void check_strict(std::string_view text) {
    for (std::size_t depth : std::array<std::size_t, 2>{2, kDefaultMaxJsonDepth}) {
        auto strict = detail::parse_json_strict(text, depth);
        check_error(strict);
        const Errc expected = reference_verdict(text, depth);
        FUZZ_CHECK_MSG(strict.code() == expected,
                       "strict parser: " + std::string(to_string(strict.code())) +
                           ", reference: " + std::string(to_string(expected)));
        if (strict) {
            FUZZ_CHECK_MSG(all_finite(*strict),
                           "the strict parser yields a number JSON cannot express: " +
                               json::serialize(*strict));
        }
    }
}

std::string describe(const json::object& a, const json::object& b) {
    return json::serialize(a) + " vs " + json::serialize(b);
}

// The ClaimsView (flat index, else the strict parser's tree) accepts exactly what the strict
// parser accepts, and reads the same object.
void check_claims_view(std::string_view text) {
    for (std::size_t depth : std::array<std::size_t, 3>{1, 2, kDefaultMaxJsonDepth}) {
        auto view = ClaimsView::parse(text, depth);
        auto strict = detail::parse_json_object_strict(text, depth, "claims view");
        FUZZ_CHECK(view.ok() == strict.ok());
        if (!view) continue;
        const json::object read = view->to_claims().json();
        FUZZ_CHECK_MSG(same_json(read, *strict), describe(read, *strict));
        json::object flat;
        if (view->tree() == nullptr) FUZZ_CHECK(detail::parse_flat_object(text, depth, {}, flat));
    }
}

void check_flat_object(std::string_view text) {
    // The depths a caller may configure around the fast path's own limit of 2.
    for (std::size_t depth : std::array<std::size_t, 4>{1, 2, 3, kDefaultMaxJsonDepth}) {
        json::object flat;
        const bool accepted = detail::parse_flat_object(text, depth, {}, flat);
        if (depth < 2) FUZZ_CHECK(!accepted);
        // The verifier builds claims in a monotonic arena; the result must not depend on that.
        json::monotonic_resource arena;
        json::storage_ptr sp(&arena);
        json::object in_arena(sp);
        FUZZ_CHECK(detail::parse_flat_object(text, depth, sp, in_arena) == accepted);
        if (!accepted) continue;
        auto strict = detail::parse_json_object_strict(text, depth, "flat object");
        FUZZ_CHECK_MSG(strict.ok(), "the fast path accepted what the strict parser refuses (" +
                                        strict.error().to_string() + ")");
        FUZZ_CHECK_MSG(same_json(flat, *strict), describe(flat, *strict));
        FUZZ_CHECK(flat == *strict);
        FUZZ_CHECK_MSG(same_json(in_arena, *strict), describe(in_arena, *strict));
    }
    check_claims_view(text);
}

// A member reported by the scanner: present exactly when the strict object has it, as a string
// of the same value.
void check_string_member(const json::object& header, std::string_view name, bool has,
                         std::string_view value) {
    const json::value* v = header.if_contains(name);
    FUZZ_CHECK_MSG((v != nullptr) == has, std::string(name));
    if (v == nullptr) return;
    FUZZ_CHECK_MSG(v->is_string() && std::string_view(v->get_string()) == value, std::string(name));
}

void check_flat_header(std::string_view text) {
    detail::FlatHeader flat;
    if (!detail::scan_flat_header(text, flat)) return;
    auto strict = detail::parse_json_object_strict(text, kDefaultMaxJsonDepth, "JWS header");
    FUZZ_CHECK_MSG(strict.ok(), "the header scanner accepted what the strict parser refuses (" +
                                    strict.error().to_string() + ")");
    const json::object& header = *strict;
    check_string_member(header, "alg", flat.has_alg, flat.alg);
    check_string_member(header, "kid", flat.has_kid, flat.kid);
    check_string_member(header, "typ", flat.has_typ, flat.typ);
    check_string_member(header, "cty", flat.has_cty, flat.cty);
    const json::value* b64 = header.if_contains("b64");
    FUZZ_CHECK((b64 != nullptr) == flat.has_b64);
    if (b64 != nullptr) FUZZ_CHECK(b64->is_bool() && b64->get_bool() == flat.b64);
    if (!flat.has_b64) FUZZ_CHECK(flat.b64);
    // "crit" always goes to the full header check, and the scanner reads at most 16 members.
    FUZZ_CHECK(!header.contains("crit"));
    FUZZ_CHECK(header.size() <= 16);
    for (const auto& member : header) {
        FUZZ_CHECK(member.value().is_string() || member.value().is_bool());
    }

    // The verifier's fast path (verifier.cpp) decides from the scan alone; it must reach the
    // verdict of the full RFC 7515 §4.1 header check on the strictly parsed header.
    const Errc fast = !flat.has_alg               ? Errc::malformed
                      : flat.has_b64 && !flat.b64 ? Errc::unencoded_payload
                                                  : Errc::ok;
    auto checked = detail::check_header(header, {}, false);
    FUZZ_CHECK_MSG(checked.code() == fast,
                   std::string(to_string(checked.code())) + " vs " + std::string(to_string(fast)));
    if (checked) {
        FUZZ_CHECK(checked->alg == flat.alg);
        FUZZ_CHECK(checked->kid.has_value() == flat.has_kid);
        if (checked->kid) FUZZ_CHECK(*checked->kid == flat.kid);
        FUZZ_CHECK(!checked->unencoded);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);
    check_strict(text);
    check_flat_object(text);
    check_flat_header(text);
    return 0;
}
