// Snapshots (DESIGN section 6b) against the holes of issue 27, each an
// attack with a real git daemon, git fetch and ssh-keygen: a client that
// cannot name the remote's default branch, tags a mirror adds beside the
// current snapshot, a snapshot dated in the future, and a fetch that moves
// no branch but rolls the snapshot back or brings a foreign-signed one.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "hooks/git_command.hpp"
#include "support/snapshot_world.hpp"
#include "warden/snapshot.hpp"

namespace {

using test::has;
using test::quote;
using test::SnapshotWorld;

// An annotated tag `name` on `target`, signed by `key` in the work tree,
// replacing one of the same name; its tag object id.
std::string tag_in_work(const SnapshotWorld& w, const std::string& name, const test::Key& key,
                        const std::string& target) {
  w.work.git("-c user.signingkey=" + quote(key.private_path) + " tag -f -s " + quote(name) + " -m " +
             quote("release " + name) + " " + quote(target));
  return w.work.git("rev-parse refs/tags/" + name).substr(0, 40);
}

}  // namespace

TEST_CASE("snapshots: a client that cannot name the remote's default branch still requires them",
          "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  // The project works on trunk, not main or master; a mirror serves trunk
  // and no snapshot.
  std::string t1 = w.land("src/t1.c", "trunk");
  std::string bare = w.sb.dir() + "/trunk-only.git";
  w.sb.sh("git init -q --bare " + quote(bare));
  w.sb.sh("git -C " + quote(bare) + " fetch -q " + quote(w.srv) + " refs/heads/trunk:refs/heads/trunk");
  w.sb.sh("git -C " + quote(bare) + " symbolic-ref HEAD refs/heads/trunk");
  // git init + remote add + install --client: no refs/remotes/origin/HEAD,
  // no main, no master, no pin yet.
  std::string third = w.sb.dir() + "/third";
  w.sb.sh("git init -q " + quote(third));
  w.sb.sh("git remote add origin " + quote(w.daemon->url("trunk-only.git")), third);
  REQUIRE(w.cli("git warden trust --anchor " + w.anchor + ":" + w.alice.fingerprint, third).status == 0);
  auto installed = w.cli("git warden install --client", third);
  INFO(installed.err);
  REQUIRE(installed.status == 0);

  auto r = w.cli("git fetch", third);
  CHECK(r.status != 0);
  CHECK(has(r.err, "origin offers no signed snapshot, and the policy asks for one (snapshots.who: forge-bot)"));
  CHECK(w.sb.run("git rev-parse -q --verify refs/remotes/origin/trunk", third).status != 0);
  (void)t1;
}

TEST_CASE("snapshots: tags a fetch writes are compared with the snapshot", "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  w.signed_tag("v1.0", w.alice);
  w.pushed("v1.0");
  std::string v1 = w.srv_ref("refs/tags/v1.0");  // the tag object, as the snapshot names it
  w.mirror_syncs();
  auto honest = w.cli("git fetch --tags", w.client);
  INFO(honest.err);
  REQUIRE(honest.status == 0);
  CHECK(w.client_ref("refs/tags/v1.0") == v1);
  // verify --fresh of the tag: the snapshot names its tag object.
  auto fresh = w.cli("git warden verify --no-cache --fresh v1.0", w.client);
  INFO(fresh.err);
  CHECK(fresh.status == 0);

  SECTION("a tag no snapshot ever named, on an old commit") {
    std::string v2 = tag_in_work(w, "v2.0", w.alice, w.anchor);
    w.work.git("push -q " + quote(w.mirror) + " v2.0");
    auto r = w.cli("git fetch --tags", w.client);
    CHECK(r.status != 0);
    CHECK(has(r.err, fmt::format("tag v2.0 offered by origin at {}, snapshot", v2.substr(0, 10))));
    CHECK(has(r.err, "has no refs/tags/v2.0: a ref the signed state never held"));
    CHECK(w.client_ref("refs/tags/v2.0").empty());

    // Fetched from a URL, the tag belongs to no remote whose snapshot
    // could vouch for it.
    auto by_url = w.cli("git fetch --tags " + quote(w.mirror_url), w.client);
    CHECK(by_url.status != 0);
    CHECK(has(by_url.err, "refs/tags/v2.0: this fetch is from no configured remote, and the policy of origin asks "
                          "for snapshots"));
    CHECK(w.client_ref("refs/tags/v2.0").empty());

    // A clone of that mirror meets the same rule.
    auto clone = w.cli("git warden clone " + w.mirror_url + " fourth --anchor " + w.anchor + ":" + w.alice.fingerprint,
                       w.sb.dir());
    CHECK(clone.status != 0);
    CHECK(has(clone.err, "has no refs/tags/v2.0: a ref the signed state never held"));
  }

  SECTION("a tag the snapshot names, at another tag object") {
    w.signed_tag("v3.0", w.alice);
    w.pushed("v3.0");
    std::string v3 = w.srv_ref("refs/tags/v3.0");
    w.mirror_syncs();
    std::string other = tag_in_work(w, "v3.0", w.alice, w.anchor);
    w.work.git("push -q -f " + quote(w.mirror) + " v3.0");
    auto r = w.cli("git fetch --tags", w.client);
    CHECK(r.status != 0);
    CHECK(has(r.err, fmt::format("tag v3.0 offered by origin at {}, snapshot", other.substr(0, 10))));
    CHECK(has(r.err, fmt::format("says {}: mix-and-match", v3.substr(0, 10))));
    CHECK(w.client_ref("refs/tags/v3.0").empty());
  }
}

