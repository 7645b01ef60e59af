// What the benchmark tools share: ed25519 SSH signatures as `git commit -S`
// with gpg.format=ssh makes them (SSHSIG, namespace "git"), and a writer
// that keeps objects in memory and packs them every few thousand commits.
// Benchmark tools, not part of warden: they write what git itself would.
#pragma once

#include <git2.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/object_writer.hpp"

namespace bench {

inline void check(int rc, const char* what) { test::check_git(rc, what); }

struct RepoDeleter {
  void operator()(git_repository* r) const { git_repository_free(r); }
};
struct BuilderDeleter {
  void operator()(git_treebuilder* b) const { git_treebuilder_free(b); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

void put_string(std::string& out, const std::string& s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>(n >> 16);
  out += static_cast<char>(n >> 8);
  out += static_cast<char>(n);
  out += s;
}

// An ed25519 key and what SSH makes of it.
class SshKey {
 public:
  SshKey() {
    EVP_PKEY* raw = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                               EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
      throw std::runtime_error("ed25519 key generation failed");
    key_.reset(raw);
    describe();
  }
  // The same key every time for the same seed (its private half is
  // SHA-256 of the seed): benchmarks that replay a history twice agree.
  explicit SshKey(const std::string& seed) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
    SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), d.data());
    key_.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d.data(), d.size()));
    if (!key_) throw std::runtime_error("ed25519 key from seed failed");
    describe();
  }
  SshKey(SshKey&&) = default;

 private:
  void describe() {
    std::array<unsigned char, 32> pub{};
    size_t len = pub.size();
    EVP_PKEY_get_raw_public_key(key_.get(), pub.data(), &len);
    put_string(blob_, "ssh-ed25519");
    put_string(blob_, std::string(reinterpret_cast<char*>(pub.data()), len));
  }

 public:

  std::string public_line(const std::string& comment) const { return "ssh-ed25519 " + base64(blob_) + " " + comment; }

  std::string fingerprint() const {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> d{};
    SHA256(reinterpret_cast<const unsigned char*>(blob_.data()), blob_.size(), d.data());
    std::string b = base64(std::string(reinterpret_cast<char*>(d.data()), d.size()));
    while (!b.empty() && b.back() == '=') b.pop_back();
    return "SHA256:" + b;
  }

  // An armored SSHSIG over `message` in namespace "git" (sha512).
  std::string sign(const std::string& message) const {
    std::array<unsigned char, SHA512_DIGEST_LENGTH> h{};
    SHA512(reinterpret_cast<const unsigned char*>(message.data()), message.size(), h.data());
    std::string to_sign = "SSHSIG";
    put_string(to_sign, "git");
    put_string(to_sign, "");
    put_string(to_sign, "sha512");
    put_string(to_sign, std::string(reinterpret_cast<char*>(h.data()), h.size()));
    std::unique_ptr<EVP_MD_CTX, MdDeleter> ctx(EVP_MD_CTX_new());
    std::array<unsigned char, 64> sig{};
    size_t sig_len = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) <= 0 ||
        EVP_DigestSign(ctx.get(), sig.data(), &sig_len, reinterpret_cast<const unsigned char*>(to_sign.data()),
                       to_sign.size()) <= 0)
      throw std::runtime_error("signing failed");
    std::string inner;
    put_string(inner, "ssh-ed25519");
    put_string(inner, std::string(reinterpret_cast<char*>(sig.data()), sig_len));
    std::string blob = "SSHSIG";
    blob += std::string("\0\0\0\1", 4);
    put_string(blob, blob_);
    put_string(blob, "git");
    put_string(blob, "");
    put_string(blob, "sha512");
    put_string(blob, inner);
    std::string b64 = base64(blob), armored = "-----BEGIN SSH SIGNATURE-----\n";
    for (size_t i = 0; i < b64.size(); i += 70) armored += b64.substr(i, 70) + "\n";
    return armored + "-----END SSH SIGNATURE-----";
  }

 private:
  std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
  std::string blob_;
};

// The tests' object writer (tests/support/object_writer.hpp), with
// commits signed by a benchmark key.
class PackWriter : public test::ObjectWriter {
 public:
  using test::ObjectWriter::ObjectWriter;
  git_oid commit(const git_oid& tree, const std::vector<git_oid>& parents, const std::string& message, long time,
                 const SshKey& key) {
    std::string text = commit_text(tree, parents, "Bench <bench@example.org>", time, message);
    return signed_commit(text, key.sign(text));
  }
};

// A tool's main: `run(argc, argv)` with libgit2 initialised, given at
// least `min_args` arguments (else `usage`, exit 2); an exception is a
// one-line error naming the tool (exit 1).
template <class Run>
int tool_main(const char* name, const char* usage, int min_args, int argc, char** argv, Run run) try {
  if (argc < min_args) {
    std::fprintf(stderr, "usage: %s %s\n", name, usage);
    return 2;
  }
  git_libgit2_init();
  run(argc, argv);
  git_libgit2_shutdown();
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "%s: %s\n", name, e.what());
  return 1;
}

}  // namespace bench
