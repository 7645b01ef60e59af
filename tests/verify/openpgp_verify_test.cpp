// OpenPGP-signed history (keys made by the real gpg, commits signed by
// the real git): accepted when the policy's certificate says the key could
// sign, refused for expiry, revocation, SHA-1 and malformed signatures.
// Every signature these tests make is also checked by RNP (the oracle in
// support/gpg.cpp) and must get the same verdict from warden's own parser.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/pgp_world.hpp"

using test::PgpWorld;

TEST_CASE("an OpenPGP-signed (ed25519) linear history is accepted", "[openpgp]") {
  PgpWorld w;
  w.start();
  for (int i = 0; i < 4; ++i) w.change("src/f" + std::to_string(i), std::to_string(i), w.alice);
  auto report = w.verify();
  REQUIRE(report.authenticated);
  REQUIRE(report.verdicts.size() == 4);
  for (const auto& v : report.verdicts) {
    CHECK(v.signature == warden::SignatureKind::openpgp);
    CHECK(v.signer == "alice");
    CHECK(v.key_fingerprint == w.alice.fingerprint);
  }
  CHECK(report.signatures_verified == 5);  // the anchor and four commits
}

TEST_CASE("an OpenPGP-signed (RSA 4096) history is accepted, checked one by one or up front", "[openpgp]") {
  PgpWorld w;
  const auto& rob = w.gpg.key("rob", "rsa4096");
  w.start({{"rob", {"openpgp:" + rob.fingerprint}}}, {&rob});
  for (int i = 0; i < 3; ++i) w.change("src/r" + std::to_string(i), std::to_string(i), rob);
  auto one_by_one = w.verify("HEAD", SIZE_MAX);
  auto up_front = w.verify("HEAD", 1);
  CHECK(one_by_one.authenticated);
  CHECK(up_front.authenticated);
  REQUIRE(up_front.verdicts.size() == 3);
  CHECK(up_front.verdicts[0].signer == "rob");
}

TEST_CASE("a signature by a signing subkey resolves to its primary key", "[openpgp]") {
  PgpWorld w;
  const auto& sub = w.gpg.key("sam", "ed25519", /*subkey=*/true);
  REQUIRE(sub.signing != sub.fingerprint + "!");
  w.start({{"sam", {"openpgp:" + sub.fingerprint}}});
  w.write_cert(sub, /*armored=*/false);  // a binary certificate works as well
  w.gpg.commit(w.repo, "sam's certificate", w.alice);
  std::string c = w.change("src/sam.c", "sam", sub);
  auto report = w.verify();
  INFO((test::first_refusal(report) ? test::first_refusal(report)->reason() : warden::refusal_reason(report)));
  REQUIRE(report.authenticated);
  const auto& v = report.verdicts.back();
  CHECK(v.commit.hex() == c);
  CHECK(v.signer == "sam");
  CHECK(v.key_fingerprint == sub.fingerprint);
}

TEST_CASE("a key that had expired when it signed is refused: its earlier signatures stand", "[openpgp]") {
  PgpWorld w;
  const auto& eve = w.gpg.key("eve", "ed25519", false, "20250101T000000");
  w.start({{"eve", {"openpgp:" + eve.fingerprint}}}, {&eve});
  std::string early = w.change("src/early.c", "early", eve, w.gpg.program("--faked-system-time 20260301T000000"));
  std::string old_keyring = w.gpg.snapshot();
  w.gpg.set_expiry(eve, "20260501T000000", "2026-06-01");
  w.write_cert(eve);
  w.gpg.commit(w.repo, "eve's key now expires on 2026-06-01", w.alice);
  w.accepted();
  // gpg itself will not sign with an expired key; a copy of the keyring
  // from before the expiry was set will (as a stolen old key would).
  std::string late = w.change("src/late.c", "late", eve, w.gpg.program("", old_keyring));
  const auto& v = w.refused(late, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("bad signature: key " + eve.fingerprint + " expired on 2026-06-01"));
  CHECK_THAT(v.reason(), Catch::Contains("before the signature was made"));
  CHECK(early != late);
}

