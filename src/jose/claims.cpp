// JWT claims sets (RFC 7519 §4) with typed access.
#include "signet/claims.hpp"

#include <boost/json/serialize.hpp>
#include <cmath>

#include "json_strict.hpp"

namespace signet {

namespace json = boost::json;

Result<Claims> Claims::parse(std::string_view text, std::size_t max_depth) {
    auto obj = detail::parse_json_object_strict(text, max_depth, "JWT claims set");
    if (!obj) return std::move(obj).error();
    return Claims(std::move(*obj));
}

std::string Claims::to_json_string() const {
    return json::serialize(json_);
}

const json::value* Claims::find(std::string_view name) const noexcept {
    return json_.if_contains(name);
}

std::optional<std::string_view> Claims::get_string(std::string_view name) const noexcept {
    const json::value* v = find(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string_view(v->get_string());
}

std::optional<double> Claims::get_number(std::string_view name) const noexcept {
    const json::value* v = find(name);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    if (v->is_double()) return v->get_double();
    return std::nullopt;
}

std::optional<std::int64_t> Claims::get_int(std::string_view name) const noexcept {
    const json::value* v = find(name);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v->get_uint64());
    }
    return std::nullopt;
}

std::optional<bool> Claims::get_bool(std::string_view name) const noexcept {
    const json::value* v = find(name);
    if (v == nullptr || !v->is_bool()) return std::nullopt;
    return v->get_bool();
}

const json::array* Claims::get_array(std::string_view name) const noexcept {
    const json::value* v = find(name);
    return v != nullptr ? v->if_array() : nullptr;
}

const json::object* Claims::get_object(std::string_view name) const noexcept {
    const json::value* v = find(name);
    return v != nullptr ? v->if_object() : nullptr;
}

std::optional<std::vector<std::string_view>> Claims::get_strings(std::string_view name) const {
    const json::value* v = find(name);
    if (v == nullptr) return std::nullopt;
    std::vector<std::string_view> out;
    if (v->is_string()) {
        out.emplace_back(v->get_string());
        return out;
    }
    if (!v->is_array()) return std::nullopt;
    for (const json::value& e : v->get_array()) {
        if (!e.is_string()) return std::nullopt;
        out.emplace_back(e.get_string());
    }
    return out;
}

std::optional<NumericDate> Claims::get_numeric_date(std::string_view name) const noexcept {
    const auto n = get_number(name);
    // Outside ±2^53 seconds a date is meaningless and would overflow the duration.
    if (!n || !std::isfinite(*n) || std::fabs(*n) > 9007199254740992.0) return std::nullopt;
    return NumericDate(std::chrono::seconds(static_cast<std::int64_t>(std::floor(*n))));
}

std::vector<std::string_view> Claims::audience() const {
    auto aud = get_strings("aud");
    return aud ? std::move(*aud) : std::vector<std::string_view>{};
}

Claims& Claims::set(std::string_view name, json::value value) {
    json_[name] = std::move(value);
    return *this;
}

Claims& Claims::erase(std::string_view name) {
    json_.erase(name);
    return *this;
}

Claims& Claims::set_audience(const std::vector<std::string>& aud) {
    json::array arr;
    for (const auto& a : aud)
        arr.emplace_back(a);
    return set("aud", std::move(arr));
}

}  // namespace signet
