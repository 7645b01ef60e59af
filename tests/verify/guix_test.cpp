// Guix mode: the scenarios of guix/git-authenticate.scm and Guix's own
// tests (tests/git-authenticate.scm), with keys made by the real gpg and
// commits signed by the real git. Messages read like Guix's.
#include <catch2/catch.hpp>

#include "support/guix_world.hpp"
#include "warden/guix_authorizations.hpp"

using test::GuixWorld;

TEST_CASE("guix: a signed history from the introduction is authenticated", "[guix]") {
  GuixWorld w;
  w.change("a", w.alice);
  w.change("b", w.bob);
  auto report = w.verify();
  REQUIRE(report.authenticated);
  REQUIRE(report.verdicts.size() == 2);
  CHECK(report.verdicts[1].signer == w.fpr(w.bob));
  CHECK(report.verdicts[1].key_fingerprint == w.bob.fingerprint);
}

TEST_CASE("guix: an unsigned commit is refused", "[guix]") {
  GuixWorld w;
  w.change("a", w.alice);
  w.repo.write("b", "b");
  std::string c = w.repo.commit("unsigned", nullptr);
  w.refused(c, "unsigned", "commit " + c + " lacks a signature");
}

TEST_CASE("guix: a key in the keyring but not authorized is refused", "[guix]") {
  GuixWorld w;
  std::string c = w.change("a", w.charlie);
  w.refused(c, "authorization", "commit " + c + " not signed by an authorized key: " + w.fpr(w.charlie));
}

TEST_CASE("guix: a key missing from the keyring is refused", "[guix]") {
  GuixWorld w;
  const auto& mallory = w.gpg.key("mallory");
  std::string c = w.change("a", mallory);
  w.refused(c, "signature", "could not authenticate commit " + c + ": key " + w.fpr(mallory) + " is missing");
}

TEST_CASE("guix: SHA-1 signatures only on commits without .guix-authorizations, MD5 never", "[guix]") {
  GuixWorld w;
  const auto& olga = w.gpg.key("olga", "rsa2048");
  w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &olga});
  w.authorize({&w.alice, &w.bob, &olga});
  w.gpg.commit(w.repo, "authorize olga", w.alice);
  std::string sha1 = w.gpg.program("--digest-algo SHA1");
  SECTION("on a commit that carries .guix-authorizations: refused") {
    std::string c = w.change("a", olga, sha1);
    w.refused(c, "signature", "commit " + c + " has a sha1 signature, which is not strong enough");
  }
  SECTION("MD5, never, even on a commit without .guix-authorizations") {
    w.repo.remove(".guix-authorizations");
    std::string c = w.gpg.commit(w.repo, "md5", olga, w.gpg.program("--digest-algo MD5 --allow-weak-digest-algos"));
    w.refused(c, "signature", "commit " + c + " has a md5 signature, which is not strong enough");
  }
  SECTION("on a commit without it (Guix's pre-2020 history): accepted; its child fails for the removal") {
    w.repo.remove(".guix-authorizations");
    std::string removal = w.gpg.commit(w.repo, "old-style commit", olga, sha1);
    w.accepted();
    std::string next = w.change("b", w.alice);
    w.refused(next, "removal", "commit " + removal + " attempts to remove '.guix-authorizations' file");
  }
}

TEST_CASE("guix: DSA keys sign as in Guix, and an algorithm neither verifies is named with its key", "[guix][dsa]") {
  GuixWorld w;
  const auto& dana = w.gpg.key("dana", "dsa2048");
  w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &dana});
  w.authorize({&w.alice, &w.bob, &dana});
  w.gpg.commit(w.repo, "authorize dana", w.alice);
  std::string c = w.change("a", dana);
  SECTION("a 2048-bit DSA key: accepted") {
    auto report = w.verify();
    REQUIRE(report.authenticated);
    CHECK(report.verdicts.back().key_fingerprint == dana.fingerprint);
  }
  SECTION("ElGamal: refused, naming the algorithm and the key") {
    std::string raw = w.repo.git("cat-file commit " + c) + "\n";
    std::string odd = w.repo.write_commit_object(test::with_signature_algorithm(raw, 16));
    w.repo.git("update-ref refs/heads/main " + odd);
    w.refused(odd, "signature",
              "commit " + odd + " has an unsupported signature algorithm (ElGamal), by key " + w.fpr(dana));
  }
}