TEST_CASE("a revoked key's signatures are refused", "[openpgp]") {
  PgpWorld w;
  const auto& rex = w.gpg.key("rex");
  w.start({{"rex", {"openpgp:" + rex.fingerprint}}}, {&rex});
  w.change("src/rex1.c", "1", rex);
  w.accepted();  // signed before the revocation, under a policy without it
  std::string old_keyring = w.gpg.snapshot();
  w.gpg.revoke(rex);
  w.write_cert(rex);
  w.gpg.commit(w.repo, "rex's key is revoked", w.alice);
  w.accepted();
  std::string c = w.change("src/rex2.c", "2", rex, w.gpg.program("", old_keyring));
  const auto& v = w.refused(c, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("key " + rex.fingerprint + " is revoked"));
  CHECK_THAT(v.reason(), Catch::Contains("voids every signature"));
}

TEST_CASE("a key revoked as superseded: what it signed before counts, what it signed after does not", "[openpgp]") {
  PgpWorld w;
  const auto& sue = w.gpg.key("sue", "ed25519", false, "20250101T000000");
  w.start({{"sue", {"openpgp:" + sue.fingerprint}}}, {&sue});
  std::string old_keyring = w.gpg.snapshot();
  w.gpg.revoke_superseded(sue, 1780272000);  // 2026-06-01 00:00:00 UTC
  w.write_cert(sue);
  w.gpg.commit(w.repo, "sue's key is superseded", w.alice);
  w.change("src/early.c", "early", sue, w.gpg.program("--faked-system-time 20260301T000000", old_keyring));
  w.accepted();
  std::string late = w.change("src/late.c", "late", sue, w.gpg.program("", old_keyring));
  const auto& v = w.refused(late, "signature");
  CHECK_THAT(v.reason(), Catch::Contains("key " + sue.fingerprint + " was revoked (replaced by a new key) on 2026-06-01"));
  CHECK_THAT(v.reason(), Catch::Contains("before the signature was made"));
}

TEST_CASE("OpenPGP signatures over SHA-1 or MD5 digests are refused", "[openpgp]") {
  PgpWorld w;
  const auto& old = w.gpg.key("olga", "rsa2048");
  w.start({{"olga", {"openpgp:" + old.fingerprint}}}, {&old});
  SECTION("SHA-1") {
    std::string c = w.change("src/sha1.c", "sha1", old, w.gpg.program("--digest-algo SHA1"));
    const auto& v = w.refused(c, "signature");
    CHECK(v.reason() == "bad signature: SHA1 signature (refused: SHA-1 is broken)");
  }
  SECTION("MD5") {
    std::string c = w.change("src/md5.c", "md5", old, w.gpg.program("--digest-algo MD5 --allow-weak-digest-algos"));
    const auto& v = w.refused(c, "signature");
    CHECK(v.reason() == "bad signature: MD5 signature (refused: the hash is broken)");
  }
}

TEST_CASE("one person may hold an SSH key and an OpenPGP key", "[openpgp]") {
  PgpWorld w;
  const auto& ssh = w.sb.key("alice-ssh");
  w.start({{"alice", {"openpgp:" + w.alice.fingerprint, ssh.public_line}}});
  w.change("src/pgp.c", "pgp", w.alice);
  w.repo.write("src/ssh.c", "ssh");
  w.repo.git("config gpg.format ssh");
  w.repo.commit("ssh change", &ssh);
  auto report = w.verify();
  REQUIRE(report.authenticated);
  REQUIRE(report.verdicts.size() == 2);
  CHECK(report.verdicts[0].signer == "alice");
  CHECK(report.verdicts[0].signature == warden::SignatureKind::openpgp);
  CHECK(report.verdicts[1].signer == "alice");
  CHECK(report.verdicts[1].signature == warden::SignatureKind::ssh);
}

