// Build attestations (DESIGN section 6): k of n builders of the policy
// must sign the same digest for each output of a commit, checked offline
// by `git warden verify-build`, from the notes or from an exported
// evidence file. Real keys (ssh-keygen and gpg, as git signs), the real
// command line; each way a statement could be made to count when it must
// not is refused, with what the user sees.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "attest/envelope.hpp"
#include "signatures/base64.hpp"
#include "support/history.hpp"
#include "support/people.hpp"
#include "support/pgp_world.hpp"

namespace {

using Json = nlohmann::json;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kHello = "/nix/store/0c8q0dd5dxwnyb5r1ia2q6hmq3rfxqrk-hello-2.12.1";
const std::string kX = "sha256:" + std::string(64, 'a');
const std::string kY = "sha256:" + std::string(64, 'b');

// alice maintains; builder-a, builder-b and builder-c (two keys) build,
// 2 of them must agree; dave is in the policy but builds nothing that
// counts; mallory is in no policy.
struct BuildWorld : test::People {
  const test::Key& ba;
  const test::Key& bb;
  const test::Key& bc;
  const test::Key& bc2;
  const test::Key& dave;
  test::Repo repo;
  std::string anchor, c;

  BuildWorld()
      : ba(sb.key("builder-a")), bb(sb.key("builder-b")), bc(sb.key("builder-c")), bc2(sb.key("builder-c2")),
        dave(sb.key("dave")), repo(sb) {
    repo.write(".warden/policy.yml", test::PolicyText()
                                         .person("alice", {&alice})
                                         .person("dave", {&dave})
                                         .person("builder-a", {&ba})
                                         .person("builder-b", {&bb})
                                         .person("builder-c", {&bc, &bc2})
                                         .section(R"(grants:
  - paths: ["/"]
    who: [alice]
policy:
  who: [alice]
  threshold: 1
builders:
  who: [builder-a, builder-b, builder-c]
  threshold: 2
)")
                                         .str());
    repo.write("hello.c", "int main(void) { return 0; }\n");
    anchor = repo.commit("anchor", &alice);
    repo.write("hello.c", "int main(void) { return 1; }\n");
    c = repo.commit("hello 2.12.1", &alice);
  }

