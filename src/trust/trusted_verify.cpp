#include "warden/trusted_verify.hpp"

#include <fmt/format.h>

#include "warden/pins.hpp"
#include "warden/verified_cache.hpp"

namespace warden {

std::string approval_notes_refspec(const std::string& remote) {
  // A pattern: a remote without approvals is no error for the fetch.
  return fmt::format("+refs/notes/*:refs/notes/remotes/{}/*", remote);
}

bool is_client_approval_notes_ref(std::string_view ref) {
  return ref == kApprovalNotesRef || (ref.starts_with("refs/notes/remotes/") && ref.ends_with("/warden"));
}

Result<std::vector<ObjectId>> client_approval_notes(const Repository& repo) {
  auto refs = repo.list_refs("refs/notes/*");  // not every branch and tag: this runs in every client hook
  if (!refs) return refs.error();
  std::vector<ObjectId> out;
  for (const auto& r : *refs) {
    if (!is_client_approval_notes_ref(r.name)) continue;
    auto commit = repo.peel_to_commit(r.target);
    if (commit) out.push_back(*commit);  // a notes ref that is not a commit holds no approvals
  }
  return out;
}

Result<TrustedReport> verify_trusted(Repository& repo, Verifier& verifier, const Anchor& anchor, const ObjectId& target,
                                     const TrustedVerify& how) {
  TrustedReport out;
  VerifyRequest& req = out.request;
  req.anchor = anchor;
  req.target = target;
  req.keep_going = how.keep_going;
  req.progress = how.progress;
  req.check_known_good = false;
  req.known_good = how.known_good;
  req.previous_tip = how.previous_tip;
  std::optional<VerifiedCache> cache;
  if (how.use_cache) {
    cache = VerifiedCache::load(repo, anchor);
    out.warning = cache->warning();
    req.anchor_signature_checked = cache->loaded();
    for (const auto& t : cache->tips())
      if (repo.object_type(t).ok()) req.known_good.push_back(t);
  }
  if (how.use_pins) {
    auto pins = list_pins(repo);
    if (!pins) return pins.error();
    for (const auto& p : *pins)
      if (repo.object_type(p.commit).ok()) {
        req.known_good.push_back(p.commit);
        // What any verified branch revokes is refused on every branch.
        req.revocations_from.push_back(p.commit);
      }
  }
  auto notes = client_approval_notes(repo);
  if (!notes) return notes.error();
  req.approval_notes = std::move(*notes);
  req.approval_notes.insert(req.approval_notes.end(), how.approval_notes.begin(), how.approval_notes.end());
  auto report = verifier.verify(req);
  if (!report) return report.error();
  out.report = std::move(*report);
  if (cache && out.report.authenticated) {
    cache->add(target);
    if (auto s = cache->save(); !s && out.warning.empty()) out.warning = s.error().message;
  }
  return out;
}

}  // namespace warden
