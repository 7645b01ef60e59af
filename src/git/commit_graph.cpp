// Generation numbers and the walks they bound (see commit_graph.hpp).
//
// Every walk that must stop before the roots goes from the highest
// generation down: when a commit is taken from the queue, all of its
// descendants the walk reaches have been taken already (they have higher
// generations), so what it has learnt about the commit is final. Equal
// generations never hold an ancestor and its descendant, so ties are
// broken by position alone, for a walk whose order never depends on a date.
#include "git/commit_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <queue>

namespace warden::git {

namespace {

// Scratch flags of one walk.
constexpr uint8_t kTip = 1, kHidden = 2, kQueued = 4, kInSet = 8, kExpanded = 16;
constexpr uint8_t kSide1 = 1, kSide2 = 2, kStale = 64;

// How many commits the walks that need no generation numbers may visit
// before they give up for the bounded ones: a push of a few commits on top
// of the tip, or a question about a near ancestor, reads only those.
constexpr size_t kNearbyBudget = 1024;

}  // namespace

Result<CommitGraph::Index> CommitGraph::node(const ObjectId& id) {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  if (nodes_.size() >= UINT32_MAX - 1) return make_error("history too large to index (more than 4 billion commits)");
  auto n = static_cast<Index>(nodes_.size());
  nodes_.push_back(Node{id});
  marks_.push_back(0);
  flags_.push_back(0);
  index_.emplace(id, n);
  return n;
}

Result<bool> CommitGraph::from_file(Index n) {
  std::optional<CommitGraphFile::Commit> c;
  if (file_) c = file_->find(nodes_[n].id);
  if (!c && own_) c = own_->find(nodes_[n].id);
  if (!c) return false;
  if (!nodes_[n].parents_read) WARDEN_TRY_STATUS(set_parents(n, c->parents));
  if (nodes_[n].generation == 0 && c->generation != 0) {
    // Every commit a walk reaches has its generation: the parents' too,
    // from the file (which holds every parent of what it holds, each of a
    // lower generation).
    for (uint32_t i = 0; i < nodes_[n].parent_count; ++i) {
      Index p = parents_[nodes_[n].first_parent + i];
      if (nodes_[p].generation == 0) nodes_[p].generation = c->parent_generations[i];
    }
    nodes_[n].generation = c->generation;
  }
  return true;
}

Status CommitGraph::read_parents(Index n) {
  if (nodes_[n].parents_read) return Status::success();
  auto in_file = from_file(n);
  if (!in_file) return in_file.error();
  if (*in_file) return Status::success();
  auto parents = read_(nodes_[n].id);
  if (!parents) return parents.error();
  return set_parents(n, *parents);
}

Status CommitGraph::set_parents(Index n, const std::vector<ObjectId>& parents) {
  std::vector<Index> ids;
  ids.reserve(parents.size());
  for (const ObjectId& p : parents) {
    auto i = node(p);
    if (!i) return i.error();
    ids.push_back(*i);
  }
  nodes_[n].first_parent = static_cast<uint32_t>(parents_.size());
  nodes_[n].parent_count = static_cast<uint32_t>(ids.size());
  parents_.insert(parents_.end(), ids.begin(), ids.end());
  nodes_[n].parents_read = true;
  return Status::success();
}

Status CommitGraph::expand(Index n) {
  WARDEN_TRY_STATUS(read_parents(n));
  // By position: computing a generation may read more parents (parents_ grows).
  for (uint32_t i = 0; i < nodes_[n].parent_count; ++i) {
    Index p = parents_[nodes_[n].first_parent + i];
    if (nodes_[p].generation == 0) WARDEN_TRY_STATUS(compute_generation(p));
    // A walk relies on every edge it takes going to a lower generation; a
    // number from a file that breaks this ends the walk (fail closed).
    if (nodes_[n].generation != 0 && nodes_[p].generation >= nodes_[n].generation)
      return make_error(fmt::format("the generation numbers of {} and its parent {} disagree (a damaged "
                                    "commit-graph file, git's or warden's: delete it)",
                                    nodes_[n].id.hex(), nodes_[p].id.hex()));
  }
  return Status::success();
}

template <class T>
Result<T> CommitGraph::settled(Result<T> r) {
  if (auto s = settled(r ? Status::success() : Status(r.error())); !s) return s.error();
  return r;
}

Status CommitGraph::settled(Status s) {
  if (!settle_) return s;
  // Also after a failed walk: a damaged commit's made-up parents can fail
  // it another way (missing, not a commit, numbers that disagree), and
  // the damage is what to report.
  if (auto sound = settle_(); !sound) return sound;
  return s;
}

Status CommitGraph::number(const ObjectId& commit) { return settled(number_walk(commit)); }

Result<bool> CommitGraph::descendant_of(const ObjectId& commit, const ObjectId& ancestor) {
  return settled(descendant_walk(commit, ancestor));
}

Result<std::vector<ObjectId>> CommitGraph::range(const std::vector<ObjectId>& tips,
                                                 const std::vector<ObjectId>& hidden) {
  return settled(range_walk(tips, hidden));
}

Result<std::vector<ObjectId>> CommitGraph::merge_bases(const ObjectId& a, const ObjectId& b) {
  return settled(merge_bases_walk(a, std::vector<ObjectId>{b}));
}

Result<std::vector<ObjectId>> CommitGraph::merge_bases(const ObjectId& a, const std::vector<ObjectId>& others) {
  return settled(merge_bases_walk(a, others));
}

Status CommitGraph::number_walk(const ObjectId& commit) {
  auto n = node(commit);
  if (!n) return n.error();
  return compute_generation(*n);
}

void CommitGraph::open_files() {
  if (file_tried_) return;
  file_tried_ = true;
  if (open_file_) file_ = open_file_();
  if (open_own_) own_ = open_own_();
}

Result<std::vector<CommitGraphFile::Entry>> CommitGraph::known() {
  WARDEN_TRY_STATUS(settled(Status::success()));
  std::vector<CommitGraphFile::Entry> out;
  for (const Node& n : nodes_) {
    if (n.generation == 0 || !n.parents_read) continue;
    CommitGraphFile::Entry e{n.id, {}, n.generation};
    for (uint32_t i = 0; i < n.parent_count; ++i) e.parents.push_back(nodes_[parents_[n.first_parent + i]].id);
    out.push_back(std::move(e));
  }
  return out;
}

Status CommitGraph::compute_generation(Index n) {
  if (nodes_[n].generation != 0) return Status::success();
  open_files();
  std::vector<Index> stack{n};
  // Each commit is pushed once per child at most: more steps than that
  // means the parents do not form a DAG (cannot happen with real hashes).
  size_t steps = 0;
  while (!stack.empty()) {
    Index x = stack.back();
    if (nodes_[x].generation != 0) {
      stack.pop_back();
      continue;
    }
    if (++steps > 4 * (nodes_.size() + parents_.size()) + 16)
      return make_error(fmt::format("the history below {} is not acyclic", nodes_[n].id.hex()));
    // The file gives both at once where it holds x.
    auto in_file = from_file(x);
    if (!in_file) return in_file.error();
    if (*in_file && nodes_[x].generation != 0) {
      stack.pop_back();
      continue;
    }
    WARDEN_TRY_STATUS(read_parents(x));
    uint32_t highest = 0;
    bool ready = true;
    for (const Index* p = parents_begin(x); p != parents_end(x); ++p) {
      uint32_t g = nodes_[*p].generation;
      if (g == 0) {
        stack.push_back(*p);
        ready = false;
      } else {
        highest = std::max(highest, g);
      }
    }
    if (!ready) continue;
    if (highest == UINT32_MAX) return make_error("history too deep to index");
    nodes_[x].generation = highest + 1;
    ++computed_;
    stack.pop_back();
  }
  return Status::success();
}

uint32_t CommitGraph::new_mark() {
  if (++mark_ == 0) {  // wrapped: forget every old mark
    std::fill(marks_.begin(), marks_.end(), 0);
    mark_ = 1;
  }
  return mark_;
}

CommitGraph::Painter::Painter(CommitGraph& graph) : g_(graph), mark_(graph.new_mark()) {}

uint8_t& CommitGraph::Painter::flags(Index x) {
  if (g_.marks_[x] != mark_) {
    g_.marks_[x] = mark_;
    g_.flags_[x] = 0;
  }
  return g_.flags_[x];
}

uint8_t CommitGraph::Painter::add(Index x, uint8_t with) {
  uint8_t& f = flags(x);
  uint8_t before = f;
  if ((before & with) == with) return before;
  f = static_cast<uint8_t>(before | with | kQueued);
  if (!(before & kQueued)) queue_.emplace(g_.nodes_[x].generation, x);
  return before;
}

CommitGraph::Index CommitGraph::Painter::take() {
  Index x = queue_.top().second;
  queue_.pop();
  flags(x) = static_cast<uint8_t>(flags(x) & ~kQueued);
  return x;
}

Result<bool> CommitGraph::descendant_walk(const ObjectId& commit, const ObjectId& ancestor) {
  if (commit == ancestor) return false;
  auto c = node(commit);
  if (!c) return c.error();
  auto a = node(ancestor);
  if (!a) return a.error();
  // Near: found within the budget, or every path ends at a root first.
  {
    std::vector<Index> found;
    bool hit = false;
    auto all = collect({*c}, *a, kNearbyBudget, false, found, &hit);
    if (!all) return all.error();
    if (hit) return true;
    if (*all) return false;
  }
  WARDEN_TRY_STATUS(compute_generation(*c));
  WARDEN_TRY_STATUS(compute_generation(*a));
  const uint32_t floor = nodes_[*a].generation;
  if (nodes_[*c].generation <= floor) return false;
  uint32_t mark = new_mark();
  std::vector<Index> stack{*c};
  marks_[*c] = mark;
  while (!stack.empty()) {
    Index x = stack.back();
    stack.pop_back();
    WARDEN_TRY_STATUS(expand(x));
    for (const Index* p = parents_begin(x); p != parents_end(x); ++p) {
      if (*p == *a) return true;
      if (marks_[*p] == mark || nodes_[*p].generation <= floor) continue;
      marks_[*p] = mark;
      stack.push_back(*p);
    }
  }
  return false;
}

Result<bool> CommitGraph::collect(const std::vector<Index>& tips, std::optional<Index> stop, size_t budget,
                                  bool give_up_at_root, std::vector<Index>& found, bool* hit_stop) {
  uint32_t mark = new_mark();
  std::vector<Index> stack;
  if (stop) marks_[*stop] = mark;
  for (Index t : tips) {
    if (marks_[t] == mark) continue;
    marks_[t] = mark;
    stack.push_back(t);
  }
  while (!stack.empty()) {
    Index x = stack.back();
    stack.pop_back();
    found.push_back(x);
    if (found.size() > budget) return false;
    WARDEN_TRY_STATUS(read_parents(x));
    if (give_up_at_root && nodes_[x].parent_count == 0) return false;
    for (const Index* p = parents_begin(x); p != parents_end(x); ++p) {
      if (stop && *p == *stop && hit_stop) *hit_stop = true;
      if (marks_[*p] == mark) continue;
      marks_[*p] = mark;
      stack.push_back(*p);
    }
  }
  return true;
}

std::vector<ObjectId> CommitGraph::parents_first(const std::vector<Index>& tips, uint32_t mark) {
  // Post-order of a depth-first walk from the tips, first parent first.
  std::vector<ObjectId> out;
  std::vector<std::pair<Index, uint32_t>> stack;  // node, next parent to look at
  auto in_set = [&](Index x) { return marks_[x] == mark && (flags_[x] & kInSet) && !(flags_[x] & kExpanded); };
  for (Index t : tips) {
    if (!in_set(t)) continue;
    flags_[t] |= kExpanded;
    stack.emplace_back(t, 0);
    while (!stack.empty()) {
      auto& [x, next] = stack.back();
      if (next < nodes_[x].parent_count) {
        Index p = parents_begin(x)[next++];
        if (in_set(p)) {
          flags_[p] |= kExpanded;
          stack.emplace_back(p, 0);
        }
        continue;
      }
      out.push_back(nodes_[x].id);
      stack.pop_back();
    }
  }
  return out;
}

Result<std::vector<ObjectId>> CommitGraph::range_walk(const std::vector<ObjectId>& tip_ids,
                                                      const std::vector<ObjectId>& hidden_ids) {
  std::vector<Index> tips, hidden;
  for (const ObjectId& id : tip_ids) {
    auto n = node(id);
    if (!n) return n.error();
    tips.push_back(*n);
  }
  for (const ObjectId& id : hidden_ids) {
    auto n = node(id);
    if (!n) return n.error();
    WARDEN_TRY_STATUS(read_parents(*n));  // a hidden commit that is missing is an error, not nothing hidden
    if (std::find(hidden.begin(), hidden.end(), *n) == hidden.end()) hidden.push_back(*n);
  }
  if (tips.empty()) return std::vector<ObjectId>();

  // One hidden commit, every path from the tips reaching it within the
  // budget and no root: exact without generation numbers (a commit found
  // that were an ancestor of the hidden one would have it among its own
  // ancestors too). Nothing hidden: everything the tips reach.
  std::vector<Index> members;
  bool done = false;
  if (hidden.size() <= 1) {
    std::optional<Index> stop;
    if (!hidden.empty()) stop = hidden[0];
    auto all = collect(tips, stop, hidden.empty() ? SIZE_MAX : kNearbyBudget, !hidden.empty(), members);
    if (!all) return all.error();
    done = *all;
    if (!done) members.clear();
  }
  if (!done) {
    for (Index t : tips) WARDEN_TRY_STATUS(compute_generation(t));
    for (Index h : hidden) WARDEN_TRY_STATUS(compute_generation(h));
    Painter paint(*this);
    size_t live = 0;  // queued commits reachable from a tip and not (yet) from a hidden one
    auto is_live = [](uint8_t f) { return (f & kQueued) && (f & kTip) && !(f & kHidden); };
    auto add = [&](Index x, uint8_t with) {
      uint8_t before = paint.add(x, with);
      live += is_live(paint.flags(x));
      live -= is_live(before);
    };
    for (Index t : tips) add(t, kTip);
    for (Index h : hidden) add(h, kHidden);
    while (live > 0) {
      Index x = paint.take();
      uint8_t side = paint.flags(x) & (kTip | kHidden);
      if (side == kTip) {
        --live;
        members.push_back(x);
      }
      WARDEN_TRY_STATUS(expand(x));
      for (const Index* p = parents_begin(x); p != parents_end(x); ++p) add(*p, side);
    }
  }
  uint32_t mark = new_mark();
  for (Index m : members) {
    marks_[m] = mark;
    flags_[m] = kInSet;
  }
  return parents_first(tips, mark);
}

Result<std::vector<ObjectId>> CommitGraph::merge_bases_walk(const ObjectId& a_id, const std::vector<ObjectId>& others) {
  auto a = node(a_id);
  if (!a) return a.error();
  std::vector<Index> bs;
  for (const ObjectId& id : others) {
    auto b = node(id);
    if (!b) return b.error();
    if (*b == *a) return std::vector<ObjectId>{a_id};
    WARDEN_TRY_STATUS(compute_generation(*b));
    bs.push_back(*b);
  }
  WARDEN_TRY_STATUS(compute_generation(*a));
  // git's paint_down_to_common, in generation order: a commit both sides
  // reach is a base unless a base above it reaches it (then it is stale).
  Painter paint(*this);
  size_t fresh = 0;  // queued commits that are not stale
  auto add = [&](Index x, uint8_t with) {
    uint8_t before = paint.add(x, with);
    fresh += !(paint.flags(x) & kStale);
    fresh -= (before & kQueued) && !(before & kStale);
  };
  add(*a, kSide1);
  for (Index b : bs) add(b, kSide2);
  std::vector<Index> bases;
  while (fresh > 0) {
    Index x = paint.take();
    uint8_t f = paint.flags(x);
    if (!(f & kStale)) --fresh;
    uint8_t with = f & (kSide1 | kSide2 | kStale);
    if (with == (kSide1 | kSide2)) {
      bases.push_back(x);
      with |= kStale;
    }
    WARDEN_TRY_STATUS(expand(x));
    for (const Index* p = parents_begin(x); p != parents_end(x); ++p) add(*p, with);
  }
  // Highest generation first; bases of one generation by id, so that the
  // order (which decides a virtual base) depends neither on dates nor on
  // what this graph was asked before.
  std::sort(bases.begin(), bases.end(), [&](Index x, Index y) {
    if (nodes_[x].generation != nodes_[y].generation) return nodes_[x].generation > nodes_[y].generation;
    return nodes_[x].id < nodes_[y].id;
  });
  std::vector<ObjectId> out;
  for (Index x : bases) out.push_back(nodes_[x].id);
  return out;
}

}  // namespace warden::git