  test::Run warden(const std::string& args) const {
    return sb.run(fmt::format("PATH={}:$PATH git warden {}", test::quote(WARDEN_BIN_DIR), args), repo.path());
  }
  // `key` attests a build of `rev` with these outputs.
  void attests(const test::Key& key, const std::string& outputs, const std::string& rev = "") {
    auto r = warden(fmt::format("attest build {} --key {} {}", rev.empty() ? c : rev, test::quote(key.private_path),
                                outputs));
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  test::Run verify_build(const std::string& args = "") const {
    return warden(fmt::format("verify-build {} --anchor {}:{} {}", c, anchor, alice.fingerprint, args));
  }
  std::string note() const { return repo.git("notes --ref warden show " + c); }
  void set_note(const std::string& text) const {
    sb.write_file(sb.dir() + "/note.txt", text);
    repo.git("notes --ref warden add -f -F " + test::quote(sb.dir() + "/note.txt") + " " + c);
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// The envelope line with the first occurrence of `from` in its statement
// replaced by `to`; the signature is left as it was.
std::string tampered(const std::string& line, const std::string& from, const std::string& to) {
  Json j = Json::parse(line);
  auto payload = warden::base64_decode(j["payload"].get<std::string>());
  REQUIRE(payload);
  auto at = payload->find(from);
  REQUIRE(at != std::string::npos);
  payload->replace(at, from.size(), to);
  j["payload"] = warden::base64_encode(*payload);
  return j.dump();
}

}  // namespace

TEST_CASE("verify-build: k of n builders agree, or the commit is refused", "[builds][e2e]") {
  BuildWorld w;
  std::string hello = "--output " + kHello + "=" + kX;

  SECTION("threshold met") {
    w.attests(w.ba, hello);
    w.attests(w.bb, hello + " --platform x86_64-linux");
    auto r = w.verify_build();
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(has(r.out, "2 of builder-a, builder-b, builder-c must agree"));
    CHECK(has(r.out, "ok      " + kHello + ": " + kX + " by builder-a and builder-b"));
    auto asked = w.verify_build("--output " + kHello + "=" + kX);
    CHECK(asked.status == 0);
    auto learn = w.verify_build("--output " + kHello);
    CHECK(learn.status == 0);
    auto three = w.verify_build("--threshold 3");
    CHECK(three.status == 1);
    CHECK(has(three.err, "fewer than 3 builders agree on every output"));
    auto other = w.verify_build("--output " + kHello + "=" + kY);
    CHECK(other.status == 1);
    CHECK(has(other.out, "FAIL    " + kHello + ": nobody attested " + kY));
  }
  SECTION("threshold not met: one builder, an output nobody built") {
    w.attests(w.ba, hello);
    auto r = w.verify_build();
    CHECK(r.status == 1);
    CHECK(has(r.out, "FAIL    " + kHello + ": fewer than 2 builders agree"));
    CHECK(has(r.out, kX + " by builder-a"));
    w.attests(w.bb, hello);
    auto missing = w.verify_build("--output " + kHello + " --output hello.tar.gz");
    CHECK(missing.status == 1);
    CHECK(has(missing.out, "MISSING hello.tar.gz: no builder of the policy attested it"));
  }
  SECTION("two builders disagree: a reproducibility failure, naming each side") {
    w.attests(w.ba, hello);
    w.attests(w.bc, "--output " + kHello + "=" + kY);
    auto r = w.verify_build();
    CHECK(r.status == 1);
    CHECK(has(r.out, kX + " by builder-a"));
    CHECK(has(r.out, kY + " by builder-c"));
    CHECK(has(r.out, "the builders disagree: the build is not reproducible"));
    // A third builder breaks the tie: 2 of 3 agree, the dissent is shown.
    w.attests(w.bb, hello);
    auto two = w.verify_build("--json");
    CHECK(two.status == 0);
    Json j = Json::parse(two.out);
    CHECK(j["met"] == true);
    CHECK(j["outputs"][0]["agreed"] == kX);
    CHECK(j["outputs"][0]["reproducible"] == false);
    CHECK(j["outputs"][0]["digests"][kY] == Json::array({"builder-c"}));
  }
  SECTION("the same builder twice, with two keys, counts once; a builder signing both digests counts for none") {
    w.attests(w.bc, hello);
    w.attests(w.bc2, hello);
    auto r = w.verify_build();
    CHECK(r.status == 1);
    CHECK(has(r.out, kX + " by builder-c\n"));
    w.attests(w.ba, hello);
    REQUIRE(w.verify_build().status == 0);
    w.attests(w.ba, "--output " + kHello + "=" + kY);  // builder-a now says both
    auto both = w.verify_build();
    CHECK(both.status == 1);
    CHECK(has(both.out, "builder-a signed several digests for it and count for none"));
  }
  SECTION("builders not in builders.who, or in no policy, are ignored") {
    w.attests(w.ba, hello);
    w.attests(w.dave, hello);
    w.attests(w.mallory, hello);
    auto r = w.verify_build();
    CHECK(r.status == 1);
    CHECK(has(r.err, "ignored: dave's build attestation: dave is not in builders.who"));
    CHECK(has(r.err, "ignored: a build attestation signed by a key not in the policy (" + w.mallory.fingerprint + ")"));
  }
  SECTION("an attestation of another commit, or with a tampered digest, counts for nothing") {
    w.attests(w.ba, hello);
    w.attests(w.bb, hello, w.anchor);  // builder-b built the anchor
    std::string of_anchor = w.repo.git("notes --ref warden show " + w.anchor);
    w.set_note(w.note() + "\n" + of_anchor);  // copied onto c
    auto copied = w.verify_build();
    CHECK(copied.status == 1);
    CHECK(has(copied.err, fmt::format("builder-b's build attestation is of commit {}, not of {}", w.anchor.substr(0, 10),
                                      w.c.substr(0, 10))));
    // builder-c signed Y; the mirror rewrites it to X.
    w.repo.git("notes --ref warden remove " + w.c);
    w.attests(w.ba, hello);
    w.attests(w.bc, "--output " + kHello + "=" + kY);
    std::string rewritten;
    for (const auto& line : lines_of(w.note())) {
      auto payload = warden::base64_decode(Json::parse(line)["payload"].get<std::string>());
      REQUIRE(payload);
      bool says_y = has(*payload, std::string(64, 'b'));
      rewritten += (says_y ? tampered(line, std::string(64, 'b'), std::string(64, 'a')) : line) + "\n";
    }
    w.set_note(rewritten);
    auto r = w.verify_build();
    CHECK(r.status == 1);
    CHECK(has(r.err, "ignored: a build attestation with a bad signature"));
    CHECK(has(r.out, kX + " by builder-a\n"));
  }
}

TEST_CASE("verify-build: a revoked builder's attestation of an older commit counts for nothing", "[builds][e2e][attack]") {
  // The attack (issue 27): builder-a's key is revoked on main; a thief
  // signs a build of the older commit c (whose policy does not revoke it
  // yet) with a backdoored digest. The clone has main pinned.
  BuildWorld w;
  std::string hello = "--output " + kHello + "=" + kX;
  w.attests(w.bb, hello);
  std::string policy = w.repo.git("show HEAD:.warden/policy.yml");
  w.repo.write(".warden/policy.yml", policy + "\nrevoked:\n  - key: \"" + w.ba.public_line +
                                         "\"\n    reason: \"builder-a's key leaked\"\n");
  std::string revoking = w.repo.commit("revoke builder-a", &w.alice);
  w.repo.git("update-ref refs/warden/pins/remotes/origin/main " + revoking);
  SECTION("refused: only builder-b's attestation counts") {
    w.attests(w.ba, hello);
    auto r = w.verify_build();
    INFO(r.out + r.err);
    CHECK(r.status == 1);
    CHECK(has(r.out, "fewer than 2 builders agree"));
    CHECK(has(r.out + r.err, "builder-a's build attestation is signed by a revoked key (" + w.ba.fingerprint + ")"));
  }
  SECTION("without the revocation the same two attestations agree") {
    w.repo.git("update-ref -d refs/warden/pins/remotes/origin/main");
    w.attests(w.ba, hello);
    CHECK(w.verify_build().status == 0);
  }
}

TEST_CASE("verify-build: evidence files round-trip and are refused when edited", "[builds][e2e]") {
  BuildWorld w;
  std::string hello = "--output " + kHello + "=" + kX;
  w.attests(w.ba, hello);
  w.attests(w.bb, hello);
  w.attests(w.bc, "--output " + kHello + "=" + kY);  // dissent: not part of the evidence
  std::string file = w.sb.dir() + "/evidence.json";
  auto exported = w.verify_build("--export-evidence " + test::quote(file));
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  Json evidence = Json::parse(w.sb.read_file(file));
  CHECK(evidence["type"] == "urn:warden:evidence:build:v1");
  CHECK(evidence["commit"] == w.c);
  CHECK(evidence["statements"].size() == 2);

  // Without the notes (a client that only has the commit and the file).
  w.repo.git("update-ref -d refs/notes/warden");
  auto offline = w.verify_build("--evidence " + test::quote(file));
  INFO(offline.out + offline.err);
  CHECK(offline.status == 0);
  CHECK(has(offline.out, "by builder-a and builder-b"));
  auto gone = w.verify_build();  // and the notes are really gone
  CHECK(gone.status == 1);
  CHECK(has(gone.err, "warden: refused: no builder of the policy attested any output"));

  auto write = [&](const Json& j) {
    std::string edited = w.sb.dir() + "/edited.json";
    w.sb.write_file(edited, j.dump());
    return w.verify_build("--evidence " + test::quote(edited));
  };
  SECTION("a digest edited") {
    Json e = evidence;
    e["statements"][0] = Json::parse(tampered(e["statements"][0].dump(), std::string(64, 'a'), std::string(64, 'c')));
    auto r = write(e);
    CHECK(r.status == 1);
    CHECK(has(r.err, "holds a statement that counts for nothing: a build attestation with a bad signature"));
  }
  SECTION("a statement dropped: the threshold is no longer met") {
    Json e = evidence;
    e["statements"].erase(1);
    auto r = write(e);
    CHECK(r.status == 1);
    CHECK(has(r.err, "fewer than 2 builders agree"));
  }
  SECTION("evidence of another commit") {
    Json e = evidence;
    e["commit"] = w.anchor;
    auto r = write(e);
    CHECK(r.status == 1);
    CHECK(has(r.err, "is evidence for commit " + w.anchor));
  }
  SECTION("not an evidence file") {
    auto r = write(Json::array({1, 2}));
    CHECK(r.status == 1);
    CHECK(has(r.err, "is not a warden build evidence file"));
  }
}

TEST_CASE("verify-build: an unauthenticated commit's builds mean nothing", "[builds][e2e]") {
  BuildWorld w;
  w.repo.write("hello.c", "evil\n");
  std::string evil = w.repo.commit("unsigned", nullptr);
  auto a = w.warden(fmt::format("attest build {} --key {} --output {}={}", evil, test::quote(w.ba.private_path), kHello, kX));
  REQUIRE(a.status == 0);
  auto r = w.warden(fmt::format("verify-build {} --anchor {}:{}", evil, w.anchor, w.alice.fingerprint));
  CHECK(r.status == 1);
  CHECK(has(r.err, "does not authenticate"));
}

TEST_CASE("attest build: outputs from a file as sha256sum prints them, or NAME=ALGO:HEX", "[builds][e2e]") {
  BuildWorld w;
  w.sb.write_file(w.sb.dir() + "/outputs.txt", "# built on x86_64-linux\n" + std::string(64, 'a') + "  hello.tar.gz\n" +
                                                   kHello + "=" + kX + "\n\n");
  w.attests(w.ba, "--from " + test::quote(w.sb.dir() + "/outputs.txt"));
  w.attests(w.bb, "--output hello.tar.gz=sha256:" + std::string(64, 'A') + " --output " + kHello + "=" + kX);
  auto r = w.verify_build("--json");
  INFO(r.err);
  CHECK(r.status == 0);
  Json j = Json::parse(r.out);
  CHECK(j["outputs"].size() == 2);

  auto bad = w.warden("attest build HEAD --key " + test::quote(w.ba.private_path) + " --output x=sha256:abcd");
  CHECK(bad.status == 2);
  CHECK(has(bad.err, "a sha256 digest has 64 hex digits, not 4"));
  auto twice = w.warden("attest build HEAD --key " + test::quote(w.ba.private_path) + " --output x=" + kX +
                        " --output x=" + kY);
  CHECK(twice.status == 2);
  CHECK(has(twice.err, "output 'x' is given twice"));
  auto none = w.warden("attest build HEAD --key " + test::quote(w.ba.private_path));
  CHECK(none.status == 2);
  INFO(none.err);
  CHECK(has(none.err, "--output"));
}

TEST_CASE("verify-build: OpenPGP builders (gpg, as git signs) count like SSH ones", "[builds][openpgp][e2e]") {
  test::PgpWorld w;
  const test::PgpKey& b1 = w.gpg.key("b1");
  const test::PgpKey& b2 = w.gpg.key("b2");
  w.repo.write(".warden/policy.yml",
               test::PolicyText()
                   .person_lines("alice", {"openpgp:" + w.alice.fingerprint})
                   .person_lines("b1", {"openpgp:" + b1.fingerprint})
                   .person_lines("b2", {"openpgp:" + b2.fingerprint})
                   .section("grants:\n  - paths: [\"/\"]\n    who: [alice]\npolicy:\n  who: [alice]\n  threshold: 1\n"
                            "builders:\n  who: [b1, b2]\n  threshold: 2\n")
                   .str());
  w.write_cert(w.alice);
  w.write_cert(b1);
  w.write_cert(b2);
  w.anchor = w.gpg.commit(w.repo, "anchor", w.alice);
  auto run = [&](const std::string& cmd) {
    return w.sb.run(w.gpg.env() + "PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH " + cmd, w.repo.path());
  };
  for (const test::PgpKey* k : {&b1, &b2}) {
    auto r = run("git -c gpg.format=openpgp warden attest build HEAD --key " + k->signing + " --output " + kHello + "=" + kX);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  auto r = run("git warden verify-build HEAD --anchor " + w.anchor + ":" + w.alice.fingerprint);
  INFO(r.out + r.err);
  CHECK(r.status == 0);
  CHECK(has(r.out, "by b1 and b2"));
}
