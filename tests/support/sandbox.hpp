// Test fixtures made with the real tools: a temporary directory, shell
// commands run inside it, SSH keys made by ssh-keygen (checked in, see
// tests/keys/README.md), and git repositories with commits signed by
// those keys. Nothing here is mocked.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace test {

struct Key {
  std::string name;
  std::string type;        // ssh-keygen -t value
  std::string private_path;
  std::string public_line; // "ssh-ed25519 AAAA... name"
  std::string fingerprint; // SHA256:...
};

struct Run {
  int status = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Quotes a string for /bin/sh.
std::string quote(const std::string& s);

class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& dir() const { return dir_; }
  // Runs a /bin/sh command in `cwd` (default: the sandbox) with a private
  // HOME and no system git config. Safe to call from several threads.
  Run run(const std::string& cmd, const std::string& cwd = "") const;
  // Like run, but the test fails unless the command exits 0; returns stdout
  // without its trailing newline.
  std::string sh(const std::string& cmd, const std::string& cwd = "") const;

  // A key pair of its own for `name` (given on its first use): the next
  // unused checked-in key of that type (tests/keys), or a new one from
  // ssh-keygen once those run out. `type` is ed25519, ecdsa-256,
  // ecdsa-384, ecdsa-521 or rsa.
  const Key& key(const std::string& name, const std::string& type = "ed25519");

  void write_file(const std::string& path, const std::string& content) const;
  std::string read_file(const std::string& path) const;

 private:
  std::string dir_;
  std::map<std::string, Key> keys_;
  std::map<std::string, int> keys_used_;  // checked-in keys handed out, by type
};

}  // namespace test
