// Signed snapshots (DESIGN section 6b) against a hostile mirror, with real
// git daemon, git fetch and ssh-keygen: the server signs a snapshot after
// every push (post-receive); a client refuses a fetch from a mirror that is
// frozen, mixes refs of different states, rewinds the snapshot chain,
// serves a snapshot signed by another key, or none; an honest mirror that
// relays everything passes.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>

#include "support/snapshot_world.hpp"
#include "warden/snapshot.hpp"

namespace {

using test::has;
using test::SnapshotWorld;

}  // namespace

TEST_CASE("snapshots: the server signs one after every push: an honest mirror passes", "[snapshots][e2e]") {
  SnapshotWorld w;
  std::string before = w.srv_ref(warden::kSnapshotRef);
  REQUIRE_FALSE(before.empty());
  std::string c = w.land("docs/one.md");
  std::string after = w.srv_ref(warden::kSnapshotRef);
  CHECK(after != before);
  CHECK(w.sb.sh("git -C " + test::quote(w.srv) + " rev-parse " + after + "^") == before);  // a chain
  CHECK(has(w.sb.sh("git -C " + test::quote(w.srv) + " show " + after + ":snapshot.json"),
            "\"refs/heads/main\": \"" + c + "\""));

  w.mirror_syncs();
  auto r = w.fetch();
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(w.tracking("main") == c);
  auto status = w.cli("git warden status", w.client);
  CHECK(has(status.out, "snapshot of origin: counter "));

  // A fetch that names its refs leaves the snapshot behind: refused, with
  // the way out; after a plain fetch, pulling the named branch is fine.
  std::string c2 = w.land("docs/two.md");
  w.mirror_syncs();
  auto named = w.cli("git fetch origin main", w.client);
  CHECK(named.status != 0);
  CHECK(has(named.err, "origin offers no snapshot newer than snapshot"));
  CHECK(has(named.err, "git did not fetch refs/warden/snapshot, so run `git fetch origin` first"));
  CHECK(w.tracking("main") == c);
  auto all = w.fetch();
  INFO(all.err);
  CHECK(all.status == 0);
  CHECK(w.tracking("main") == c2);
  auto pull = w.cli("git pull -q --ff-only origin main", w.client);
  INFO(pull.err);
  CHECK(pull.status == 0);

  // Pushes to refs/warden/ are refused: only the server's hook writes there.
  auto forged = w.push("+main:refs/warden/snapshot");
  INFO(forged.err);
  CHECK(forged.status != 0);
  CHECK(has(forged.err, "refs/warden/ holds warden's own trust state"));
}

TEST_CASE("snapshots: a mirror that mixes refs of different states is refused", "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  std::string m0 = w.srv_ref("refs/heads/main");
  w.work.git("checkout -q -b release");
  std::string r1 = w.land("release/one.md", "release");
  // One push moves main and release together: {main: m1, release: r2}.
  w.work.git("checkout -q main");
  w.work.write("src/m1.c", "m1\n");
  std::string m1 = w.work.commit("m1", &w.alice);
  w.work.git("checkout -q release");
  w.work.write("release/two.md", "two\n");
  std::string r2 = w.work.commit("r2", &w.alice);
  w.pushed("main release");
  w.mirror_syncs();
  // The mirror serves today's main with the release of an earlier state.
  w.mirror_sets("refs/heads/release", r1);
  auto r = w.fetch();
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(has(r.err, fmt::format("origin/release offered at {}, snapshot", r1.substr(0, 10))));
  CHECK(has(r.err, fmt::format("says {}: mix-and-match", r2.substr(0, 10))));
  CHECK(w.tracking("release").empty());
  // (A plain fetch moves each ref in a transaction of its own: main, which
  // the snapshot vouches for, may have moved; with --atomic nothing does.)
  (void)m0;

  w.mirror_syncs();
  auto honest = w.fetch();
  INFO(honest.err);
  CHECK(honest.status == 0);
  CHECK(w.tracking("main") == m1);
  CHECK(w.tracking("release") == r2);
}

