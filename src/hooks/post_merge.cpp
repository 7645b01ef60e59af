// git warden hook post-merge: after `git pull`, confirms that what was
// merged in is pinned or authenticated, and warns loudly otherwise. (git
// ignores a post-merge hook's exit status: the merge has happened; the
// warning says how to undo it.)
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/verify_report.hpp"
#include "hooks/hook_runner.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

void warn(const std::string& what) {
  std::cerr << "warden: WARNING: " << what << "\n";
}

// The commit `git pull` merged: the first FETCH_HEAD line not marked
// not-for-merge.
std::optional<ObjectId> merged_commit(const Repository& repo) {
  std::ifstream in(repo.git_dir() + "FETCH_HEAD");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\tnot-for-merge\t") != std::string::npos) continue;
    if (auto id = ObjectId::from_hex(std::string_view(line).substr(0, GIT_OID_HEXSZ))) return id;
  }
  return std::nullopt;
}

void check_merge(Repository& repo) {
  auto merged = merged_commit(repo);
  if (!merged) return;
  auto head = repo.resolve_commit("HEAD");
  if (!head) return;
  if (*head != *merged) {
    auto in_head = repo.descendant_of(*head, *merged);
    if (!in_head || !*in_head) return;  // this merge did not bring in what was fetched
  }
  auto pins = list_pins(repo);
  if (pins)
    for (const auto& p : *pins) {
      if (p.commit == *merged) return;
      auto behind = repo.descendant_of(p.commit, *merged);
      if (behind && *behind) return;
    }
  auto anchor = load_anchor(repo, std::nullopt);
  if (!anchor) {
    warn(fmt::format("cannot check what was merged: {}", anchor.error().message));
    return;
  }
  Verifier verifier(repo);
  auto result = verify_trusted(repo, verifier, *anchor, *merged, TrustedVerify{});
  if (result && result->report.authenticated) return;
  std::string why = result ? refusal_reason(result->report) : result.error().message;
  warn(fmt::format("the merge brought in {}, which is NOT authenticated: {}", merged->short_hex(), why));
  warn("your branch now contains unauthenticated history; to undo the merge: git reset --hard ORIG_HEAD");
}

}  // namespace

int run_hook_post_merge(const std::string& chained, const std::vector<std::string>& args) {
  auto repo = hooks::open_hook_repository();
  if (repo) check_merge(*repo);
  else warn(repo.error().message);
  if (!chained.empty() && ::access(chained.c_str(), X_OK) == 0) {
    auto r = hooks::run_with_input(chained, args, "");
    if (r) return *r;
  }
  return kExitOk;
}

}  // namespace warden::cli
