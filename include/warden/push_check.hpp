// The server's decision on a push (DESIGN section 5): every ref update is
// checked against the ref rules of the policy branch's policy as it stands
// before the push, and new commits must authenticate from the anchor.
#pragma once

#include <string>
#include <vector>

#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct RefUpdate {
  ObjectId old_id;  // zero: the ref is created
  ObjectId new_id;  // zero: the ref is deleted
  std::string ref;
};

// Parses pre-receive input: lines of "<old> <new> <ref>". Anything else
// (garbage, a bad id or ref name, too many lines) is an error naming the line.
Result<std::vector<RefUpdate>> parse_ref_updates(std::string_view input);

struct RefDecision {
  std::string ref;
  bool ok = false;
  std::string message;  // what was decided and why, one line
  std::string rule;     // refused: the rule or check that refused ("ref" for the ref rules), for the audit log
};

struct PushCheckOptions {
  // The branch whose policy holds the ref rules; it is always verified and
  // never deleted or rewound.
  std::string policy_branch = "refs/heads/main";
  // Tips recorded as trusted at install time (--accept-existing).
  std::vector<ObjectId> accepted;
};

class PushChecker {
 public:
  PushChecker(const Repository& repo, Anchor anchor, PushCheckOptions options);

  // One decision per update, in order. An Error means nothing could be
  // decided (the policy branch's policy is unreadable, say): refuse all.
  Result<std::vector<RefDecision>> check(const std::vector<RefUpdate>& updates);

 private:
  const Repository& repo_;
  Anchor anchor_;
  PushCheckOptions options_;
};

}  // namespace warden
