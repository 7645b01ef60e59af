// git warden approve REV [--squash-onto BASE] [--key KEY]: signs an
// approval of REV (or a tree approval of what squashing REV onto BASE
// gives) as git would sign a commit, and adds it to the note on REV (on
// BASE) under refs/notes/warden.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "attest/statement.hpp"
#include "cli/commands.hpp"
#include "cli/statement_writer.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {

namespace {

// The tree a squash of `rev` onto `base` gives: `rev`'s own tree if it is
// based on `base`, else the clean merge of the two (as a forge's button
// computes it).
Result<ObjectId> squash_tree(const Repository& repo, const ObjectId& base, const ObjectId& rev) {
  auto based = repo.descendant_of(rev, base);
  if (!based) return based.error();
  if (*based || rev == base) {
    auto data = repo.read_commit(rev);
    if (!data) return data.error();
    return data->tree;
  }
  auto merged = repo.clean_merge({base, rev});
  if (!merged) return merged.error();
  if (!merged->tree)
    return make_error(fmt::format("{} does not squash onto {}: {}", rev.short_hex(), base.short_hex(), merged->why_not));
  if (!merged->conflicted.empty())
    return make_error(fmt::format("{} does not squash cleanly onto {} (conflict in {})", rev.short_hex(),
                                  base.short_hex(), merged->conflicted.front()));
  return *merged->tree;
}

}  // namespace

int run_approve(const ApproveOptions& opts) {
  auto target = open_statement_target(opts.revision);
  if (!target) return fail(target.error().message);
  Repository& repo = target->repo;
  const ObjectId& rev = target->commit;
  const CommitData& data = target->data;

  ObjectId annotated = rev;
  std::string statement, what;
  if (opts.squash_onto) {
    auto base = repo.resolve_commit(*opts.squash_onto);
    if (!base) return fail(base.error().message);
    auto tree = squash_tree(repo, *base, rev);
    if (!tree) return fail(tree.error().message);
    annotated = *base;
    statement = attest::tree_approval_statement(*base, *tree);
    what = fmt::format("a squash of {} \"{}\" onto {} (tree {})", rev.short_hex(), data.summary, base->short_hex(),
                       tree->short_hex());
  } else {
    statement = attest::approval_statement(rev);
    what = fmt::format("{} \"{}\"", rev.short_hex(), data.summary);
  }

  if (auto s = publish_statement(repo, annotated, statement, opts.key); !s) return fail(s.error().message);
  std::cout << fmt::format("warden: approved {}\n", what);
  std::cout << fmt::format("warden: the approval is in {} (share it: git push <remote> {})\n", kApprovalNotesRef,
                           kApprovalNotesRef);
  return kExitOk;
}

Command add_approve_command(CLI::App& app) {
  auto opts = std::make_shared<ApproveOptions>();
  auto* cmd = app.add_subcommand("approve", "Sign an approval of REV into refs/notes/warden, as git signs commits");
  cmd->add_option("rev", opts->revision, "The commit to approve")->required();
  cmd->add_option("--squash-onto", opts->squash_onto,
                  "Approve the tree that squashing REV onto BASE gives, on BASE (a forge's squash button)");
  cmd->add_option("--key", opts->key, "Signing key (default: user.signingkey)");
  return {cmd, [opts] { return run_approve(*opts); }};
}

}  // namespace warden::cli
