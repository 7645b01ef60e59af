// The command-line front end: one function per command, each returning the
// process exit code (0 success, 1 refused / not authenticated, 2 usage or
// setup error).
#pragma once


#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "warden/push_check.hpp"
#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace warden::cli {

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

// A git-warden command, as the file that runs it registers it: its
// subcommand with the options it parses, and what runs once it is parsed.
struct Command {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;
};
Command add_verify_command(CLI::App& app);
Command add_policy_command(CLI::App& app);  // check, import guix|sequoia|allowed-signers
Command add_init_command(CLI::App& app);
Command add_trust_command(CLI::App& app);
Command add_install_command(CLI::App& app);
Command add_hook_command(CLI::App& app);
Command add_pin_command(CLI::App& app);
Command add_status_command(CLI::App& app);
Command add_approve_command(CLI::App& app);
Command add_attest_command(CLI::App& app);
Command add_verify_build_command(CLI::App& app);
Command add_snapshot_command(CLI::App& app);
Command add_clone_command(CLI::App& app);
Command add_verify_lock_command(CLI::App& app);  // Nix flake.lock

// Prints "warden: error: MESSAGE" and returns `code`: a command that
// cannot go on (usage, setup, a repository it cannot read).
int fail(const std::string& message, int code = kExitUsage);
// Prints "warden: LINE" and returns `code`: a refusal or an error whose
// line says itself what it is.
int stop(const std::string& line, int code);

struct VerifyOptions {
  std::optional<std::string> anchor;
  bool json = false;
  bool keep_going = false;
  bool quiet = false;
  bool no_cache = false;
  bool fresh = false;  // also a fresh snapshot that names the target
  std::optional<std::string> at;  // --at REV: quiet, exit status only
  std::string revision = "HEAD";  // REV or A..B
  std::optional<std::string> policy;  // --policy FILE: audit against the auditor's policy, no anchor
  // Guix mode (guix git authenticate): intro, signer and keyring branch.
  bool guix = false;
  bool strict = false;  // Guix mode: refuse what Guix ignores (expired, revoked, unbound keys)
  std::optional<std::string> introduction;
  std::optional<std::string> signer;
  std::optional<std::string> keyring;
  // sequoia-git mode (sq-git log): openpgp-policy.toml from a trust root.
  bool sequoia = false;
  std::optional<std::string> trust_root;
};

// fail(message): "warden: error: MESSAGE", kExitUsage.
int setup_error(const std::string& message);
// Progress on stderr for long verifications, when it is a terminal and
// the output is for people; null otherwise.
std::function<void(size_t done, size_t total)> progress_reporter(const VerifyOptions& opts);

// Adds verify's options to `cmd`, storing them into `opts`.
void add_verify_options(CLI::App& cmd, VerifyOptions& opts, bool range_required);
int run_verify(const VerifyOptions& opts);
int run_policy_check(const std::optional<std::string>& file);

struct ApproveOptions {
  std::string revision;
  std::optional<std::string> squash_onto;  // a tree approval of REV squashed onto this
  std::optional<std::string> key;          // instead of user.signingkey
};
int run_approve(const ApproveOptions& opts);

// git warden attest review|build REV ...
struct AttestOptions {
  std::string kind;  // "review" or "build"
  std::string revision;
  std::optional<std::string> key;
  std::string verdict = "approve";           // review
  std::optional<std::string> comment;        // review
  std::vector<std::string> outputs;          // build: NAME=ALGO:HEX
  std::optional<std::string> from;           // build: a file of outputs ("-": stdin)
  std::optional<std::string> platform;       // build: default the machine's, e.g. x86_64-linux
};
int run_attest(const AttestOptions& opts);

// git warden verify-build REV ...
struct VerifyBuildOptions {
  std::string revision = "HEAD";
  std::optional<std::string> anchor;
  std::vector<std::string> outputs;  // NAME or NAME=ALGO:HEX
  int threshold = 0;                 // 0: builders.threshold
  std::optional<std::string> evidence;         // read the statements from this file, not the notes
  std::optional<std::string> export_evidence;  // write what met the threshold here
  bool json = false;
};
int run_verify_build(const VerifyBuildOptions& opts);
int run_snapshot(const std::optional<std::string>& key);
int run_hook_post_receive();
int run_guix_verify(const VerifyOptions& opts);

