// git warden approve REV [--squash-onto BASE] [--key KEY]: signs an
// approval of REV (or a tree approval of what squashing REV onto BASE
// gives) as git would sign a commit, and adds it to the note on REV (on
// BASE) under refs/notes/warden.
#include <fmt/format.h>

#include <iostream>

#include "attest/envelope.hpp"
#include "attest/statement.hpp"
#include "cli/commands.hpp"
#include "cli/sign_as_git.hpp"
#include "signatures/commit_signature.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {

namespace {

int fail(const std::string& message, int code = kExitUsage) {
  std::cerr << "warden: error: " << message << "\n";
  return code;
}

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

// Starts refs/notes/warden from what was fetched when it is behind it
// (or missing), so that pushing the new note is a fast-forward.
Status catch_up_notes(Repository& repo) {
  auto local = repo.ref_target(kApprovalNotesRef);
  if (!local) return local.error();
  auto notes = client_approval_notes(repo);
  if (!notes) return notes.error();
  for (const ObjectId& fetched : *notes) {
    if (*local && (**local == fetched)) continue;
    bool ahead = !*local;
    if (*local) {
      auto d = repo.descendant_of(fetched, **local);
      if (!d) return d.error();
      ahead = *d;
    }
    if (!ahead) continue;
    WARDEN_TRY_STATUS(repo.set_ref(kApprovalNotesRef, fetched, "warden: approvals fetched"));
    local = std::optional<ObjectId>(fetched);
  }
  return Status::success();
}

}  // namespace

int run_approve(const ApproveOptions& opts) {
  auto repo = Repository::open(".");
  if (!repo) return fail(repo.error().message);
  auto rev = repo->resolve_commit(opts.revision);
  if (!rev) return fail(rev.error().message);
  auto data = repo->read_commit(*rev);
  if (!data) return fail(data.error().message);

  ObjectId annotated = *rev;
  std::string statement, what;
  if (opts.squash_onto) {
    auto base = repo->resolve_commit(*opts.squash_onto);
    if (!base) return fail(base.error().message);
    auto tree = squash_tree(*repo, *base, *rev);
    if (!tree) return fail(tree.error().message);
    annotated = *base;
    statement = attest::tree_approval_statement(*base, *tree);
    what = fmt::format("a squash of {} \"{}\" onto {} (tree {})", rev->short_hex(), data->summary, base->short_hex(),
                       tree->short_hex());
  } else {
    statement = attest::approval_statement(*rev);
    what = fmt::format("{} \"{}\"", rev->short_hex(), data->summary);
  }

  const std::string type(attest::kInTotoPayloadType);
  const std::string signed_bytes = attest::pae(type, statement);
  auto armored = sign_as_git(*repo, signed_bytes, opts.key);
  if (!armored) return fail(armored.error().message);
  // What was signed must read back as a signature warden accepts.
  SignatureChecker checker;
  CommitSignature check = checker.check_signed(*armored, signed_bytes);
  if (check.kind != SignatureKind::ssh && check.kind != SignatureKind::openpgp)
    return fail(fmt::format("the signing program's signature is not usable: {}",
                            check.problem.empty() ? "not an SSH or OpenPGP signature" : check.problem));
  auto bytes = attest::dearmor_signature(*armored);
  if (!bytes) return fail(bytes.error().message);
  attest::Envelope envelope{type, statement, {{check.kind == SignatureKind::ssh ? check.key->fingerprint()
                                                                                 : check.openpgp->issuer(),
                                               *bytes}}};
  if (auto s = catch_up_notes(*repo); !s) return fail(s.error().message);
  auto written = repo->add_note_lines(kApprovalNotesRef, annotated, {attest::envelope_line(envelope)});
  if (!written) return fail(written.error().message);
  std::cout << fmt::format("warden: approved {}\n", what);
  std::cout << fmt::format("warden: the approval is in {} (share it: git push <remote> {})\n", kApprovalNotesRef,
                           kApprovalNotesRef);
  return kExitOk;
}

}  // namespace warden::cli
