// git warden init and policy import allowed-signers, through the command
// line on histories made by the real git, ssh-keygen and gpg: the policy
// written passes policy check, a commit of it signed by a listed person is
// an anchor that verifies, and nobody whose signature does not verify, or
// whom the allowed signers file does not let sign git commits, gets in.
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/gpg.hpp"
#include "support/history.hpp"
#include "support/x509_pki.hpp"

using test::quote;

namespace {

test::Run cli(test::Sandbox& sb, const test::Repo& repo, const std::string& args) {
  return sb.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH " + args, repo.path());
}

// A commit signed with `key` by a committer with this name and e-mail address.
std::string commit_as(const test::Repo& repo, const std::string& name, const std::string& email, const test::Key& key,
                      const std::string& file) {
  repo.write(file, email + "\n");
  repo.git("add -A");
  repo.git("-c user.name=" + quote(name) + " -c user.email=" + email + " -c user.signingkey=" +
           quote(key.private_path) + " commit -q -S -m " + quote("change " + file));
  return repo.git("rev-parse HEAD");
}

}  // namespace

TEST_CASE("init: an SSH-signed history gives a policy that checks, and its signed commit is an anchor that verifies",
          "[init][cli][e2e]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const auto& alice = sb.key("alice");
  const auto& bob = sb.key("bob", "ecdsa-256");
  const auto& mallory = sb.key("mallory");
  commit_as(repo, "Alice Liddell", "alice@example.org", alice, "src/main.c");
  commit_as(repo, "Bob", "bob@example.org", bob, "docs/guide.md");
  // mallory's commit carries a signature in another namespace: it does not
  // verify as a git signature, so her key is evidence of nothing.
  std::string forged = repo.resign(commit_as(repo, "Mallory", "mallory@example.org", mallory, "src/evil.c"), mallory, "file");
  repo.git("update-ref HEAD " + forged);
  repo.git("reset -q --hard");
  repo.write("README", "unsigned\n");
  repo.commit("unsigned", nullptr);
  // alice is in git's allowed signers file; bob signed in the history only.
  sb.write_file(sb.dir() + "/allowed_signers", "alice@example.org " + alice.public_line + "\n");
  repo.git("config gpg.ssh.allowedSignersFile " + quote(sb.dir() + "/allowed_signers"));

  auto init = cli(sb, repo, "git warden init");
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  CHECK(init.out.find("valid policy: 2 people") != std::string::npos);
  CHECK(init.out.find("git warden trust --anchor") != std::string::npos);
  CHECK(init.err.find("looked at 4 commits: 2 signed by a key found, 0 by a certificate that is not here, 0 with an "
                      "unsupported signature, 1 with a signature that does not verify\n") != std::string::npos);
  CHECK(init.err.find("note: 1 commit (" + forged.substr(0, 10) + ") with a signature that does not verify: ") !=
        std::string::npos);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find(alice.public_line.substr(0, 60)) != std::string::npos);
  CHECK(policy.find(bob.public_line.substr(0, 60)) != std::string::npos);
  CHECK(policy.find(mallory.public_line.substr(0, 60)) == std::string::npos);
  // Named from the committer's name, not the e-mail address's local part.
  CHECK(policy.find("  alice-liddell:  # allowed_signers line 1; signed 1 commit") != std::string::npos);
  CHECK(policy.find("# - paths: [\"src/\"]\n  #   who: [alice-liddell]") != std::string::npos);
  CHECK(policy.find("# - paths: [\"docs/\"]\n  #   who: [bob]") != std::string::npos);
  CHECK(cli(sb, repo, "git warden policy check").status == 0);

  // Not again without --force.
  auto again = cli(sb, repo, "git warden init");
  CHECK(again.status == 2);
  CHECK(again.err.find(".warden/policy.yml exists; pass --force to replace it") != std::string::npos);

  std::string anchor = repo.commit("Add the warden policy", &alice);
  auto trust = cli(sb, repo, "git warden trust --anchor " + anchor + ":" + alice.fingerprint);
  INFO(trust.out << trust.err);
  REQUIRE(trust.status == 0);
  commit_as(repo, "Bob", "bob@example.org", bob, "docs/more.md");
  CHECK(cli(sb, repo, "git warden verify").status == 0);
  // mallory is nobody: her next commit, however signed, is refused.
  commit_as(repo, "Mallory", "mallory@example.org", mallory, "src/evil2.c");
  auto refused = cli(sb, repo, "git warden verify");
  CHECK(refused.status == 1);
  CHECK(refused.err.find("\"change src/evil2.c\": change not signed by any key the policy lists to a protected path "
                         "[rule unsigned; signer key not in policy (") != std::string::npos);
}