#ifdef WARDEN_TEST_CLOCK
TEST_CASE("snapshots: a snapshot dated ahead of the client's clock is refused", "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  int64_t now = test::real_now();
  std::string accepted = w.client_ref(warden::accepted_snapshot_ref("origin"));
  REQUIRE_FALSE(accepted.empty());

  // Signed by the forge's key with a clock 30 years ahead (a server whose
  // clock jumped, or a key held for later): without the skew rule it stays
  // fresh for decades, and a mirror can freeze the client on it.
  std::string m2_env = fmt::format("WARDEN_TEST_NOW={} ", now + 30 * 365 * 86400);
  auto r = w.mirror_signs_its_own(w.forge, m2_env);
  CHECK(r.status != 0);
  CHECK(has(r.err, "days ahead of this clock (more than the 5 minutes of skew allowed)"));
  CHECK(w.client_ref(warden::accepted_snapshot_ref("origin")) == accepted);
  auto status = w.cli("git warden status", w.client);
  CHECK(has(status.out, fmt::format("snapshot of origin: counter {}, signed ", w.counter_of(accepted))));
  CHECK_FALSE(has(status.out, "future ago"));

  // A client clock a few minutes behind the server's is within the skew:
  // accepted, and status says the snapshot is ahead, not "ago".
  w.mirror_syncs();
  std::string m3 = w.land("src/m3.c");
  w.mirror_syncs();
  std::string behind = fmt::format("WARDEN_TEST_NOW={} ", now - 200);
  auto ok = w.fetch(behind);
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(w.tracking("main") == m3);
  auto ahead = w.cli(behind + "git warden status", w.client);
  CHECK(has(ahead.out, "minutes ahead of this clock"));
  CHECK_FALSE(has(ahead.out, "future ago"));

  // An hour behind is not: the fetch and verify --fresh refuse it.
  std::string hour_behind = fmt::format("WARDEN_TEST_NOW={} ", now - 3600);
  auto late = w.cli(hour_behind + "git warden verify --no-cache --fresh origin/main", w.client);
  CHECK(late.status == 1);
  CHECK(has(late.err, "ahead of this clock (more than the 5 minutes of skew allowed)"));
}
#endif

