// The anchor's signature and policy, and descent from it (see anchor_checks.hpp).
#include "verify/anchor_checks.hpp"

#include <fmt/format.h>

namespace warden::verify {

namespace {

using Why = std::optional<std::string>;

// Nothing if the anchor commit is signed by the anchor key, else what it
// is signed with instead.
Result<Why> signature_problem(CommitFacts& facts, PolicyStore& policies, const Anchor& anchor) {
  auto sig_r = facts.signature(anchor.commit);
  if (!sig_r) return sig_r.error();
  const CommitSignature& sig = **sig_r;
  switch (sig.kind) {
    case SignatureKind::none: return Why("unsigned");
    case SignatureKind::bad:
    case SignatureKind::unsupported: return Why(sig.problem);
    case SignatureKind::ssh:
      if (sig.key->fingerprint() == anchor.fingerprint) return Why();
      return Why(fmt::format("signed by {}", sig.key->fingerprint()));
    case SignatureKind::x509: {
      // The anchor names an x509: or sigstore: identity of the anchor's own policy.
      auto at = policies.at(anchor.commit);
      if (!at) return at.error();
      if (!(*at)->policy) return Why("an x509 signature, and the anchor commit has no valid policy to name its signer");
      X509Signer who = (*at)->policy->owner_of_x509(*sig.x509);
      if (who.bad) return Why(fmt::format("bad signature: {}", who.problem));
      if (who.person != nullptr && who.identity == anchor.fingerprint) return Why();
      return Why(fmt::format("signed by {}", who.person ? who.identity : who.problem));
    }
    case SignatureKind::openpgp: {
      auto cert = policies.certificate(anchor.commit, anchor.fingerprint);
      if (!cert) return Why(cert.error().message);
      if (!*cert)
        return Why(fmt::format("signed by OpenPGP key {}, but the anchor commit carries no certificate with the "
                               "anchor key in its policy's keys",
                               sig.openpgp->issuer()));
      if (!(*cert)->has_key(sig.openpgp->issuer()))
        return Why(fmt::format("signed by OpenPGP key {}, not a key of the anchor's certificate", sig.openpgp->issuer()));
      const OpenPgpCheck& check = facts.openpgp_check(*sig.openpgp, **cert);
      if (!check.good()) return Why(fmt::format("bad signature: {}", check.problem));
      return Why();
    }
  }
  return Why("unsigned");
}

}  // namespace

Result<MaybeRunRefusal> anchor_refusal(CommitFacts& facts, PolicyStore& policies, const Anchor& anchor,
                                       bool signature_checked) {
  auto data = facts.commit(anchor.commit);
  if (!data) return data.error();
  std::string name = fmt::format("anchor commit {} \"{}\"", anchor.commit.short_hex(), (*data)->summary);
  if (!signature_checked) {
    auto problem = signature_problem(facts, policies, anchor);
    if (!problem) return problem.error();
    if (*problem)
      return MaybeRunRefusal(RunRefusal{
          RunCheck::anchor_signature,
          fmt::format("{} is not signed by the anchor key {} ({})", name, anchor.fingerprint, **problem)});
  }
  auto at = policies.at(anchor.commit);
  if (!at) return at.error();
  if (!(*at)->policy) return MaybeRunRefusal(RunRefusal{RunCheck::anchor_policy, no_valid_policy(**at, name)});
  return MaybeRunRefusal();
}

Result<MaybeRunRefusal> descent_refusal(const GitReads& repo, CommitFacts& facts, const ObjectId& c,
                                        const ObjectId& anchor, const char* what) {
  if (c == anchor) return MaybeRunRefusal();
  auto d = repo.descendant_of(c, anchor);
  if (!d) return d.error();
  if (*d) return MaybeRunRefusal();
  auto data = facts.commit(c);
  if (!data) return data.error();
  return MaybeRunRefusal(RunRefusal{RunCheck::not_descendant,
                                    fmt::format("{} {} \"{}\" is not a descendant of the anchor {}", what,
                                                c.short_hex(), (*data)->summary, anchor.short_hex())});
}

}  // namespace warden::verify