TEST_CASE("init: OpenPGP signers come in with the certificate from --keyring, and are named when it is missing",
          "[init][cli][e2e][openpgp]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  test::Gpg gpg(sb);
  const auto& carol = gpg.key("carol");
  repo.write("lib/x", "x\n");
  gpg.commit(repo, "signed with OpenPGP", carol);

  auto without = sb.run(gpg.env() + "PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH git warden init", repo.path());
  CHECK(without.status == 2);
  CHECK(without.err.find("whose certificate is not here") != std::string::npos);
  CHECK(without.err.find("found nobody to trust") != std::string::npos);

  sb.write_file(sb.dir() + "/carol.asc", gpg.cert(carol));
  auto init = cli(sb, repo, "git warden init --keyring " + quote(sb.dir() + "/carol.asc"));
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  CHECK(sb.read_file(repo.path() + "/.warden/policy.yml").find("openpgp:" + carol.fingerprint) != std::string::npos);
  CHECK(sb.run("test -s .warden/keys/" + carol.fingerprint + ".asc", repo.path()).status == 0);
  CHECK(cli(sb, repo, "git warden policy check").status == 0);
  std::string anchor = gpg.commit(repo, "Add the warden policy", carol);
  CHECK(cli(sb, repo, "git warden trust --anchor " + anchor + ":" + carol.fingerprint).status == 0);
  CHECK(cli(sb, repo, "git warden verify").status == 0);
}

TEST_CASE("policy import allowed-signers: git signers only, and a bad line is refused with its number",
          "[init][cli][e2e]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const auto& alice = sb.key("alice");
  const auto& bob = sb.key("bob");
  const auto& ca = sb.key("ca");
  const auto& files = sb.key("files");
  std::string file = sb.dir() + "/allowed";
  sb.write_file(file, "# the team\n"
                      "alice@example.org,alice@work.example " + alice.public_line + "\n"
                      "bob@example.org namespaces=\"git,file\",valid-after=\"20240101\" " + bob.public_line + "\n"
                      "*@example.org cert-authority " + ca.public_line + "\n"
                      "backup@example.org namespaces=\"file\" " + files.public_line + "\n");
  auto r = cli(sb, repo, "git warden policy import allowed-signers " + quote(file));
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("line 4 skipped: a certificate authority") != std::string::npos);
  CHECK(r.err.find("line 5 skipped: not allowed to sign in the \"git\" namespace") != std::string::npos);
  CHECK(r.err.find("line 3: valid-after=20240101 is not carried over: the key may sign every commit warden judges")
        != std::string::npos);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find("maintainers: [alice, bob]") != std::string::npos);
  CHECK(policy.find(ca.public_line.substr(0, 60)) == std::string::npos);
  CHECK(policy.find(files.public_line.substr(0, 60)) == std::string::npos);

  sb.write_file(file, "alice@example.org " + alice.public_line + "\nbob@example.org ssh-ed25519 AAAAnotakey\n");
  auto bad = cli(sb, repo, "git warden policy import allowed-signers --force " + quote(file));
  CHECK(bad.status == 2);
  CHECK(bad.err.find("line 2: bad public key") != std::string::npos);

  sb.write_file(file, "backup@example.org namespaces=\"file\" " + files.public_line + "\n");
  auto nobody = cli(sb, repo, "git warden policy import allowed-signers --force " + quote(file));
  CHECK(nobody.status == 2);
  CHECK(nobody.err.find("lists nobody who may sign git commits") != std::string::npos);
}

