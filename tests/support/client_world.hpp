// A bare remote that an attacker writes to directly (no server hook), the
// upstream work tree that writes to it, and a client made with
// `git warden clone`, for tests with real `git fetch` and `git pull`.
#pragma once

#include <catch2/catch.hpp>

#include "support/history.hpp"
#include "support/people.hpp"

namespace test {

// A bare remote, the upstream work tree that writes to it, and a client
// made with `git warden clone`.
struct ClientWorld : People {
  std::string remote;
  Repo upstream;
  std::string anchor;
  std::string client;

  // `policy_extra`: more sections of the standard policy (ref rules, say).
  explicit ClientWorld(const std::string& policy_extra = "") : remote(sb.dir() + "/remote.git"), upstream(sb, "upstream") {
    sb.sh("git init -q --bare -b main " + quote(remote));
    upstream.write(".warden/policy.yml", standard_policy(alice, bob, carol, policy_extra));
    upstream.write("src/main.c", "int main(void) { return 0; }\n");
    upstream.write("docs/index.md", "# Docs\n");
    anchor = upstream.commit("anchor", &alice);
    upstream.write("docs/a.md", "a\n");
    upstream.commit("carol documents", &carol);
    publish("main");
    client = sb.dir() + "/client";
    auto r = cli("git warden clone " + quote("file://" + remote) + " client --anchor " + anchor_arg(), sb.dir());
    INFO(r.err);
    REQUIRE(r.status == 0);
    git("config user.name Client");
    git("config user.email client@example.org");
  }

  std::string anchor_arg() const { return anchor + ":" + alice.fingerprint; }
  Run cli(const std::string& cmd, const std::string& cwd) const {
    return sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, cwd);
  }
  Run in_client(const std::string& cmd) const { return cli(cmd, client); }
  std::string git(const std::string& args) const {
    auto r = in_client("git " + args);
    INFO("git " << args << ": " << r.err);
    REQUIRE(r.status == 0);
    while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }
  // The attacker (or maintainer) writes straight to the remote.
  void publish(const std::string& refspec) const { upstream.git("push -q --force " + quote(remote) + " " + refspec); }
  std::string client_ref(const std::string& ref) const {
    auto r = in_client("git rev-parse -q --verify " + ref);
    while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.status == 0 ? r.out : "";
  }
  std::string pin(const std::string& branch) const { return client_ref("refs/warden/pins/remotes/origin/" + branch); }
};

}  // namespace test
