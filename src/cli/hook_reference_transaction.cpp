// git warden hook reference-transaction STATE: the client's gate. In the
// "prepared" state it refuses (and so aborts the update):
//   - any update of a trusted remote-tracking ref whose new tip does not
//     descend from its pin (rollback or rewrite) or does not authenticate;
//   - in a fetch (or a command warden does not know), any branch or tag
//     moved to a commit that does not authenticate, any tag that breaks the
//     remote's tag rules (check_tag_rules), and any replace ref;
//   - in the merge or rebase of a `git pull`, a branch update when what
//     was fetched (FETCH_HEAD) does not authenticate;
//   - where the remote's policies ask for snapshots, remote-tracking refs,
//     tags and fetched snapshot refs that no trusted snapshot vouches for
//     (check_fetched_snapshots).
// The user's own work (commit, merge, rebase, reset, tag, ... outside a
// pull) is not checked. In "committed" it moves the pins.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/verify_report.hpp"
#include "common/clock.hpp"
#include "warden/client_trust.hpp"
#include "warden/fetched_tags.hpp"
#include "hooks/git_command.hpp"
#include "hooks/hook_runner.hpp"
#include "hooks/transaction_input.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/snapshot.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

using hooks::TrackingUpdate;
using hooks::TransactionInput;

constexpr size_t kMaxInput = 64 << 20;
// Objects looked at for approvals a fetch brought (see verify_fetched).
constexpr size_t kMaxObjectsInFlight = 2000000;

int chained_or(int status, const std::string& chained, const std::string& state, const std::string& input) {
  if (status != kExitOk || chained.empty() || ::access(chained.c_str(), X_OK) != 0) return status;
  auto r = hooks::run_with_input(chained, {state}, input);
  if (!r) {
    std::cerr << "warden: " << r.error().message << "\n";
    return kExitRefused;
  }
  return *r;
}

int refuse(const std::string& why) {
  std::cerr << "warden: refused: " << why << "\n";
  return kExitRefused;
}

// The commits the running fetch wrote that no ref names yet, looked for
// once per hook run and only when a check needs them.
class InFlight {
 public:
  explicit InFlight(const Repository& repo) : repo_(repo) {}
  const std::vector<ObjectId>& commits() {
    if (!commits_) commits_ = repo_.commits_in_flight(kMaxObjectsInFlight);
    return *commits_;
  }

 private:
  const Repository& repo_;
  std::optional<std::vector<ObjectId>> commits_;
};

// git fetch moves the ref of the branch it merges before all others, so
// approvals fetched with that branch are in the objects but not yet in
// their notes ref. On a refusal, look for them there and verify once more.
Result<TrustedReport> verify_fetched(Repository& repo, Verifier& verifier, const Anchor& anchor, const ObjectId& commit,
                                     TrustedVerify how, InFlight& in_flight) {
  auto result = verify_trusted(repo, verifier, anchor, commit, how);
  if (!result || result->report.authenticated) return result;
  std::vector<ObjectId> more;
  auto known = result->request.approval_notes;
  for (const auto& id : in_flight.commits())
    if (std::find(known.begin(), known.end(), id) == known.end() && repo.is_notes_commit(id)) more.push_back(id);
  if (more.empty()) return result;
  how.approval_notes.insert(how.approval_notes.end(), more.begin(), more.end());
  return verify_trusted(repo, verifier, anchor, commit, how);
}

int check_tracking(Repository& repo, Verifier& verifier, const Anchor& anchor_value,
                   const std::vector<TrackingUpdate>& updates, const std::vector<ObjectId>& approval_notes,
                   InFlight& in_flight) {
  const Anchor* anchor = &anchor_value;
  for (const auto& u : updates) {
    if (u.new_id.is_zero()) continue;  // fetch --prune: the pin stays
    std::string name = short_tracking_ref(u.ref);
    auto commit = repo.peel_to_commit(u.new_id);
    if (!commit) return refuse(fmt::format("{}: {}", name, commit.error().message));
    auto pin = read_pin(repo, u.ref);
    if (!pin) return refuse(pin.error().message);
    TrustedVerify how;
    how.approval_notes = approval_notes;
    if (*pin) {
      if (**pin != *commit) {
        auto d = repo.descendant_of(*commit, **pin);
        if (!d) return refuse(d.error().message);
        if (!*d)
          return refuse(fmt::format("rollback or rewrite of {}: pinned {}, offered {} (if this is intended, run "
                                    "'git warden pin reset {}')",
                                    name, (*pin)->short_hex(), commit->short_hex(), name));
      }
      how.known_good.push_back(**pin);
      how.previous_tip = **pin;
    }
    auto result = verify_fetched(repo, verifier, *anchor, *commit, how, in_flight);
    if (!result) return refuse(fmt::format("{}: {}", name, result.error().message));
    const VerifyReport& report = result->report;
    if (!report.authenticated) {
      return refuse(fmt::format("{} would move to unauthenticated history: {}", name, refusal_reason(report)));
    }
    if (!report.verdicts.empty())
      std::cerr << fmt::format("warden: {}: {} new commit{} authenticated\n", name, report.verdicts.size(),
                               report.verdicts.size() == 1 ? "" : "s");
  }
  return kExitOk;
}

