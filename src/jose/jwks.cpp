// JWK Sets (RFC 7517 §5) and their ambiguity rules.
#include "signet/jwks.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "json_strict.hpp"

namespace signet {

namespace json = boost::json;

namespace {
constexpr std::size_t kMaxJwksDepth = 8;
constexpr std::size_t kMaxKeys = 1000;  // bounds parse and candidate search cost

Result<void> check_joinable(const std::vector<Jwk>& keys, const Jwk& key) {
    for (const Jwk& other : keys) {
        if (!key.kid().empty() && other.kid() == key.kid()) {
            return Error(Errc::ambiguous_key_set,
                         "two keys share the \"kid\" \"" + key.kid() + "\"");
        }
        if (other.is_symmetric() != key.is_symmetric()) {
            return Error(Errc::ambiguous_key_set, "a key set mixes symmetric and asymmetric keys");
        }
    }
    return {};
}
}  // namespace

KeyTextFormat detect_key_text_format(std::string_view text) {
    const std::size_t start = text.find_first_not_of(" \t\n\r\v\f");
    if (start != std::string_view::npos && text.substr(start).starts_with("-----BEGIN")) {
        return KeyTextFormat::pem;
    }
    json::error_code ec;
    const json::value value = json::parse(text, ec);
    if (!ec && value.is_object() && value.get_object().contains("keys")) return KeyTextFormat::jwks;
    return KeyTextFormat::jwk;
}

Result<KeySet> KeySet::parse_any(std::string_view text) {
    switch (detect_key_text_format(text)) {
        case KeyTextFormat::jwks: return parse(text);
        case KeyTextFormat::pem: {
            // Pasted text may be indented; the PEM reader wants "-----BEGIN" at a line start.
            auto key = Jwk::from_pem(text.substr(text.find("-----BEGIN")));
            if (!key) return std::move(key).error();
            return from_keys({std::move(*key)});
        }
        case KeyTextFormat::jwk: break;
    }
    auto key = Jwk::parse(text);
    if (!key) return std::move(key).error();
    return from_keys({std::move(*key)});
}

Result<KeySet> KeySet::parse(std::string_view text) {
    auto obj = detail::parse_json_object_strict(text, kMaxJwksDepth, "JWK Set");
    if (!obj) return std::move(obj).error();
    return from_json(*obj);
}

Result<KeySet> KeySet::from_json(const json::object& obj) {
    const json::value* keys = obj.if_contains("keys");
    if (keys == nullptr || !keys->is_array()) {
        return Error(Errc::invalid_key, "a JWK Set needs a \"keys\" array");
    }
    if (keys->get_array().size() > kMaxKeys)
        return Error(Errc::invalid_key, "a JWK Set of more than 1000 keys");
    KeySet set;
    std::size_t index = 0;
    for (const json::value& entry : keys->get_array()) {
        if (!entry.is_object())
            return Error(Errc::invalid_key, "a \"keys\" entry is not an object");
        auto key = Jwk::from_json(entry.get_object());
        if (!key) {
            // RFC 7517 §5: ignore keys of types (or curves) we do not implement.
            if (key.code() == Errc::unsupported_key) {
                ++index;
                continue;
            }
            return Error(key.code(), "key " + std::to_string(index) + ": " + key.error().message());
        }
        if (auto ok = set.add(std::move(*key)); !ok) return std::move(ok).error();
        ++index;
    }
    return set;
}

Result<KeySet> KeySet::from_keys(std::vector<Jwk> keys) {
    KeySet set;
    for (auto& key : keys) {
        if (auto ok = set.add(std::move(key)); !ok) return std::move(ok).error();
    }
    return set;
}

Result<void> KeySet::add(Jwk key) {
    if (keys_.size() >= kMaxKeys)
        return Error(Errc::invalid_argument, "a key set holds at most 1000 keys");
    if (auto ok = check_joinable(keys_, key); !ok) return ok;
    keys_.push_back(std::move(key));
    index_kid(keys_.size() - 1);
    return {};
}

void KeySet::index_kid(std::size_t at) {
    const std::string_view kid = keys_[at].kid();
    if (kid.empty()) return;
    const auto pos = std::lower_bound(
        by_kid_.begin(), by_kid_.end(), kid,
        [&](std::uint32_t i, std::string_view k) { return std::string_view(keys_[i].kid()) < k; });
    by_kid_.insert(pos, static_cast<std::uint32_t>(at));
}

// Binary search over the "kid" index: a verify against a large rotating set stays O(log n).
const Jwk* KeySet::find(std::string_view kid) const noexcept {
    const auto pos = std::lower_bound(
        by_kid_.begin(), by_kid_.end(), kid,
        [&](std::uint32_t i, std::string_view k) { return std::string_view(keys_[i].kid()) < k; });
    if (pos == by_kid_.end() || keys_[*pos].kid() != kid) return nullptr;
    return &keys_[*pos];
}

Result<KeySet> KeySet::public_keys() const {
    KeySet out;
    for (const Jwk& key : keys_) {
        auto pub = key.public_key();
        if (!pub) return std::move(pub).error();
        out.keys_.push_back(std::move(*pub));
    }
    out.by_kid_ = by_kid_;  // the same keys in the same order
    return out;
}

json::object KeySet::to_json(bool include_private) const {
    json::array keys;
    for (const Jwk& key : keys_)
        keys.emplace_back(key.to_json(include_private));
    json::object obj;
    obj["keys"] = std::move(keys);
    return obj;
}

std::string KeySet::to_json_string(bool include_private) const {
    return json::serialize(to_json(include_private));
}

}  // namespace signet
