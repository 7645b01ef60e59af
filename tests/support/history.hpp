// A git repository under test, with commits signed by sandbox keys, a
// policy builder, and a shortcut to run the verification engine.
#pragma once

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "support/sandbox.hpp"
#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace test {

// Builds a .warden/policy.yml. People are added with their keys; the rest
// is YAML text the test writes itself.
class PolicyText {
 public:
  PolicyText& person(const std::string& name, const std::vector<const Key*>& keys);
  // Key lines as written ("openpgp:FPR", "ssh-ed25519 AAAA...").
  PolicyText& person_lines(const std::string& name, const std::vector<std::string>& key_lines);
  PolicyText& section(const std::string& yaml);  // appended verbatim
  std::string str() const;

 private:
  std::string people_;
  std::string rest_;
};

// The policy most tests use: maintainers alice and bob may change
// everything, carol docs/ and pkgs/foo, drafts/ is unprotected, the
// maintainers may change the policy (threshold 1), unsigned merges allowed.
std::string standard_policy(const Key& alice, const Key& bob, const Key& carol, const std::string& extra = "",
                            const std::string& unsigned_merges = "allow", int threshold = 1);

class Repo {
 public:
  explicit Repo(Sandbox& sb, const std::string& name = "repo");

  const std::string& path() const { return path_; }
  std::string git(const std::string& args) const;
  Run git_run(const std::string& args) const;

  void write(const std::string& file, const std::string& content) const;
  void remove(const std::string& file) const;
  // Stages everything and commits (empty commits allowed). `signer` null:
  // unsigned. Returns the new commit id.
  std::string commit(const std::string& message, const Key* signer) const;
  // Merges `branch` into the current branch with --no-ff; conflicts are
  // resolved by taking `resolve` (if given) for every conflicted file.
  std::string merge(const std::string& branch, const Key* signer, const std::string& message = "Merge") const;
  // Re-signs `commit` as a new commit object with `key`, in `ns`; with
  // `blocks` = 2 the header carries two signature blocks, with `headers`
  // = 2 two gpgsig headers. Returns the new commit id (no ref moves).
  std::string resign(const std::string& commit, const Key& key, const std::string& ns = "git", int blocks = 1,
                     int headers = 1) const;
  // Writes a commit object built from `raw` text and returns its id.
  std::string write_commit_object(const std::string& raw) const;
  // Runs `git warden ARGS` (this build's) in the repository.
  Run warden(const std::string& args) const;
  // The tip of refs/notes/warden, where `git warden approve` and `attest`
  // write, as VerifyRequest::approval_notes (empty if there is none).
  std::vector<warden::ObjectId> approval_notes() const;
  // Writes a tree object of (mode, name, hex id) entries, as given (in
  // the caller's order, names git would refuse included); returns its id.
  std::string write_tree_object(const std::vector<std::tuple<std::string, std::string, std::string>>& entries) const;

  // Runs the engine on anchor..target, the anchor key given by its fingerprint.
  warden::VerifyReport verify_fpr(const std::string& anchor, const std::string& anchor_fingerprint,
                                  const std::string& target = "HEAD", bool keep_going = false,
                                  size_t parallel_from = 64) const;
  // Runs the engine on anchor..target (keep going) with the request as
  // tune() leaves it: how the work is divided, never what is decided.
  warden::VerifyReport verify_tuned(const std::string& anchor, const Key& anchor_key, const std::string& target,
                                    const std::function<void(warden::VerifyRequest&)>& tune) const;
  // Runs the engine on anchor..target; a single known-good commit is also
  // the previous tip (as the A of A..B).
  warden::VerifyReport verify(const std::string& anchor, const Key& anchor_key, const std::string& target = "HEAD",
                              const std::vector<std::string>& known_good = {}, bool keep_going = false,
                              size_t parallel_from = 64) const;

 private:
  warden::VerifyReport run_verify(const std::string& anchor, const std::string& anchor_fingerprint,
                                  const std::string& target, const std::vector<std::string>& known_good,
                                  bool keep_going, size_t parallel_from,
                                  const std::function<void(warden::VerifyRequest&)>& tune = {}) const;
  Sandbox& sb_;
  std::string path_;
};

// The reason of a report's refusal as a whole, or "" if there is none.
std::string run_refusal(const warden::VerifyReport& report);

// The first refused verdict of a report, or nullptr.
const warden::Verdict* first_refusal(const warden::VerifyReport& report);

// Checks that two runs over the same range reached the same verdicts,
// commit by commit, field by field; returns how many commits were refused
// on their own account (not inherited).
int check_same_verdicts(const warden::VerifyReport& expected, const warden::VerifyReport& actual);

}  // namespace test
