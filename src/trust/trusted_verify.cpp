#include "warden/trusted_verify.hpp"

#include "warden/pins.hpp"
#include "warden/verified_cache.hpp"

namespace warden {

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
