// git warden verify [--anchor C:FPR] [--json] [--keep-going] [REV | A..B]
// (--guix: see guix_command.cpp)
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "common/clock.hpp"
#include "warden/snapshot.hpp"
#include "cli/verify_report.hpp"
#include "warden/anchor.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

struct Range {
  std::optional<std::string> from;  // A of A..B
  std::string to;
};

Result<Range> parse_range(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos) return Range{std::nullopt, text};
  if (text.find("...") != std::string::npos) return make_error(fmt::format("'{}': symmetric ranges (A...B) are not supported; use A..B", text));
  Range r{text.substr(0, dots), text.substr(dots + 2)};
  if (r.from->empty()) return make_error(fmt::format("'{}': the range needs a start (A..B)", text));
  if (r.to.empty()) r.to = "HEAD";
  return r;
}

// Why no snapshot here vouches for `target` now (--fresh), or "": one of
// the snapshots this repository holds (its own refs/warden/snapshot, what
// it fetched, what it accepted) passes under the policy at `target` and
// names `target` for the ref `rev` names (or for any ref, if `rev` is an id
// or HEAD).
std::string not_fresh(Repository& repo, Verifier& verifier, const ObjectId& target, const std::string& rev) {
  auto policy = verifier.policy_at(target);
  if (!policy) return policy.error().message;
  if (!(*policy)->snapshots)
    return fmt::format("the policy at {} has no snapshots section: nothing can vouch that it is fresh",
                       target.short_hex());
  auto refs = repo.list_refs("refs/warden/*");
  if (!refs) return refs.error().message;
  std::string problem = "no snapshot here (fetch refs/warden/snapshot from the server)";
  for (const auto& r : *refs) {
    auto snap = read_snapshot(repo, r.target);
    if (!snap) continue;
    std::string why = snapshot_problem(repo, verifier, **policy, *snap, std::nullopt, now_seconds());
    if (why.empty()) {
      bool any_ref = rev == "HEAD" || rev == target.hex();
      for (const auto& [name, id] : snap->refs) {
        std::string branch = name.substr(name.find('/', 5) + 1);  // "main" of refs/heads/main
        bool same = name == rev || branch == rev || rev.ends_with("/" + branch);
        if (!any_ref && !same) continue;
        // A tag's entry is its tag object; the snapshot vouches for the commit it names.
        auto peeled = id == target ? Result<ObjectId>(id) : repo.peel_to_commit(id);
        if (peeled && *peeled == target) return "";
      }
      why = fmt::format("snapshot {} does not name {} for {}", snap->counter, target.short_hex(), rev);
    }
    problem = why;
  }
  return problem;
}

// Keeps the generation numbers a long walk computed, for the next run;
// a failure costs only time.
void keep_generations(const Repository& repo, const VerifyOptions& opts) {
  if (auto s = repo.save_generations(); !s && !opts.quiet)
    std::cerr << "warden: warning: cannot keep generation numbers: " << s.error().message << "\n";
}

}  // namespace

int setup_error(const std::string& message) { return fail(message); }

int fail(const std::string& message, int code) { return stop("error: " + message, code); }

int stop(const std::string& line, int code) {
  std::cerr << "warden: " << line << "\n";
  return code;
}

std::function<void(size_t, size_t)> progress_reporter(const VerifyOptions& opts) {
  if (opts.json || opts.quiet || !isatty(STDERR_FILENO)) return nullptr;
  return [](size_t done, size_t total) {
    if (total >= 500 && (done % 250 == 0 || done == total))
      std::cerr << fmt::format("\rwarden: checking commits {}/{}", done, total) << (done == total ? "\n" : "")
                << std::flush;
  };
}

// verify --policy FILE [REV | A..B]: every commit reachable from REV (and
// not from A) judged by the auditor's policy; no anchor, no cache, no pins.
int run_audit(const VerifyOptions& opts) {
  if (opts.anchor || opts.fresh) return setup_error("--policy audits without an anchor: --anchor and --fresh do not go with it");
  auto range = parse_range(opts.revision);
  if (!range) return setup_error(range.error().message);
  auto loaded = load_policy_file(*opts.policy);
  if (!loaded) return setup_error(loaded.error().message);
  if (!loaded->policy)
    return setup_error(fmt::format("{}: invalid policy: {}", *opts.policy, loaded->problems.front()));
  if (!opts.quiet)
    for (const auto& m : loaded->missing)
      std::cerr << fmt::format("warden: warning: no {} for {}'s key {}; it signs nothing here\n", m.file, m.person, m.key);
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  VerifyRequest request;
  request.audit_policy = loaded->policy;
  auto target = repo->resolve_commit(range->to);
  if (!target) return setup_error(target.error().message);
  request.target = *target;
  if (range->from) {
    auto from = repo->resolve_commit(*range->from);
    if (!from) return setup_error(from.error().message);
    request.known_good.push_back(*from);
    request.previous_tip = *from;  // merges are judged from A's side
    request.check_known_good = false;
  }
  request.keep_going = opts.keep_going;
  request.progress = progress_reporter(opts);
  Verifier verifier(*repo);
  auto report = verifier.verify(request);
  if (!report) return setup_error(report.error().message);
  keep_generations(*repo, opts);
  if (opts.json) print_json(std::cout, *report, request);
  else if (!opts.quiet) print_human(std::cout, std::cerr, *report, request);
  return report->authenticated ? kExitOk : kExitRefused;
}