TEST_CASE("guix: emptied authorizations authorize nobody after them", "[guix]") {
  GuixWorld w;
  w.repo.write(".guix-authorizations", "(authorizations (version 0) ())\n");
  w.gpg.commit(w.repo, "nobody", w.alice);
  w.accepted();
  std::string c = w.change("a", w.alice);
  w.refused(c, "authorization", "commit " + c + " not signed by an authorized key: " + w.fpr(w.alice));
}

TEST_CASE("guix: an unauthorized side-branch commit merged by an authorized key is refused", "[guix]") {
  GuixWorld w;
  w.repo.git("checkout -q -b side");
  std::string side = w.change("side", w.charlie);
  w.repo.git("checkout -q main");
  w.change("main", w.alice);
  w.gpg.merge(w.repo, "side", w.alice);
  w.refused(side, "authorization", "commit " + side + " not signed by an authorized key: " + w.fpr(w.charlie));
}

TEST_CASE("guix: an authorized merge that adds a signer, then that signer's commit", "[guix]") {
  GuixWorld w;
  w.repo.git("checkout -q -b side");
  w.authorize({&w.alice, &w.bob, &w.charlie});
  w.gpg.commit(w.repo, "authorize charlie", w.alice);
  w.repo.git("checkout -q main");
  w.change("main", w.bob);
  SECTION("merged by alice: charlie may sign after the merge") {
    w.gpg.merge(w.repo, "side", w.alice);
    w.change("charlie", w.charlie);
    w.accepted();
  }
  SECTION("merged by charlie: refused, main's side does not authorize charlie (intersection)") {
    std::string m = w.gpg.merge(w.repo, "side", w.charlie);
    w.refused(m, "authorization", "commit " + m + " not signed by an authorized key: " + w.fpr(w.charlie));
  }
}

TEST_CASE("guix: removing .guix-authorizations fails at the next commit, naming the removal", "[guix]") {
  GuixWorld w;
  w.repo.remove(".guix-authorizations");
  std::string removal = w.gpg.commit(w.repo, "remove authorizations", w.alice);
  std::string next = w.change("a", w.alice);
  w.refused(next, "removal", "commit " + removal + " attempts to remove '.guix-authorizations' file");
}

TEST_CASE("guix: the introduction must be signed by the given signer", "[guix]") {
  GuixWorld w;
  w.change("a", w.alice);
  SECTION("signed by another key") {
    auto report = w.verify("HEAD", "keyring", "", &w.bob);
    CHECK_FALSE(report.authenticated);
    CHECK(test::run_refusal(report) == "initial commit " + w.intro + " is signed by '" + w.fpr(w.alice) + "' instead of '" +
                                w.fpr(w.bob) + "'");
  }
  SECTION("unsigned") {
    w.repo.git("checkout -q --orphan other");
    std::string unsigned_intro = w.repo.commit("unsigned introduction", nullptr);
    w.change("b", w.alice);
    auto report = w.verify("HEAD", "keyring", unsigned_intro);
    CHECK_FALSE(report.authenticated);
    CHECK(test::run_refusal(report) == "commit " + unsigned_intro + " lacks a signature");
  }
}

TEST_CASE("guix: a target that does not descend from the introduction is refused", "[guix]") {
  GuixWorld w;
  w.change("a", w.alice);
  w.repo.git("checkout -q --orphan elsewhere");
  std::string other = w.change("b", w.alice);
  auto report = w.verify(other);
  CHECK_FALSE(report.authenticated);
  CHECK(test::run_refusal(report) == "commit " + other + " is not a descendant of introductory commit " + w.intro);
}

