// Revocation (DESIGN section 6a): the keys revoked by the policies of
// authenticated commits (revocations_from: the server's policy branch
// tip, a client's pins, the target once it is authenticated). A key
// revoked there signs nothing that counts after the revocation landed:
// the oldest commit on the revoking commit's mainline whose policy
// revokes it. Commits that were history before it (ancestors of its
// parents) stay valid, and so do statements about them.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "verify/policy_store.hpp"
#include "warden/object_id.hpp"
#include "warden/git_reads.hpp"
#include "warden/result.hpp"
#include "warden/verdict.hpp"

namespace warden::verify {

// A merge's chosen mainline parent, by merge (merges only).
using MainlineChoices = std::unordered_map<ObjectId, size_t, ObjectIdHash>;

class Revocations {
 public:
  // `known_good`: commits authenticated before the run (they and their
  // ancestors bound the walks). Both must outlive this object.
  Revocations(const GitReads& repo, PolicyStore& policies, const std::unordered_set<ObjectId, ObjectIdHash>& known_good)
      : repo_(repo), policies_(policies), known_good_(known_good) {}

  // Reads the keys revoked by the policies of `from` (authenticated commits).
  Status load(const std::vector<ObjectId>& from);
  // The mainline parents an earlier run over the same range chose: the
  // landing of a revocation follows them (else the first parent).
  void use_mainlines(const MainlineChoices* m) { mainlines_ = m; }

  // Refuses the accepted verdict `v` of commit `c` (rule revocation) if a
  // revoked key signed it after the revocation landed. With
  // `note_signer`, remembers which key signed it (signed_by_any).
  Status apply(const ObjectId& c, Verdict& v, bool note_signer);
  // Whether a revoked key signs nothing that counts about `subject`
  // (statements about history from before the revocation landed still
  // count, DESIGN section 6); an error is a yes.
  bool revoked_for(const std::string& fingerprint, const ObjectId& subject);
  // Whether `policy` revokes a key that signed a commit apply() noted.
  bool revokes_a_signer(const Policy& policy) const;

 private:
  struct Landing {
    ObjectId revoking;
    std::unordered_set<ObjectId, ObjectIdHash> before;
  };
  Result<const Landing*> landing_of(const std::string& fingerprint);

  const GitReads& repo_;
  PolicyStore& policies_;
  const std::unordered_set<ObjectId, ObjectIdHash>& known_good_;
  const MainlineChoices* mainlines_ = nullptr;
  std::vector<std::shared_ptr<const Policy>> revoking_policies_;  // keep the Revocation entries alive
  std::unordered_map<std::string, const Revocation*> revoked_;  // by fingerprint
  std::unordered_map<std::string, ObjectId> revoked_at_;        // the commit whose policy revokes it
  std::unordered_map<std::string, Landing> landings_;           // by fingerprint
  std::unordered_set<std::string> signer_keys_;                 // that signed accepted commits of the run
};

}  // namespace warden::verify
