// A merge's mainline parent (DESIGN section 3, rule 5): the parent through
// which the branch's previous tip is reached; the first parent when there
// is no previous tip, or when several parents reach it. Parent order,
// which whoever made the merge chooses, never decides on its own.
//
// The commits of a run are recorded parents first (note), so whether one
// reaches the previous tip is a look-up; others (older history) need one
// walk each, remembered.
#pragma once

#include <optional>
#include <unordered_map>

#include "verify/commit_facts.hpp"
#include "warden/object_id.hpp"
#include "warden/git_reads.hpp"
#include "warden/result.hpp"

namespace warden::verify {

class Mainline {
 public:
  Mainline(const GitReads& repo, CommitFacts& facts, std::optional<ObjectId> previous_tip)
      : repo_(repo), facts_(facts), tip_(std::move(previous_tip)) {}

  // The index of `data`'s mainline parent (0 unless a merge with a
  // previous tip reached through exactly one other parent).
  Result<size_t> of(const CommitData& data);
  // Records whether commit `c` of the run, whose parents are recorded or
  // older, reaches the previous tip.
  Status note(const ObjectId& c);
  // Whether `c` is or reaches the previous tip (false when none is known).
  Result<bool> reaches_previous_tip(const ObjectId& c) {
    if (!tip_) return false;
    return reaches_tip(c);
  }

 private:
  Result<bool> reaches_tip(const ObjectId& c);

  const GitReads& repo_;
  CommitFacts& facts_;
  std::optional<ObjectId> tip_;
  std::unordered_map<ObjectId, bool, ObjectIdHash> reaches_;
};

}  // namespace warden::verify
