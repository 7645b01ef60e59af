// Concurrency: 6 pushers x 10 pushes each to one server behind git daemon
// on 127.0.0.1, half to a shared branch and half to their own branches,
// every fifth push deliberately bad. No bad push may land; a good push may
// only fail as a lost race (non-fast-forward); at the end every ref on the
// server authenticates.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <mutex>
#include <thread>

#include "support/server_world.hpp"

using test::ServerWorld;
using test::Transport;

namespace {

constexpr int kPushers = 6;
constexpr int kPushesEach = 10;

struct Outcome {
  bool bad;
  std::string commit;
  int status;
  std::string err;
};

bool lost_race(const std::string& err) {
  for (const char* s : {"fetch first", "non-fast-forward", "failed to update ref", "cannot lock ref", "stale info"})
    if (err.find(s) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("server: concurrent pushers never land a bad push", "[server][concurrency][e2e]") {
  ServerWorld w(Transport::daemon);
  REQUIRE(w.push("main:refs/heads/shared").status == 0);
  const test::Key* signers[] = {&w.alice, &w.bob};

  std::mutex mu;
  std::vector<Outcome> outcomes;
  auto pusher = [&](int i) {
    std::string dir = w.sb.dir() + "/pusher" + std::to_string(i);
    auto sh = [&](const std::string& cmd) { return w.cli(cmd, dir); };
    w.sb.run("git clone -q " + test::quote(w.url) + " " + test::quote(dir));
    sh("git config user.name P && git config user.email p@example.org && git config gpg.format ssh");
    std::string own = "own-" + std::to_string(i);
    for (int j = 0; j < kPushesEach; ++j) {
      bool shared = j % 2 == 0;
      bool bad = j % 5 == 3;
      std::string branch = shared ? "shared" : own;
      sh("git fetch -q origin && (git checkout -q -B " + branch + " origin/" + branch + " 2>/dev/null || git checkout -q -B " +
         branch + " origin/main)");
      sh(fmt::format("mkdir -p src/p{0} && echo {1} > src/p{0}/f{1} && git add -A", i, j));
      const test::Key* key = bad ? nullptr : signers[(i + j) % 2];
      std::string sign = key ? "-c user.signingkey=" + test::quote(key->private_path) + " commit -S" : "commit";
      sh(fmt::format("git {} -q -m 'pusher {} push {}{}'", sign, i, j, bad ? " (unsigned)" : ""));
      std::string commit = sh("git rev-parse HEAD").out;
      commit.erase(commit.find_last_not_of('\n') + 1);
      test::Run r = sh("git push origin " + branch);
      std::lock_guard<std::mutex> lock(mu);
      outcomes.push_back({bad, commit, r.status, r.err});
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kPushers; ++i) threads.emplace_back(pusher, i);
  for (auto& t : threads) t.join();

  REQUIRE(outcomes.size() == static_cast<size_t>(kPushers * kPushesEach));
  int landed = 0, races = 0, refused_bad = 0;
  for (const auto& o : outcomes) {
    INFO("commit " << o.commit << (o.bad ? " (bad)" : " (good)") << "\n" << o.err);
    if (o.bad) {
      CHECK(o.status != 0);
      // Refused by warden, or lost a race before warden saw it; never landed.
      CHECK(w.sb.run("git -C " + test::quote(w.srv) + " branch --contains " + o.commit + " 2>/dev/null | grep .").status != 0);
      refused_bad += o.err.find("pre-receive hook declined") != std::string::npos;
    } else if (o.status == 0) {
      ++landed;
    } else {
      CHECK(o.err.find("pre-receive hook declined") == std::string::npos);
      CHECK(lost_race(o.err));
      ++races;
    }
  }
  CHECK(landed > kPushers * kPushesEach / 4);
  CHECK(refused_bad > 0);
  WARN("landed " << landed << ", lost races " << races << ", bad refused by warden " << refused_bad);

  // Every ref on the server authenticates from the anchor.
  std::string refs = w.sb.sh("git -C " + test::quote(w.srv) + " for-each-ref --format='%(refname)'");
  std::istringstream in(refs);
  std::string ref;
  int checked = 0;
  while (std::getline(in, ref)) {
    auto v = w.cli("git warden verify -q --anchor " + w.anchor + ":" + w.alice.fingerprint + " " + ref, w.srv);
    INFO(ref << ": " << v.err);
    CHECK(v.status == 0);
    ++checked;
  }
  CHECK(checked == kPushers + 2);
}
