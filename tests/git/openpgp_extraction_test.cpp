// OpenPGP signatures are taken from a commit as git takes them and read as
// gpg reads them: a differential test against `git verify-commit` (git
// 2.39 with gpg 2.2) on crafted variants of one gpg-signed commit's gpgsig
// header. gpg reads armor with CRLF line ends, armor headers and trailing
// whitespace (real commits are signed so: some signing tools write CRLF);
// warden must accept what git + gpg accept, and refuse what they refuse.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "signatures/commit_signature.hpp"
#include "support/gpg.hpp"
#include "warden/openpgp_cert.hpp"
#include "warden/repository.hpp"

using test::quote;

namespace {

struct PgpLab {
  test::Sandbox sb;
  test::Gpg gpg{sb};
  test::Repo repo{sb};
  const test::PgpKey& alice = gpg.key("alice");
  std::string raw;  // the signed commit object

  PgpLab() {
    repo.write("f", "x\n");
    std::string c = gpg.commit(repo, "signed", alice);
    raw = repo.git("cat-file commit " + c) + "\n";
  }

  // The gpgsig header: its first line and continuation lines.
  std::string signature_lines() const {
    size_t start = raw.find("\ngpgsig ") + 1;
    size_t end = raw.find("\n\n", start) + 1;
    return raw.substr(start, end - start);
  }

  // `object` written as is; whether git + gpg and warden take its signature.
  std::pair<bool, bool> judge(const std::string& object) {
    sb.write_file(sb.dir() + "/.object", object);
    std::string id = repo.git("hash-object -t commit -w --literally " + quote(sb.dir() + "/.object"));
    auto git = sb.run(gpg.env() + "git verify-commit " + id, repo.path());
    auto r = warden::Repository::open(repo.path());
    REQUIRE(r.ok());
    auto data = r->read_commit(*warden::ObjectId::from_hex(id));
    REQUIRE(data.ok());
    warden::SignatureChecker checker;
    auto sig = checker.check(*data);
    INFO("git: " << git.err << "\nwarden: " << sig.problem);
    bool ours = false;
    if (sig.kind == warden::SignatureKind::openpgp) {
      auto cert = warden::OpenPgpCert::parse(gpg.cert(alice));
      REQUIRE(cert.ok());
      ours = (*cert)->check(*sig.openpgp).good();
    }
    return {git.status == 0, ours};
  }
};

// Each line of the header's value changed by `edit` (the first line is
// "gpgsig -----BEGIN ...", the others begin with the continuation space).
std::string each_line(const std::string& lines, const std::function<std::string(const std::string&)>& edit) {
  std::string out;
  size_t at = 0;
  while (at < lines.size()) {
    size_t nl = lines.find('\n', at);
    out += edit(lines.substr(at, nl - at)) + "\n";
    at = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("OpenPGP signature extraction: armor variants get git and gpg's verdict", "[signature][openpgp][differential]") {
  PgpLab lab;
  const std::string sig = lab.signature_lines();
  auto with = [&](const std::string& lines) {
    std::string out = lab.raw;
    out.replace(out.find(sig), sig.size(), lines);
    return out;
  };
  // After the BEGIN line, before the blank line that ends the headers.
  auto with_armor_header = [&](const std::string& header) {
    std::string lines = sig;
    size_t begin_end = lines.find('\n') + 1;
    lines.insert(begin_end, " " + header + "\n");
    return lines;
  };
  std::string crlf = each_line(sig, [](const std::string& l) { return l + "\r"; });
  std::string trailing = each_line(sig, [](const std::string& l) { return l + "  "; });
  std::string flipped = sig;
  flipped[flipped.find("\n ", flipped.find("\n \n") + 3) + 5] ^= 0x01;  // a byte of the base64 body

  struct Case {
    std::string name;
    std::string object;
    bool git_verifies;  // what git + gpg do, as observed
  };
  const std::vector<Case> cases = {
      {"unchanged", lab.raw, true},
      {"CRLF line ends on every signature line", with(crlf), true},
      {"CRLF and an armor header", with(each_line(with_armor_header("Comment: made elsewhere"),
                                                  [](const std::string& l) { return l + "\r"; })),
       true},
      {"an armor header", with(with_armor_header("Version: GnuPG v2")), true},
      {"trailing spaces on every line", with(trailing), true},
      {"a byte of the body changed", with(flipped), false},
      // The two bytes of the digest a signature packet repeats in the
      // clear are a quick check only: gpg verifies the signature over
      // the whole digest whatever they say (GitHub's web-flow key made
      // such signatures from 2017 to 2021; Guix accepts them too).
      {"a wrong quick-check digest prefix", test::with_signature_packet(lab.raw, [](std::string& p, size_t body) {
         size_t hashed = (static_cast<uint8_t>(p[body + 4]) << 8) | static_cast<uint8_t>(p[body + 5]);
         size_t at = body + 6 + hashed;
         size_t unhashed = (static_cast<uint8_t>(p[at]) << 8) | static_cast<uint8_t>(p[at + 1]);
         at += 2 + unhashed;
         p[at] = 't';
         p[at + 1] = 'r';
       }),
       true},
      {"a CR in the author line", [&] {
         std::string o = lab.raw;
         o.replace(o.find("\ncommitter "), 1, "\r\n");
         return o;
       }(),
       false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto [git_ok, warden_ok] = lab.judge(c.object);
    CHECK(git_ok == c.git_verifies);
    CHECK(warden_ok == git_ok);
  }
}
