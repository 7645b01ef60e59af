// A second attack review of merges.vouch: the mainline rule (where a
// merge's first parent holds nothing of the branch and does not
// authenticate, the mainline is a parent that does), audits judging each
// commit on its own, and what a run that goes past refusals a merge could
// vouch for costs (hidden [cost] cases print timings; no timing is
// asserted).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "support/adoption_world.hpp"
#include "support/history.hpp"
#include "support/people.hpp"
#include "warden/policy.hpp"

using Att = test::Adoption;

namespace {

// main: anchor (alice; policy: alice and bob maintainers, vouch: signed),
// then alice removes bob's key from the policy (optionally turning
// vouching off too): that is main's tip `t`, which the server knows.
struct Removed {
  test::Sandbox sb;
  const test::Key& alice = sb.key("alice");
  const test::Key& bob = sb.key("bob");
  const test::Key& carol = sb.key("carol");
  const test::Key& mallory = sb.key("mallory");
  test::Repo repo{sb};
  std::string anchor, t;

  explicit Removed(const std::string& new_vouch = "  vouch: signed\n", const std::string& anchor_vouch = "  vouch: signed\n") {
    repo.write("src/main.c", "int main(void) { return 0; }\n");
    repo.write(".warden/policy.yml", test::standard_policy(alice, bob, carol, anchor_vouch, "deny"));
    anchor = repo.commit("adopt warden", &alice);
    // bob's key is gone: the person "bob" now holds an unrelated key.
    repo.write(".warden/policy.yml", test::standard_policy(alice, mallory, carol, new_vouch, "deny"));
    t = repo.commit("remove bob's key", &alice);
  }
  warden::VerifyReport verify(const std::string& target, const std::vector<std::string>& known_good = {},
                              bool keep_going = true) {
    return repo.verify(anchor, alice, target, known_good, keep_going);
  }
};

}  // namespace

// The mainline is the parent that reaches the previous tip (DESIGN §3).
// The attacker puts one unsigned commit X on main's tip: X does not
// authenticate on its own. A first version moved the mainline to the
// first parent that authenticates, Y: bob's commit on the anchor, from
// before his key was removed, whose policy still lists bob, so that bob's
// signed merge vouched for X in a fast-forward of main. X reaches the
// previous tip (and the anchor): it is the branch, and stays the mainline.
TEST_CASE("mainline attack: a removed key never lands work on main through an unsigned commit on the tip",
          "[mainline-attack][removed]") {
  std::string new_vouch = GENERATE(std::string("  vouch: signed\n"), std::string("  vouch: none\n"));
  INFO("main's policy after removal: " << new_vouch);
  Removed w(new_vouch);
  // Y: bob, on the anchor (his key still listed there).
  w.repo.git("checkout -q -b old " + w.anchor);
  w.repo.write("src/y.c", "y\n");
  std::string y = w.repo.commit("bob before removal", &w.bob);
  // X: unsigned, on main's tip.
  w.repo.git("checkout -q main");
  w.repo.write("src/backdoor.c", "backdoor\n");
  std::string x = w.repo.commit("unsigned backdoor", nullptr);
  std::string m = w.repo.merge("old", &w.bob, "Merge old");
  REQUIRE(w.repo.git("merge-base --is-ancestor " + w.t + " " + m + " && echo ff") == "ff");

  // Without the unsigned commit, bob's merge onto the tip is refused.
  auto server = w.verify(m, {w.t});  // pre-receive: previous tip = t
  INFO("server:\n" << Att::dump(server));
  auto fresh = w.verify(m);
  INFO("fresh:\n" << Att::dump(fresh));
  CHECK_FALSE(server.authenticated);
  CHECK_FALSE(fresh.authenticated);
  const warden::Verdict* vm = Att::find(server, m);
  REQUIRE(vm != nullptr);
  CHECK(vm->mainline == 0);  // x reaches the previous tip
}

// The same without any commit before the merge: the control. bob's merge
// of his old work straight onto main's tip is refused.
TEST_CASE("mainline attack: control, bob's merge onto the tip is refused", "[mainline-attack][removed]") {
  Removed w;
  w.repo.git("checkout -q -b old " + w.anchor);
  w.repo.write("src/y.c", "y\n");
  w.repo.commit("bob before removal", &w.bob);
  w.repo.git("checkout -q main");
  std::string m = w.repo.merge("old", &w.bob, "Merge old");
  auto server = w.verify(m, {w.t});
  INFO("server:\n" << Att::dump(server));
  CHECK_FALSE(server.authenticated);
}