TEST_CASE("snapshots: a fetch that moves no branch may not roll the snapshot back or bring a foreign one",
          "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  w.land("src/m1.c");
  std::string older = w.srv_ref(warden::kSnapshotRef);
  w.land("src/m2.c");
  std::string newer = w.srv_ref(warden::kSnapshotRef);
  w.mirror_syncs();
  auto first = w.fetch();
  INFO(first.err);
  REQUIRE(first.status == 0);
  REQUIRE(w.client_ref(warden::accepted_snapshot_ref("origin")) == newer);
  std::string fetched_ref = warden::fetched_snapshot_ref("origin");
  std::string accepted_line = fmt::format("snapshot of origin: counter {}, ", w.counter_of(newer));

  SECTION("the mirror rewinds refs/warden/snapshot, branches untouched") {
    w.mirror_sets(warden::kSnapshotRef, older);
    auto r = w.fetch();
    CHECK(r.status != 0);
    CHECK(has(r.err, fmt::format("snapshot {} ({}) is older than snapshot {} ({}), the last one this clone accepted",
                                 w.counter_of(older), older.substr(0, 10), w.counter_of(newer), newer.substr(0, 10))));
    CHECK(w.client_ref(fetched_ref) == newer);
    CHECK(has(w.cli("git warden status", w.client).out, accepted_line));
  }

  SECTION("the mirror signs a snapshot of the same refs with its own key") {
    std::string forged = w.mirror_snapshot(w.mallory);
    auto r = w.fetch();
    CHECK(r.status != 0);
    CHECK(has(r.err, fmt::format("snapshot {} ({}) cannot be trusted", w.counter_of(forged), forged.substr(0, 10))));
    CHECK(has(r.err, "is signed by a key not in the policy (" + w.mallory.fingerprint + ")"));
    CHECK(w.client_ref(fetched_ref) == newer);
    CHECK(has(w.cli("git warden status", w.client).out, accepted_line));
  }

  SECTION("the server re-signs with nothing moved (its timer): accepted") {
    auto signed_again = w.cli("git warden snapshot", w.srv);
    INFO(signed_again.err);
    REQUIRE(signed_again.status == 0);
    std::string latest = w.srv_ref(warden::kSnapshotRef);
    w.mirror_syncs();
    auto r = w.fetch();
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(w.client_ref(fetched_ref) == latest);
    CHECK(w.client_ref(warden::accepted_snapshot_ref("origin")) == latest);
  }
}

TEST_CASE("snapshots: a remote none of whose refs carries a readable policy is refused", "[snapshots]") {
  test::Sandbox sb;
  test::Repo repo(sb, "client");
  repo.write("src/a.c", "a\n");
  std::string c = repo.commit("no policy here", nullptr);
  repo.git("remote add origin " + quote(sb.dir() + "/nowhere.git"));
  repo.git("update-ref refs/remotes/origin/trunk " + c);
  auto opened = warden::Repository::open(repo.path());
  REQUIRE(opened);
  warden::Verifier verifier(*opened);
  warden::FetchedRefs fetch;
  fetch.moved.emplace_back("refs/remotes/origin/trunk", *warden::ObjectId::from_hex(c));
  auto why = warden::check_fetched_snapshots(*opened, verifier, fetch);
  REQUIRE(why);
  CHECK(has(*why, "cannot tell whether origin requires snapshots"));
  CHECK(has(*why, "git config warden.remote"));
}

TEST_CASE("snapshots: the remote a fetch's tags come from is read from its command line", "[snapshots]") {
  using warden::hooks::fetch_source;
  using Kind = warden::hooks::FetchSource::Kind;
  auto named = [](const std::vector<std::string>& argv) {
    auto s = fetch_source(argv);
    return s.kind == Kind::named ? s.repository : "<" + std::to_string(static_cast<int>(s.kind)) + ">";
  };
  CHECK(named({"git", "fetch", "origin"}) == "origin");
  CHECK(named({"git", "-c", "a=b", "fetch", "--tags", "-q", "fork", "main"}) == "fork");
  CHECK(named({"git", "fetch", "--depth", "3", "-j", "4", "--filter=blob:none", "up"}) == "up");
  CHECK(named({"git", "fetch", "--", "-odd"}) == "-odd");
  CHECK(named({"/usr/lib/git-core/git-fetch", "origin"}) == "origin");
  CHECK(fetch_source({"git", "fetch", "--tags"}).kind == Kind::default_remote);
  CHECK(fetch_source({"git", "fetch", "--update-head-ok"}).kind == Kind::default_remote);
  CHECK(fetch_source({"git", "fetch", "--all"}).kind == Kind::all_remotes);
  CHECK(fetch_source({"git", "fetch", "--multiple", "a", "b"}).kind == Kind::unknown);
  CHECK(fetch_source({"git", "pull", "origin"}).kind == Kind::unknown);
  CHECK(fetch_source({"git", "merge", "FETCH_HEAD"}).kind == Kind::unknown);
}
