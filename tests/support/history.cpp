#include "support/history.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/in_process_git.hpp"
#include "support/ssh_signer.hpp"
#include "warden/repository.hpp"

namespace test {

PolicyText& PolicyText::person(const std::string& name, const std::vector<const Key*>& keys) {
  people_ += "  " + name + ":\n    keys:\n";
  for (const Key* k : keys) people_ += "      - \"" + k->public_line + "\"\n";
  return *this;
}

PolicyText& PolicyText::person_lines(const std::string& name, const std::vector<std::string>& key_lines) {
  people_ += "  " + name + ":\n    keys:\n";
  for (const auto& k : key_lines) people_ += "      - \"" + k + "\"\n";
  return *this;
}

PolicyText& PolicyText::section(const std::string& yaml) {
  rest_ += yaml;
  if (!rest_.empty() && rest_.back() != '\n') rest_ += '\n';
  return *this;
}

std::string PolicyText::str() const { return "version: 1\npeople:\n" + people_ + rest_; }

std::string standard_policy(const Key& alice, const Key& bob, const Key& carol, const std::string& extra,
                            const std::string& unsigned_merges, int threshold) {
  return PolicyText()
      .person("alice", {&alice})
      .person("bob", {&bob})
      .person("carol", {&carol})
      .section(fmt::format(R"(groups:
  maintainers: [alice, bob]
grants:
  - paths: ["/"]
    who: [maintainers]
  - paths: ["docs/", "pkgs/foo"]
    who: [carol]
unprotected: ["drafts/"]
policy:
  who: [maintainers]
  threshold: {}
merges:
  unsigned: {}
{})",
                           threshold, unsigned_merges, extra))
      .str();
}

Repo::Repo(Sandbox& sb, const std::string& name) : sb_(sb), path_(sb.dir() + "/" + name) {
  sb_.sh("git init -q -b main " + quote(path_));
  git("config user.name Tester");
  git("config user.email tester@example.org");
  git("config gpg.format ssh");
  git("config commit.gpgsign false");
}

std::string Repo::git(const std::string& args) const { return sb_.sh("git " + args, path_); }
Run Repo::git_run(const std::string& args) const { return sb_.run("git " + args, path_); }

void Repo::write(const std::string& file, const std::string& content) const { sb_.write_file(path_ + "/" + file, content); }
void Repo::remove(const std::string& file) const { git("rm -q -r " + quote(file)); }

std::string Repo::commit(const std::string& message, const Key* signer) const {
  // What `git add -A && git commit -S` makes, made in this process; git
  // itself where that cannot be (hooks to run, a merge to conclude).
  if (auto id = commit_in_process(path_, message, signer)) return *id;
  git("add -A");
  std::string sign = signer ? "-c user.signingkey=" + quote(signer->private_path) + " " : "";
  git(sign + "commit -q --allow-empty " + (signer ? "-S " : "") + "-m " + quote(message));
  return git("rev-parse HEAD");
}

std::string Repo::merge(const std::string& branch, const Key* signer, const std::string& message) const {
  std::string sign = signer ? "-c user.signingkey=" + quote(signer->private_path) + " " : "";
  git(sign + "merge -q --no-ff " + (signer ? "-S " : "") + "-m " + quote(message) + " " + quote(branch));
  return git("rev-parse HEAD");
}

std::string Repo::write_commit_object(const std::string& raw) const {
  sb_.write_file(sb_.dir() + "/.object", raw);
  return git("hash-object -t commit -w " + quote(sb_.dir() + "/.object"));
}

Run Repo::warden(const std::string& args) const {
  return sb_.run("PATH=" + quote(WARDEN_BIN_DIR) + ":$PATH git warden " + args, path_);
}

std::vector<warden::ObjectId> Repo::approval_notes() const {
  auto notes = git_run("rev-parse -q --verify refs/notes/warden");
  auto id = warden::ObjectId::from_hex(notes.out.substr(0, 40));
  if (!id) return {};
  return {*id};
}

