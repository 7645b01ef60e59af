// Guix's authentication rules (guix/git-authenticate.scm), in its order:
//   1. the target descends from the introductory commit;
//   2. the introductory commit is signed by the expected signer;
//   3. each commit of intro..target (less what is cached), parents first:
//      signed (SHA-1 only on commits without .guix-authorizations, MD5
//      never) by a key in the keyring, which verifies;
//   4. its signer (the key that made the signature: a subkey if one did,
//      as Guix's keyring finds it) is listed in the .guix-authorizations of every parent
//      (intersection); a parent without the file whose own parent had it
//      removed it, which fails; a root commit has no authorizations.
// Like Guix, a signature by a key that was expired, revoked or not validly
// bound when it signed is accepted, with a warning naming what Guix
// ignores; with `strict`, refused.
#include <fmt/format.h>

#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "verify/commit_facts.hpp"
#include "verify/engine.hpp"
#include "verify/history_checks.hpp"
#include "warden/guix_authorizations.hpp"
#include "warden/guix_verifier.hpp"

namespace warden {
namespace {

constexpr size_t kMaxAuthorizationsBytes = 1 << 20;
// What Guix's OpenPGP code does not look at (guix/openpgp.scm "does _not_
// perform sanity checks on self-signatures, subkey binding signatures"):
// by default a warning, with --strict a refusal.
constexpr const char* kGuixIgnores = "Guix ignores key expiry, revocation and subkey bindings";

// What a commit's signature says, as Guix reads it.
struct Signing {
  // The key that made the signature (a subkey, or the primary), as Guix's
  // keyring finds it by the signature's issuer: what .guix-authorizations
  // and the introduction's signer must name.
  std::string fingerprint;
  std::string primary;           // its certificate's primary key
  verify::MaybeRefusal refusal;  // set when refused
  std::string validity;          // sound signature, but the key could not sign then (warden only)
};

// The .guix-authorizations a commit carries: `file` null if it carries
// none; `problem` set if it carries one Guix could not read.
struct Carried {
  const GuixAuthorizations* file = nullptr;
  std::optional<std::string> problem;
  bool any() const { return file != nullptr || problem.has_value(); }
};

// "FPR", or "FPR (a subkey of PRIMARY)" where a subkey signed; the
// fingerprint between `quote`s.
std::string describe(const Signing& s, const char* quote = "") {
  std::string out = quote + format_openpgp_fingerprint(s.fingerprint) + quote;
  if (s.fingerprint != s.primary) out += fmt::format(" (a subkey of {})", format_openpgp_fingerprint(s.primary));
  return out;
}

class GuixRun {
 public:
  GuixRun(const GitReads& repo, const GuixRequest& req) : repo_(repo), req_(req), facts_(repo, true) {
    known_.insert(req.introduction);
    known_.insert(req.authenticated.begin(), req.authenticated.end());
  }