namespace {

warden::VerifyReport audit(const test::Repo& repo, const std::string& policy_text, bool keep_going,
                           const std::string& target = "HEAD") {
  auto parsed = warden::parse_policy(policy_text, "audit.yml");
  REQUIRE(parsed.policy);
  auto r = warden::Repository::open(repo.path());
  REQUIRE(r.ok());
  warden::VerifyRequest req;
  req.audit_policy = parsed.policy;
  req.target = *r->resolve_commit(target);
  req.keep_going = keep_going;
  warden::Verifier verifier(*r);
  auto ran = verifier.verify(req);
  REQUIRE(ran.ok());
  return std::move(*ran);
}

}  // namespace

// Audit mode: a signed merge's own changes (rule 1) are judged whatever
// its parents' verdicts. carol (docs/ only) signs a merge of two unsigned
// docs commits and adds src/evil.c in it; each unsigned commit is vouched
// for by a merge carol may sign (docs only). A first version judged rule 1
// only under parents that authenticate, so this merge was judged by none.
TEST_CASE("mainline attack: an audit judges rule 1 for a merge whose parents were all refused", "[mainline-attack][audit]") {
  test::People p;
  test::Repo repo{p.sb};
  repo.write("src/main.c", "int main(void) { return 0; }\n");
  repo.write("docs/index.md", "# Docs\n");
  std::string base = repo.commit("root", &p.alice);
  repo.git("checkout -q -b p1");
  repo.write("docs/d1.md", "d1\n");
  std::string p1 = repo.commit("unsigned docs 1", nullptr);
  repo.git("checkout -q -b p2 " + base);
  repo.write("docs/d2.md", "d2\n");
  std::string p2 = repo.commit("unsigned docs 2", nullptr);
  // N: carol on main, then carol lands p1 (docs only: she may vouch).
  repo.git("checkout -q -b n " + base);
  repo.write("docs/c.md", "c\n");
  repo.commit("carol on main", &p.carol);
  std::string n = repo.merge("p1", &p.carol, "carol lands p1");
  // M: carol merges p2 into p1 and, in the merge, adds src/evil.c.
  repo.git("checkout -q -b evil " + p1);
  repo.git("merge -q --no-ff --no-commit p2");
  repo.write("src/evil.c", "evil\n");
  std::string m = repo.commit("carol's evil merge", &p.carol);
  REQUIRE(repo.git("rev-list --parents -n1 " + m).size() > 90);  // a merge
  // T: carol lands n on top of the evil merge.
  std::string t = repo.merge("n", &p.carol, "carol ties it up");

  std::string pol = test::standard_policy(p.alice, p.bob, p.carol, "  vouch: signed\n", "deny");
  bool keep_going = GENERATE(false, true);
  auto a = audit(repo, pol, keep_going);
  INFO("audit keep_going=" << keep_going << ":\n" << Att::dump(a));
  CHECK_FALSE(a.authenticated);
  const warden::Verdict* vm = Att::find(a, m);
  if (vm) CHECK_FALSE(vm->ok());
}

// Control: the evil merge with only one parent refused (the other signed
// by alice) is refused in the audit (rule 1 under the audit policy).
TEST_CASE("mainline attack: audit control, one parent authenticated", "[mainline-attack][audit]") {
  test::People p;
  test::Repo repo{p.sb};
  repo.write("src/main.c", "int main(void) { return 0; }\n");
  std::string base = repo.commit("root", &p.alice);
  repo.git("checkout -q -b p2");
  repo.write("docs/d2.md", "d2\n");
  repo.commit("unsigned docs 2", nullptr);
  repo.git("checkout -q main");
  repo.write("docs/d1.md", "d1\n");
  repo.commit("alice docs", &p.alice);
  repo.git("merge -q --no-ff --no-commit p2");
  repo.write("src/evil.c", "evil\n");
  std::string m = repo.commit("carol's evil merge", &p.carol);
  auto a = audit(repo, test::standard_policy(p.alice, p.bob, p.carol, "  vouch: signed\n", "deny"), true);
  INFO(Att::dump(a));
  CHECK_FALSE(a.authenticated);
}

namespace {

// n unsigned commits on top of `from`, each changing `width` files, made
// with git fast-import; returns the last.
std::string unsigned_chain(test::Sandbox& sb, const test::Repo& repo, const std::string& from, int n, int width,
                           const std::string& ref) {
  std::string s;
  s.reserve(size_t(n) * (150 + width * 40));
  for (int i = 0; i < n; ++i) {
    s += "commit " + ref + "\n";
    s += "committer Eve <eve@example.org> " + std::to_string(1700000000 + i) + " +0000\n";
    std::string msg = "spam " + std::to_string(i);
    s += "data " + std::to_string(msg.size()) + "\n" + msg + "\n";
    if (i == 0) s += "from " + from + "\n";
    for (int k = 0; k < width; ++k) {
      std::string body = std::to_string(i) + "\n";
      s += "M 100644 inline src/d" + std::to_string(k) + "/f.c\ndata " + std::to_string(body.size()) + "\n" + body;
    }
    s += "\n";
  }
  sb.write_file(sb.dir() + "/stream", s);
  repo.git("fast-import --quiet < " + test::quote(sb.dir() + "/stream"));
  return repo.git("rev-parse " + ref);
}

}  // namespace

