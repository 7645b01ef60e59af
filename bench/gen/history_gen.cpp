// Generates the benchmark histories of bench/verify-merges: a wide tree
// (two-level directories), every commit changing one file and signed with
// a real SSH signature (ed25519, SSHSIG, namespace "git", as `git commit -S`
// with gpg.format=ssh makes it), per-directory grants, and a signed merge
// of a 2-4-commit side branch every K commits.
//
//   warden_history_gen DIR COMMITS [--files N] [--merge-every K] [--late-merge L]
//
// With --late-merge, the history ends with a merge of a 3-commit side
// branch that forked from main L commits before the end (a push that a
// server must check quickly); refs/heads/before is main before that merge.
// DIR must be an empty git repository (`git init`). Objects are written to
// memory and packed every few thousand commits, so that a 100,000-commit
// history is made in seconds rather than with 100,000 `git commit` runs.
// Prints "anchor <id>:<fingerprint>" and writes DIR/../allowed_signers for
// `git verify-commit`.
//
// A benchmark tool, not part of warden: it writes what git itself would.
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

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
    std::array<unsigned char, 32> pub{};
    size_t len = pub.size();
    EVP_PKEY_get_raw_public_key(key_.get(), pub.data(), &len);
    put_string(blob_, "ssh-ed25519");
    put_string(blob_, std::string(reinterpret_cast<char*>(pub.data()), len));
  }

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

// The tree as arrays of blob ids: dirs x subdirs x files, plus .warden.
struct Shape {
  int dirs, subdirs, files;
};

class Writer {
 public:
  Writer(const std::string& path, Shape shape) : shape_(shape) {
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
  Shape shape_;
  std::unique_ptr<git_repository, RepoDeleter> repo_;
  std::unique_ptr<git_odb, OdbDeleter> odb_;
  git_odb_backend* mempack_ = nullptr;  // owned by the odb once added
};

// One state of the tree, rebuilt incrementally: a change to one file
// rewrites its leaf tree, its directory and the root.
class TreeState {
 public:
  TreeState(Writer& w, Shape s, const git_oid& warden_tree) : w_(w), s_(s), warden_(warden_tree) {
    blobs_.resize(static_cast<size_t>(s.dirs * s.subdirs * s.files));
    for (int i = 0; i < s.dirs * s.subdirs * s.files; ++i)
      blobs_[static_cast<size_t>(i)] = w.blob("file " + std::to_string(i) + "\n");
    leaves_.resize(static_cast<size_t>(s.dirs * s.subdirs));
    mids_.resize(static_cast<size_t>(s.dirs));
    for (int d = 0; d < s.dirs; ++d) {
      for (int sd = 0; sd < s.subdirs; ++sd) rebuild_leaf(d, sd);
      rebuild_mid(d);
    }
    rebuild_root();
  }

  void set(int d, int sd, int f, const git_oid& blob) {
    blobs_[index(d, sd, f)] = blob;
    rebuild_leaf(d, sd);
    rebuild_mid(d);
    rebuild_root();
  }
  const git_oid& root() const { return root_; }

 private:
  size_t index(int d, int sd, int f) const { return static_cast<size_t>((d * s_.subdirs + sd) * s_.files + f); }
  void rebuild_leaf(int d, int sd) {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int f = 0; f < s_.files; ++f) e.push_back({"f" + std::to_string(f), {blobs_[index(d, sd, f)], GIT_FILEMODE_BLOB}});
    leaves_[static_cast<size_t>(d * s_.subdirs + sd)] = w_.tree(e);
  }
  void rebuild_mid(int d) {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int sd = 0; sd < s_.subdirs; ++sd)
      e.push_back({"s" + std::to_string(sd), {leaves_[static_cast<size_t>(d * s_.subdirs + sd)], GIT_FILEMODE_TREE}});
    mids_[static_cast<size_t>(d)] = w_.tree(e);
  }
  void rebuild_root() {
    std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>> e;
    for (int d = 0; d < s_.dirs; ++d) e.push_back({"d" + std::to_string(d), {mids_[static_cast<size_t>(d)], GIT_FILEMODE_TREE}});
    e.push_back({".warden", {warden_, GIT_FILEMODE_TREE}});
    root_ = w_.tree(e);
  }

  Writer& w_;
  Shape s_;
  git_oid warden_;
  std::vector<git_oid> blobs_, leaves_, mids_;
  git_oid root_{};
};

struct Change {
  int d, sd, f;
  git_oid blob;
};

}  // namespace

