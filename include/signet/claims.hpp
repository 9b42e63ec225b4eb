// JWT claims sets (RFC 7519 §4): a JSON object with typed access to registered and private claims.
// NumericDate values (§2) are JSON numbers only; strings and booleans are never read as dates.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signet/error.hpp"

namespace signet {

using NumericDate = std::chrono::sys_seconds;

class Claims {
  public:
    Claims() = default;
    explicit Claims(boost::json::object json) : json_(std::move(json)) {}
    // Claims a Verifier returns live in one arena that is not safe to share between threads;
    // a copy therefore gets storage of its own. Moves keep the arena.
    Claims(const Claims& other) : json_(other.json_, boost::json::storage_ptr()) {}
    Claims& operator=(const Claims& other) {
        if (this != &other) json_ = boost::json::object(other.json_, boost::json::storage_ptr());
        return *this;
    }
    Claims(Claims&&) noexcept = default;
    Claims& operator=(Claims&&) noexcept = default;
    ~Claims() = default;

    // Strict parse: a JSON object, no duplicate member names, bounded depth.
    static Result<Claims> parse(std::string_view json, std::size_t max_depth = 16);

    const boost::json::object& json() const noexcept { return json_; }
    boost::json::object& json() noexcept { return json_; }
    std::string to_json_string() const;

    bool contains(std::string_view name) const noexcept { return json_.contains(name); }
    const boost::json::value* find(std::string_view name) const noexcept;

    // Typed getters: nullopt when the claim is absent or not of that JSON type.
    std::optional<std::string_view> get_string(std::string_view name) const noexcept;
    std::optional<double> get_number(std::string_view name) const noexcept;
    std::optional<std::int64_t> get_int(std::string_view name) const noexcept;
    std::optional<bool> get_bool(std::string_view name) const noexcept;
    const boost::json::array* get_array(std::string_view name) const noexcept;
    const boost::json::object* get_object(std::string_view name) const noexcept;
    // A string claim or an array of strings (the shape of "aud", RFC 7519 §4.1.3).
    std::optional<std::vector<std::string_view>> get_strings(std::string_view name) const;
    // A NumericDate, truncated to whole seconds.
    std::optional<NumericDate> get_numeric_date(std::string_view name) const noexcept;

    std::optional<std::string_view> issuer() const noexcept { return get_string("iss"); }
    std::optional<std::string_view> subject() const noexcept { return get_string("sub"); }
    std::optional<std::string_view> jwt_id() const noexcept { return get_string("jti"); }
    std::vector<std::string_view> audience() const;  // empty when absent
    std::optional<NumericDate> expires_at() const noexcept { return get_numeric_date("exp"); }
    std::optional<NumericDate> not_before() const noexcept { return get_numeric_date("nbf"); }
    std::optional<NumericDate> issued_at() const noexcept { return get_numeric_date("iat"); }

    Claims& set(std::string_view name, boost::json::value value);
    Claims& erase(std::string_view name);
    Claims& set(std::string_view name, const char* value) {
        return set(name, std::string_view(value));
    }
    Claims& set(std::string_view name, std::string_view value) {
        return set(name, boost::json::value(boost::json::string_view(value.data(), value.size())));
    }
    Claims& set_issuer(std::string_view iss) { return set("iss", iss); }
    Claims& set_subject(std::string_view sub) { return set("sub", sub); }
    Claims& set_jwt_id(std::string_view jti) { return set("jti", jti); }
    Claims& set_audience(std::string_view aud) { return set("aud", aud); }
    Claims& set_audience(const std::vector<std::string>& aud);
    Claims& set_expires_at(NumericDate t) { return set_date("exp", t); }
    Claims& set_not_before(NumericDate t) { return set_date("nbf", t); }
    Claims& set_issued_at(NumericDate t) { return set_date("iat", t); }

  private:
    Claims& set_date(std::string_view name, NumericDate t) {
        return set(name,
                   boost::json::value(static_cast<std::int64_t>(t.time_since_epoch().count())));
    }
    boost::json::object json_;
};

}  // namespace signet
