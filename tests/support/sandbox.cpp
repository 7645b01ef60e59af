#include "support/sandbox.hpp"

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace test {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

Sandbox::Sandbox() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/warden-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  REQUIRE(mkdtemp(buf.data()) != nullptr);
  dir_ = buf.data();
  std::filesystem::create_directories(dir_ + "/home");
}

Sandbox::~Sandbox() {
  // WARDEN_TEST_KEEP=1 keeps the directories, to look into a failure.
  if (const char* keep = std::getenv("WARDEN_TEST_KEEP"); keep != nullptr && *keep != '\0') return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Run Sandbox::run(const std::string& cmd, const std::string& cwd) const {
  // Unique output files, so that threads may run commands at once.
  static std::atomic<unsigned> counter{0};
  std::string n = std::to_string(counter++);
  std::string out_path = dir_ + "/.stdout-" + n, err_path = dir_ + "/.stderr-" + n;
  std::string full = "cd " + quote(cwd.empty() ? dir_ : cwd) + " && env HOME=" + quote(dir_ + "/home") +
                     " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='2026-01-01T00:00:00Z'" +
                     " GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' sh -c " + quote(cmd) + " >" + quote(out_path) +
                     " 2>" + quote(err_path) + " </dev/null";
  int rc = std::system(full.c_str());
  Run r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

std::string Sandbox::sh(const std::string& cmd, const std::string& cwd) const {
  Run r = run(cmd, cwd);
  INFO("command: " << cmd << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

namespace {

// The checked-in key `file` of tests/keys, copied to `k.private_path`
// (0600, as ssh-keygen and git require), or false if there is none.
bool take_checked_in_key(const std::string& file, Key& k) {
  namespace fs = std::filesystem;
  std::string from = std::string(WARDEN_SOURCE_DIR) + "/tests/keys/" + file;
  if (!fs::exists(from) || !fs::exists(from + ".pub") || !fs::exists(from + ".fp")) return false;
  fs::copy_file(from, k.private_path, fs::copy_options::overwrite_existing);
  fs::permissions(k.private_path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  std::istringstream pub(slurp(from + ".pub"));
  std::string algorithm, blob;
  pub >> algorithm >> blob;
  k.public_line = algorithm + " " + blob + " " + k.name;  // the comment ssh-keygen -C name would give
  std::istringstream fp(slurp(from + ".fp"));
  fp >> k.fingerprint;
  std::ofstream(k.private_path + ".pub") << k.public_line << "\n";
  return !k.fingerprint.empty();
}

}  // namespace

const Key& Sandbox::key(const std::string& name, const std::string& type) {
  if (auto it = keys_.find(name); it != keys_.end()) return it->second;
  std::string args;
  if (type == "ed25519") args = "-t ed25519";
  else if (type == "ecdsa-256") args = "-t ecdsa -b 256";
  else if (type == "ecdsa-384") args = "-t ecdsa -b 384";
  else if (type == "ecdsa-521") args = "-t ecdsa -b 521";
  else if (type == "rsa") args = "-t rsa -b 3072";
  else FAIL("unknown key type " << type);
  std::filesystem::create_directories(dir_ + "/keys");
  Key k;
  k.name = name;
  k.type = type;
  k.private_path = dir_ + "/keys/" + name;
  // The next checked-in key of this type (tests/keys), else a new one.
  int& used = keys_used_[type];
  if (!take_checked_in_key(type + "-" + std::to_string(used++), k)) {
    sh("ssh-keygen -q " + args + " -N '' -C " + quote(name) + " -f " + quote(k.private_path));
    k.public_line = sh("cat " + quote(k.private_path + ".pub"));
    std::istringstream fp(sh("ssh-keygen -l -f " + quote(k.private_path + ".pub")));
    std::string bits;
    fp >> bits >> k.fingerprint;
  }
  return keys_.emplace(name, k).first->second;
}

void Sandbox::write_file(const std::string& path, const std::string& content) const {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

std::string Sandbox::read_file(const std::string& path) const { return slurp(path); }

}  // namespace test