void run(int argc, char** argv) {
  std::string dir = argv[1];
  long total = std::atol(argv[2]);
  int files = 20000, merge_every = 25;
  long late = 0;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--files") files = std::atoi(argv[i + 1]);
    else if (a == "--merge-every") merge_every = std::atoi(argv[i + 1]);
    else if (a == "--late-merge") late = std::atol(argv[i + 1]);
    else throw std::runtime_error("unknown option " + a);
  }
  // Two levels of directories, 50 files in each leaf.
  int leaves = std::max(1, files / 50);
  int dirs = 1;
  while (dirs * dirs < leaves) ++dirs;
  Shape shape{dirs, (leaves + dirs - 1) / dirs, 50};

  Writer w(dir, shape);
  // alice may change anything and the policy; bob and carol own half the
  // top-level directories each.
  SshKey alice, bob, carol;
  std::string half;
  for (int d = 0; d < dirs / 2; ++d) half += std::string(half.empty() ? "" : ", ") + "\"d" + std::to_string(d) + "/\"";
  std::string other;
  for (int d = dirs / 2; d < dirs; ++d) other += std::string(other.empty() ? "" : ", ") + "\"d" + std::to_string(d) + "/\"";
  std::string policy = "version: 1\npeople:\n  alice:\n    keys: [\"" + alice.public_line("alice") + "\"]\n" +
                       "  bob:\n    keys: [\"" + bob.public_line("bob") + "\"]\n" + "  carol:\n    keys: [\"" +
                       carol.public_line("carol") + "\"]\n" + "grants:\n  - paths: [\"/\"]\n    who: [alice]\n" +
                       "  - paths: [" + half + "]\n    who: [bob]\n" + "  - paths: [" + other +
                       "]\n    who: [carol]\npolicy:\n  who: [alice]\n";
  git_oid policy_blob = w.blob(policy);
  git_oid warden = w.tree({{"policy.yml", {policy_blob, GIT_FILEMODE_BLOB}}});
  TreeState main_tree(w, shape, warden);

  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  long time = 1700000000, made = 0, flushed = 0;
  int version = 0;
  git_oid anchor = w.commit(main_tree.root(), {}, "anchor", time++, alice);
  git_oid tip = anchor;
  ++made;
  // A change to a random file of directory range [lo, hi), signed by its
  // owner or by alice.
  auto change = [&](int lo, int hi) {
    Change c{lo + pick(hi - lo), pick(shape.subdirs), pick(shape.files), {}};
    c.blob = w.blob("version " + std::to_string(++version) + "\n");
    return c;
  };
  auto signer = [&](const Change& c) -> const SshKey& {
    if (pick(2) == 0) return alice;
    return c.d < dirs / 2 ? bob : carol;
  };
  // The side branch's fork point and its tree, kept while main moves on.
  std::unique_ptr<TreeState> side;
  git_oid fork{};
  long in_cycle = 0;
  int side_len = 2 + pick(3);
  // The late side branch: its fork point, its tree, and which files main
  // changed since (the side leaves those alone, so the merge is clean).
  std::unique_ptr<TreeState> late_side;
  git_oid late_fork{};
  std::vector<bool> touched_since_fork;
  auto touch = [&](const Change& c) {
    if (late_side) touched_since_fork[static_cast<size_t>((c.d * shape.subdirs + c.sd) * shape.files + c.f)] = true;
  };
  const long late_commits = late > 0 ? 4 : 0;  // three on the side, the merge
  while (made < total - late_commits) {
    if (late > 0 && !late_side && made >= total - late_commits - late) {
      late_side = std::make_unique<TreeState>(main_tree);
      late_fork = tip;
      touched_since_fork.assign(static_cast<size_t>(shape.dirs * shape.subdirs * shape.files), false);
    }
    ++in_cycle;
    // Per cycle of `merge_every` commits: main commits, the side branch
    // (forked 8 commits before the merge), the merge.
    if (merge_every > 0 && in_cycle == merge_every - side_len - 8) {
      side = std::make_unique<TreeState>(main_tree);
      fork = tip;
    }
    if (merge_every > 0 && in_cycle == merge_every - side_len && side) {
      // The side branch (changes in the upper half of the directories,
      // main's in the lower half: the merge is clean), then the merge.
      git_oid side_tip = fork;
      std::vector<Change> changes;
      for (int i = 0; i < side_len && made < total - 1; ++i) {
        Change c = change(dirs / 2, dirs);
        side->set(c.d, c.sd, c.f, c.blob);
        side_tip = w.commit(side->root(), {side_tip}, "side " + std::to_string(made), time++, signer(c));
        changes.push_back(c);
        ++made;
      }
      for (const auto& c : changes) {
        main_tree.set(c.d, c.sd, c.f, c.blob);
        touch(c);
      }
      tip = w.commit(main_tree.root(), {tip, side_tip}, "Merge side branch", time++, alice);
      ++made;
      side.reset();
      in_cycle = 0;
      side_len = 2 + pick(3);
    } else {
      Change c = change(0, merge_every > 0 ? std::max(1, dirs / 2) : dirs);
      main_tree.set(c.d, c.sd, c.f, c.blob);
      touch(c);
      tip = w.commit(main_tree.root(), {tip}, "commit " + std::to_string(made), time++, signer(c));
      ++made;
    }
    if (made - flushed >= 5000) {
      w.flush();
      flushed = made;
    }
  }
  if (late_side) {
    w.set_ref("refs/heads/before", tip);
    git_oid side_tip = late_fork;
    std::vector<Change> changes;
    while (changes.size() < 3) {
      Change c = change(0, dirs);
      if (touched_since_fork[static_cast<size_t>((c.d * shape.subdirs + c.sd) * shape.files + c.f)]) continue;
      late_side->set(c.d, c.sd, c.f, c.blob);
      side_tip = w.commit(late_side->root(), {side_tip}, "late side " + std::to_string(made++), time++, alice);
      changes.push_back(c);
    }
    for (const auto& c : changes) main_tree.set(c.d, c.sd, c.f, c.blob);
    tip = w.commit(main_tree.root(), {tip, side_tip}, "Merge a branch forked long ago", time++, alice);
    ++made;
  }
  w.flush();
  w.set_ref("refs/heads/main", tip);
  std::ofstream(dir + "/../allowed_signers") << "alice " << alice.public_line("alice") << "\nbob "
                                             << bob.public_line("bob") << "\ncarol " << carol.public_line("carol")
                                             << "\n";
  std::printf("anchor %s:%s\n", Writer::hex(anchor).c_str(), alice.fingerprint().c_str());
}

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: warden_history_gen DIR COMMITS [--files N] [--merge-every K]\n");
    return 2;
  }
  git_libgit2_init();
  run(argc, argv);
  git_libgit2_shutdown();
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "warden_history_gen: %s\n", e.what());
  return 1;
}
