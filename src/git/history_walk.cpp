// The walk of the commits to check: reachable from the tips, not from the
// hidden commits, parents before children.
#include <fmt/format.h>

#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

Result<std::vector<ObjectId>> Repository::walk(const std::vector<ObjectId>& tips,
                                               const std::vector<ObjectId>& hidden) const {
  git_revwalk* raw_walk = nullptr;
  if (git_revwalk_new(&raw_walk, raw()) != 0) return make_error(git_error_text("cannot walk history"));
  git::RevwalkHandle walk(raw_walk);
  git_revwalk_sorting(raw_walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  for (const auto& tip : tips)
    if (git_revwalk_push(raw_walk, &tip.raw) != 0)
      return make_error(git_error_text(fmt::format("cannot walk from {}", tip.hex())));
  for (const auto& h : hidden)
    if (git_revwalk_hide(raw_walk, &h.raw) != 0)
      return make_error(git_error_text(fmt::format("cannot walk past {}", h.hex())));
  std::vector<ObjectId> out;
  git_oid id;
  int rc;
  while ((rc = git_revwalk_next(&id, raw_walk)) == 0) out.push_back(ObjectId::from(&id));
  if (rc != GIT_ITEROVER) return make_error(git_error_text("history walk failed (missing object?)"));
  return out;
}

}  // namespace warden
