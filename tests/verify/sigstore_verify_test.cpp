// sigstore: identities through the whole engine, with a Sigstore of the
// tests' own (support/fake_sigstore.hpp), so that the certificate's ten
// minutes and the log's time can be placed at will: a gitsign offline-mode
// commit counts when the log integrated it while the certificate was valid,
// however long ago that certificate expired, and not otherwise.
#include <catch2/catch.hpp>

#include "support/fake_sigstore.hpp"
#include "support/world.hpp"

using test::World;

namespace {

const std::string kIssuer = "https://token.actions.example";
const std::string kCi = "sigstore:issuer=" + kIssuer + ",identity=ci@example.org";
constexpr int64_t kSigned = 1767225600;  // 2026-01-01: the certificate's first minute

struct SigstoreWorld : World {
  test::FakeSigstore sigstore;

  explicit SigstoreWorld(int64_t ca_until = 0) {
    std::string policy = repo.git("show HEAD:.warden/policy.yml");
    policy.replace(policy.find("people:\n"), 8, "people:\n  ci:\n    keys: [\"" + kCi + "\"]\n");
    policy.replace(policy.find("who: [carol]"), 12, "who: [carol, ci]");
    repo.write(".warden/policy.yml", policy);
    repo.write(".warden/sigstore/trusted_root.json", sigstore.trusted_root(1577836800, ca_until));
    repo.commit("ci signs with gitsign", &alice);
  }

  // A commit of docs/ signed as gitsign's offline mode signs it.
  std::string gitsign_commit(const std::string& text, test::FakeSigstore::Signing s) {
    repo.write("docs/ci.md", text + "\n");
    std::string bare = repo.commit(text, nullptr);
    std::string raw = repo.git("cat-file commit " + bare) + "\n";
    std::string id = repo.write_commit_object(test::with_gpgsig(raw, sigstore.sign(raw, s)));
    repo.git("update-ref refs/heads/main " + id);
    repo.git("reset -q --hard main");
    return id;
  }
  static test::FakeSigstore::Signing signing(int64_t integrated = kSigned + 30) {
    test::FakeSigstore::Signing s;
    s.email = "ci@example.org";
    s.issuer = kIssuer;
    s.not_before = kSigned;
    s.not_after = kSigned + 600;
    s.integrated = integrated;
    return s;
  }
};

}  // namespace

TEST_CASE("a gitsign offline-mode commit by the listed identity and issuer is accepted", "[sigstore]") {
  SigstoreWorld w;
  auto v = w.accepted_last(w.gitsign_commit("ci's docs", SigstoreWorld::signing()));
  CHECK(v.signature == warden::SignatureKind::x509);
  CHECK(v.signer == "ci");
  CHECK(v.key_fingerprint == kCi);
}

TEST_CASE("an expired Fulcio certificate counts: the log integrated the entry within its ten minutes", "[sigstore]") {
  // Verified today, the certificate expired in January: the log's time, not
  // today's, is when it was used.
  SigstoreWorld w;
  w.gitsign_commit("signed within the ten minutes", SigstoreWorld::signing(kSigned + 599));
  w.accepted();
}

TEST_CASE("a log entry integrated after the certificate expired is refused", "[sigstore]") {
  // A stolen key of a used certificate, logged later: the chain fails at the log's time.
  SigstoreWorld w;
  std::string c = w.gitsign_commit("logged after the ten minutes", SigstoreWorld::signing(kSigned + 3600));
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::StartsWith("bad signature: " + kCi + ": the certificate does not chain to https://fake.fulcio"));
  CHECK_THAT(v.reason(), Catch::Contains("certificate has expired at 2026-01-01 01:00:00 UTC"));
}

TEST_CASE("a gitsign commit without its log entry (online mode) is refused, saying how to sign offline", "[sigstore]") {
  SigstoreWorld w;
  auto s = SigstoreWorld::signing();
  s.embed_entry = false;
  std::string c = w.gitsign_commit("online mode", s);
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("no transparency-log entry is embedded in the signature (gitsign's online mode)"));
  CHECK_THAT(v.reason(), Catch::Contains("git config gitsign.rekorMode offline"));
}

TEST_CASE("the listed address from another OIDC issuer is nobody the policy knows", "[sigstore]") {
  SigstoreWorld w;
  auto s = SigstoreWorld::signing();
  s.issuer = "https://accounts.example";
  std::string c = w.gitsign_commit("another issuer", s);
  const auto& v = w.refused(c, "unsigned");
  CHECK_THAT(v.signer, Catch::Contains("ci@example.org from issuer https://accounts.example"));
}

TEST_CASE("a Fulcio CA the trust root no longer trusted when the log saw the entry is refused", "[sigstore]") {
  SigstoreWorld w(kSigned - 86400);  // the CA's validFor ended the day before
  std::string c = w.gitsign_commit("after the CA's end", SigstoreWorld::signing());
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("no Fulcio certificate authority of the Sigstore trusted root was valid then"));
}
