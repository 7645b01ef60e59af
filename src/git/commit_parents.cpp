// See commit_parents.hpp.
#include "git/commit_parents.hpp"

#include <fmt/format.h>

namespace warden::git {

Result<std::vector<ObjectId>> commit_parents(std::string_view raw, const ObjectId& commit) {
  auto malformed = [&]() { return make_error(fmt::format("malformed commit {}", commit.hex())); };
  constexpr std::string_view kTree = "tree ", kParent = "parent ";
  if (!raw.starts_with(kTree) || raw.size() < kTree.size() + GIT_OID_HEXSZ + 1 ||
      raw[kTree.size() + GIT_OID_HEXSZ] != '\n')
    return malformed();
  raw.remove_prefix(kTree.size() + GIT_OID_HEXSZ + 1);
  std::vector<ObjectId> parents;
  while (raw.starts_with(kParent)) {
    if (raw.size() < kParent.size() + GIT_OID_HEXSZ + 1 || raw[kParent.size() + GIT_OID_HEXSZ] != '\n')
      return malformed();
    auto id = ObjectId::from_hex(raw.substr(kParent.size(), GIT_OID_HEXSZ));
    if (!id) return malformed();
    parents.push_back(*id);
    raw.remove_prefix(kParent.size() + GIT_OID_HEXSZ + 1);
  }
  return parents;
}

}  // namespace warden::git
