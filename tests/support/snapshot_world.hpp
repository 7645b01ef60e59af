// The snapshot scenarios' world: a server that signs a snapshot after
// every push (post-receive), a mirror of it that an attacker controls
// (served by the same git daemon), and a client cloned from the mirror.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support/server_world.hpp"

namespace test {

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The real clock, in seconds since the epoch (WARDEN_TEST_NOW is set
// relative to it).
inline int64_t real_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The server (policy: the forge bot signs snapshots, max-age 7d), a mirror
// of it that an attacker controls, and a client cloned from the mirror.
struct SnapshotWorld : ServerWorld {
  const Key& forge;
  std::string mirror;  // bare, served by the same git daemon
  std::string mirror_url;
  std::string client;

  SnapshotWorld() : ServerWorld(Transport::daemon, false), forge(sb.key("forge")), mirror(sb.dir() + "/mirror.git") {
    Run trust = cli("git warden trust --anchor " + anchor + ":" + alice.fingerprint, srv);
    REQUIRE(trust.status == 0);
    sb.sh("git -C " + quote(srv) + " config gpg.format ssh");
    sb.sh("git -C " + quote(srv) + " config warden.snapshotKey " + quote(forge.private_path));
    install_hook("--snapshots");
    REQUIRE(push("main").status == 0);
    work.write(".warden/policy.yml", policy());
    work.commit("snapshots signed by the forge bot", &alice);
    pushed("main");
    sb.sh("git clone -q --mirror " + quote(srv) + " " + quote(mirror));
    sb.sh("git -C " + quote(mirror) + " config gpg.format ssh");
    mirror_url = daemon->url("mirror.git");
    client = sb.dir() + "/client";
    auto r = cli("git warden clone " + mirror_url + " client --anchor " + anchor + ":" + alice.fingerprint, sb.dir());
    INFO(r.err);
    REQUIRE(r.status == 0);
  }

  // The forge bot's keys in the policy (a rotation adds one).
  std::vector<const Key*> forge_keys{&forge};

  std::string policy(const std::string& extra = "") const {
    return PolicyText()
        .person("alice", {&alice})
        .person("bob", {&bob})
        .person("carol", {&carol})
        .person("forge-bot", forge_keys)
        .section(std::string(R"(groups:
  maintainers: [alice, bob]
grants:
  - paths: ["/"]
    who: [maintainers]
policy:
  who: [maintainers]
  threshold: 1
snapshots:
  who: [forge-bot]
  max-age: "7d"
)") + kServerRefRules + extra)
        .str();
  }

  void pushed(const std::string& args) const {
    auto r = push(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  // A commit by alice on main, pushed (the server signs a new snapshot).
  std::string land(const std::string& file, const std::string& branch = "main") {
    work.write(file, file + "\n");
    std::string c = work.commit("add " + file, &alice);
    pushed("HEAD:" + branch);
    return c;
  }
  void mirror_syncs() const { sb.sh("git -C " + quote(mirror) + " fetch -q --prune origin"); }
  void mirror_sets(const std::string& ref, const std::string& id) const {
    sb.sh("git -C " + quote(mirror) + " update-ref " + ref + " " + id);
  }
  std::string srv_ref(const std::string& ref) const { return server_ref(ref); }
  Run fetch(const std::string& env = "") const { return cli(env + "git fetch", client); }
  // A commit of alice's pushed to the mirror only (it authenticates, but no
  // snapshot of the server names it); the mirror signs a snapshot of it
  // with `key`, and the client fetches.
  Run mirror_signs_its_own(const Key& key, const std::string& env = "") {
    work.write("src/m2.c", "m2\n");
    work.commit("m2", &alice);
    work.git("push -q " + quote(mirror) + " main");
    mirror_snapshot(key, env);
    auto r = fetch();
    INFO(r.err);
    return r;
  }
  // The mirror signs a snapshot of what it holds with `key` (under `env`,
  // e.g. a WARDEN_TEST_NOW clock); returns its id.
  std::string mirror_snapshot(const Key& key, const std::string& env = "") const {
    auto forged = cli(env + "git warden snapshot --key " + quote(key.private_path), mirror);
    INFO(forged.err);
    REQUIRE(forged.status == 0);
    return sb.sh("git -C " + quote(mirror) + " rev-parse refs/warden/snapshot");
  }
  std::string tracking(const std::string& branch) const { return client_ref("refs/remotes/origin/" + branch); }
  // The client's value of `ref`, or "" if it has none.
  std::string client_ref(const std::string& ref) const {
    auto r = sb.run("git rev-parse -q --verify " + quote(ref), client);
    return r.status == 0 ? r.out.substr(0, 40) : "";
  }
  // The counter of the snapshot commit `id` (the mirror holds every one).
  int counter_of(const std::string& id) const {
    std::string json = sb.sh("git -C " + quote(mirror) + " show " + id + ":snapshot.json");
    size_t at = json.find("\"counter\": ");
    REQUIRE(at != std::string::npos);
    return std::stoi(json.substr(at + 11));
  }
};

}  // namespace test