  Result<VerifyReport> run() {
    VerifyReport report;
    const ObjectId& intro = req_.introduction;
    // 0. git must show the history that is verified (the same whole-run
    // checks as policy mode).
    auto altered = verify::history_altered(repo_, req_.target);
    if (!altered) return altered.error();
    if (*altered) return finish(verify::refuse_run(report, std::move(**altered)));
    // 1. Descent.
    if (req_.target != intro) {
      auto d = repo_.descendant_of(req_.target, intro);
      if (!d) return d.error();
      if (!*d) {
        return finish(verify::refuse_run(report, RunCheck::not_descendant, fmt::format("commit {} is not a descendant of introductory commit {}", req_.target.hex(),
                                     intro.hex())));
      }
    }
    // 2. The introduction's signer.
    if (!req_.introduction_checked) {
      auto s = signing(intro);
      if (!s) return s.error();
      if (s->refusal) {
        return finish(verify::refuse_run(report, RunCheck::anchor_signature, s->refusal->reason));
      }
      if (s->fingerprint != req_.signer) {
        return finish(verify::refuse_run(report, RunCheck::anchor_signature,
                                         fmt::format("initial commit {} is signed by {} instead of '{}'", intro.hex(),
                                                     describe(*s, "'"), format_openpgp_fingerprint(req_.signer))));
      }
      if (!s->validity.empty()) {
        if (req_.strict)
          return finish(verify::refuse_run(
              report, RunCheck::anchor_signature, fmt::format("initial commit {}: {} (--strict; {})", intro.hex(), s->validity, kGuixIgnores)));
        report.warnings.push_back(fmt::format("initial commit {}: {} ({}; --strict refuses it)", intro.hex(),
                                              s->validity, kGuixIgnores));
      }
    }
    // 3, 4. The commits.
    std::vector<ObjectId> hidden(known_.begin(), known_.end());
    auto commits = repo_.walk({req_.target}, hidden);
    if (!commits) return commits.error();
    auto keys_for = [&](const CommitData&) -> Result<const GuixKeyring*> { return req_.keyring; };
    auto record = [&](const ObjectId& c) -> Result<Verdict> {
      auto v = check(c);
      if (v) failed_[c] = !v->ok();
      return v;
    };
    verify::RunOptions options;
    options.keep_going = req_.keep_going;
    options.parallel_from = req_.parallel_from;
    options.progress = req_.progress;
    options.changes_ahead = false;
    WARDEN_TRY_STATUS(verify::check_commits(facts_, *commits, options, keys_for, record, report));
    return finish(report);
  }

 private:
  Result<VerifyReport> finish(VerifyReport& report) { return verify::finish(report, facts_, 0); }

  // The .guix-authorizations `commit` carries.
  Result<Carried> authorizations(const ObjectId& commit) {
    auto data = facts_.commit(commit);
    if (!data) return data.error();
    Carried out;
    auto file = repo_.read_file((*data)->tree, kGuixAuthorizationsPath, kMaxAuthorizationsBytes);
    if (!file) {
      out.problem = fmt::format("cannot read {} of commit {}: {}", kGuixAuthorizationsPath, commit.hex(), file.error().message);
      return out;
    }
    if (!file->has_value()) return out;
    auto it = parsed_.find((*file)->id);
    if (it == parsed_.end()) it = parsed_.emplace((*file)->id, parse_guix_authorizations((*file)->content)).first;
    if (!it->second) {
      out.problem = fmt::format("{} of commit {}: {}", kGuixAuthorizationsPath, commit.hex(), it->second.error().message);
      return out;
    }
    out.file = &*it->second;
    return out;
  }

  Result<Signing> signing(const ObjectId& c) {
    Signing s;
    auto sig_r = facts_.signature(c);
    if (!sig_r) return sig_r.error();
    const CommitSignature& sig = **sig_r;
    auto refuse = [&](Rule rule, std::string reason) {
      s.refusal = Refusal{rule, std::move(reason), ""};
      return s;
    };
    switch (sig.kind) {
      case SignatureKind::none: return refuse(Rule::unsigned_change, fmt::format("commit {} lacks a signature", c.hex()));
      case SignatureKind::bad:
        if (sig.openpgp && sig.openpgp->hash_algorithm == pgp::kMd5)
          return refuse(Rule::signature, fmt::format("commit {} has a md5 signature, which is not strong enough", c.hex()));
        return refuse(Rule::signature, fmt::format("signature verification failed for commit {} ({})", c.hex(), sig.problem));
      case SignatureKind::unsupported:
        if (sig.openpgp)  // OpenPGP, with a public-key algorithm neither Guix nor warden verifies
          return refuse(Rule::signature, fmt::format("commit {} has an {}, by key {}", c.hex(), sig.problem,
                                                     format_openpgp_fingerprint(sig.openpgp->issuer())));
        [[fallthrough]];
      case SignatureKind::ssh:
      case SignatureKind::x509:
        return refuse(Rule::signature, fmt::format("commit {} is not signed with OpenPGP, as Guix requires", c.hex()));
      case SignatureKind::openpgp: break;
    }
    const OpenPgpSignature& pgp = *sig.openpgp;
    if (pgp.weak_hash()) {
      auto carried = authorizations(c);
      if (!carried) return carried.error();
      if (carried->any())
        return refuse(Rule::signature, fmt::format("commit {} has a sha1 signature, which is not strong enough", c.hex()));
    }
    const OpenPgpCert* cert = req_.keyring->openpgp_cert_for(pgp.issuer());
    if (cert == nullptr)
      return refuse(Rule::signature, fmt::format("could not authenticate commit {}: key {} is missing", c.hex(),
                                             format_openpgp_fingerprint(pgp.issuer())));
    const OpenPgpCheck& check = facts_.openpgp_check(pgp, *cert);
    if (check.outcome == OpenPgpCheck::Outcome::bad)
      return refuse(Rule::signature, fmt::format("signature verification failed for commit {} ({})", c.hex(), check.problem));
    s.fingerprint = cert->key_fingerprint(pgp.issuer());
    s.primary = cert->fingerprint();
    if (check.outcome == OpenPgpCheck::Outcome::key_validity) s.validity = check.problem;
    return s;
  }

