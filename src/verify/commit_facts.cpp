#include "verify/commit_facts.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

namespace warden::verify {

namespace {

// Runs work(i) for i in [0, n) on up to `threads` threads.
template <class F>
void parallel_for(size_t n, unsigned threads, F work) {
  std::atomic<size_t> next{0};
  auto loop = [&] {
    for (size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(loop);
  loop();
}

}  // namespace

Result<CommitFacts::Entry*> CommitFacts::entry(const ObjectId& id) {
  if (auto it = entries_.find(id); it != entries_.end()) return &it->second;
  auto data = repo_.read_commit(id);
  if (!data) return data.error();
  auto [it, _] = entries_.emplace(id, Entry{std::move(*data), std::nullopt, std::nullopt});
  return &it->second;
}

// The signature's text is not needed once checked: a long run keeps only
// what the rules need later.
void CommitFacts::check_signature(Entry& e) {
  e.signature = checker_.check(e.data);
  std::string().swap(e.data.signature);
  std::string().swap(e.data.signed_payload);
}

Result<const CommitData*> CommitFacts::commit(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  return &(*e)->data;
}

Result<const CommitSignature*> CommitFacts::signature(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  if (!(*e)->signature) check_signature(**e);
  return &*(*e)->signature;
}

void CommitFacts::check_signatures(const std::vector<Entry*>& entries, unsigned threads) {
  parallel_for(entries.size(), threads, [&](size_t i) { check_signature(*entries[i]); });
}

void CommitFacts::forget(const ObjectId& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (const auto& sig = it->second.signature; sig && sig->openpgp) {
    // Checks are kept by the signature's address, which a later signature
    // may reuse: they go with it.
    std::lock_guard<std::mutex> lock(openpgp_mutex_);
    const OpenPgpSignature* s = sig->openpgp.get();
    for (auto c = openpgp_checks_.lower_bound({s, nullptr}); c != openpgp_checks_.end() && c->first.first == s;)
      c = openpgp_checks_.erase(c);
  }
  entries_.erase(it);
}

const OpenPgpCheck& CommitFacts::openpgp_check(const OpenPgpSignature& sig, const OpenPgpCert& cert) {
  OpenPgpPair key{&sig, &cert};
  {
    std::lock_guard<std::mutex> lock(openpgp_mutex_);
    if (auto it = openpgp_checks_.find(key); it != openpgp_checks_.end()) return it->second;
  }
  OpenPgpCheck check = cert.check(sig);
  ++openpgp_verifications_;
  std::lock_guard<std::mutex> lock(openpgp_mutex_);
  return openpgp_checks_.emplace(key, std::move(check)).first->second;
}

void CommitFacts::check_openpgp_pairs(const std::vector<OpenPgpPair>& pairs, unsigned threads) {
  parallel_for(pairs.size(), threads, [&](size_t i) { openpgp_check(*pairs[i].first, *pairs[i].second); });
}

Result<const TreeChanges*> CommitFacts::own_changes(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  if (!(*e)->own_changes) {
    auto paths = compute_own_changes((*e)->data);
    if (!paths) return paths.error();
    (*e)->own_changes = std::move(*paths);
  }
  return &*(*e)->own_changes;
}

Result<TreeChanges> CommitFacts::compute_own_changes(const CommitData& c) {
  std::vector<ObjectId> parent_trees;
  for (const auto& p : c.parents) {
    auto pd = commit(p);
    if (!pd) return pd.error();
    parent_trees.push_back((*pd)->tree);
  }
  if (parent_trees.empty()) return repo_.changed_paths(std::nullopt, c.tree);
  if (parent_trees.size() == 1) return repo_.changed_paths(parent_trees[0], c.tree);

  // Where the clean merge is decided by ids alone (one merge base, no
  // entry changed differently by both parents), without computing it.
  if (parent_trees.size() == 2) {
    auto bases = repo_.merge_bases(c.parents[0], c.parents[1]);
    if (!bases) return bases.error();
    if (bases->size() == 1) {
      auto base = commit(bases->front());
      if (!base) return base.error();
      auto walked = repo_.merge_changes_by_ids((*base)->tree, parent_trees[0], parent_trees[1], c.tree);
      if (!walked) return walked.error();
      if (*walked) {
        std::set<std::string> unique((*walked)->paths.begin(), (*walked)->paths.end());
        (*walked)->paths.assign(unique.begin(), unique.end());
        return std::move(**walked);
      }
    }
  }
  auto merge = repo_.clean_merge(c.parents);
  if (!merge) return merge.error();
  std::set<std::string> paths(merge->conflicted.begin(), merge->conflicted.end());
  TreeChanges out;
  auto add = [&](TreeChanges&& diff) {
    paths.insert(diff.paths.begin(), diff.paths.end());
    if (!out.refused_path && diff.refused_path) {
      out.refused_path = std::move(diff.refused_path);
      out.refused_why = std::move(diff.refused_why);
    }
  };
  if (merge->tree) {
    auto diff = repo_.changed_paths(*merge->tree, c.tree);
    if (!diff) return diff.error();
    add(std::move(*diff));
  } else {
    for (const auto& t : parent_trees) {
      auto diff = repo_.changed_paths(t, c.tree);
      if (!diff) return diff.error();
      add(std::move(*diff));
    }
  }
  out.paths.assign(paths.begin(), paths.end());
  return out;
}

}  // namespace warden::verify