struct GuixImportOptions {
  std::optional<std::string> keyring;
  std::string at = "HEAD";
  bool force = false;
};
int run_policy_import_guix(const GuixImportOptions& opts);
int run_sequoia_verify(const VerifyOptions& opts);

struct SequoiaImportOptions {
  std::string at = "HEAD";
  bool force = false;
};
int run_policy_import_sequoia(const SequoiaImportOptions& opts);
// The server in sequoia-git mode (git config warden.mode = sequoia):
// every pushed ref's new commit authenticates from the pinned trust root;
// deletions are refused. One decision per update, or an Error (which
// refuses the push).
Result<std::vector<RefDecision>> sequoia_pre_receive(Repository& repo, const std::vector<RefUpdate>& updates);

struct InitOptions {
  std::optional<std::string> allowed_signers;  // default: gpg.ssh.allowedSignersFile
  std::vector<std::string> keyrings;           // OpenPGP certificate files
  size_t max_commits = 10000;
  bool force = false;
};
int run_init(const InitOptions& opts);
int run_policy_import_allowed_signers(const std::string& file, bool force);
int run_trust(const std::string& anchor);
// Checks the anchor's signature and policy and stores it (or, if the commit
// is not there yet, stores it to be checked when it arrives).
int trust_anchor(Repository& repo, const Anchor& anchor);

struct VerifyLockOptions {
  std::string lock_file = "flake.lock";
  std::optional<std::string> against;  // the previous lock; default: the lock file at HEAD
  bool quiet = false;
};
int run_verify_lock(const VerifyLockOptions& opts);

struct InstallOptions {
  bool server = false;
  bool client = false;
  bool force = false;
  bool chain = false;
  bool accept_existing = false;
  bool snapshots = false;  // --server: also the post-receive hook that signs a snapshot after every push
  std::string hooks_dir;  // "" = core.hooksPath or GIT_DIR/hooks; relative to GIT_DIR
  bool cloned = false;    // --client on a fresh clone of origin: its tags came from origin too
  bool sequoia = false;   // --server: judge pushes by sequoia-git's rules (openpgp-policy.toml)
  std::optional<std::string> trust_root;  // --sequoia: pinned in the server's config
};
int run_install(const InstallOptions& opts);
// install --server --sequoia: pins the trust root and checks the branches.
int install_sequoia_server(Repository& repo, const InstallOptions& opts);
// The client half of install, on an open repository.
int install_client(Repository& repo, const InstallOptions& opts);
int run_hook_pre_receive();
int run_hook_reference_transaction(const std::string& state, const std::string& chained);
int run_hook_post_merge(const std::string& chained, const std::vector<std::string>& args);
int run_hook_pre_rebase(const std::string& chained, const std::vector<std::string>& args);
int run_hook_post_rewrite(const std::string& chained, const std::vector<std::string>& args);
// post-checkout: a branch checkout that changes flake.lock runs verify-lock
// on it (every locked input must authenticate) and warns if it does not.
int run_hook_post_checkout(const std::string& chained, const std::vector<std::string>& args);
// The flake lock check the client hooks run: when flake.lock differs
// between `before` and HEAD, verify-lock; `against_before`: the lock at
// `before` is the baseline (a merge), else none (a checkout). Warns only.
void check_flake_lock(Repository& repo, const ObjectId& before, bool against_before);

// Client checks shared by post-merge, pre-rebase and post-rewrite
// (post_merge.cpp): why `commit` is not authenticated (nullopt if it is
// pinned, behind a pin, or authenticates from the anchor); why what
// FETCH_HEAD names is in HEAD unauthenticated; and a loud warning of it.
std::optional<std::string> why_unauthenticated(Repository& repo, const ObjectId& commit);
std::optional<std::string> fetched_history_problem(Repository& repo);
void warn_about_fetched_history(Repository& repo, const std::string& action);

int run_pin_reset(const std::string& ref, const std::optional<std::string>& to);
int run_status();

struct CloneOptions {
  std::string url;
  std::string dir;  // "" = from the URL
  std::string anchor;
};
int run_clone(const CloneOptions& opts);

// Entry points of the two executables.
int warden_main(int argc, char** argv);
int verify_range_main(int argc, char** argv);
// Runs an entry point, failing closed: an exception is an error exit
// (kExitUsage) with a one-line message, never a pass.
int run_guarded(int (*entry)(int, char**), int argc, char** argv);

}  // namespace warden::cli
