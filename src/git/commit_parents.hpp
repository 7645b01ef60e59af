// The parents a commit object names, read from its text as git's
// parse_commit_buffer() reads them: the "parent <id>" lines that follow
// the "tree" line. Anything else where they must be is an error.
#pragma once

#include <string_view>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

Result<std::vector<ObjectId>> commit_parents(std::string_view raw, const ObjectId& commit);

}  // namespace warden::git