// The configured remote the running `git fetch` fetches from, or nullopt:
// a URL, a group, or a command line warden cannot read.
std::optional<std::string> fetch_remote(const Repository& repo,
                                        const std::optional<std::vector<std::vector<std::string>>>& ancestors) {
  if (!ancestors || ancestors->empty()) return std::nullopt;
  auto source = hooks::fetch_source(ancestors->front());
  auto remotes = repo.remote_names();
  std::string name = source.repository;
  using Kind = hooks::FetchSource::Kind;
  if (source.kind == Kind::unknown || (source.kind == Kind::all_remotes && remotes.size() != 1)) return std::nullopt;
  if (source.kind == Kind::all_remotes) name = remotes.front();
  if (source.kind == Kind::default_remote) {
    // As git picks it: the current branch's remote, else the only remote, else origin.
    auto head = repo.head_ref_name();
    std::optional<std::string> configured;
    if (head && head->starts_with("refs/heads/")) configured = repo.config_string("branch." + head->substr(11) + ".remote");
    name = configured ? *configured : remotes.size() == 1 ? remotes.front() : "origin";
  }
  if (std::find(remotes.begin(), remotes.end(), name) == remotes.end()) return std::nullopt;
  return name;
}

// What the fetch moves, remote by remote (remote-tracking refs, the tags
// a fetch writes, the fetched snapshot refs), must be what a fresh
// snapshot signed by the policy's snapshot keys says (when the policy asks
// for them).
int check_snapshots(Repository& repo, Verifier& verifier, const std::vector<TrackingUpdate>& tracking,
                    const std::vector<TrackingUpdate>& tags, const std::optional<std::string>& tags_remote,
                    const std::vector<TrackingUpdate>& snapshots, InFlight& in_flight) {
  FetchedRefs fetch;
  for (const auto& u : tracking)
    if (!u.new_id.is_zero()) fetch.moved.emplace_back(u.ref, u.new_id);
  for (const auto& u : tags)
    if (!u.new_id.is_zero()) fetch.tags.emplace_back(u.ref, u.new_id);
  fetch.tags_remote = tags_remote;
  for (const auto& u : snapshots) fetch.snapshots.emplace_back(u.ref, u.new_id);
  fetch.now = now_seconds();
  fetch.in_flight = [&in_flight] { return in_flight.commits(); };
  auto why = check_fetched_snapshots(repo, verifier, fetch);
  if (!why) return refuse(why.error().message);
  if (!why->empty()) return refuse(*why);
  return kExitOk;
}

// "" if `id` (a commit or a tag) is an authenticated commit, else why not.
std::string unauthenticated(Repository& repo, Verifier& verifier, const Anchor& anchor, const ObjectId& id,
                            const std::optional<ObjectId>& previous, const std::vector<ObjectId>& approval_notes,
                            InFlight& in_flight) {
  auto type = repo.object_type(id);
  if (!type) return type.error().message;
  if (*type != "commit" && *type != "tag") return fmt::format("it points at a {}, not a commit", *type);
  auto commit = repo.peel_to_commit(id);
  if (!commit) return commit.error().message;
  TrustedVerify how;
  how.approval_notes = approval_notes;
  if (previous) {
    auto old_commit = repo.peel_to_commit(*previous);
    if (old_commit) how.previous_tip = *old_commit;
  }
  auto result = verify_fetched(repo, verifier, anchor, *commit, how, in_flight);
  if (!result) return result.error().message;
  if (result->report.authenticated) return "";
  return refusal_reason(result->report);
}

// The tags a fetch writes keep the remote's tag rules (signed-by: under
// their own name, by those people; immutable).
int check_tag_rules(Repository& repo, Verifier& verifier, const std::vector<TrackingUpdate>& tracking,
                    const std::vector<TrackingUpdate>& tags, const std::optional<std::string>& remote) {
  FetchedTags fetch;
  for (const auto& u : tags) {
    // git fetch gives no old value (zeros) for what it updates: the ref
    // still holds it while the transaction is prepared.
    ObjectId old_id = u.old_id;
    if (old_id.is_zero()) {
      auto current = repo.ref_target(u.ref);
      if (!current) return refuse(current.error().message);
      if (*current) old_id = **current;
    }
    fetch.tags.push_back({u.ref, old_id, u.new_id});
  }
  fetch.remote = remote;
  for (const auto& u : tracking)
    if (!u.new_id.is_zero()) fetch.moved.emplace_back(u.ref, u.new_id);
  auto why = fetched_tags_problem(repo, verifier, fetch);
  if (!why) return refuse(why.error().message);
  if (!why->empty()) return refuse(*why);
  return kExitOk;
}