std::string Repo::write_tree_object(const std::vector<std::tuple<std::string, std::string, std::string>>& entries) const {
  std::string raw;
  for (const auto& [mode, name, hex] : entries) {
    raw += mode + " " + name + std::string(1, '\0');
    for (size_t i = 0; i + 1 < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  sb_.write_file(sb_.dir() + "/.object", raw);
  return git("hash-object -t tree -w --literally " + quote(sb_.dir() + "/.object"));
}

std::string Repo::resign(const std::string& commit, const Key& key, const std::string& ns, int blocks,
                         int headers) const {
  // The payload: the commit object without any gpgsig header.
  std::string raw = git("cat-file commit " + commit) + "\n";
  std::string payload;
  bool in_sig = false, in_headers = true;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find('\n', pos);
    std::string line = raw.substr(pos, eol - pos + 1);
    pos = eol + 1;
    if (in_headers && line == "\n") in_headers = false;
    if (in_headers && line.rfind("gpgsig ", 0) == 0) { in_sig = true; continue; }
    if (in_sig && line.rfind(" ", 0) == 0) continue;
    in_sig = false;
    payload += line;
  }
  std::string sig;
  if (auto made = ssh_sign(key.private_path, ns, payload)) {
    sig = *made;
  } else {
    sb_.write_file(sb_.dir() + "/.payload", payload);
    sb_.run("rm -f .payload.sig");
    sb_.sh("ssh-keygen -q -Y sign -n " + quote(ns) + " -f " + quote(key.private_path) + " .payload");
    sig = sb_.read_file(sb_.dir() + "/.payload.sig");
  }
  while (!sig.empty() && sig.back() == '\n') sig.pop_back();
  std::string block = sig;
  for (int i = 1; i < blocks; ++i) block += "\n" + sig;
  std::string header;
  for (int h = 0; h < headers; ++h) {
    std::string value = block;
    std::string folded;
    for (char c : value) {
      folded += c;
      if (c == '\n') folded += ' ';
    }
    header += "gpgsig " + folded + "\n";
  }
  size_t blank = payload.find("\n\n");
  REQUIRE(blank != std::string::npos);
  std::string signed_commit = payload.substr(0, blank + 1) + header + payload.substr(blank + 1);
  return write_commit_object(signed_commit);
}

warden::VerifyReport Repo::verify(const std::string& anchor, const Key& anchor_key, const std::string& target,
                                  const std::vector<std::string>& known_good, bool keep_going,
                                  size_t parallel_from) const {
  return run_verify(anchor, anchor_key.fingerprint, target, known_good, keep_going, parallel_from);
}

warden::VerifyReport Repo::verify_fpr(const std::string& anchor, const std::string& anchor_fingerprint,
                                      const std::string& target, bool keep_going, size_t parallel_from) const {
  return run_verify(anchor, anchor_fingerprint, target, {}, keep_going, parallel_from);
}

warden::VerifyReport Repo::verify_tuned(const std::string& anchor, const Key& anchor_key, const std::string& target,
                                        const std::function<void(warden::VerifyRequest&)>& tune) const {
  return run_verify(anchor, anchor_key.fingerprint, target, {}, true, 64, tune);
}

warden::VerifyReport Repo::run_verify(const std::string& anchor, const std::string& anchor_fingerprint,
                                      const std::string& target, const std::vector<std::string>& known_good,
                                      bool keep_going, size_t parallel_from,
                                      const std::function<void(warden::VerifyRequest&)>& tune) const {
  auto repo = warden::Repository::open(path_);
  REQUIRE(repo.ok());
  warden::VerifyRequest req;
  auto a = repo->resolve_commit(anchor);
  REQUIRE(a.ok());
  req.anchor = warden::Anchor{*a, anchor_fingerprint};
  auto t = repo->resolve_commit(target);
  REQUIRE(t.ok());
  req.target = *t;
  for (const auto& k : known_good) {
    auto id = repo->resolve_commit(k);
    REQUIRE(id.ok());
    req.known_good.push_back(*id);
  }
  // One known-good commit is the branch's previous tip, as for A..B.
  if (known_good.size() == 1) req.previous_tip = req.known_good[0];
  req.keep_going = keep_going;
  req.parallel_from = parallel_from;
  if (tune) tune(req);
  warden::Verifier verifier(*repo);
  auto report = verifier.verify(req);
  INFO((report.ok() ? std::string() : report.error().message));
  REQUIRE(report.ok());
  return std::move(*report);
}

std::string run_refusal(const warden::VerifyReport& report) {
  return report.refusal ? report.refusal->reason : std::string();
}

const warden::Verdict* first_refusal(const warden::VerifyReport& report) {
  for (const auto& v : report.verdicts)
    if (!v.ok()) return &v;
  return nullptr;
}

int check_same_verdicts(const warden::VerifyReport& expected, const warden::VerifyReport& actual) {
  REQUIRE(actual.verdicts.size() == expected.verdicts.size());
  int refused = 0;
  for (size_t i = 0; i < expected.verdicts.size(); ++i) {
    const auto& a = expected.verdicts[i];
    const auto& b = actual.verdicts[i];
    INFO("commit " << i << " " << a.commit.hex() << " " << a.summary << ": " << a.reason());
    CHECK(a.commit == b.commit);
    CHECK(a.ok() == b.ok());
    CHECK(a.rule_name() == b.rule_name());
    CHECK(a.reason() == b.reason());
    CHECK(a.signer == b.signer);
    CHECK(a.signature == b.signature);
    CHECK(a.path() == b.path());
    CHECK(a.mainline == b.mainline);
    CHECK(a.inherited == b.inherited);
    refused += !a.ok() && !a.inherited;
  }
  return refused;
}

}  // namespace test