TEST_CASE("guix: the keyring may live on origin/keyring or a channel's keyring-reference", "[guix]") {
  GuixWorld w;
  w.change("a", w.bob);
  SECTION("origin/keyring") {
    w.repo.git("update-ref refs/remotes/origin/keyring keyring");
    w.repo.git("update-ref -d refs/heads/keyring");
    auto report = w.verify("HEAD", "origin/keyring");
    CHECK(report.authenticated);
    auto r = w.cli("git warden verify --guix --introduction " + w.intro + " --signer " + w.alice.fingerprint);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("keyring branch origin/keyring"));
  }
  SECTION("(keyring-reference \"my-keys\") in .guix-channel") {
    w.repo.git("update-ref refs/heads/my-keys keyring");
    w.repo.git("update-ref -d refs/heads/keyring");
    w.repo.write(".guix-channel", "(channel\n (version 0)\n (keyring-reference \"my-keys\"))\n");
    w.gpg.commit(w.repo, "channel file", w.alice);
    auto r = w.cli("git warden verify --guix --introduction " + w.intro + " --signer '" + w.fpr(w.alice) + "'");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("keyring branch my-keys"));
  }
}

// Guix's OpenPGP code checks no expiry, revocation or subkey binding
// (guix/openpgp.scm: "does _not_ perform sanity checks on self-signatures,
// subkey binding signatures"): such a signature passes, with a warning
// naming what Guix ignores; --strict refuses it.
TEST_CASE("guix: a key expired or revoked when it signed passes as in Guix, with a warning: --strict refuses",
          "[guix]") {
  GuixWorld w;
  const auto& eve = w.gpg.key("eve", "ed25519", false, "20250101T000000");
  const auto& rex = w.gpg.key("rex");
  std::string old_keyring = w.gpg.snapshot();
  std::string c, why;
  SECTION("expired") {
    w.gpg.set_expiry(eve, "20260501T000000", "2026-06-01");
    w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &eve});
    w.authorize({&w.alice, &w.bob, &eve});
    w.gpg.commit(w.repo, "authorize eve", w.alice);
    c = w.change("late", eve, w.gpg.program("", old_keyring));
    why = "expired on 2026-06-01";
  }
  SECTION("revoked") {
    w.gpg.revoke(rex);
    w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &rex});
    w.authorize({&w.alice, &w.bob, &rex});
    w.gpg.commit(w.repo, "authorize rex", w.alice);
    c = w.change("after-revocation", rex, w.gpg.program("", old_keyring));
    why = "is revoked";
  }
  std::string after = w.change("after-it", w.alice);
  auto report = w.verify();
  CHECK(report.authenticated);
  const warden::Verdict* warned = nullptr;
  for (const auto& v : report.verdicts)
    if (!v.warnings.empty()) warned = &v;
  REQUIRE(warned != nullptr);
  CHECK(warned->commit.hex() == c);
  CHECK_THAT(warned->warnings[0], Catch::Contains(why));
  CHECK_THAT(warned->warnings[0], Catch::Contains("Guix ignores key expiry, revocation and subkey bindings"));

  auto strict = w.verify("HEAD", "keyring", "", nullptr, /*strict=*/true);
  CHECK_FALSE(strict.authenticated);
  const auto* v = test::first_refusal(strict);
  REQUIRE(v != nullptr);
  CHECK(v->commit.hex() == c);
  CHECK(v->rule_name() == "signature");
  CHECK_THAT(v->reason(), Catch::Contains(why));
  CHECK_THAT(v->reason(), Catch::Contains("--strict"));
  (void)after;
}

TEST_CASE("guix: the command line, git config, and the cache of authenticated tips", "[guix][cli][e2e]") {
  GuixWorld w;
  for (int i = 0; i < 3; ++i) w.change("f" + std::to_string(i), i % 2 ? w.bob : w.alice);
  SECTION("no introduction anywhere") {
    auto r = w.cli("git warden verify --guix");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("guix.authentication.introduction-commit"));
  }
  SECTION("given on the command line, then remembered in git config as Guix does; the second run is cached") {
    // --no-cache neither reads the cache nor fills it.
    auto uncached = w.cli("git warden verify --guix --no-cache --introduction " + w.intro + " --signer " +
                          w.alice.fingerprint);
    REQUIRE(uncached.status == 0);
    CHECK_THAT(uncached.out, Catch::Contains("3 commits checked, 4 signatures verified"));
    auto first = w.cli("git warden verify --guix --introduction " + w.intro + " --signer " + w.alice.fingerprint);
    INFO(first.err);
    REQUIRE(first.status == 0);
    CHECK_THAT(first.out, Catch::Contains("3 commits checked, 4 signatures verified"));
    CHECK(w.repo.git("config guix.authentication.introduction-commit") == w.intro);
    auto second = w.cli("git warden verify --guix");
    INFO(second.err);
    REQUIRE(second.status == 0);
    CHECK_THAT(second.out, Catch::Contains("0 commits checked, 0 signatures verified"));
    w.change("f9", w.alice);
    auto third = w.cli("git warden verify --guix --json");
    REQUIRE(third.status == 0);
    CHECK_THAT(third.out, Catch::Contains("\"signatures_verified\":1"));
  }
  SECTION("from git config; a refusal exits 1 with Guix's sentence") {
    w.repo.git("config guix.authentication.introduction-commit " + w.intro);
    w.repo.git("config guix.authentication.introduction-signer '" + w.fpr(w.alice) + "'");
    std::string c = w.change("bad", w.charlie);
    auto r = w.cli("git warden verify --guix");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("commit " + c + " not signed by an authorized key: " + w.fpr(w.charlie)));
  }
}

