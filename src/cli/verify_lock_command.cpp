// git warden verify-lock [flake.lock] [--against FILE]: every locked git
// input of a Nix flake authenticates in the clone warden knows for it and
// does not go back from the previous lock (DESIGN section 7). The clone of
// input NAME is git config warden.flake.NAME (NAME: the lock's node name; a
// path, and it must have a warden anchor), else the input's own git+file://
// URL, unless that lies inside the flake's own work tree or differs from the
// URL the previous lock had. The previous lock is --against FILE, else git's
// version of the lock file at HEAD; inputs are matched to it by their path
// from the root (what the flake calls them), not by node name.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cctype>
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

// Whether `path` lies inside directory `dir` (both made canonical).
bool inside(const std::string& path, const std::string& dir) {
  auto p = std::filesystem::weakly_canonical(path).generic_string();
  auto d = std::filesystem::weakly_canonical(dir).generic_string();
  if (!d.empty() && d.back() != '/') d += '/';
  return (p + "/").starts_with(d);
}

// The git config keys that may name the clone of `in`, in the order they
// are read: by what the flake calls the input, then by the lock's node
// name; only names git config accepts ("dep/nixpkgs", "nixpkgs_2" are not).
std::vector<std::string> clone_keys(const LockedInput& in) {
  std::vector<std::string> keys;
  for (const std::string& name : {in.input, in.name})
    if (!name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos)
      keys.push_back("warden.flake." + name);
  return keys;
}

// What to do so that warden knows the clone of `in`.
std::string clone_advice(const LockedInput& in) {
  auto keys = clone_keys(in);
  if (!keys.empty()) return fmt::format("set git config {} to a local clone with a warden anchor", keys.front());
  return fmt::format("no git config key can name its clone: neither {} nor {} is a name git config accepts (in flake.nix, "
                     "make it follow an input of the flake's own: inputs.<input>.inputs.<name>.follows)",
                     in.input, in.name);
}

// The clone warden checks `in` in, or why there is none. `previous` is the
// input as the previous lock had it, if it did.
Result<std::string> clone_of(const std::optional<Repository>& flake_repo, const LockedInput& in,
                             const LockedInput* previous) {
  if (flake_repo)
    for (const std::string& key : clone_keys(in))
      if (auto configured = flake_repo->config_string(key)) return *configured;
  if (in.type == "git" && in.url.starts_with("file://")) {
    std::string path = in.url.substr(7);
    // The lock must not choose the clone, and with it the anchor, that
    // vouches for it: not one committed beside the lock, and not another
    // than the one the previous lock named.
    if (flake_repo && flake_repo->workdir() && inside(path, *flake_repo->workdir()))
      return make_error(fmt::format("input {} ({}) is locked to a repository inside the flake's own work tree, whose "
                                    "anchor the lock's writer chose: {}",
                                    in.input, in.source(), clone_advice(in)));
    if (previous && previous->type == "git" && previous->url != in.url)
      return make_error(
          fmt::format("input {} moved from {} to {}: {}", in.input, previous->source(), in.source(), clone_advice(in)));
    return path;
  }
  return make_error(fmt::format("no known clone for input {} ({}): {}", in.input, in.source(), clone_advice(in)));
}

// "" if `in` is authenticated in its clone and does not go back from
// `previous` (its rev in the previous lock, or ""), else why not.
Result<std::string> input_problem(const std::optional<Repository>& flake_repo, const LockedInput& in,
                                  const LockedInput* previous_input, std::string& said) {
  if (!in.unsupported.empty())
    return fmt::format("input {} ({}) cannot be checked: {}", in.input, in.source(), in.unsupported);
  const std::string previous = previous_input && previous_input->git() ? previous_input->rev : "";
  auto path = clone_of(flake_repo, in, previous_input);
  if (!path) return path.error().message;
  auto clone = Repository::open(*path);
  if (!clone) return fmt::format("clone {} of input {}: {}", *path, in.input, clone.error().message);
  auto anchor = load_anchor(*clone, std::nullopt);
  if (!anchor)
    return fmt::format("clone {} of input {} has no warden anchor ({}): run 'git warden trust --anchor ...' there",
                       *path, in.input, anchor.error().message);
  auto rev = clone->resolve_commit(in.rev);
  if (!rev)
    return fmt::format("locked rev {} of input {} is not in its clone {} (fetch it there first)", in.rev.substr(0, 10),
                       in.input, *path);
  Verifier verifier(*clone);
  auto result = verify_trusted(*clone, verifier, *anchor, *rev, TrustedVerify{});
  if (!result) return fmt::format("input {}: {}", in.input, result.error().message);
  if (!result->report.authenticated)
    return fmt::format("locked rev {} of input {} is NOT authenticated in {}: {}", in.rev.substr(0, 10), in.input,
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
                       in.input, previous.substr(0, 10), *path, in.rev.substr(0, 10));
  auto forward = clone->descendant_of(*rev, *old);
  if (!forward) return forward.error().message;
  if (!*forward)
    return fmt::format("input {} goes back: locked rev {} does not descend from {}, which the previous lock had (a "
                       "downgrade or a rewritten history)",
                       in.input, in.rev.substr(0, 10), previous.substr(0, 10));
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
  std::map<std::string, LockedInput> previous;  // by input path
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
    for (auto& in : *old) previous.emplace(in.input, std::move(in));
  }

  size_t refused = 0, checked = 0;
  for (const auto& in : *inputs) {
    auto was = previous.find(in.input);
    const LockedInput* before = was == previous.end() ? nullptr : &was->second;
    std::string problem;
    std::string said;
    if (!in.git()) {
      // Not checkable; refused where the previous lock had it checked, so
      // that an input cannot leave the check by changing its type.
      if (before && before->git())
        problem = fmt::format("input {} was locked as {} and is now {}, which warden cannot check", in.input,
                              before->source(), in.source());
      else if (!opts.quiet)
        std::cout << fmt::format("warden: input {} ({}): not a git input, not checked\n", in.input, in.source());
      if (problem.empty()) continue;
    } else {
      ++checked;
      auto p = input_problem(flake_repo, in, before, said);
      if (!p) return setup_error(p.error().message);
      problem = std::move(*p);
    }
    if (problem.empty()) {
      if (!opts.quiet) std::cout << fmt::format("warden: input {} ({}): {}\n", in.input, in.source(), said);
    } else {
      ++refused;
      if (!opts.quiet) std::cerr << fmt::format("warden: refused: {}\n", problem);
    }
  }
  if (!opts.quiet) {
    if (refused > 0)
      std::cerr << fmt::format("warden: {} is NOT authenticated: {} locked input{} refused\n", opts.lock_file, refused,
                               refused == 1 ? "" : "s");
    else
      std::cout << fmt::format("warden: {}: {} locked git input{} authenticated{}\n", opts.lock_file, checked,
                               checked == 1 ? "" : "s",
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