int run_verify(const VerifyOptions& given) {
  VerifyOptions opts = given;
  if (opts.at) {
    opts.revision = *opts.at;
    opts.quiet = true;
    opts.json = false;
  }
  if (opts.guix && opts.sequoia) return setup_error("--guix and --sequoia are two different rule sets: pass one");
  if (opts.sequoia) return run_sequoia_verify(opts);
  if (opts.trust_root) return setup_error("--trust-root goes with --sequoia");
  if (opts.guix) return run_guix_verify(opts);
  if (opts.policy) return run_audit(opts);
  if (opts.introduction || opts.signer || opts.keyring || opts.strict)
    return setup_error("--introduction, --signer, --keyring and --strict go with --guix");
  auto range = parse_range(opts.revision);
  if (!range) return setup_error(range.error().message);
  auto repo = Repository::open(".");
  if (!repo) return setup_error(repo.error().message);
  auto anchor = load_anchor(*repo, opts.anchor);
  if (!anchor) return setup_error(anchor.error().message);
  auto target = repo->resolve_commit(range->to);
  if (!target) return setup_error(target.error().message);

  TrustedVerify how;
  how.keep_going = opts.keep_going;
  how.use_cache = !opts.no_cache;
  how.use_pins = !opts.no_cache;
  if (range->from) {
    // A is taken as authenticated: it must be the anchor or descend from it.
    auto from = repo->resolve_commit(*range->from);
    if (!from) return setup_error(from.error().message);
    if (*from != anchor->commit) {
      auto d = repo->descendant_of(*from, anchor->commit);
      if (!d) return setup_error(d.error().message);
      if (!*d) {
        if (!opts.quiet)
          std::cerr << fmt::format("warden: refused: {} (the start of the range) is not a descendant of the anchor {}\n",
                                   from->short_hex(), anchor->commit.short_hex());
        return kExitRefused;
      }
    }
    how.known_good.push_back(*from);
    how.previous_tip = *from;  // merges are judged from A's side
  }
  how.progress = progress_reporter(opts);

  Verifier verifier(*repo);
  auto result = verify_trusted(*repo, verifier, *anchor, *target, how);
  if (!result) return setup_error(result.error().message);
  keep_generations(*repo, opts);
  const VerifyReport* report = &result->report;
  if (!result->warning.empty() && !opts.quiet) std::cerr << "warden: warning: " << result->warning << "\n";
  if (opts.json) print_json(std::cout, *report, result->request);
  else if (!opts.quiet) print_human(std::cout, std::cerr, *report, result->request);
  if (!report->authenticated) return kExitRefused;
  if (opts.fresh) {
    std::string why = not_fresh(*repo, verifier, *target, range->to);
    if (!why.empty()) {
      if (!opts.quiet) std::cerr << "warden: refused (--fresh): " << why << "\n";
      return kExitRefused;
    }
  }
  return kExitOk;
}

void add_verify_options(CLI::App& cmd, VerifyOptions& opts, bool range_required) {
  cmd.add_option("--anchor", opts.anchor, "Trust anchor COMMIT:FINGERPRINT (default: git config warden.anchor)");
  cmd.add_flag("--json", opts.json, "Print one JSON object per checked commit and a summary (JSON Lines)");
  cmd.add_flag("--fresh", opts.fresh,
               "Also require a snapshot signed by the policy's snapshot keys, younger than max-age, naming REV");
  cmd.add_flag("--keep-going", opts.keep_going, "Check every commit instead of stopping at the first refusal");
  cmd.add_flag("-q,--quiet", opts.quiet, "Print nothing; the exit status tells");
  cmd.add_flag("--no-cache", opts.no_cache, "Check every commit from the anchor, ignoring the cache and the pins");
  cmd.add_option("--at", opts.at, "Verify REV quietly (for fetchers): only the exit status tells");
  cmd.add_option("--policy", opts.policy,
                 "Audit against this policy file (certificates in keys/ beside it), whatever the history carries: "
                 "every commit of REV or A..B, no anchor");
  cmd.add_flag("--guix", opts.guix,
               "Authenticate a Guix channel as 'guix git authenticate' does (same rules, same keyring; warnings "
               "where warden's view of a key is stricter)");
  cmd.add_flag("--strict", opts.strict,
               "Guix: also refuse signatures by keys that were expired, revoked or not validly bound when they "
               "signed (Guix accepts them; without --strict, warden warns)");
  cmd.add_option("--introduction", opts.introduction,
                 "Guix: the channel's introductory commit (default: git config guix.authentication.introduction-commit)");
  cmd.add_option("--signer", opts.signer,
                 "Guix: the OpenPGP fingerprint that signed the introduction (default: git config "
                 "guix.authentication.introduction-signer)");
  cmd.add_option("--keyring", opts.keyring,
                 "Guix: the keyring branch (default: git config guix.authentication.keyring, the channel's "
                 "keyring-reference, keyring, origin/keyring)");
  cmd.add_flag("--sequoia", opts.sequoia,
               "Authenticate as sequoia-git's 'sq-git log' does, by the openpgp-policy.toml each parent carries, "
               "from a trust root");
  cmd.add_option("--trust-root", opts.trust_root,
                 "sequoia-git: the commit trusted as is (default: git config sequoia.trustRoot, as sq-git); with A..B the path must go through A");
  auto* rev = cmd.add_option("revision", opts.revision, range_required ? "Range A..B" : "Commit REV or range A..B (default HEAD)");
  if (range_required) rev->required();
}

Command add_verify_command(CLI::App& app) {
  auto opts = std::make_shared<VerifyOptions>();
  auto* cmd = app.add_subcommand("verify", "Authenticate REV (default HEAD) or the range A..B from the anchor");
  add_verify_options(*cmd, *opts, false);
  return {cmd, [opts] { return run_verify(*opts); }};
}

}  // namespace warden::cli