TEST_CASE("guix: policy import writes an equivalent warden policy", "[guix][cli][e2e]") {
  GuixWorld w;
  w.change("a", w.bob);
  auto r = w.cli("git warden policy import guix");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::string policy = w.sb.read_file(w.repo.path() + "/.warden/policy.yml");
  CHECK_THAT(policy, Catch::Contains("alice:\n    keys: [\"openpgp:" + w.alice.fingerprint + "\"]"));
  CHECK_THAT(policy, Catch::Contains("bob:\n    keys: [\"openpgp:" + w.bob.fingerprint + "\"]"));
  CHECK_THAT(policy, !Catch::Contains("charlie"));
  CHECK(w.cli("git warden policy check").status == 0);
  auto again = w.cli("git warden policy import guix");
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains(".warden/policy.yml exists; pass --force to replace it"));
  // Move the channel to warden: the import, signed by alice, is the anchor.
  std::string anchor = w.gpg.commit(w.repo, "move to warden", w.alice);
  w.change("b", w.bob);
  auto v = w.cli("git warden verify --anchor " + anchor + ":" + w.alice.fingerprint);
  INFO(v.err);
  CHECK(v.status == 0);
  w.change("c", w.charlie);
  auto refused = w.cli("git warden verify --anchor " + anchor + ":" + w.alice.fingerprint);
  CHECK(refused.status == 1);
  CHECK(refused.err.find("\"change c\": change not signed by any key the policy lists to a protected path [rule "
                         "unsigned; signer key not in policy (OpenPGP ") != std::string::npos);
}

