// git warden verify-lock [flake.lock] [--against FILE]: every locked git
// input of a Nix flake authenticates in the clone warden knows for it and
// does not go back from the previous lock (DESIGN section 7). The clone of
// input NAME is git config warden.flake.NAME (a path; it must have a warden
// anchor), else the input's own git+file:// URL. The previous lock is
// --against FILE, else git's version of the lock file at HEAD.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/policy_files.hpp"
#include "cli/verify_report.hpp"
#include "warden/anchor.hpp"
#include "warden/flake_lock.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

// The clone warden checks `in` in, or why there is none.
Result<std::string> clone_of(const std::optional<Repository>& flake_repo, const LockedGitInput& in) {
  if (flake_repo)
    if (auto configured = flake_repo->config_string("warden.flake." + in.name)) return *configured;
  if (in.type == "git" && in.url.starts_with("file://")) return in.url.substr(7);
  return make_error(fmt::format("no known clone for input {} ({}): set git config warden.flake.{} to a local clone "
                                "with a warden anchor",
                                in.name, in.source(), in.name));
}

// "" if `in` is authenticated in its clone and does not go back from
// `previous` (its rev in the previous lock, or ""), else why not.
Result<std::string> input_problem(const std::optional<Repository>& flake_repo, const LockedGitInput& in,
                                  const std::string& previous, std::string& said) {
  auto path = clone_of(flake_repo, in);
  if (!path) return path.error().message;
  auto clone = Repository::open(*path);
  if (!clone) return fmt::format("clone {} of input {}: {}", *path, in.name, clone.error().message);
  auto anchor = load_anchor(*clone, std::nullopt);
  if (!anchor)
    return fmt::format("clone {} of input {} has no warden anchor ({}): run 'git warden trust --anchor ...' there",
                       *path, in.name, anchor.error().message);
  auto rev = clone->resolve_commit(in.rev);
  if (!rev)
    return fmt::format("locked rev {} of input {} is not in its clone {} (fetch it there first)", in.rev.substr(0, 10),
                       in.name, *path);
  Verifier verifier(*clone);
  auto result = verify_trusted(*clone, verifier, *anchor, *rev, TrustedVerify{});
  if (!result) return fmt::format("input {}: {}", in.name, result.error().message);
  if (!result->report.authenticated)
    return fmt::format("locked rev {} of input {} is NOT authenticated in {}: {}", in.rev.substr(0, 10), in.name,
                       *path, refusal_reason(result->report));
  said = fmt::format("rev {} authenticated in {} from anchor {}", in.rev.substr(0, 10), *path,
                     anchor->commit.short_hex());
  if (previous.empty() || previous == in.rev) {
    said += previous.empty() ? " (not in the previous lock)" : " (unchanged)";
    return std::string();
  }
  auto old = clone->resolve_commit(previous);
  if (!old)
    return fmt::format("input {}: the previously locked rev {} is not in {}; cannot tell whether {} goes back from it",
                       in.name, previous.substr(0, 10), *path, in.rev.substr(0, 10));
  auto forward = clone->descendant_of(*rev, *old);
  if (!forward) return forward.error().message;
  if (!*forward)
    return fmt::format("input {} goes back: locked rev {} does not descend from {}, which the previous lock had (a "
                       "downgrade or a rewritten history)",
                       in.name, in.rev.substr(0, 10), previous.substr(0, 10));
  said += fmt::format(", after {}", previous.substr(0, 10));
  return std::string();
}

}  // namespace

int run_verify_lock(const VerifyLockOptions& opts) {
  auto text = read_file(opts.lock_file, kMaxFlakeLockBytes);
  if (!text) return setup_error(text.error().message);
  auto inputs = parse_flake_lock(*text);
  if (!inputs) return setup_error(fmt::format("{}: {}", opts.lock_file, inputs.error().message));

  // The flake's own repository, if it is in one: its config names clones,
  // and its HEAD holds the previous lock.
  std::optional<Repository> flake_repo;
  {
    auto dir = std::filesystem::absolute(opts.lock_file).parent_path();
    if (auto r = Repository::open(dir.string())) flake_repo.emplace(std::move(*r));
  }
  std::map<std::string, std::string> previous;
  std::string previous_from;
  std::optional<std::string> previous_text;
  if (opts.against) {
    auto t = read_file(*opts.against, kMaxFlakeLockBytes);
    if (!t) return setup_error(t.error().message);
    previous_text = *t;
    previous_from = *opts.against;
  } else if (flake_repo && flake_repo->workdir()) {
    auto rel = std::filesystem::relative(std::filesystem::weakly_canonical(opts.lock_file),
                                         std::filesystem::weakly_canonical(*flake_repo->workdir()))
                   .generic_string();
    auto head = flake_repo->resolve_commit("HEAD");
    if (head) {
      auto data = flake_repo->read_commit(*head);
      if (!data) return setup_error(data.error().message);
      auto blob = flake_repo->read_file(data->tree, rel, kMaxFlakeLockBytes);
      if (!blob) return setup_error(blob.error().message);
      if (blob->has_value()) {
        previous_text = (*blob)->content;
        previous_from = fmt::format("{} at HEAD ({})", rel, head->short_hex());
      }
    }
  }
  if (previous_text) {
    auto old = parse_flake_lock(*previous_text);
    if (!old) return setup_error(fmt::format("{}: {}", previous_from, old.error().message));
    for (const auto& in : *old) previous[in.name] = in.rev;
  }

  size_t refused = 0;
  for (const auto& in : *inputs) {
    std::string said;
    auto problem = input_problem(flake_repo, in, previous.count(in.name) ? previous[in.name] : "", said);
    if (!problem) return setup_error(problem.error().message);
    if (problem->empty()) {
      if (!opts.quiet) std::cout << fmt::format("warden: input {} ({}): {}\n", in.name, in.source(), said);
    } else {
      ++refused;
      if (!opts.quiet) std::cerr << fmt::format("warden: refused: {}\n", *problem);
    }
  }
  if (!opts.quiet) {
    if (refused > 0)
      std::cerr << fmt::format("warden: {} is NOT authenticated: {} of {} locked git input{} refused\n",
                               opts.lock_file, refused, inputs->size(), inputs->size() == 1 ? "" : "s");
    else
      std::cout << fmt::format("warden: {}: {} locked git input{} authenticated{}\n", opts.lock_file, inputs->size(),
                               inputs->size() == 1 ? "" : "s",
                               previous_text ? ", none goes back from " + previous_from : " (no previous lock)");
  }
  return refused > 0 ? kExitRefused : kExitOk;
}

Command add_verify_lock_command(CLI::App& app) {
  auto opts = std::make_shared<VerifyLockOptions>();
  auto* cmd = app.add_subcommand(
      "verify-lock", "Authenticate every locked git input of a Nix flake.lock, and refuse downgrades from the previous lock");
  cmd->add_option("lock", opts->lock_file, "The lock file (default flake.lock)");
  cmd->add_option("--against", opts->against,
                  "The previous lock to compare with (default: git's version of the lock file at HEAD)");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing; the exit status tells");
  return {cmd, [opts] { return run_verify_lock(*opts); }};
}

}  // namespace warden::cli