TEST_CASE("init: an unsigned history with no allowed signers file finds nobody", "[init][cli][e2e]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  repo.write("a", "a\n");
  repo.commit("unsigned", nullptr);
  auto r = cli(sb, repo, "git warden init");
  CHECK(r.status == 2);
  CHECK(r.err.find("found nobody to trust") != std::string::npos);
  CHECK(sb.run("test -e .warden/policy.yml", repo.path()).status != 0);
}

TEST_CASE("init: a signer's suggested paths stop at 12, however wide one commit is", "[init][cli][e2e]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const auto& alice = sb.key("alice");
  for (int i = 0; i < 40; ++i) repo.write("dir" + std::to_string(100 + i) + "/f", "x\n");
  repo.git("add -A");
  repo.git("-c user.email=alice@example.org -c user.signingkey=" + quote(alice.private_path) +
           " commit -q -S -m wide");
  auto r = cli(sb, repo, "git warden init");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  size_t at = policy.find("# - paths: [");
  REQUIRE(at != std::string::npos);
  std::string line = policy.substr(at, policy.find('\n', at) - at);
  CHECK(std::count(line.begin(), line.end(), '"') == 2 * 12);
}

TEST_CASE("init: what it cannot use is listed kind by kind, with the commits of each", "[init][cli][e2e][openpgp]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  test::Gpg gpg(sb);
  const auto& carol = gpg.key("carol");
  const auto& dave = gpg.key("dave", "dsa1024");
  const auto& erin = gpg.key("erin");  // no certificate given
  repo.write("lib/x", "x\n");
  std::string good = gpg.commit(repo, "carol", carol);
  repo.write("lib/d", "d\n");
  std::string weak = gpg.commit(repo, "dave, with a 1024-bit DSA key", dave, gpg.program("--digest-algo SHA256"));
  repo.write("lib/e", "e\n");
  std::string missing = gpg.commit(repo, "erin", erin);
  repo.write("lib/f", "f\n");
  std::string raw = repo.git("cat-file commit " + gpg.commit(repo, "carol again", carol)) + "\n";
  std::string elgamal = repo.write_commit_object(test::with_signature_algorithm(raw, 16));
  // A commit that claims GitHub's web-flow key (GitHub's merge button):
  // carol's packet with its issuer changed to that key.
  const std::string web_flow = "968479A1AFF927E37D1A566BB5690EEEBB952194";
  auto binary = [](const std::string& hex) {
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
  };
  std::string on_elgamal = repo.git("cat-file commit " + elgamal) + "\n";
  on_elgamal.replace(on_elgamal.find("parent ") + 7, 40, elgamal);
  std::string web = repo.write_commit_object(
      test::with_signature_packet(on_elgamal, [&](std::string& p, size_t body) {
        p[body + 2] = 22;  // EdDSA again
        for (const auto& [from, to] : {std::pair{binary(carol.fingerprint), binary(web_flow)},
                                       std::pair{binary(carol.fingerprint.substr(24)), binary(web_flow.substr(24))}})
          for (size_t at = p.find(from); at != std::string::npos; at = p.find(from, at + 1)) p.replace(at, to.size(), to);
      }));
  repo.git("update-ref HEAD " + web);
  repo.git("reset -q --hard");

  sb.write_file(sb.dir() + "/keys.asc", gpg.cert(carol) + gpg.cert(dave));
  auto init = cli(sb, repo, "git warden init --keyring " + quote(sb.dir() + "/keys.asc"));
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  auto id = [](const std::string& c) { return c.substr(0, 10); };
  CHECK(init.err.find("looked at 5 commits: 1 signed by a key found, 2 by a certificate that is not here, 1 with an "
                      "unsupported signature, 1 with a signature that does not verify\n") != std::string::npos);
  CHECK(init.err.find("note: 1 commit (" + id(missing) + ") signed by OpenPGP key " + erin.fingerprint +
                      ", whose certificate is not here: export it") != std::string::npos);
  CHECK(init.err.find("note: 1 commit (" + id(web) + ") signed by GitHub's web-flow key " + web_flow +
                      ": GitHub signs what its web interface makes") != std::string::npos);
  CHECK(init.err.find("note: 1 commit (" + id(elgamal) + ") with an unsupported signature algorithm (ElGamal): warden "
                      "cannot verify them") != std::string::npos);
  CHECK(init.err.find("note: 1 commit (" + id(weak) + ") with a signature that does not verify: key " + dave.fingerprint +
                      ": DSA key of 1024 bits is too weak (at least 2048)") != std::string::npos);
  CHECK(init.err.find("gpg --export " + web_flow) == std::string::npos);  // not asked for
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find("openpgp:" + carol.fingerprint) != std::string::npos);
  CHECK(policy.find("openpgp:" + dave.fingerprint) == std::string::npos);
  CHECK(good != weak);
}

