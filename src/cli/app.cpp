// Command-line parsing (CLI11) for git-warden and git-verify-range.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"

namespace warden::cli {
namespace {

// Runs `app`'s parser; returns an exit code if parsing ended the program.
std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << fmt::format("{}: {}\n", app.get_name(), e.what());
    std::cerr << fmt::format("Run '{} --help' for usage.\n", app.get_name());
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace

void add_verify_options(CLI::App& cmd, VerifyOptions& opts, bool range_required) {
  cmd.add_option("--anchor", opts.anchor, "Trust anchor COMMIT:FINGERPRINT (default: git config warden.anchor)");
  cmd.add_flag("--json", opts.json, "Print one JSON object per checked commit and a summary (JSON Lines)");
  cmd.add_flag("--fresh", opts.fresh,
               "Also require a snapshot signed by the policy's snapshot keys, younger than max-age, naming REV");
  cmd.add_flag("--keep-going", opts.keep_going, "Check every commit instead of stopping at the first refusal");
  cmd.add_flag("-q,--quiet", opts.quiet, "Print nothing; the exit status tells");
  cmd.add_flag("--no-cache", opts.no_cache, "Check every commit from the anchor, ignoring the cache and the pins");
  cmd.add_option("--at", opts.at, "Verify REV quietly (for fetchers): only the exit status tells");
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
  auto* rev = cmd.add_option("revision", opts.revision, range_required ? "Range A..B" : "Commit REV or range A..B (default HEAD)");
  if (range_required) rev->required();
}

int run_guarded(int (*entry)(int, char**), int argc, char** argv) {
  try {
    return entry(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "warden: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "warden: internal error\n";
  }
  return kExitUsage;
}

int warden_main(int argc, char** argv) {
  CLI::App app{"warden: authenticate git history against the signed in-tree policy", "git-warden"};
  app.set_version_flag("--version", fmt::format("git-warden version {}", WARDEN_VERSION), "Print the version");
  app.require_subcommand(1);

  VerifyOptions verify;
  auto* verify_cmd = app.add_subcommand("verify", "Authenticate REV (default HEAD) or the range A..B from the anchor");
  add_verify_options(*verify_cmd, verify, false);

  std::optional<std::string> policy_file;
  auto* policy_cmd = app.add_subcommand("policy", "Work with policy files");
  policy_cmd->require_subcommand(1);
  auto* check_cmd = policy_cmd->add_subcommand("check", "Validate a policy file (default: the working tree's .warden/policy.yml)");
  check_cmd->add_option("file", policy_file, "Policy file to check");
  auto* import_cmd = policy_cmd->add_subcommand("import", "Write .warden/ from another tool's configuration");
  import_cmd->require_subcommand(1);
  GuixImportOptions guix_import;
  auto* import_guix_cmd = import_cmd->add_subcommand(
      "guix", "From a Guix channel's .guix-authorizations and keyring branch: .warden/policy.yml and .warden/keys/");
  import_guix_cmd->add_option("--keyring", guix_import.keyring, "The keyring branch (default as for verify --guix)");
  import_guix_cmd->add_option("--at", guix_import.at, "Read .guix-authorizations from this commit (default HEAD)");
  import_guix_cmd->add_flag("--force", guix_import.force, "Replace an existing .warden/policy.yml");

  std::string signers_file;
  bool signers_force = false;
  auto* import_signers_cmd = import_cmd->add_subcommand(
      "allowed-signers", "From an OpenSSH allowed signers file (gpg.ssh.allowedSignersFile): .warden/policy.yml");
  import_signers_cmd->add_option("file", signers_file, "The allowed signers file")->required();
  import_signers_cmd->add_flag("--force", signers_force, "Replace an existing .warden/policy.yml");

  InitOptions init;
  auto* init_cmd = app.add_subcommand(
      "init", "Write a starting .warden/policy.yml from the allowed signers file, the history's signatures and "
              "OpenPGP keyrings");
  init_cmd->add_option("--allowed-signers", init.allowed_signers,
                       "OpenSSH allowed signers file (default: git config gpg.ssh.allowedSignersFile)");
  init_cmd->add_option("--keyring", init.keyrings,
                       "OpenPGP certificates of the history's signers, e.g. from 'gpg --export' (repeatable)");
  init_cmd->add_option("--max-commits", init.max_commits, "Look at the newest N commits of HEAD (default 10000)")
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  init_cmd->add_flag("--force", init.force, "Replace an existing .warden/policy.yml");

  std::string anchor;
  auto* trust_cmd = app.add_subcommand("trust", "Check the anchor commit's signature and store it in git config");
  trust_cmd->add_option("--anchor", anchor, "COMMIT:FINGERPRINT")->required();

  InstallOptions install;
  auto* install_cmd = app.add_subcommand("install", "Install warden's hooks into this repository");
  install_cmd->add_flag("--server", install.server, "The pre-receive hook of a server repository");
  install_cmd->add_flag("--client", install.client,
                        "The client hooks (reference-transaction, post-merge, pre-rebase, post-rewrite); pins the remote-tracking refs");
  install_cmd->add_flag("--snapshots", install.snapshots,
                        "With --server: also a post-receive hook that signs a snapshot of the refs after every push");
  install_cmd->add_flag("--force", install.force, "Replace an existing hook that is not warden's");
  install_cmd->add_flag("--chain", install.chain, "Keep an existing hook and run it after warden's checks");
  install_cmd->add_flag("--accept-existing", install.accept_existing,
                        "Trust the current tips as they are if they do not authenticate");
  install_cmd->add_option("--hooks-dir", install.hooks_dir,
                          "Where to put the hook (relative to the git directory), e.g. hooks/pre-receive.d");

  std::string hook_name, chained;
  std::vector<std::string> hook_args;
  auto* hook_cmd = app.add_subcommand("hook", "Run a hook (called by the installed shims)");
  hook_cmd->add_option("name", hook_name, "pre-receive, post-receive, reference-transaction, post-merge, pre-rebase or post-rewrite")->required();
  hook_cmd->add_option("--chained", chained, "The hook to run after warden's (installed with --chain)");
  hook_cmd->add_option("args", hook_args, "The hook's own arguments");

  std::string pin_ref;
  std::optional<std::string> pin_to;
  auto* pin_cmd = app.add_subcommand("pin", "Work with pins");
  pin_cmd->require_subcommand(1);
  auto* pin_reset_cmd = pin_cmd->add_subcommand("reset", "Accept a rewrite: verify and move the pin of REF");
  pin_reset_cmd->add_option("ref", pin_ref, "Remote-tracking ref, e.g. origin/main")->required();
  pin_reset_cmd->add_option("--to", pin_to, "Commit to pin (default: where the tracking ref is)");

  auto* status_cmd = app.add_subcommand("status", "Show the anchor and the pins");

  ApproveOptions approve;
  auto* approve_cmd = app.add_subcommand("approve", "Sign an approval of REV into refs/notes/warden, as git signs commits");
  approve_cmd->add_option("rev", approve.revision, "The commit to approve")->required();
  approve_cmd->add_option("--squash-onto", approve.squash_onto,
                          "Approve the tree that squashing REV onto BASE gives, on BASE (a forge's squash button)");
  approve_cmd->add_option("--key", approve.key, "Signing key (default: user.signingkey)");

  AttestOptions attest;
  auto* attest_cmd = app.add_subcommand("attest", "Sign a review or a build of REV into refs/notes/warden, as git signs");
  attest_cmd->add_option("kind", attest.kind, "review or build")->required()->check(CLI::IsMember({"review", "build"}));
  attest_cmd->add_option("rev", attest.revision, "The commit reviewed or built")->required();
  attest_cmd->add_option("--key", attest.key, "Signing key (default: user.signingkey)");
  attest_cmd->add_option("--verdict", attest.verdict, "review: approve or reject (default approve)")
      ->check(CLI::IsMember({"approve", "reject"}));
  attest_cmd->add_option("--comment", attest.comment, "review: a comment");
  attest_cmd->add_option("--output", attest.outputs, "build: an output and its digest, NAME=ALGO:HEX (repeatable)");
  attest_cmd->add_option("--from", attest.from,
                         "build: a file of outputs, one per line: NAME=ALGO:HEX, or 'HEX  NAME' as sha256sum "
                         "prints it ('-': stdin)");
  attest_cmd->add_option("--platform", attest.platform, "build: the builder's platform (default this machine's, "
                                                        "e.g. x86_64-linux)");

  VerifyBuildOptions verify_build;
  auto* verify_build_cmd = app.add_subcommand(
      "verify-build", "Authenticate REV, then require K builders of its policy to agree on each output's digest");
  verify_build_cmd->add_option("rev", verify_build.revision, "The commit built (default HEAD)");
  verify_build_cmd->add_option("--anchor", verify_build.anchor, "COMMIT:FINGERPRINT (default: the trusted anchor)");
  verify_build_cmd->add_option("--output", verify_build.outputs,
                               "An output to check: NAME=ALGO:HEX (that digest), or NAME (the agreed one); "
                               "default: every attested output (repeatable)");
  verify_build_cmd->add_option("--threshold", verify_build.threshold,
                               "How many distinct builders must agree (default: builders.threshold)")
      ->check(CLI::Range(1, 1000));
  verify_build_cmd->add_option("--evidence", verify_build.evidence,
                               "Read the attestations from this evidence file instead of the notes");
  verify_build_cmd->add_option("--export-evidence", verify_build.export_evidence,
                               "Write the attestations that met the threshold to this file");
  verify_build_cmd->add_flag("--json", verify_build.json, "One JSON object on stdout");

  std::optional<std::string> snapshot_key;
  auto* snapshot_cmd =
      app.add_subcommand("snapshot", "Sign a snapshot of every branch and tag onto refs/warden/snapshot, as git signs");
  snapshot_cmd->add_option("--key", snapshot_key, "Signing key (default: warden.snapshotKey, then user.signingkey)");

  CloneOptions clone;
  auto* clone_cmd = app.add_subcommand("clone", "Clone, trust, install the client hooks and verify, all or nothing");
  clone_cmd->add_option("url", clone.url, "Repository to clone")->required();
  clone_cmd->add_option("dir", clone.dir, "Directory to clone into");
  clone_cmd->add_option("--anchor", clone.anchor, "COMMIT:FINGERPRINT")->required();

  if (auto code = parse(app, argc, argv)) return *code;
  if (verify_cmd->parsed()) return run_verify(verify);
  if (install_cmd->parsed()) return run_install(install);
  if (pin_reset_cmd->parsed()) return run_pin_reset(pin_ref, pin_to);
  if (status_cmd->parsed()) return run_status();
  if (clone_cmd->parsed()) return run_clone(clone);
  if (approve_cmd->parsed()) return run_approve(approve);
  if (attest_cmd->parsed()) return run_attest(attest);
  if (verify_build_cmd->parsed()) return run_verify_build(verify_build);
  if (snapshot_cmd->parsed()) return run_snapshot(snapshot_key);
  if (hook_cmd->parsed()) {
    if (hook_name == "pre-receive") return run_hook_pre_receive();
    if (hook_name == "post-receive") return run_hook_post_receive();
    if (hook_name == "reference-transaction")
      return run_hook_reference_transaction(hook_args.empty() ? "" : hook_args[0], chained);
    if (hook_name == "post-merge") return run_hook_post_merge(chained, hook_args);
    if (hook_name == "pre-rebase") return run_hook_pre_rebase(chained, hook_args);
    if (hook_name == "post-rewrite") return run_hook_post_rewrite(chained, hook_args);
    std::cerr << fmt::format("git-warden: unknown hook '{}'\n", hook_name);
    return kExitUsage;
  }
  if (check_cmd->parsed()) return run_policy_check(policy_file);
  if (import_guix_cmd->parsed()) return run_policy_import_guix(guix_import);
  if (import_signers_cmd->parsed()) return run_policy_import_allowed_signers(signers_file, signers_force);
  if (init_cmd->parsed()) return run_init(init);
  if (trust_cmd->parsed()) return run_trust(anchor);
  std::cerr << app.help();
  return kExitUsage;
}

int verify_range_main(int argc, char** argv) {
  CLI::App app{"Authenticate the commits of A..B (the same as 'git warden verify A..B')", "git-verify-range"};
  app.set_version_flag("--version", fmt::format("git-verify-range (warden) version {}", WARDEN_VERSION),
                       "Print the version");
  VerifyOptions verify;
  add_verify_options(app, verify, true);
  if (auto code = parse(app, argc, argv)) return *code;
  if (verify.revision.find("..") == std::string::npos) {
    std::cerr << "git-verify-range: expected a range A..B\n";
    return kExitUsage;
  }
  return run_verify(verify);
}

}  // namespace warden::cli