TEST_CASE("a key whose certificate is not in the tree is not in the policy", "[openpgp]") {
  PgpWorld w;
  const auto& bob = w.gpg.key("bob");
  const auto& mallory = w.gpg.key("mallory");
  w.start({{"bob", {"openpgp:" + bob.fingerprint}}});  // listed, but no certificate
  SECTION("listed without a certificate") {
    std::string c = w.change("src/bob.c", "bob", bob);
    const auto& v = w.refused(c, "unsigned");
    CHECK(v.signer == "key not in policy (OpenPGP " + bob.fingerprint + ")");
  }
  SECTION("not listed at all") {
    std::string c = w.change("src/m.c", "m", mallory);
    const auto& v = w.refused(c, "unsigned");
    CHECK(v.signer == "key not in policy (OpenPGP " + mallory.fingerprint + ")");
  }
  SECTION("not listed, on an unprotected path: accepted like any unauthenticated commit") {
    w.change("drafts/m.txt", "m", mallory);
    w.accepted();
  }
}

TEST_CASE("a malformed or mismatched certificate makes the policy invalid", "[openpgp]") {
  PgpWorld w;
  const auto& bob = w.gpg.key("bob");
  w.start({{"bob", {"openpgp:" + bob.fingerprint}}}, {&bob});
  SECTION("garbage") { w.repo.write(".warden/keys/" + bob.fingerprint + ".asc", "not a certificate\n"); }
  SECTION("another key's certificate") { w.repo.write(".warden/keys/" + bob.fingerprint + ".asc", w.gpg.cert(w.alice)); }
  // policy check reads the certificates beside the policy file too.
  auto check = w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git warden policy check", w.repo.path());
  CHECK(check.status == 1);
  CHECK_THAT(check.err, Catch::Contains(".warden/keys/" + bob.fingerprint + ".asc: "));
  std::string broken = w.gpg.commit(w.repo, "broken certificate", w.alice);
  std::string next = w.change("src/next.c", "next", w.alice);
  auto report = w.verify();
  CHECK_FALSE(report.authenticated);
  const auto* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == next);
  CHECK(v->rule_name() == "policy");
  CHECK_THAT(v->reason(), Catch::Contains(".warden/keys/" + bob.fingerprint + ".asc"));
  CHECK(broken != next);
}

TEST_CASE("tampered and doubled OpenPGP signatures are bad", "[openpgp]") {
  PgpWorld w;
  const auto& bob = w.gpg.key("bob");
  w.start({{"bob", {"openpgp:" + bob.fingerprint}}}, {&bob});
  SECTION("the message changed after signing") {
    std::string c = w.change("src/a.c", "a", w.alice);
    std::string raw = w.repo.git("cat-file commit " + c) + "\n";
    raw.replace(raw.find("change src/a.c"), 14, "change src/b.c");
    std::string tampered = w.repo.write_commit_object(raw);
    w.repo.git("update-ref refs/heads/main " + tampered);
    const auto& v = w.refused(tampered, "signature");
    CHECK(v.reason() == "bad signature: signature does not verify");
  }
  SECTION("two signatures in one block") {
    w.repo.write("src/two.c", "two");
    w.repo.git("add -A");
    std::string program = w.gpg.program("-u " + bob.fingerprint);
    w.sb.sh(w.gpg.env() + "git -c gpg.format=openpgp -c user.signingkey=" + w.alice.fingerprint +
                " -c gpg.program=" + test::quote(program) + " commit -q -S -m two",
            w.repo.path());
    std::string c = w.repo.git("rev-parse HEAD");
    const auto& v = w.refused(c, "signature");
    CHECK(v.reason() == "bad signature: more than one OpenPGP packet in the signature block");
  }
}