TEST_CASE("guix: .guix-authorizations is read strictly, with the line of each problem", "[guix][parser]") {
  auto ok = warden::parse_guix_authorizations(
      ";; comment\n(authorizations\n (version 0)\n ((\"3CE4 6455 8A84 FDC6 9DB4  0CFB 090B 1199 3D9A EBB5\"\n   (name "
      "\"alice\"))\n  (\"0123456789abcdef0123456789abcdef01234567\")))\n");
  REQUIRE(ok);
  REQUIRE(ok->keys.size() == 2);
  CHECK(ok->keys[0].fingerprint == "3CE464558A84FDC69DB40CFB090B11993D9AEBB5");
  CHECK(ok->keys[0].name == "alice");
  CHECK(ok->keys[1].fingerprint == "0123456789ABCDEF0123456789ABCDEF01234567");
  auto problem = [](const std::string& text) {
    auto r = warden::parse_guix_authorizations(text);
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(problem("(authorizations (version 1) ())") == "line 1: unsupported version 1 (Guix reads version 0)");
  CHECK(problem("(authorisations (version 0) ())") ==
        "line 1: expected (authorizations (version 0) ((\"FINGERPRINT\" (name \"...\")) ...))");
  CHECK(problem("(authorizations (version 0)\n ((\"ABCD\")))") ==
        "line 2: 'ABCD' is not an OpenPGP v4 fingerprint (40 hex digits)");
  CHECK(problem("(authorizations (version 0) (\n\n(\"unterminated)))") == "line 3: unterminated string");
  CHECK(problem("(authorizations (version 0) ()") == "line 1: unclosed '('");
  CHECK(problem("") == "line 1: empty file; expected (authorizations (version 0) ((\"FINGERPRINT\" (name \"...\")) ...))");
}

TEST_CASE("guix: a replace ref or a shallow clone is refused as in policy mode (the same whole-run checks)",
          "[guix][history][attack]") {
  // The attack (issue 27): a mirror serves refs/replace/<good> -> <evil>, so
  // git users see other content than was authenticated. Guix mode looked
  // only at the objects.
  GuixWorld w;
  std::string good = w.change("a", w.alice);
  w.repo.write("a", "evil");
  std::string evil = w.repo.commit("evil", nullptr);
  w.repo.git("reset -q --hard " + good);
  w.repo.git("replace " + good + " " + evil);
  auto report = w.verify();
  CHECK_FALSE(report.authenticated);
  CHECK(test::run_refusal(report).find("refs/replace/" + good + " replaces commit " + good.substr(0, 10) +
                            " in the history being verified") != std::string::npos);
}

// Guix's keyring holds the primary key and every subkey each as its own
// record (keyring-insert in guix/openpgp.scm); the signature's issuer finds
// the record of the key that signed, and authenticate-commit compares that
// key's fingerprint with .guix-authorizations. So a channel whose committer
// signs with a subkey lists the subkey (Guix's own file does, with the
// primary in a comment), and a list naming only the primary refuses it.
TEST_CASE("guix: a subkey's signature is authorized by the subkey's fingerprint, as in Guix", "[guix][subkey]") {
  test::GuixWorld w;
  const auto& dave = w.gpg.key("dave", "ed25519", /*subkey=*/true);
  REQUIRE_FALSE(dave.subkey.empty());
  w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &w.charlie, &dave});
  std::string sub = w.fpr(test::PgpKey{"", dave.subkey, "", ""});
  std::string primary = w.fpr(dave);
  auto authorize = [&](const std::string& dave_line) {
    w.repo.write(".guix-authorizations",
                 "(authorizations\n (version 0)\n ((\"" + w.fpr(w.alice) + "\" (name \"alice\"))\n  (" + dave_line +
                     " (name \"dave\"))))\n");
    return w.gpg.commit(w.repo, "authorize dave", w.alice);
  };

  SECTION("listed by the subkey, with the primary in a comment as Guix's own file has it") {
    authorize(";; primary: \"" + primary + "\"\n   \"" + sub + "\"");
    std::string c = w.change("dave.txt", dave);
    auto report = w.verify();
    INFO(warden::refusal_reason(report));
    CHECK(report.authenticated);
    REQUIRE(report.verdicts.size() == 2);
    CHECK(report.verdicts[1].commit.hex() == c);
    CHECK(report.verdicts[1].signer == sub);
  }
  SECTION("listed by the primary only: refused, naming the subkey that signed and its primary") {
    authorize("\"" + primary + "\"");
    std::string c = w.change("dave.txt", dave);
    w.refused(c, "authorization",
              "commit " + c + " not signed by an authorized key: " + sub + " (a subkey of " + primary + ")");
  }
  SECTION("the introduction's signer is the subkey that signed it") {
    authorize("\"" + sub + "\"");
    std::string intro = w.change("dave.txt", dave);
    test::PgpKey by_subkey{"dave", dave.subkey, "", ""};
    auto report = w.verify("HEAD", "keyring", intro, &by_subkey);
    INFO(warden::refusal_reason(report));
    CHECK(report.authenticated);
    auto by_primary = w.verify("HEAD", "keyring", intro, &dave);
    CHECK_FALSE(by_primary.authenticated);
    CHECK(warden::refusal_reason(by_primary) == "initial commit " + intro + " is signed by '" + sub + "' (a subkey of " +
                                                  primary + ") instead of '" + primary + "'");
  }
}