TEST_CASE("init: people are named after their commits' names, else the key's comment, and each key with its own "
          "fingerprint and what it signed",
          "[init][cli][e2e]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const auto& hello = sb.key("hello");     // allowed signers: comment "hello", address me@example.org
  const auto& laptop = sb.key("laptop");   // the same person's second key, which signs
  const auto& jose = sb.key("jose");
  sb.write_file(sb.dir() + "/allowed_signers", "me@example.org " + hello.public_line + "\n" +
                                                   "me@example.org " + laptop.public_line + "\n");
  repo.git("config gpg.ssh.allowedSignersFile " + quote(sb.dir() + "/allowed_signers"));
  commit_as(repo, "Grace Hopper", "me@example.org", laptop, "src/a.c");
  commit_as(repo, "Grace Hopper", "me@example.org", laptop, "src/b.c");
  // A name a policy cannot spell: the e-mail address's local part instead.
  commit_as(repo, "José García", "jgarcia@example.org", jose, "src/c.c");
  auto init = cli(sb, repo, "git warden init");
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find("  grace-hopper:  # allowed_signers line 1; allowed_signers line 2; signed 2 commits") !=
        std::string::npos);
  CHECK(policy.find("  jgarcia:  # signed 1 commit") != std::string::npos);
  CHECK(policy.find("maintainers: [grace-hopper, jgarcia]") != std::string::npos);
  // The key that signed is the one to anchor with, not the first listed.
  CHECK(init.out.find("  grace-hopper     " + hello.fingerprint + "  (allowed_signers line 1)\n") != std::string::npos);
  CHECK(init.out.find("                   " + laptop.fingerprint + "  (signed 2 commits)\n") != std::string::npos);
  CHECK(init.out.find("  jgarcia          " + jose.fingerprint + "  (signed 1 commit)\n") != std::string::npos);

  SECTION("without a history, the key's comment names them") {
    test::Repo empty(sb, "empty");
    empty.git("config gpg.ssh.allowedSignersFile " + quote(sb.dir() + "/allowed_signers"));
    auto r = cli(sb, empty, "git warden policy import allowed-signers " + quote(sb.dir() + "/allowed_signers"));
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(sb.read_file(empty.path() + "/.warden/policy.yml").find("maintainers: [hello]") != std::string::npos);
  }
  SECTION("an address whose local part names no one is named after its own domain, not a mail provider") {
    test::Repo empty(sb, "empty");
    sb.write_file(sb.dir() + "/plain_signers", "me@tionis.dev " + hello.public_line.substr(0, hello.public_line.rfind(' ')) +
                                                   "\nme@gmail.com " + jose.public_line.substr(0, jose.public_line.rfind(' ')) +
                                                   "\n");
    auto r = cli(sb, empty, "git warden policy import allowed-signers " + quote(sb.dir() + "/plain_signers"));
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(sb.read_file(empty.path() + "/.warden/policy.yml").find("maintainers: [tionis, me]") != std::string::npos);
  }
}