TEST_CASE("an OpenPGP anchor is named by its fingerprint, spaces allowed", "[openpgp][anchor]") {
  PgpWorld w;
  w.start();
  w.change("src/x.c", "x", w.alice);
  auto repo = warden::Repository::open(w.repo.path());
  REQUIRE(repo);
  std::string spaced = warden::format_openpgp_fingerprint(w.alice.fingerprint);
  std::string lower;
  for (char c : spaced) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto anchor = warden::parse_anchor(*repo, w.anchor + ":" + lower);
  REQUIRE(anchor);
  CHECK(anchor->fingerprint == w.alice.fingerprint);
  SECTION("an anchor signed by another OpenPGP key is refused") {
    const auto& bob = w.gpg.key("bob");
    auto report = w.repo.verify_fpr(w.anchor, bob.fingerprint);
    CHECK_FALSE(report.authenticated);
    CHECK_THAT(test::run_refusal(report), Catch::Contains("is not signed by the anchor key " + bob.fingerprint));
    CHECK_THAT(test::run_refusal(report),
               Catch::Contains("(signed by OpenPGP key " + w.alice.fingerprint +
                               ", but the anchor commit carries no certificate with the anchor key in its policy's keys)"));
  }
}

namespace {

// The packets of a binary certificate, each with its tag.
std::vector<std::pair<int, std::string>> packets(const std::string& data) {
  std::vector<std::pair<int, std::string>> out;
  for (size_t at = 0; at < data.size();) {
    auto head = static_cast<uint8_t>(data[at]);
    REQUIRE((head & 0x80) != 0);
    size_t len = 0, header = 0;
    int tag = 0;
    if (head & 0x40) {
      tag = head & 0x3F;
      auto o1 = static_cast<uint8_t>(data[at + 1]);
      REQUIRE(o1 < 224);
      if (o1 < 192) len = o1, header = 2;
      else len = ((o1 - 192u) << 8) + static_cast<uint8_t>(data[at + 2]) + 192u, header = 3;
    } else {
      tag = (head >> 2) & 0x0F;
      size_t n = size_t{1} << (head & 3);
      for (size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<uint8_t>(data[at + 1 + i]);
      header = 1 + n;
    }
    out.emplace_back(tag, data.substr(at, header + len));
    at += header + len;
  }
  return out;
}

// `onto` (a binary certificate) followed by the subkeys of `from`, with
// their binding signatures (made by `from`'s primary key).
std::string graft_subkeys(const std::string& onto, const std::string& from) {
  std::string out = onto;
  bool in_subkey = false;
  for (const auto& [tag, bytes] : packets(from)) {
    in_subkey = in_subkey || tag == 14;
    if (in_subkey) out += bytes;
  }
  return out;
}

}  // namespace

TEST_CASE("a subkey grafted onto another primary key's certificate does not sign for it", "[openpgp]") {
  PgpWorld w;
  const auto& bob = w.gpg.key("bob");
  const auto& sub = w.gpg.key("sam", "ed25519", /*subkey=*/true);
  // sam's signing subkey and its binding signature (by sam's primary key,
  // not bob's), appended to bob's certificate.
  std::string graft = graft_subkeys(w.gpg.cert(bob, false), w.gpg.cert(sub, false));
  std::string rule, reason;
  SECTION("bob alone: the subkey is not bound to bob's key") {
    w.start({{"bob", {"openpgp:" + bob.fingerprint}}});
    rule = "signature";
    reason = "is not validly bound to primary key " + bob.fingerprint;
  }
  SECTION("bob and sam: a key in two certificates makes the policy invalid") {
    w.start({{"bob", {"openpgp:" + bob.fingerprint}}, {"sam", {"openpgp:" + sub.fingerprint}}}, {&sub});
    rule = "policy";
    reason = "key " + sub.signing.substr(0, 40) + " is also in the certificate of";
  }
  w.repo.write(".warden/keys/" + bob.fingerprint + ".asc", graft);
  w.gpg.commit(w.repo, "bob's certificate, with sam's subkey grafted on", w.alice);
  std::string c = w.change("src/sam.c", "sam", sub);
  auto report = w.verify();
  CHECK_FALSE(report.authenticated);
  const auto* v = test::first_refusal(report);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == c);
  CHECK(v->rule_name() == rule);
  CHECK_THAT(v->reason(), Catch::Contains(reason));
  if (rule == "policy") {
    // policy check applies the verifier's own rules: it does not call
    // valid a policy the verifier refuses.
    auto check = w.sb.run("PATH=" + test::quote(WARDEN_BIN_DIR) + ":$PATH git warden policy check", w.repo.path());
    CHECK(check.status == 1);
    CHECK_THAT(check.err, Catch::Contains(reason));
  }
}

