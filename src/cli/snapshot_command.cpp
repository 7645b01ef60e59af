// git warden snapshot [--key KEY]: signs the repository's branches and tags
// onto refs/warden/snapshot (DESIGN section 6b), as git signs a commit,
// with --key, warden.snapshotKey or user.signingkey. The post-receive hook
// of a server installed with --snapshots runs it after every push.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/sign_as_git.hpp"
#include "common/clock.hpp"
#include "hooks/hook_runner.hpp"
#include "warden/snapshot.hpp"

namespace warden::cli {
namespace {

int write(Repository& repo, const std::optional<std::string>& key_option) {
  std::optional<std::string> key = key_option;
  if (!key) key = repo.config_string("warden.snapshotKey");
  auto snap = write_snapshot(repo, now_seconds(), [&](const std::string& text) { return sign_as_git(repo, text, key); });
  if (!snap) {
    std::cerr << "warden: error: no snapshot written: " << snap.error().message << "\n";
    return kExitUsage;
  }
  std::cout << fmt::format("warden: snapshot {} of {} ref{} signed onto {} ({})\n", snap->counter, snap->refs.size(),
                           snap->refs.size() == 1 ? "" : "s", kSnapshotRef, snap->commit.short_hex());
  return kExitOk;
}

}  // namespace

int run_snapshot(const std::optional<std::string>& key) {
  auto repo = Repository::open(".");
  if (!repo) {
    std::cerr << "warden: error: " << repo.error().message << "\n";
    return kExitUsage;
  }
  return write(*repo, key);
}

int run_hook_post_receive() {
  // The push is accepted already: a failure here only leaves the snapshot
  // behind (clients refuse the new state until the next one), so it says so.
  (void)hooks::read_stdin(64 << 20);  // the ref lines: every branch and tag is read anyway
  int status = run_snapshot(std::nullopt);
  if (status != kExitOk)
    std::cerr << "warden: the snapshot is now behind the refs; clients that require snapshots refuse them until "
                 "'git warden snapshot' succeeds here\n";
  return status;
}

Command add_snapshot_command(CLI::App& app) {
  auto key = std::make_shared<std::optional<std::string>>();
  auto* cmd =
      app.add_subcommand("snapshot", "Sign a snapshot of every branch and tag onto refs/warden/snapshot, as git signs");
  cmd->add_option("--key", *key, "Signing key (default: warden.snapshotKey, then user.signingkey)");
  return {cmd, [key] { return run_snapshot(*key); }};
}

}  // namespace warden::cli