TEST_CASE("init: signed merges of unsigned work suggest merges.vouch", "[init][cli][e2e][vouch]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  const auto& alice = sb.key("alice");
  commit_as(repo, "Alice Liddell", "alice@example.org", alice, "src/main.c");
  repo.git("checkout -q -b topic");
  repo.write("src/contrib.c", "x\n");
  repo.commit("an unsigned contribution", nullptr);
  repo.git("checkout -q main");
  repo.git("-c user.email=alice@example.org -c user.signingkey=" + quote(alice.private_path) +
           " merge -q --no-ff -S -m 'Merge the contribution' topic");
  auto init = cli(sb, repo, "git warden init");
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  CHECK(init.err.find("note: 1 signed merge of the history merged commits that no key found signed; the policy "
                      "suggests 'merges: vouch: signed'") != std::string::npos);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find("merges:\n  unsigned: deny\n  # 1 signed merge in the history merged commits") != std::string::npos);
  CHECK(policy.find("  # vouch: signed\n") != std::string::npos);

  SECTION("a history of signed commits alone suggests nothing") {
    test::Repo plain(sb, "plain");
    commit_as(plain, "Alice Liddell", "alice@example.org", alice, "src/main.c");
    auto r = cli(sb, plain, "git warden init");
    REQUIRE(r.status == 0);
    CHECK(r.err.find("vouch") == std::string::npos);
    CHECK(sb.read_file(plain.path() + "/.warden/policy.yml").find("vouch") == std::string::npos);
  }
}

TEST_CASE("init: x509 signers come in as x509: identities naming their CA's file, and verify once it is committed",
          "[init][cli][e2e][x509]") {
  test::Sandbox sb;
  test::Repo repo(sb);
  test::Pki pki(sb);
  std::string corp = pki.ca("corp");
  auto dana = pki.gpgsm_person(corp, "dana@example.org");
  repo.write("src/main.c", "dana\n");
  std::string first = pki.commit(repo, "dana's first", dana);

  auto init = cli(sb, repo, "git warden init");
  INFO(init.out << init.err);
  REQUIRE(init.status == 0);
  std::string policy = sb.read_file(repo.path() + "/.warden/policy.yml");
  CHECK(policy.find("- \"x509:ca=corp-root.pem,email=dana@example.org\"") != std::string::npos);
  CHECK(init.err.find("commit the CA certificate of CN=corp Root,O=corp (PEM) as .warden/keys/corp-root.pem") !=
        std::string::npos);
  // Without the certificate the identity cannot sign: policy check says so.
  auto check = cli(sb, repo, "git warden policy check");
  CHECK(check.err.find("/.warden/keys/corp-root.pem for tester's key x509:ca=corp-root.pem,email=dana@example.org; it cannot sign") != std::string::npos);
  repo.write(".warden/keys/corp-root.pem", sb.read_file(corp));
  CHECK(cli(sb, repo, "git warden policy check").status == 0);
  std::string anchor = pki.commit(repo, "Add the warden policy", dana);
  auto trust = cli(sb, repo, "git warden trust --anchor " + anchor + ":x509:ca=corp-root.pem,email=dana@example.org");
  INFO(trust.out << trust.err);
  REQUIRE(trust.status == 0);
  repo.write("src/main.c", "more\n");
  pki.commit(repo, "dana's second", dana);
  auto verify = cli(sb, repo, "git warden verify --json");
  INFO(verify.out << verify.err);
  CHECK(verify.status == 0);
  CHECK(verify.out.find("\"key\":\"x509:ca=corp-root.pem,email=dana@example.org\"") != std::string::npos);
  (void)first;
}
