// git warden clone URL [DIR] --anchor COMMIT:FINGERPRINT
//
// clone + trust + install --client + verify in one step. The clone goes to
// a temporary directory beside DIR and moves into place only once every
// remote-tracking ref authenticates; on any failure nothing is left behind.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "warden/anchor.hpp"
#include "warden/snapshot.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {
namespace {

namespace fs = std::filesystem;

std::string dir_from_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string base = url.substr(url.find_last_of("/:") + 1);
  if (base.ends_with(".git")) base.resize(base.size() - 4);
  return base.empty() ? "repo" : base;
}

// Removes the temporary clone unless released.
struct TempDir {
  std::string path;
  bool keep = false;
  ~TempDir() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

int run_clone(const CloneOptions& opts) {
  std::string dir = opts.dir.empty() ? dir_from_url(opts.url) : opts.dir;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    std::cerr << fmt::format("warden: error: {} exists already\n", dir);
    return kExitUsage;
  }
  fs::path target = fs::absolute(dir);
  std::string templ = (target.parent_path() / ("." + target.filename().string() + ".warden-clone-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    std::cerr << fmt::format("warden: error: cannot create a temporary directory beside {}\n", dir);
    return kExitUsage;
  }
  TempDir tmp{templ};
  std::string work = tmp.path + "/clone";

  // Approvals and the signed snapshot come in the same fetch as the
  // branches they speak of.
  auto repo = Repository::clone_bare_checkout(opts.url, work, {approval_notes_refspec("origin"), snapshot_refspec("origin")});
  if (!repo) {
    std::cerr << "warden: error: " << repo.error().message << "\n";
    return kExitUsage;
  }
  auto anchor = parse_anchor(*repo, opts.anchor);
  if (!anchor) {
    std::cerr << "warden: error: " << anchor.error().message << "\n";
    return kExitUsage;
  }
  if (!repo->object_type(anchor->commit)) {
    std::cerr << fmt::format("warden: refused: the anchor commit {} is not in {}\n", anchor->commit.hex(), opts.url);
    return kExitRefused;
  }
  if (int rc = trust_anchor(*repo, *anchor); rc != kExitOk) return rc;
  InstallOptions install;
  install.client = true;
  install.cloned = true;
  if (int rc = install_client(*repo, install); rc != kExitOk) {
    std::cerr << fmt::format("warden: clone of {} refused; nothing was kept\n", opts.url);
    return rc;
  }
  auto checked_out = repo->checkout_head();
  if (!checked_out) {
    std::cerr << "warden: error: " << checked_out.error().message << "\n";
    return kExitUsage;
  }
  if (!*checked_out) std::cout << "warden: the remote's HEAD names no branch: nothing checked out\n";
  fs::rename(work, target, ec);
  if (ec) {
    std::cerr << fmt::format("warden: error: cannot move the clone into {}: {}\n", dir, ec.message());
    return kExitUsage;
  }
  std::cout << fmt::format("warden: cloned {} into {}, verified and pinned\n", opts.url, dir);
  return kExitOk;
}

Command add_clone_command(CLI::App& app) {
  auto opts = std::make_shared<CloneOptions>();
  auto* cmd = app.add_subcommand("clone", "Clone, trust, install the client hooks and verify, all or nothing");
  cmd->add_option("url", opts->url, "Repository to clone")->required();
  cmd->add_option("dir", opts->dir, "Directory to clone into");
  cmd->add_option("--anchor", opts->anchor, "COMMIT:FINGERPRINT")->required();
  return {cmd, [opts] { return run_clone(*opts); }};
}

}  // namespace warden::cli
