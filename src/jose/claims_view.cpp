// Claims read in place over the payload bytes; see claims_view.hpp.
#include "signet/claims_view.hpp"

#include "signet/base64url.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base64url_blocks.hpp"
#include "flat_json.hpp"
#include "json_strict.hpp"

namespace signet {

namespace json = boost::json;

Result<ClaimsView> ClaimsView::parse(std::string_view json_text, std::size_t max_depth) {
    ClaimsView view;
    if (auto ok = view.assign(json_text, max_depth); !ok) return std::move(ok).error();
    return view;
}

char* ClaimsView::prepare(std::size_t size) {
    tree_.reset();
    member_count_ = 0;
    size_ = size;
    if (size <= inline_.size()) {
        heap_.clear();
        heap_.shrink_to_fit();
        return inline_.data();
    }
    heap_.resize(size);
    return heap_.data();
}

Result<void> ClaimsView::index(std::size_t max_depth) {
    const std::string_view own(data(), size_);
    if (detail::index_flat_object(own, max_depth, members_, member_count_)) return {};
    member_count_ = 0;
    auto parsed = detail::parse_json_object_strict(own, max_depth, "JWT claims set");
    if (!parsed) {
        size_ = 0;
        return std::move(parsed).error();
    }
    tree_.emplace(std::move(*parsed));
    return {};
}

Result<void> ClaimsView::assign(std::string_view text, std::size_t max_depth) {
    std::memcpy(prepare(text.size()), text.data(), text.size());
    return index(max_depth);
}

Result<void> ClaimsView::assign_jws_payload(std::string_view encoded, std::size_t max_depth) {
    if (!detail::base64url_decode_to(encoded, prepare(base64url_decoded_size(encoded.size())))) {
        clear();
        return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    }
    return index(max_depth);
}

ClaimsView::ClaimsView(const ClaimsView& other)
    : size_(other.size_),
      heap_(other.heap_),
      member_count_(other.member_count_),
      tree_(other.tree_) {
    if (heap_.empty()) std::memcpy(inline_.data(), other.inline_.data(), size_);
    std::copy_n(other.members_.begin(), member_count_, members_.begin());
}

ClaimsView& ClaimsView::operator=(const ClaimsView& other) {
    if (this != &other) {
        ClaimsView copy(other);
        *this = std::move(copy);
    }
    return *this;
}

ClaimsView::ClaimsView(ClaimsView&& other) noexcept
    : size_(other.size_),
      heap_(std::move(other.heap_)),
      member_count_(other.member_count_),
      tree_(std::move(other.tree_)) {
    if (heap_.empty()) std::memcpy(inline_.data(), other.inline_.data(), size_);
    std::copy_n(other.members_.begin(), member_count_, members_.begin());
}

ClaimsView& ClaimsView::operator=(ClaimsView&& other) noexcept {
    if (this != &other) {
        size_ = other.size_;
        heap_ = std::move(other.heap_);
        member_count_ = other.member_count_;
        tree_ = std::move(other.tree_);
        if (heap_.empty()) std::memcpy(inline_.data(), other.inline_.data(), size_);
        std::copy_n(other.members_.begin(), member_count_, members_.begin());
    }
    return *this;
}

std::string_view ClaimsView::json_text() const noexcept {
    if (size_ == 0) return "{}";
    return std::string_view(data(), size_);
}

std::size_t ClaimsView::size() const noexcept {
    return tree_ ? tree_->json().size() : member_count_;
}

const ClaimsView::Member* ClaimsView::find(std::string_view name) const noexcept {
    if (name.empty()) {
        for (std::size_t i = 0; i < member_count_; ++i) {
            if (members_[i].name_len == 0) return &members_[i];
        }
        return nullptr;
    }
    for (std::size_t i = 0; i < member_count_; ++i) {
        const Member& m = members_[i];
        if (m.name_len == name.size() && data()[m.name_at] == name[0] &&
            std::memcmp(data() + m.name_at, name.data(), name.size()) == 0) {
            return &m;
        }
    }
    return nullptr;
}

bool ClaimsView::contains(std::string_view name) const noexcept {
    return tree_ ? tree_->contains(name) : find(name) != nullptr;
}

std::optional<std::string_view> ClaimsView::get_string(std::string_view name) const noexcept {
    if (tree_) return tree_->get_string(name);
    const Member* m = find(name);
    if (m == nullptr || m->kind != Kind::string) return std::nullopt;
    return text(m->value_at, m->value_len);
}

std::optional<std::int64_t> ClaimsView::get_int(std::string_view name) const noexcept {
    if (tree_) return tree_->get_int(name);
    const Member* m = find(name);
    if (m == nullptr || m->kind != Kind::integer) return std::nullopt;
    return m->integer;
}

std::optional<double> ClaimsView::get_number(std::string_view name) const noexcept {
    if (tree_) return tree_->get_number(name);
    const Member* m = find(name);
    if (m == nullptr || m->kind != Kind::integer) return std::nullopt;
    return static_cast<double>(m->integer);
}

std::optional<bool> ClaimsView::get_bool(std::string_view name) const noexcept {
    if (tree_) return tree_->get_bool(name);
    const Member* m = find(name);
    if (m == nullptr || m->kind != Kind::boolean) return std::nullopt;
    return m->integer != 0;
}

std::optional<NumericDate> ClaimsView::get_numeric_date(std::string_view name) const noexcept {
    if (tree_) return tree_->get_numeric_date(name);
    // The flat index holds integers of at most 18 digits: always a meaningful date.
    const auto n = get_int(name);
    if (!n) return std::nullopt;
    return NumericDate(std::chrono::seconds(*n));
}

bool ClaimsView::has_string(std::string_view name, std::string_view value) const noexcept {
    bool found = false;
    for_each_string(name, [&](std::string_view s) { found = found || s == value; });
    return found;
}

std::optional<json::value> ClaimsView::get_json(std::string_view name) const {
    if (tree_) {
        const json::value* v = tree_->find(name);
        if (v == nullptr) return std::nullopt;
        return *v;
    }
    const Member* m = find(name);
    if (m == nullptr) return std::nullopt;
    const std::string_view value = text(m->value_at, m->value_len);
    switch (m->kind) {
        case Kind::string: return json::value(json::string_view(value.data(), value.size()));
        case Kind::integer: return json::value(m->integer);
        case Kind::boolean: return json::value(m->integer != 0);
        case Kind::null: return json::value(nullptr);
        case Kind::string_array: {
            json::array a;
            each_in_flat_array(value, [&](std::string_view s) {
                a.emplace_back(json::string_view(s.data(), s.size()));
            });
            return json::value(std::move(a));
        }
    }
    return std::nullopt;
}

Claims ClaimsView::to_claims() const {
    if (tree_) return *tree_;
    json::object out;
    out.reserve(member_count_);
    for (std::size_t i = 0; i < member_count_; ++i) {
        const Member& m = members_[i];
        const std::string_view name = text(m.name_at, m.name_len);
        out.emplace(json::string_view(name.data(), name.size()), *get_json(name));
    }
    return Claims(std::move(out));
}

}  // namespace signet