// Cost: a push (previous tip known, no keep-going) of n commits whose first
// does not authenticate stops at the first refusal unless a policy lets
// merges vouch (then a later merge could land it, and the run goes on);
// compared with the same push whose first commit carries a bad signature,
// which always ends the run.
TEST_CASE("mainline attack: cost of a push of n unsigned commits without keep-going", "[mainline-attack][cost][.]") {
  // Where no policy lets merges vouch, the run stops at the first refusal
  // (both cases cost alike); where one does, it goes on, linearly.
  bool vouching = GENERATE(false, true);
  Removed w(vouching ? "  vouch: signed\n" : "", vouching ? "  vouch: signed\n" : "");
  WARN("vouching enabled: " << vouching);
  const int n = 20000, width = 20;
  w.repo.write("src/x.c", "x\n");
  std::string x = w.repo.commit("unsigned first", nullptr);
  std::string bad = w.repo.resign(x, w.alice, "file");  // bad: namespace file
  std::string tip_a = unsigned_chain(w.sb, w.repo, x, n, width, "refs/heads/a");
  std::string tip_b = unsigned_chain(w.sb, w.repo, bad, n, width, "refs/heads/b");
  for (const auto& [name, tip] : {std::pair{"unsigned first (vouchable)", tip_a}, std::pair{"bad first", tip_b}}) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = w.verify(tip, {w.t}, false);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    WARN(name << ": " << ms << " ms, " << r.verdicts.size() << " verdicts reported, authenticated=" << r.authenticated
              << ", signatures verified " << r.signatures_verified);
    CHECK_FALSE(r.authenticated);
  }
}

namespace {

// Two unsigned chains a_i, b_i forked at `from`, m_i = merge(a_i, b_i)
// (merge base: the fork, i commits back on each side), tied together by
// c_i = merge(c_{i-1}, m_i). Returns the last c.
std::string zipper(test::Sandbox& sb, const test::Repo& repo, const std::string& from, int n, const std::string& tag) {
  std::string s;
  int mark = 1;
  auto commit = [&](const std::string& msg, const std::vector<std::string>& parents, const std::string& file) {
    int me = mark++;
    s += "commit refs/heads/z" + tag + "\nmark :" + std::to_string(me) + "\n";
    s += "committer Eve <eve@example.org> " + std::to_string(1700000000 + me) + " +0000\n";
    s += "data " + std::to_string(msg.size()) + "\n" + msg + "\n";
    s += "from " + parents[0] + "\n";
    for (size_t k = 1; k < parents.size(); ++k) s += "merge " + parents[k] + "\n";
    s += "M 100644 inline " + file + "\ndata 2\n" + std::to_string(me % 10) + "\n\n";
    return ":" + std::to_string(me);
  };
  std::string a = from, b = from, c;
  std::vector<std::string> as, bs;
  for (int i = 0; i < n; ++i) {
    a = commit("a" + std::to_string(i), {a}, "src/a.c");
    as.push_back(a);
    b = commit("b" + std::to_string(i), {b}, "src/b.c");
    bs.push_back(b);
  }
  for (int i = 0; i < n; ++i) {
    std::string m = commit("m" + std::to_string(i), {as[i], bs[i]}, "src/m.c");
    c = c.empty() ? m : commit("c" + std::to_string(i), {c, m}, "src/c.c");
  }
  sb.write_file(sb.dir() + "/stream", s);
  repo.git("fast-import --quiet < " + test::quote(sb.dir() + "/stream"));
  return repo.git("rev-parse refs/heads/z" + tag);
}

}  // namespace

TEST_CASE("mainline attack: cost of a push of unsigned merges with far merge bases", "[mainline-attack][cost2][.]") {
  Removed w;
  w.repo.write("src/x.c", "x\n");
  std::string x = w.repo.commit("unsigned first", nullptr);
  std::string bad = w.repo.resign(x, w.alice, "file");
  for (int n : {250, 500, 1000, 2000}) {
    std::string tip_a = zipper(w.sb, w.repo, x, n, "a" + std::to_string(n));
    std::string tip_b = zipper(w.sb, w.repo, bad, n, "b" + std::to_string(n));
    for (const auto& [name, tip] : {std::pair{"unsigned first", tip_a}, std::pair{"bad first", tip_b}}) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = w.verify(tip, {w.t}, false);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      WARN("n=" << n << " (" << 4 * n << " commits) " << name << ": " << ms << " ms, authenticated=" << r.authenticated);
    }
  }
}