TEST_CASE("DSA: 2048-bit keys verify, 1024-bit keys are refused as too weak", "[openpgp][dsa]") {
  PgpWorld w;
  const auto& dana = w.gpg.key("dana", "dsa2048");
  const auto& dave = w.gpg.key("dave", "dsa1024");
  w.start({{"dana", {"openpgp:" + dana.fingerprint}}, {"dave", {"openpgp:" + dave.fingerprint}}}, {&dana, &dave});
  std::string good = w.change("src/dana.c", "dana", dana);
  SECTION("2048 bits: accepted, as gpg and Guix accept it") {
    auto report = w.verify();
    REQUIRE(report.authenticated);
    CHECK(report.verdicts.back().signer == "dana");
    CHECK(report.verdicts.back().key_fingerprint == dana.fingerprint);
    // The same signature over other data does not verify.
    std::string raw = w.repo.git("cat-file commit " + good) + "\n";
    raw.replace(raw.find("change src/dana.c"), 17, "change src/dave.c");
    std::string tampered = w.repo.write_commit_object(raw);
    w.repo.git("update-ref refs/heads/main " + tampered);
    const auto& v = w.refused(tampered, "signature");
    CHECK(v.reason() == "bad signature: signature does not verify");
  }
  SECTION("1024 bits: refused, naming the key and its size") {
    // gpg signs with SHA-1 there (q has 160 bits), refused on that
    // account alone; over SHA-256 (truncated to q) for the key's size.
    std::string sha1 = w.change("src/dave.c", "dave", dave);
    CHECK(w.refused(sha1, "signature").reason() == "bad signature: SHA1 signature (refused: SHA-1 is broken)");
    w.repo.git("reset -q --hard HEAD^");
    std::string c = w.change("src/dave.c", "dave", dave, w.gpg.program("--digest-algo SHA256"));
    const auto& v = w.refused(c, "signature");
    CHECK(v.reason() == "bad signature: key " + dave.fingerprint + ": DSA key of 1024 bits is too weak (at least 2048)");
  }
}

TEST_CASE("an algorithm warden does not verify, a certificate it does not hold, a signature that does not verify: "
          "three refusals",
          "[openpgp]") {
  PgpWorld w;
  const auto& mallory = w.gpg.key("mallory");
  w.start();
  std::string c = w.change("src/a.c", "a", w.alice);
  std::string raw = w.repo.git("cat-file commit " + c) + "\n";
  SECTION("ElGamal (16), RFC 9580 Ed25519 (27): named, with the key that claims it") {
    for (auto [algorithm, name] : {std::pair{uint8_t{16}, "ElGamal"}, std::pair{uint8_t{27}, "Ed25519 (RFC 9580)"}}) {
      std::string odd = w.repo.write_commit_object(test::with_signature_algorithm(raw, algorithm));
      w.repo.git("update-ref refs/heads/main " + odd);
      const auto& v = w.refused(odd, "unsigned");
      CHECK(v.reason() == fmt::format("change whose signature warden cannot verify (unsupported signature algorithm "
                                      "({}), by OpenPGP key {}) to a protected path",
                                      name, w.alice.fingerprint));
      CHECK(v.signature == warden::SignatureKind::unsupported);
    }
  }
  SECTION("a certificate the policy does not hold") {
    std::string m = w.change("src/m.c", "m", mallory);
    const auto& v = w.refused(m, "unsigned");
    CHECK(v.reason() == "change not signed by any key the policy lists to a protected path");
    CHECK(v.signer == "key not in policy (OpenPGP " + mallory.fingerprint + ")");
  }
  SECTION("a signature that does not verify: the algorithm byte, which it signs, changed to DSA") {
    std::string odd = w.repo.write_commit_object(test::with_signature_algorithm(raw, 17));
    w.repo.git("update-ref refs/heads/main " + odd);
    const auto& v = w.refused(odd, "signature");
    CHECK(v.reason() == "bad signature: DSA signature by a key of another algorithm (EdDSA)");
  }
}