// Branches and tags a fetch moves must land on authenticated commits; a
// fetch never plants replace refs.
int check_fetched(Repository& repo, Verifier& verifier, const Anchor& anchor, const TransactionInput& input,
                  InFlight& in_flight) {
  const auto& updates = input.guarded;
  for (const auto& u : updates) {
    if (u.new_id.is_zero()) continue;
    if (u.ref.starts_with("refs/replace/"))
      return refuse(fmt::format("{}: a fetch may not create or move replace refs (git would show other history "
                                "than warden verifies)",
                                u.ref));
    std::optional<ObjectId> previous;
    if (!u.old_id.is_zero()) previous = u.old_id;
    std::string why = unauthenticated(repo, verifier, anchor, u.new_id, previous, input.approval_notes, in_flight);
    if (!why.empty()) return refuse(fmt::format("{} would move to unauthenticated history: {}", u.ref, why));
  }
  return kExitOk;
}

// The merge or rebase of a `git pull` may move a branch only if what was
// fetched authenticates.
int check_pulled(Repository& repo, Verifier& verifier, const Anchor& anchor, const TransactionInput& input,
                 InFlight& in_flight) {
  const auto& updates = input.guarded;
  bool moves_branch = false;
  for (const auto& u : updates) moves_branch = moves_branch || (u.ref.starts_with("refs/heads/") && !u.new_id.is_zero());
  if (!moves_branch) return kExitOk;
  auto fetched = fetched_for_merge(repo);
  if (!fetched) return kExitOk;
  std::string why = unauthenticated(repo, verifier, anchor, *fetched, std::nullopt, input.approval_notes, in_flight);
  if (!why.empty())
    return refuse(fmt::format("git pull would bring in {}, which is not authenticated: {}", fetched->short_hex(), why));
  return kExitOk;
}

int prepared(Repository& repo, const TransactionInput& input) {
  auto anchor = load_anchor(repo, std::nullopt);
  if (!anchor) return refuse(fmt::format("cannot check ref updates: {}", anchor.error().message));
  Verifier verifier(repo);
  std::vector<TrackingUpdate> tracking;
  TransactionInput others;
  others.approval_notes = input.approval_notes;
  for (const auto& u : input.guarded) {
    if (u.ref.starts_with("refs/remotes/")) {
      if (is_trusted_tracking_ref(repo, u.ref)) tracking.push_back(u);
    } else {
      others.guarded.push_back(u);
    }
  }
  InFlight in_flight(repo);
  if (int s = check_tracking(repo, verifier, *anchor, tracking, input.approval_notes, in_flight); s != kExitOk) return s;
  std::vector<TrackingUpdate> fetched_tags;
  std::optional<std::string> tags_remote;
  if (!others.guarded.empty()) {
    auto ancestors = hooks::git_ancestors();
    switch (hooks::ref_context(hooks::git_command_chain(ancestors))) {
      case hooks::RefContext::fetch:
        if (int s = check_fetched(repo, verifier, *anchor, others, in_flight); s != kExitOk) return s;
        for (const auto& u : others.guarded)
          if (u.ref.starts_with("refs/tags/")) fetched_tags.push_back(u);
        if (!fetched_tags.empty()) tags_remote = fetch_remote(repo, ancestors);
        if (int s = check_tag_rules(repo, verifier, tracking, fetched_tags, tags_remote); s != kExitOk) return s;
        break;
      case hooks::RefContext::pull:
        if (int s = check_pulled(repo, verifier, *anchor, others, in_flight); s != kExitOk) return s;
        break;
      case hooks::RefContext::local: break;
    }
  }
  return check_snapshots(repo, verifier, tracking, fetched_tags, tags_remote, input.snapshots, in_flight);
}

int committed(Repository& repo, const std::vector<TrackingUpdate>& updates) {
  int status = kExitOk;
  for (const auto& u : updates) {
    if (u.new_id.is_zero() || !is_trusted_tracking_ref(repo, u.ref)) continue;
    auto commit = repo.peel_to_commit(u.new_id);
    if (!commit) continue;
    if (auto s = write_pin(repo, u.ref, *commit, "fetched"); !s) {
      std::cerr << "warden: cannot move the pin of " << short_tracking_ref(u.ref) << ": " << s.error().message << "\n";
      status = kExitRefused;
    }
  }
  return status;
}

}  // namespace

int run_hook_reference_transaction(const std::string& state, const std::string& chained) {
  auto input = hooks::read_stdin(kMaxInput);
  if (!input) return refuse(input.error().message);
  auto updates = hooks::parse_transaction_input(*input);
  if (!updates) return refuse(updates.error().message);
  // The fast path: nothing about guarded refs, nothing to open.
  if ((updates->guarded.empty() && updates->snapshots.empty()) || (state != "prepared" && state != "committed"))
    return chained_or(kExitOk, chained, state, *input);

  auto repo = hooks::open_hook_repository();
  if (!repo) return refuse(repo.error().message);
  int status = state == "prepared" ? prepared(*repo, *updates) : committed(*repo, updates->guarded);
  return chained_or(status, chained, state, *input);
}

}  // namespace warden::cli
