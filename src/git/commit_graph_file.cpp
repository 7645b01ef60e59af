// Reading git's commit-graph file (see commit_graph_file.hpp). The format
// is git's Documentation/gitformat-commit-graph.txt: a header, a table of
// chunks, then OIDF (fan-out of the first byte), OIDL (the commit ids,
// sorted), CDAT (per commit: tree, two parent positions, generation and
// date) and, for merges of more than two parents, EDGE. Numbers are big
// endian; the last 20 bytes are the SHA-1 of all before them.
#include "git/commit_graph_file.hpp"

#include <git2.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/atomic_file.hpp"

namespace warden::git {

namespace {

constexpr size_t kHash = 20;                 // SHA-1 (hash version 1)
constexpr size_t kCommitData = kHash + 16;   // CDAT entry
constexpr uint32_t kNoParent = 0x70000000;
constexpr uint32_t kOctopus = 0x80000000;    // parent 2: the rest are in EDGE from here
constexpr uint32_t kLastEdge = 0x80000000;
constexpr uint32_t kMaxGeneration = 0x3FFFFFFF;  // git's cap: a commit at the cap is not known

uint32_t chunk_id(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 8 | static_cast<unsigned char>(s[3]);
}

bool checksum_ok(const std::vector<unsigned char>& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size() - kHash, digest, &length, EVP_sha1(), nullptr) != 1 || length != kHash)
    return false;
  return std::memcmp(digest, data.data() + data.size() - kHash, kHash) == 0;
}

}  // namespace

uint32_t CommitGraphFile::u32(size_t offset) const {
  return static_cast<uint32_t>(data_[offset]) << 24 | static_cast<uint32_t>(data_[offset + 1]) << 16 |
         static_cast<uint32_t>(data_[offset + 2]) << 8 | data_[offset + 3];
}

std::optional<CommitGraphFile> CommitGraphFile::open(const std::string& objects_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // A shallow repository's parents are not the commits' own (git ignores
  // the file there too).
  if (fs::exists(fs::path(objects_dir).parent_path() / "shallow", ec)) return std::nullopt;
  return read((fs::path(objects_dir) / "info" / "commit-graph").string());
}

std::optional<CommitGraphFile> CommitGraphFile::read(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  // In one read of its size (a byte-by-byte copy took 4 ms of a push
  // check for 20,000 commits, and grows with the history).
  const std::streamoff size = in.tellg();
  if (size < 0 || static_cast<uint64_t>(size) > (uint64_t{1} << 32)) return std::nullopt;
  CommitGraphFile f;
  f.data_.resize(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(f.data_.data()), size)) return std::nullopt;
  const auto& d = f.data_;
  if (d.size() < 8 + 12 + kHash || std::memcmp(d.data(), "CGPH", 4) != 0) return std::nullopt;
  if (d[4] != 1 || d[5] != 1 || d[7] != 0) return std::nullopt;  // version 1, SHA-1, no base graphs
  if (!checksum_ok(d)) return std::nullopt;
  size_t chunks = d[6];
  size_t table_end = 8 + (chunks + 1) * 12;
  size_t body_end = d.size() - kHash;
  if (table_end > body_end) return std::nullopt;
  std::optional<size_t> fanout, oids, commits, edges;
  size_t oids_end = 0, commits_end = 0;
  for (size_t i = 0; i < chunks; ++i) {
    size_t at = 8 + i * 12;
    uint32_t id = f.u32(at);
    uint64_t offset = static_cast<uint64_t>(f.u32(at + 4)) << 32 | f.u32(at + 8);
    uint64_t next = static_cast<uint64_t>(f.u32(at + 16)) << 32 | f.u32(at + 20);
    if (offset < table_end || next < offset || next > body_end) return std::nullopt;
    if (id == chunk_id("OIDF")) {
      if (next - offset != 256 * 4) return std::nullopt;
      fanout = offset;
    } else if (id == chunk_id("OIDL")) {
      oids = offset;
      oids_end = next;
    } else if (id == chunk_id("CDAT")) {
      commits = offset;
      commits_end = next;
    } else if (id == chunk_id("EDGE")) {
      edges = offset;
      f.edges_end_ = next;
    }
  }
  if (!fanout || !oids || !commits) return std::nullopt;
  f.fanout_ = *fanout;
  f.oids_ = *oids;
  f.commits_ = *commits;
  f.edges_ = edges;
  uint32_t previous = 0;
  for (size_t i = 0; i < 256; ++i) {
    uint32_t n = f.u32(f.fanout_ + i * 4);
    if (n < previous) return std::nullopt;
    previous = n;
  }
  f.count_ = previous;
  if (oids_end - f.oids_ != static_cast<uint64_t>(f.count_) * kHash ||
      commits_end - f.commits_ != static_cast<uint64_t>(f.count_) * kCommitData)
    return std::nullopt;
  return f;
}

