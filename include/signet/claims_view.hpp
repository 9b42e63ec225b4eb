// A verified claims set read in place: the fast way to use a JWT's claims (RFC 7519 §4).
// Verifier::verify_view returns one. For the usual shape of a claims set (strings without
// escapes, integers, booleans, null, arrays of strings) the view indexes the members over the
// decoded payload and builds no JSON tree, so a verify that reads its claims through it allocates
// nothing for payloads up to kInlineBytes. Any other claims set (nested objects, escapes, UTF-8,
// fractions) is parsed by the strict parser into a Claims held inside the view, with the same
// accessors. The strict JSON rules (no duplicate names, bounded depth, valid UTF-8) hold for every
// byte either way. A view owns its bytes: it stays valid after the token is gone, and copies are
// independent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "signet/claims.hpp"

namespace signet {

class ClaimsView {
  public:
    static constexpr std::size_t kInlineBytes = 1024;  // payload bytes held without allocating
    static constexpr std::size_t kMaxIndexedMembers = 32;

    // An empty claims set.
    ClaimsView() = default;
    // Indexes `json` (a claims set's text) under the strict rules; `max_depth` as for Claims.
    static Result<ClaimsView> parse(std::string_view json, std::size_t max_depth = 16);
    // The same into this view, reusing its storage; on failure the view is empty.
    Result<void> assign(std::string_view json, std::size_t max_depth = 16);

    // Back to an empty claims set.
    void clear() noexcept {
        size_ = 0;
        member_count_ = 0;
        heap_.clear();
        tree_.reset();
    }

    // Copies and moves take the used bytes only.
    ClaimsView(const ClaimsView& other);
    ClaimsView& operator=(const ClaimsView& other);
    ClaimsView(ClaimsView&& other) noexcept;
    ClaimsView& operator=(ClaimsView&& other) noexcept;
    ~ClaimsView() = default;

    // The claims set's JSON text, as the token carried it.
    std::string_view json_text() const noexcept;
    std::size_t size() const noexcept;
    bool contains(std::string_view name) const noexcept;

    // Typed getters, as Claims's: nullopt when the claim is absent or not of that JSON type.
    std::optional<std::string_view> get_string(std::string_view name) const noexcept;
    std::optional<double> get_number(std::string_view name) const noexcept;
    std::optional<std::int64_t> get_int(std::string_view name) const noexcept;
    std::optional<bool> get_bool(std::string_view name) const noexcept;
    std::optional<NumericDate> get_numeric_date(std::string_view name) const noexcept;
    // A string claim equal to `value`, or an array of strings holding it ("aud", RFC 7519 §4.1.3).
    bool has_string(std::string_view name, std::string_view value) const noexcept;
    // Calls f(std::string_view) for a string claim, or for each element of an array of strings.
    // Returns false, calling nothing, when the claim is absent or of another shape.
    template <class F>
    bool for_each_string(std::string_view name, F&& f) const;
    // Any claim as a JSON value (allocates); nullopt when absent.
    std::optional<boost::json::value> get_json(std::string_view name) const;

    std::optional<std::string_view> issuer() const noexcept { return get_string("iss"); }
    std::optional<std::string_view> subject() const noexcept { return get_string("sub"); }
    std::optional<std::string_view> jwt_id() const noexcept { return get_string("jti"); }
    std::optional<NumericDate> expires_at() const noexcept { return get_numeric_date("exp"); }
    std::optional<NumericDate> not_before() const noexcept { return get_numeric_date("nbf"); }
    std::optional<NumericDate> issued_at() const noexcept { return get_numeric_date("iat"); }

    // The general, mutable form (allocates a JSON tree).
    Claims to_claims() const;

    // Library-internal: assign from the base64url form of a JWS payload, decoded straight into
    // the view's storage (bad_base64 when it is not canonical base64url).
    Result<void> assign_jws_payload(std::string_view encoded, std::size_t max_depth);

    // Library-internal: the flat index (empty when the claims set is held as a tree), the tree.
    struct Member;
    std::span<const Member> flat_members() const noexcept;
    const Claims* tree() const noexcept { return tree_ ? &*tree_ : nullptr; }
    std::string_view member_name(const Member& m) const noexcept;
    std::string_view member_text(const Member& m) const noexcept;

    // Library-internal: a member of the flat index.
    enum class Kind : std::uint8_t { string, integer, boolean, null, string_array };
    struct Member {
        std::uint16_t name_at = 0, name_len = 0;
        std::uint16_t value_at = 0, value_len = 0;  // string: its characters; else its JSON text
        Kind kind = Kind::null;
        std::int64_t integer = 0;  // Kind::integer; Kind::boolean as 0 or 1
    };
    // Calls f for each string of a flat array's JSON text ("[...]" of unescaped strings).
    template <class F>
    static void each_in_flat_array(std::string_view array_text, F&& f);

  private:
    char* prepare(std::size_t size);  // storage for `size` payload bytes; the view emptied
    Result<void> index(std::size_t max_depth);
    const char* data() const noexcept { return heap_.empty() ? inline_.data() : heap_.data(); }
    const Member* find(std::string_view name) const noexcept;
    std::string_view text(std::uint16_t at, std::uint16_t len) const noexcept {
        return std::string_view(data() + at, len);
    }

    std::size_t size_ = 0;                   // payload bytes
    std::array<char, kInlineBytes> inline_;  // not initialised: only size_ bytes are read
    std::string heap_;                       // the payload when it is larger than inline_
    std::array<Member, kMaxIndexedMembers> members_;
    std::size_t member_count_ = 0;
    std::optional<Claims> tree_;  // the claims set when it is not flat
};

inline std::span<const ClaimsView::Member> ClaimsView::flat_members() const noexcept {
    return std::span<const Member>(members_.data(), member_count_);
}
inline std::string_view ClaimsView::member_name(const Member& m) const noexcept {
    return text(m.name_at, m.name_len);
}
inline std::string_view ClaimsView::member_text(const Member& m) const noexcept {
    return text(m.value_at, m.value_len);
}

template <class F>
void ClaimsView::each_in_flat_array(std::string_view a, F&& f) {
    // The indexer accepted this text: '[', then quoted strings without escapes, ',' and
    // whitespace between them, then ']'.
    std::size_t i = 0;
    while ((i = a.find('"', i)) != std::string_view::npos) {
        const std::size_t end = a.find('"', i + 1);
        f(a.substr(i + 1, end - i - 1));
        i = end + 1;
    }
}

template <class F>
bool ClaimsView::for_each_string(std::string_view name, F&& f) const {
    if (tree_) {
        const boost::json::value* v = tree_->find(name);
        if (v == nullptr) return false;
        if (v->is_string()) {
            f(std::string_view(v->get_string()));
            return true;
        }
        if (!v->is_array()) return false;
        for (const boost::json::value& e : v->get_array()) {
            if (!e.is_string()) return false;
        }
        for (const boost::json::value& e : v->get_array())
            f(std::string_view(e.get_string()));
        return true;
    }
    const Member* m = find(name);
    if (m == nullptr) return false;
    if (m->kind == Kind::string) {
        f(text(m->value_at, m->value_len));
        return true;
    }
    if (m->kind != Kind::string_array) return false;
    each_in_flat_array(text(m->value_at, m->value_len), f);
    return true;
}

}  // namespace signet