TEST_CASE("guix: policy import finds a certificate by the subkey the authorizations list", "[guix][subkey][cli][e2e]") {
  test::GuixWorld w;
  const auto& dave = w.gpg.key("dave", "ed25519", /*subkey=*/true);
  w.keyring("refs/heads/keyring", {&w.alice, &w.bob, &w.charlie, &dave});
  std::string sub = w.fpr(test::PgpKey{"", dave.subkey, "", ""});
  w.repo.write(".guix-authorizations", "(authorizations\n (version 0)\n ((\"" + w.fpr(w.alice) +
                                           "\" (name \"alice\"))\n  (;; primary: \"" + w.fpr(dave) + "\"\n   \"" +
                                           sub + "\" (name \"dave\"))))\n");
  w.gpg.commit(w.repo, "authorize dave by his subkey", w.alice);
  auto r = w.cli("git warden policy import guix");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.err, !Catch::Contains("no certificate"));
  CHECK_THAT(r.out, Catch::Contains("warden: " + sub + " (dave) is a subkey of " + w.fpr(dave) +
                                    ": the policy names that certificate, so each of its signing keys signs for dave "
                                    "(Guix accepts the subkey only)"));
  CHECK_THAT(r.out, Catch::Contains("(2 people) and 2 certificates"));
  std::string policy = w.sb.read_file(w.repo.path() + "/.warden/policy.yml");
  CHECK_THAT(policy, Catch::Contains("dave:\n    keys: [\"openpgp:" + dave.fingerprint + "\"]"));
  CHECK(w.sb.read_file(w.repo.path() + "/.warden/keys/" + dave.fingerprint + ".asc").find("BEGIN PGP PUBLIC KEY") !=
        std::string::npos);
  auto check = w.cli("git warden policy check");
  INFO(check.err);
  CHECK(check.status == 0);
  // dave's subkey signs for him under the imported policy too.
  std::string anchor = w.gpg.commit(w.repo, "move to warden", w.alice);
  w.change("d", dave);
  auto v = w.cli("git warden verify --anchor " + anchor + ":" + w.alice.fingerprint);
  INFO(v.err);
  CHECK(v.status == 0);
}

// Guix reads both files with Scheme's `read` and looks at the first datum
// only: quotes, character literals and fields it does not know are data,
// and whatever follows the first datum is never read.
TEST_CASE("guix: channel files are read as Guix's read reads them", "[guix][parser]") {
  const std::string fpr = "3CE4 6455 8A84 FDC6 9DB4  0CFB 090B 1199 3D9A EBB5";
  auto authorizations = [](const std::string& text) {
    auto r = warden::parse_guix_authorizations(text);
    INFO(text << "\n" << (r ? "" : r.error().message));
    REQUIRE(r);
    REQUIRE(r->keys.size() == 1);
    return r->keys[0];
  };
  auto quoted = authorizations("(authorizations (version 0) ((\"" + fpr + "\" (name 'alice) (since `(2020 ,x ,@y)))))");
  CHECK(quoted.fingerprint == "3CE464558A84FDC69DB40CFB090B11993D9AEBB5");
  CHECK(quoted.name.empty());  // (name 'alice) is not a string: Guix ignores the field, so does warden
  authorizations("(authorizations (version 0) ((\"" + fpr + "\" (name \"a\") #\\) #\\space #t)) (extra ignored))");
  // What follows the first datum, even unbalanced, is never read.
  authorizations("(authorizations (version 0) ((\"" + fpr + "\"))) trailing ) text (\"unterminated");

  auto keyring = [](const std::string& text) {
    auto r = warden::guix_keyring_reference(text);
    INFO(text << "\n" << (r ? "" : r.error().message));
    REQUIRE(r);
    return *r;
  };
  CHECK(keyring("(channel (version 0) (name 'mychannel) (keyring-reference \"keys\"))") == std::optional<std::string>("keys"));
  CHECK(keyring("(channel\n (version 0)\n (dependencies (channel (name 'x) (url \"u\")))\n (news-file \"news.txt\"))") ==
        std::nullopt);
  CHECK(keyring("(channel (version 0) (keyring-reference \"k\")) (garbage") == std::optional<std::string>("k"));
  auto channel_problem = [](const std::string& text) {
    auto r = warden::guix_keyring_reference(text);
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(channel_problem("(channel (version 1))") == "line 1: unsupported '.guix-channel' version");
  CHECK(channel_problem("(chanel (version 0))") == "line 1: invalid '.guix-channel' file");
  CHECK(channel_problem(";; nothing\n") == "line 1: invalid '.guix-channel' file (it holds no datum)");
}
