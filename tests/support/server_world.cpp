#include "support/server_world.hpp"

#include <catch2/catch.hpp>

namespace test {

const char* to_string(Transport t) {
  switch (t) {
    case Transport::file: return "file://";
    case Transport::daemon: return "git daemon";
    case Transport::http: return "smart HTTP";
  }
  return "?";
}

ServerWorld::ServerWorld(Transport t, bool install)
    : srv(sb.dir() + "/srv.git"),
      work(sb, "work") {
  sb.sh("git init -q --bare -b main " + quote(srv));
  sb.sh("git -C " + quote(srv) + " config http.receivepack true");
  work.write(".warden/policy.yml", standard_policy(alice, bob, carol, kServerRefRules));
  work.write("src/main.c", "int main(void) { return 0; }\n");
  work.write("docs/index.md", "# Docs\n");
  anchor = work.commit("anchor", &alice);
  switch (t) {
    case Transport::file: url = "file://" + srv; break;
    case Transport::daemon:
      daemon = std::make_unique<GitDaemon>(sb, sb.dir());
      url = daemon->url("srv.git");
      break;
    case Transport::http:
      http = std::make_unique<HttpBackend>(sb, sb.dir());
      url = http->url("srv.git");
      break;
  }
  if (!install) return;
  Run trust = cli("git warden trust --anchor " + anchor + ":" + alice.fingerprint, srv);
  INFO(trust.err);
  REQUIRE(trust.status == 0);
  install_hook();
  Run first = push("main");
  INFO(first.err);
  REQUIRE(first.status == 0);
  REQUIRE(server_ref("refs/heads/main") == anchor);
}

Run ServerWorld::cli(const std::string& cmd, const std::string& cwd) const {
  return sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, cwd);
}

void ServerWorld::install_hook(const std::string& flags) const {
  Run r = cli("git warden install --server " + flags, srv);
  INFO(r.err);
  REQUIRE(r.status == 0);
}

Run ServerWorld::push(const std::string& args) const { return cli("git push " + quote(url) + " " + args, work.path()); }

std::string ServerWorld::server_ref(const std::string& ref) const {
  Run r = sb.run("git -C " + quote(srv) + " rev-parse -q --verify " + quote(ref));
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.status == 0 ? r.out : "";
}

void ServerWorld::signed_tag(const std::string& name, const Key& key, const std::string& target) const {
  work.git("-c user.signingkey=" + quote(key.private_path) + " tag -s " + quote(name) + " -m " + quote("release " + name) +
           " " + quote(target));
}

}  // namespace test
