// The signed payload and signature are extracted as git extracts them: a
// differential test against `git verify-commit` on crafted header
// variants. warden may refuse more than git (a second header starting with
// "gpgsig"), never less.
#include <catch2/catch.hpp>

#include "support/history.hpp"
#include "support/people.hpp"
#include "signatures/commit_signature.hpp"

using namespace test;

namespace {

struct Lab : People {
  Repo repo{sb};
  std::string raw;  // the signed commit object

  Lab() {
    sb.write_file(sb.dir() + "/allowed", "alice " + alice.public_line + "\n");
    repo.git("config gpg.ssh.allowedSignersFile " + quote(sb.dir() + "/allowed"));
    repo.git("config i18n.commitEncoding ISO-8859-1");
    repo.write("f", "x\n");
    std::string c = repo.commit("signed", &alice);
    raw = repo.git("cat-file commit " + c) + "\n";
  }

  // Writes `object` as is and asks both git and warden whether its
  // signature verifies.
  std::pair<bool, bool> judge(const std::string& object) {
    sb.write_file(sb.dir() + "/.object", object);
    std::string id = repo.git("hash-object -t commit -w --literally " + quote(sb.dir() + "/.object"));
    bool git_ok = repo.git_run("verify-commit " + id).status == 0;
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r.ok());
    auto data = r->read_commit(*warden::ObjectId::from_hex(id));
    REQUIRE(data.ok());
    warden::SignatureChecker checker;
    auto sig = checker.check(*data);
    INFO(sig.problem);
    return {git_ok, sig.kind == warden::SignatureKind::ssh};
  }

  std::string replace(const std::string& from, const std::string& to) const {
    std::string out = raw;
    size_t at = out.find(from);
    REQUIRE(at != std::string::npos);
    return out.replace(at, from.size(), to);
  }
  // The signature header lines (the "gpgsig" line and its continuations).
  std::string signature_lines() const {
    size_t start = raw.find("\ngpgsig ") + 1;
    size_t end = raw.find("\n\n", start) + 1;
    return raw.substr(start, end - start);
  }
};

}  // namespace

TEST_CASE("signature extraction: crafted headers get git's verdict", "[signature][differential]") {
  Lab lab;
  struct Case {
    std::string name;
    std::string object;
    bool git_verifies;   // what git does, as observed
    bool warden_accepts; // what warden must do
  };
  std::string sig = lab.signature_lines();
  std::string sig_cr;
  for (size_t i = 0; i < sig.size(); ++i) sig_cr += sig[i] == '\n' ? std::string("\r\n") : std::string(1, sig[i]);
  std::string sig_tab = sig;
  sig_tab[sig_tab.find("\n ") + 1] = '\t';
  std::string sig_empty_cont = sig;
  sig_empty_cont.insert(sig_empty_cont.find("\n ") + 1, " \n");
  std::string without_sig = lab.replace(sig, "");

  std::vector<Case> cases = {
      {"unchanged", lab.raw, true, true},
      {"encoding header renamed gpgsigencoding", lab.replace("\nencoding ", "\ngpgsigencoding "), false, false},
      {"carriage returns on the signature lines", lab.replace(sig, sig_cr), false, false},
      {"a tab instead of a continuation space", lab.replace(sig, sig_tab), false, false},
      {"an empty continuation line", lab.replace(sig, sig_empty_cont), true, true},
      {"encoding moved after the signature", without_sig.replace(without_sig.find("\n\n"), 1, "\n" + sig), true, true},
      {"a CR added to the author line", lab.replace("\ncommitter ", "\r\ncommitter "), false, false},
      {"a second gpgsig header (git concatenates them)", lab.replace(sig, sig + sig), true, false},
      {"a gpgsig-sha256 header besides", lab.replace(sig, sig + "gpgsig-sha256 x\n"), true, false},
      {"a byte of the message changed", lab.replace("\n\nsigned", "\n\nSigned"), false, false},
      {"a NUL byte appended to the message", lab.raw + std::string("\0x\n", 3), false, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto [git_ok, warden_ok] = lab.judge(c.object);
    CHECK(git_ok == c.git_verifies);
    CHECK(warden_ok == c.warden_accepts);
    CHECK_FALSE((warden_ok && !git_ok));
  }
}

TEST_CASE("signature extraction: a signed message with a NUL byte verifies, as in git", "[signature]") {
  Lab lab;
  std::string body = lab.replace(lab.signature_lines(), "");
  body.replace(body.find("\n\nsigned"), 8, std::string("\n\nsigned\0with a NUL", 19));
  lab.sb.write_file(lab.sb.dir() + "/.payload", body);
  lab.sb.run("rm -f .payload.sig");
  lab.sb.sh("ssh-keygen -q -Y sign -n git -f " + quote(lab.alice.private_path) + " .payload");
  std::string armored = lab.sb.read_file(lab.sb.dir() + "/.payload.sig");
  while (!armored.empty() && armored.back() == '\n') armored.pop_back();
  std::string header = "gpgsig ";
  for (char ch : armored) header += ch == '\n' ? std::string("\n ") : std::string(1, ch);
  header += "\n";
  std::string object = body;
  object.insert(object.find("\n\n") + 1, header);
  auto [git_ok, warden_ok] = lab.judge(object);
  CHECK(git_ok);
  CHECK(warden_ok);
}
