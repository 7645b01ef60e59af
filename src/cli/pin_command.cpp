// git warden pin reset REF [--to COMMIT]: accept a rewrite on purpose.
// Re-verifies the new commit from the anchor, moves the pin, and says what
// changed: the commits the old pin had that the new one drops, and those
// it adds.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/verify_report.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

constexpr size_t kListed = 20;

void list_commits(const Repository& repo, const char* what, char mark, const std::vector<ObjectId>& commits) {
  std::cout << fmt::format("  {} {} commit{}\n", what, commits.size(), commits.size() == 1 ? "" : "s");
  for (size_t i = commits.size(); i-- > 0;) {
    if (commits.size() - 1 - i == kListed) {
      std::cout << fmt::format("    ... and {} more\n", i + 1);
      break;
    }
    auto c = repo.read_commit(commits[i]);
    std::cout << fmt::format("    {} {} {}\n", mark, commits[i].short_hex(), c ? c->summary : "?");
  }
}

}  // namespace

int run_pin_reset(const std::string& ref, const std::optional<std::string>& to) {
  auto repo = Repository::open(".");
  if (!repo) return stop(repo.error().message, kExitUsage);
  auto anchor = load_anchor(*repo, std::nullopt);
  if (!anchor) return stop(anchor.error().message, kExitUsage);
  std::string tracking = full_tracking_ref(ref);
  std::string name = short_tracking_ref(tracking);
  auto target = repo->resolve_commit(to ? *to : tracking);
  if (!target) return stop(target.error().message, kExitUsage);

  Verifier verifier(*repo);
  auto result = verify_trusted(*repo, verifier, *anchor, *target, TrustedVerify{});
  if (!result) return stop(result.error().message, kExitUsage);
  if (!result->report.authenticated) {
    return stop(fmt::format("refused: {} does not authenticate: {}", target->short_hex(), refusal_reason(result->report)),
                kExitRefused);
  }
  auto old = read_pin(*repo, tracking);
  if (!old) return stop(old.error().message, kExitUsage);
  if (auto s = write_pin(*repo, tracking, *target, "pin reset"); !s) return stop(s.error().message, kExitUsage);
  if (!*old) {
    std::cout << fmt::format("warden: pinned {} at {}\n", name, target->short_hex());
    return kExitOk;
  }
  std::cout << fmt::format("warden: pin of {} moved from {} to {}\n", name, (*old)->short_hex(), target->short_hex());
  auto dropped = repo->walk({**old}, {*target});
  auto added = repo->walk({*target}, {**old});
  if (dropped) list_commits(*repo, "dropped", '-', *dropped);
  if (added) list_commits(*repo, "added", '+', *added);
  return kExitOk;
}

Command add_pin_command(CLI::App& app) {
  struct Options {
    std::string ref;
    std::optional<std::string> to;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("pin", "Work with pins");
  cmd->require_subcommand(1);
  auto* reset = cmd->add_subcommand("reset", "Accept a rewrite: verify and move the pin of REF");
  reset->add_option("ref", opts->ref, "Remote-tracking ref, e.g. origin/main")->required();
  reset->add_option("--to", opts->to, "Commit to pin (default: where the tracking ref is)");
  return {cmd, [opts] { return run_pin_reset(opts->ref, opts->to); }};
}

}  // namespace warden::cli