  Result<Verdict> check(const ObjectId& c) {
    auto data_r = facts_.commit(c);
    if (!data_r) return data_r.error();
    const CommitData& data = **data_r;
    auto sig = facts_.signature(c);
    if (!sig) return sig.error();
    Verdict v = verify::new_verdict(c, data, **sig, "unsigned");
    auto refuse = [&](Rule rule, std::string reason) { return verify::refuse(v, rule, std::move(reason)); };
    for (const auto& p : data.parents)
      if (auto it = failed_.find(p); it != failed_.end() && it->second)
        return verify::refuse_inherited(v, p.hex());

    auto s = signing(c);
    if (!s) return s.error();
    if (s->refusal) return verify::refuse(v, *s->refusal);
    v.key_fingerprint = s->fingerprint;
    v.signer = format_openpgp_fingerprint(s->fingerprint);

    // The intersection of the parents' authorizations; none for a root.
    bool authorized = !data.parents.empty();
    for (const auto& p : data.parents) {
      auto auth = authorizations(p);
      if (!auth) return auth.error();
      if (auth->problem) {
        v.policy_commit = p;
        return refuse(Rule::guix_unreadable, *auth->problem);
      }
      if (auth->file == nullptr) {
        auto pdata = facts_.commit(p);
        if (!pdata) return pdata.error();
        for (const auto& gp : (*pdata)->parents) {
          auto gauth = authorizations(gp);
          if (!gauth) return gauth.error();
          if (gauth->any()) {
            v.policy_commit = p;
            return refuse(Rule::guix_removal, fmt::format("commit {} attempts to remove '{}' file", p.hex(), kGuixAuthorizationsPath));
          }
        }
        authorized = false;
        v.policy_commit = p;
        continue;
      }
      if (!auth->file->authorizes(s->fingerprint)) {
        authorized = false;
        v.policy_commit = p;
      }
    }
    if (!authorized)
      return refuse(Rule::guix_authorization,
                    fmt::format("commit {} not signed by an authorized key: {}", c.hex(), describe(*s)));
    if (!s->validity.empty()) {
      if (req_.strict) return refuse(Rule::signature, fmt::format("{} (--strict; {})", s->validity, kGuixIgnores));
      v.warnings.push_back(fmt::format("{} ({}; --strict refuses it)", s->validity, kGuixIgnores));
    }
    return verify::accept(std::move(v));
  }

  const GitReads& repo_;
  const GuixRequest& req_;
  verify::CommitFacts facts_;
  std::unordered_set<ObjectId, ObjectIdHash> known_;
  std::unordered_map<ObjectId, bool, ObjectIdHash> failed_;
  std::unordered_map<ObjectId, Result<GuixAuthorizations>, ObjectIdHash> parsed_;
};

}  // namespace

Result<VerifyReport> authenticate_guix(const GitReads& repo, const GuixRequest& request) {
  if (request.keyring == nullptr) return make_error("no keyring");
  GuixRun run(repo, request);
  return run.run();
}

}  // namespace warden