std::optional<CommitGraphFile::Commit> CommitGraphFile::find(const ObjectId& id) const {
  const unsigned char* want = id.raw.id;
  uint32_t lo = want[0] == 0 ? 0 : u32(fanout_ + (want[0] - 1) * 4u);
  uint32_t hi = u32(fanout_ + want[0] * 4u);
  if (hi > count_ || lo > hi) return std::nullopt;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int cmp = std::memcmp(data_.data() + oids_ + static_cast<size_t>(mid) * kHash, want, kHash);
    if (cmp == 0) return at(mid);
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

std::optional<CommitGraphFile::Commit> CommitGraphFile::at(uint32_t pos) const {
  size_t entry = commits_ + static_cast<size_t>(pos) * kCommitData;
  auto id_at = [&](uint32_t p) {  // p < count_
    git_oid oid;
    std::memcpy(oid.id, data_.data() + oids_ + static_cast<size_t>(p) * kHash, kHash);
    return ObjectId::from(&oid);
  };
  auto level_at = [&](uint32_t p) { return u32(commits_ + static_cast<size_t>(p) * kCommitData + kHash + 8) >> 2; };
  Commit c;
  uint32_t p1 = u32(entry + kHash), p2 = u32(entry + kHash + 4);
  uint32_t level = level_at(pos);
  c.generation = level >= kMaxGeneration ? 0 : level;
  // A generation must exceed its parents' (else the file is not git's).
  auto add_parent = [&](uint32_t p) {
    if (p >= count_) return false;
    uint32_t parent_level = level_at(p);
    if (c.generation != 0 && parent_level >= c.generation) return false;
    c.parents.push_back(id_at(p));
    c.parent_generations.push_back(parent_level >= kMaxGeneration ? 0 : parent_level);
    return true;
  };
  if (p1 != kNoParent) {
    if (!add_parent(p1)) return std::nullopt;
  } else if (p2 != kNoParent) {
    return std::nullopt;  // a second parent without a first
  }
  if (p2 == kNoParent) return c;
  if (!(p2 & kOctopus)) {
    if (!add_parent(p2)) return std::nullopt;
    return c;
  }
  if (!edges_) return std::nullopt;
  for (size_t e = *edges_ + static_cast<size_t>(p2 & ~kOctopus) * 4;; e += 4) {
    if (e + 4 > edges_end_) return std::nullopt;
    uint32_t v = u32(e);
    if (!add_parent(v & ~kLastEdge)) return std::nullopt;
    if (v & kLastEdge) break;
    if (c.parents.size() > 100000) return std::nullopt;
  }
  return c;
}

std::vector<CommitGraphFile::Entry> CommitGraphFile::entries() const {
  std::vector<Entry> out;
  out.reserve(count_);
  for (uint32_t pos = 0; pos < count_; ++pos) {
    git_oid oid;
    std::memcpy(oid.id, data_.data() + oids_ + static_cast<size_t>(pos) * kHash, kHash);
    auto c = at(pos);
    if (!c || c->generation == 0) continue;
    out.push_back(Entry{ObjectId::from(&oid), std::move(c->parents), c->generation});
  }
  return out;
}

namespace {

void put32(std::vector<unsigned char>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(v >> shift));
}

}  // namespace

