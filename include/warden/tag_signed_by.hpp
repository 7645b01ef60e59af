// A ref rule's `signed-by` for a tag (DESIGN section 5), judged the same
// way wherever a tag arrives: a push to the server, a fetch, a clone.
#pragma once

#include <string>
#include <string_view>

#include "warden/object_id.hpp"
#include "warden/policy.hpp"
#include "warden/git_reads.hpp"
#include "warden/result.hpp"
#include "warden/verifier.hpp"

namespace warden {

// Who of `rule.signed_by` signed the annotated tag `object`, published as
// `ref`, under `policy`: `signer` is set, or `problem` says why not, in
// one sentence ending with " (rule 'PATTERN')". An Error is a missing or
// unreadable object.
struct TagSignedBy {
  std::string signer;
  std::string problem;
};
Result<TagSignedBy> tag_signed_by(const GitReads& repo, Verifier& verifier, const ObjectId& object,
                                  std::string_view ref, const Policy& policy, const RefRule& rule);

}  // namespace warden
