// What the benchmark tools share: ed25519 SSH signatures as `git commit -S`
// with gpg.format=ssh makes them (SSHSIG, namespace "git"), and a writer
// that keeps objects in memory and packs them every few thousand commits.
// Benchmark tools, not part of warden: they write what git itself would.
#pragma once

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bench {

void check(int rc, const char* what) {
  if (rc < 0) {
    const git_error* e = git_error_last();
    throw std::runtime_error(std::string(what) + ": " + (e != nullptr ? e->message : "libgit2 error"));
  }
}

struct RepoDeleter {
  void operator()(git_repository* r) const { git_repository_free(r); }
};
struct OdbDeleter {
  void operator()(git_odb* o) const { git_odb_free(o); }
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
struct BufFree {
  git_buf* b;
  ~BufFree() { git_buf_dispose(b); }
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

class PackWriter {
 public:
  explicit PackWriter(const std::string& path) {
    git_repository* r = nullptr;
    check(git_repository_open(&r, path.c_str()), "open");
    repo_.reset(r);
    git_odb* o = nullptr;
    check(git_repository_odb(&o, repo_.get()), "odb");
    odb_.reset(o);
    check(git_mempack_new(&mempack_), "mempack");
    check(git_odb_add_backend(odb_.get(), mempack_, 1000), "add mempack");
  }

  git_oid blob(const std::string& content) {
    git_oid id;
    check(git_odb_write(&id, odb_.get(), content.data(), content.size(), GIT_OBJECT_BLOB), "blob");
    return id;
  }

  git_oid tree(const std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>>& entries) {
    git_treebuilder* b = nullptr;
    check(git_treebuilder_new(&b, repo_.get(), nullptr), "treebuilder");
    std::unique_ptr<git_treebuilder, BuilderDeleter> builder(b);
    for (const auto& [name, e] : entries)
      check(git_treebuilder_insert(nullptr, b, name.c_str(), &e.first, e.second), "tree insert");
    git_oid id;
    check(git_treebuilder_write(&id, b), "tree write");
    return id;
  }

  git_oid commit(const git_oid& tree, const std::vector<git_oid>& parents, const std::string& message,
                 long time, const SshKey& key) {
    std::string buf = "tree " + hex(tree) + "\n";
    for (const auto& p : parents) buf += "parent " + hex(p) + "\n";
    std::string who = "Bench <bench@example.org> " + std::to_string(time) + " +0000\n";
    buf += "author " + who + "committer " + who + "\n" + message + "\n";
    std::string sig = key.sign(buf);
    git_oid id;
    check(git_commit_create_with_signature(&id, repo_.get(), buf.c_str(), sig.c_str(), nullptr), "commit");
    return id;
  }

  // A commit from its text (as git_commit_create_buffer makes it) and
  // its armored signature.
  git_oid signed_commit(const std::string& text, const std::string& signature) {
    git_oid id;
    check(git_commit_create_with_signature(&id, repo_.get(), text.c_str(), signature.c_str(), nullptr), "commit");
    return id;
  }

  git_repository* repo() const { return repo_.get(); }

  // Moves what is in memory into a pack file.
  void flush() {
    git_buf pack = GIT_BUF_INIT;
    BufFree guard{&pack};
    check(git_mempack_dump(&pack, repo_.get(), mempack_), "mempack dump");
    git_odb_writepack* wp = nullptr;
    check(git_odb_write_pack(&wp, odb_.get(), nullptr, nullptr), "write pack");
    git_indexer_progress stats{};
    int rc = wp->append(wp, pack.ptr, pack.size, &stats);
    if (rc >= 0) rc = wp->commit(wp, &stats);
    wp->free(wp);
    check(rc, "index pack");
    check(git_mempack_reset(mempack_), "mempack reset");
  }

  void set_ref(const std::string& name, const git_oid& id) {
    git_reference* ref = nullptr;
    check(git_reference_create(&ref, repo_.get(), name.c_str(), &id, 1, "bench"), "ref");
    git_reference_free(ref);
  }

  static std::string hex(const git_oid& id) {
    char s[GIT_OID_HEXSZ + 1];
    git_oid_tostr(s, sizeof s, &id);
    return s;
  }

 private:
  std::unique_ptr<git_repository, RepoDeleter> repo_;
  std::unique_ptr<git_odb, OdbDeleter> odb_;
  git_odb_backend* mempack_ = nullptr;  // owned by the odb once added
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
