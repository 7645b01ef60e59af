// The in-process commit and SSH signer of the test support against the
// real tools: what Repo::commit makes without git must be what `git add -A
// && git commit -S` makes (same tree, same text but for the signature),
// and its signatures must verify with `git verify-commit` and
// `ssh-keygen -Y verify`. Every test that builds history through
// Repo::commit relies on this.
#include <catch2/catch.hpp>

#include "support/history.hpp"
#include "support/in_process_git.hpp"
#include "support/ssh_signer.hpp"

using test::quote;

namespace {

// The commit object without its signature header, and without its parent
// lines (an ECDSA signature differs each time it is made, and with it the
// ids of the commits after it).
std::string without_signature(const std::string& raw) {
  std::string out;
  bool in_sig = false, in_headers = true;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find('\n', pos);
    if (eol == std::string::npos) eol = raw.size() - 1;
    std::string line = raw.substr(pos, eol - pos + 1);
    pos = eol + 1;
    if (in_headers && line == "\n") in_headers = false;
    if (in_headers && line.rfind("parent ", 0) == 0) continue;
    if (in_headers && line.rfind("gpgsig ", 0) == 0) {
      in_sig = true;
      continue;
    }
    if (in_sig && line.rfind(" ", 0) == 0) continue;
    in_sig = false;
    out += line;
  }
  return out;
}

}  // namespace

TEST_CASE("in-process commits are the commits git makes, and their signatures verify with git", "[in-process][differential]") {
  test::Sandbox sb;
  const auto& ed = sb.key("alice");
  const auto& ec = sb.key("bob", "ecdsa-256");
  sb.write_file(sb.dir() + "/allowed", "alice " + ed.public_line + "\nbob " + ec.public_line + "\n");
  test::Repo mine(sb, "mine"), theirs(sb, "theirs");
  for (const auto* r : {&mine, &theirs}) r->git("config gpg.ssh.allowedSignersFile " + quote(sb.dir() + "/allowed"));

  // The same steps in both: files added, changed, made executable,
  // removed, a symlink, an empty commit, a message git cleans up.
  auto step = [&](const test::Repo& r, int i) {
    if (i == 0) {
      r.write("a.txt", "a\n");
      r.write("dir/b.txt", "b\n");
      r.write(".gitignore", "ignored/\n");
      r.write("ignored/secret", "not committed\n");
    } else if (i == 1) {
      r.write("a.txt", "a changed\n");
      sb.sh("chmod +x " + quote(r.path() + "/dir/b.txt"));
      sb.sh("ln -s a.txt " + quote(r.path() + "/link"));
    } else if (i == 2) {
      sb.sh("rm " + quote(r.path() + "/dir/b.txt"));
    }
  };
  const char* messages[] = {"first", "second\n\n\nwith a body   \n\n", "third: a removal", "# not a comment here"};
  const test::Key* signers[] = {&ed, &ec, nullptr, &ed};
  for (int i = 0; i < 4; ++i) {
    INFO("step " << i);
    step(mine, i);
    step(theirs, i);
    auto made = test::commit_in_process(mine.path(), messages[i], signers[i]);
    REQUIRE(made.has_value());
    theirs.git("add -A");
    std::string key = signers[i] ? "-c user.signingkey=" + quote(signers[i]->private_path) + " " : "";
    theirs.git(key + "commit -q --allow-empty " + (signers[i] ? "-S " : "") + "-m " + quote(messages[i]));
    std::string git_made = theirs.git("rev-parse HEAD");
    CHECK(mine.git("rev-parse HEAD") == *made);
    CHECK(mine.git("rev-parse HEAD^{tree}") == theirs.git("rev-parse HEAD^{tree}"));
    CHECK(without_signature(mine.git("cat-file commit " + *made) + "\n") ==
          without_signature(theirs.git("cat-file commit " + git_made) + "\n"));
    CHECK(mine.git("status --porcelain").empty());
    if (signers[i] != nullptr) {
      auto verified = mine.git_run("verify-commit " + *made);
      INFO(verified.err);
      CHECK(verified.status == 0);
      CHECK(verified.err.find("Good \"git\" signature for " + signers[i]->name) != std::string::npos);
    } else {
      CHECK(mine.git("cat-file commit " + *made).find("gpgsig") == std::string::npos);
    }
  }

  // Where git must commit itself, the in-process commit steps aside.
  mine.write("a.txt", "hooked\n");
  sb.write_file(mine.path() + "/.git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
  CHECK_FALSE(test::commit_in_process(mine.path(), "with a hook", &ed).has_value());
  CHECK(mine.git("status --porcelain") == " M a.txt");
}

TEST_CASE("in-process SSH signatures verify with ssh-keygen, in any namespace", "[in-process][differential]") {
  test::Sandbox sb;
  for (const char* type : {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521"}) {
    INFO(type);
    const auto& k = sb.key(std::string("k-") + type, type);
    sb.write_file(sb.dir() + "/allowed", "k " + k.public_line + "\n");
    sb.write_file(sb.dir() + "/message", "a message\nof two lines\n");
    auto sig = test::ssh_sign(k.private_path, "file", sb.read_file(sb.dir() + "/message"));
    REQUIRE(sig.has_value());
    sb.write_file(sb.dir() + "/message.sig", *sig + "\n");
    auto ok = sb.run("ssh-keygen -Y verify -f allowed -I k -n file -s message.sig < message");
    INFO(ok.err);
    CHECK(ok.status == 0);
    auto wrong_namespace = sb.run("ssh-keygen -Y verify -f allowed -I k -n git -s message.sig < message");
    CHECK(wrong_namespace.status != 0);
    CHECK(wrong_namespace.err.find("namespace does not match") != std::string::npos);
  }
  // RSA keys are left to ssh-keygen.
  CHECK_FALSE(test::ssh_sign(sb.key("r", "rsa").private_path, "git", "x").has_value());
}
