// The ref rules a fetch's tags must keep on a client (DESIGN section 5:
// a tag under a `signed-by` rule counts only as an annotated tag signed by
// one of those people, under the name its `tag` header gives).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace warden {

struct FetchedTag {
  std::string ref;  // refs/tags/...
  ObjectId old_id;  // zero if the fetch creates it
  ObjectId new_id;  // zero if the fetch deletes it (--prune-tags)
};

struct FetchedTags {
  std::vector<FetchedTag> tags;
  // The configured remote the fetch fetches from (nullopt: a URL, or
  // warden cannot tell), and the refs the fetch writes for it.
  std::optional<std::string> remote;
  std::vector<std::pair<std::string, ObjectId>> moved;
};

// "" if every tag the fetch writes keeps the ref rules that cover it, else
// why not. The rules are the remote's (the first policy that
// remote_policy_commits finds and warden can read), as the server's come
// from its policy branch. For a fetch from no configured remote, those of
// every trusted remote and of the policy at the tag's own commit (which
// the fetch has authenticated): a tag must keep each. Under a rule with
// `signed-by`: an annotated tag, named as the ref it is written to, signed
// by one of those people; under `immutable: true`: not moved once there.
Result<std::string> fetched_tags_problem(Repository& repo, Verifier& verifier, const FetchedTags& fetch);

}  // namespace warden
