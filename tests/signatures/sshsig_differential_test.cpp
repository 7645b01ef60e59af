// Differential test against OpenSSH: for every key type ssh-keygen can
// generate here, 50 random payloads are signed with `ssh-keygen -Y sign`
// and checked both by `ssh-keygen -Y verify` and by warden, unchanged and
// with one byte flipped. The two verifiers must agree on every case.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <random>
#include <sstream>

#include "support/sandbox.hpp"
#include "signatures/sshsig.hpp"

namespace {

constexpr int kPayloads = 50;

}  // namespace

TEST_CASE("warden agrees with ssh-keygen -Y verify on random payloads", "[sshsig][differential]") {
  const char* types[] = {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa"};
  for (const char* type : types) {
    DYNAMIC_SECTION("key type " << type) {
      test::Sandbox sb;
      const auto& k = sb.key("signer", type);
      auto key = warden::SshPublicKey::parse_line(k.public_line);
      REQUIRE(key.ok());
      sb.write_file(sb.dir() + "/allowed", "signer " + k.public_line + "\n");

      std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>()(type)));
      std::vector<std::string> payloads, namespaces;
      std::string script;
      for (int i = 0; i < kPayloads; ++i) {
        std::string p(rng() % 4096, '\0');
        for (char& c : p) c = static_cast<char>(rng() & 0xff);
        payloads.push_back(p);
        namespaces.push_back(i % 5 == 4 ? "other" : "git");
        sb.write_file(fmt::format("{}/p{}", sb.dir(), i), p);
        std::string flipped = p.empty() ? std::string("x") : p;
        flipped[rng() % flipped.size()] ^= static_cast<char>(1 << (rng() % 8));
        sb.write_file(fmt::format("{}/f{}", sb.dir(), i), flipped);
        // Sign p<i>; verify p<i> and f<i> in namespace git; print 1/0 each.
        script += fmt::format(
            "ssh-keygen -q -Y sign -n {ns} -f {key} p{i} || exit 1; "
            "ssh-keygen -Y verify -f allowed -I signer -n git -s p{i}.sig < p{i} >/dev/null 2>&1 && echo 1 || echo 0; "
            "ssh-keygen -Y verify -f allowed -I signer -n git -s p{i}.sig < f{i} >/dev/null 2>&1 && echo 1 || echo 0;\n",
            fmt::arg("ns", namespaces.back()), fmt::arg("key", test::quote(k.private_path)), fmt::arg("i", i));
      }
      sb.write_file(sb.dir() + "/run.sh", script);
      std::istringstream openssh(sb.sh("sh run.sh"));

      int agreed = 0, accepted = 0;
      for (int i = 0; i < kPayloads; ++i) {
        INFO("payload " << i << " namespace " << namespaces[i]);
        auto sig = warden::parse_sshsig(sb.read_file(fmt::format("{}/p{}.sig", sb.dir(), i)));
        REQUIRE(sig.ok());
        std::string flipped = sb.read_file(fmt::format("{}/f{}", sb.dir(), i));
        int ssh_good = -1, ssh_flipped = -1;
        openssh >> ssh_good >> ssh_flipped;
        bool ours_good = warden::verify_sshsig(*sig, **key, payloads[i], "git").ok();
        bool ours_flipped = warden::verify_sshsig(*sig, **key, flipped, "git").ok();
        CHECK(ours_good == (ssh_good == 1));
        CHECK(ours_flipped == (ssh_flipped == 1));
        CHECK(ours_good == (namespaces[i] == "git"));
        CHECK_FALSE(ours_flipped);
        agreed += (ours_good == (ssh_good == 1)) && (ours_flipped == (ssh_flipped == 1));
        accepted += ours_good;
      }
      CHECK(agreed == kPayloads);
      CHECK(accepted == kPayloads - kPayloads / 5);
    }
  }
}