Status CommitGraphFile::write(const std::string& path, std::vector<Entry> entries) {
  auto by_id = [](const Entry& a, const Entry& b) { return std::memcmp(a.id.raw.id, b.id.raw.id, kHash) < 0; };
  if (!std::is_sorted(entries.begin(), entries.end(), by_id)) std::sort(entries.begin(), entries.end(), by_id);
  if (entries.size() >= kNoParent) return make_error("too many commits for a commit-graph file");
  const auto count = static_cast<uint32_t>(entries.size());
  for (uint32_t i = 1; i < count; ++i)
    if (entries[i - 1].id == entries[i].id) return make_error(fmt::format("{} twice", entries[i].id.hex()));
  // A commit's position: binary search in the sorted entries.
  auto position = [&](const ObjectId& id) -> std::optional<uint32_t> {
    auto it = std::lower_bound(entries.begin(), entries.end(), id, [](const Entry& e, const ObjectId& want) {
      return std::memcmp(e.id.raw.id, want.raw.id, kHash) < 0;
    });
    if (it == entries.end() || !(it->id == id)) return std::nullopt;
    return static_cast<uint32_t>(it - entries.begin());
  };

  std::vector<unsigned char> cdat, edge;
  cdat.reserve(static_cast<size_t>(count) * kCommitData);
  std::vector<uint32_t> ps;
  for (const Entry& e : entries) {
    if (e.generation == 0 || e.generation >= kMaxGeneration)
      return make_error(fmt::format("no generation number for {}", e.id.hex()));
    ps.clear();
    for (const ObjectId& p : e.parents) {
      auto at = position(p);
      if (!at) return make_error(fmt::format("the parent {} of {} is not recorded", p.hex(), e.id.hex()));
      if (entries[*at].generation >= e.generation)
        return make_error(fmt::format("the generation of {} is not above its parent's", e.id.hex()));
      ps.push_back(*at);
    }
    cdat.insert(cdat.end(), kHash, 0);  // the tree: not recorded
    put32(cdat, ps.empty() ? kNoParent : ps[0]);
    if (ps.size() <= 2) {
      put32(cdat, ps.size() == 2 ? ps[1] : kNoParent);
    } else {
      put32(cdat, kOctopus | static_cast<uint32_t>(edge.size() / 4));
      for (size_t i = 1; i < ps.size(); ++i) put32(edge, ps[i] | (i + 1 == ps.size() ? kLastEdge : 0));
    }
    put32(cdat, e.generation << 2);  // the date's top bits: 0
    put32(cdat, 0);                  // the date: not recorded
  }

  std::vector<std::pair<uint32_t, const std::vector<unsigned char>*>> chunks;
  std::vector<unsigned char> fanout, oids;
  {
    uint32_t n = 0;
    for (int b = 0; b < 256; ++b) {
      while (n < count && entries[n].id.raw.id[0] <= b) ++n;
      put32(fanout, n);
    }
    for (const Entry& e : entries) oids.insert(oids.end(), e.id.raw.id, e.id.raw.id + kHash);
  }
  chunks.push_back({chunk_id("OIDF"), &fanout});
  chunks.push_back({chunk_id("OIDL"), &oids});
  chunks.push_back({chunk_id("CDAT"), &cdat});
  if (!edge.empty()) chunks.push_back({chunk_id("EDGE"), &edge});

  std::vector<unsigned char> out{'C', 'G', 'P', 'H', 1, 1, static_cast<unsigned char>(chunks.size()), 0};
  uint64_t offset = 8 + (chunks.size() + 1) * 12;
  auto put64 = [&](uint64_t v) {
    put32(out, static_cast<uint32_t>(v >> 32));
    put32(out, static_cast<uint32_t>(v));
  };
  for (const auto& [id, body] : chunks) {
    put32(out, id);
    put64(offset);
    offset += body->size();
  }
  put32(out, 0);  // the table's end
  put64(offset);
  for (const auto& [id, body] : chunks) out.insert(out.end(), body->begin(), body->end());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(out.data(), out.size(), digest, &length, EVP_sha1(), nullptr) != 1 || length != kHash)
    return make_error("cannot hash the commit-graph file");
  out.insert(out.end(), digest, digest + kHash);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  return write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(out.data()), out.size()), 0644);
}

}  // namespace warden::git
