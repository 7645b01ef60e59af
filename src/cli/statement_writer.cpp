#include "cli/statement_writer.hpp"

#include <fmt/format.h>

#include "attest/envelope.hpp"
#include "cli/sign_as_git.hpp"
#include "signatures/commit_signature.hpp"
#include "warden/trusted_verify.hpp"

namespace warden::cli {

namespace {

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

Result<StatementTarget> open_statement_target(const std::string& revision) {
  auto repo = Repository::open(".");
  if (!repo) return repo.error();
  auto rev = repo->resolve_commit(revision);
  if (!rev) return rev.error();
  auto data = repo->read_commit(*rev);
  if (!data) return data.error();
  return StatementTarget{std::move(*repo), *rev, std::move(*data)};
}

Status publish_statement(Repository& repo, const ObjectId& annotated, const std::string& statement,
                         const std::optional<std::string>& key) {
  const std::string type(attest::kInTotoPayloadType);
  const std::string signed_bytes = attest::pae(type, statement);
  auto armored = sign_as_git(repo, signed_bytes, key);
  if (!armored) return armored.error();
  // What was signed must read back as a signature warden accepts.
  SignatureChecker checker;
  CommitSignature check = checker.check_signed(*armored, signed_bytes);
  if (check.kind != SignatureKind::ssh && check.kind != SignatureKind::openpgp && check.kind != SignatureKind::x509)
    return make_error(fmt::format("the signing program's signature is not usable: {}",
                                  check.problem.empty() ? "not an SSH, OpenPGP or x509 signature" : check.problem));
  auto bytes = attest::dearmor_signature(*armored);
  if (!bytes) return bytes.error();
  std::string keyid = check.kind == SignatureKind::ssh      ? check.key->fingerprint()
                      : check.kind == SignatureKind::openpgp ? check.openpgp->issuer()
                                                             : check.x509->fingerprint();
  attest::Envelope envelope{type, statement, {{keyid, *bytes}}};
  WARDEN_TRY_STATUS(catch_up_notes(repo));
  auto written = repo.add_note_lines(kApprovalNotesRef, annotated, {attest::envelope_line(envelope)});
  if (!written) return written.error();
  return Status::success();
}

}  // namespace warden::cli
