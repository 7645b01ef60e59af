// A git object id (SHA-1 or SHA-256 as libgit2 represents it), hashable and
// comparable so that it can key the engine's maps.
#pragma once

#include <git2/oid.h>

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

struct ObjectId {
  git_oid raw{};

  static ObjectId from(const git_oid* oid) {
    ObjectId id;
    git_oid_cpy(&id.raw, oid);
    return id;
  }
  // Parses a full id written as git writes it (lower-case hex); nullopt
  // for anything else.
  static std::optional<ObjectId> from_hex(std::string_view hex) {
    if (hex.size() != GIT_OID_HEXSZ || hex.find_first_not_of("0123456789abcdef") != std::string_view::npos)
      return std::nullopt;
    ObjectId id;
    if (git_oid_fromstrn(&id.raw, hex.data(), hex.size()) != 0) return std::nullopt;
    return id;
  }
  std::string hex() const {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &raw);
    return buf;
  }
  std::string short_hex() const { return hex().substr(0, 10); }
  bool is_zero() const { return git_oid_is_zero(&raw) != 0; }

  friend bool operator==(const ObjectId& a, const ObjectId& b) {
    return git_oid_equal(&a.raw, &b.raw) != 0;
  }
  friend bool operator<(const ObjectId& a, const ObjectId& b) {
    return git_oid_cmp(&a.raw, &b.raw) < 0;
  }
};

struct ObjectIdHash {
  size_t operator()(const ObjectId& id) const {
    size_t h;
    std::memcpy(&h, id.raw.id, sizeof h);
    return h;
  }
};

}  // namespace warden