TEST_CASE("snapshots: a rewound snapshot chain, another key's snapshot, and no snapshot are refused",
          "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  // release exists in one state, is deleted in the next; the client has
  // accepted the later one.
  w.work.git("checkout -q -b release");
  std::string r1 = w.land("release/one.md", "release");
  std::string with_release = w.srv_ref(warden::kSnapshotRef);
  w.mirror_syncs();  // the mirror keeps what it saw
  w.work.git("checkout -q main");
  w.pushed(":release");
  std::string m1 = w.land("src/m1.c");
  w.mirror_syncs();
  REQUIRE(w.fetch().status == 0);
  REQUIRE(w.tracking("main") == m1);

  SECTION("a mirror re-serving the older snapshot to bring back a deleted branch") {
    w.mirror_sets("refs/heads/release", r1);
    w.mirror_sets(warden::kSnapshotRef, with_release);
    auto r = w.fetch();
    CHECK(r.status != 0);
    CHECK(has(r.err, "the last one this clone accepted: the snapshot chain was rewound or replaced"));
    CHECK(w.tracking("release").empty());
  }

  SECTION("a snapshot signed by a key the policy does not name") {
    auto r = w.mirror_signs_its_own(w.mallory);
    CHECK(r.status != 0);
    CHECK(has(r.err, "is signed by a key not in the policy (" + w.mallory.fingerprint + ")"));
    CHECK(w.tracking("main") == m1);
  }

  SECTION("a snapshot signed by a key the policy revoked") {
    // The forge's key is stolen: the maintainers rotate it (the server
    // signs with the new one) and revoke the old one. The thief, now
    // holding the mirror, signs a snapshot with the old key.
    const test::Key& forge2 = w.sb.key("forge2");
    w.sb.sh("git -C " + test::quote(w.srv) + " config warden.snapshotKey " + test::quote(forge2.private_path));
    w.forge_keys = {&w.forge, &forge2};
    w.work.write(".warden/policy.yml", w.policy("revoked:\n  - key: \"" + w.forge.public_line +
                                                "\"\n    reason: \"forge key stolen\"\n"));
    std::string rotated = w.work.commit("rotate the forge key", &w.alice);
    w.pushed("main");
    w.mirror_syncs();
    auto ok = w.fetch();
    INFO(ok.err);
    REQUIRE(ok.status == 0);
    REQUIRE(w.tracking("main") == rotated);

    auto r = w.mirror_signs_its_own(w.forge);
    CHECK(r.status != 0);
    CHECK(has(r.err, "is signed by forge-bot's revoked key " + w.forge.fingerprint + " (forge key stolen)"));
    CHECK(w.tracking("main") == rotated);
  }

  SECTION("a mirror without snapshots cannot be cloned") {
    std::string bare = w.sb.dir() + "/nosnap.git";
    w.sb.sh("git clone -q --bare " + test::quote(w.srv) + " " + test::quote(bare));  // branches only
    auto r = w.cli("git warden clone " + w.daemon->url("nosnap.git") + " third --anchor " + w.anchor + ":" +
                       w.alice.fingerprint,
                   w.sb.dir());
    CHECK(r.status != 0);
    CHECK(has(r.err, "origin offers no signed snapshot, and the policy asks for one (snapshots.who: forge-bot)"));
  }
}

#ifdef WARDEN_TEST_CLOCK
TEST_CASE("snapshots: a frozen mirror is refused once max-age passes", "[snapshots][attack][e2e]") {
  SnapshotWorld w;
  std::string m1 = w.land("src/m1.c");
  w.mirror_syncs();  // the mirror freezes here
  std::string m2 = w.land("src/m2.c");
  (void)m2;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  auto frozen = w.fetch(fmt::format("WARDEN_TEST_NOW={} ", now + 8 * 86400));
  CHECK(frozen.status != 0);
  CHECK(has(frozen.err, "is 8 days old (max-age 7d): the mirror may be frozen"));
  CHECK(w.tracking("main") != m1);
  // Within max-age the same state is fine.
  auto fresh = w.fetch(fmt::format("WARDEN_TEST_NOW={} ", now + 6 * 86400));
  INFO(fresh.err);
  CHECK(fresh.status == 0);
  CHECK(w.tracking("main") == m1);

  // verify --fresh, for fetchers like Nix: the same clock, the same rule.
  std::string verify = "git warden verify --no-cache --fresh origin/main";
  auto now_ok = w.cli(fmt::format("WARDEN_TEST_NOW={} ", now + 86400) + verify, w.client);
  INFO(now_ok.err);
  CHECK(now_ok.status == 0);
  auto stale = w.cli(fmt::format("WARDEN_TEST_NOW={} ", now + 9 * 86400) + verify, w.client);
  CHECK(stale.status == 1);
  CHECK(has(stale.err, "refused (--fresh): snapshot"));
  CHECK(has(stale.err, "(max-age 7d): the mirror may be frozen"));
}
#endif
