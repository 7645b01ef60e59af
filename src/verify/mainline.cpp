// Which parent of a merge is its mainline parent (see mainline.hpp).
#include "verify/mainline.hpp"

namespace warden::verify {

Result<bool> Mainline::reaches_tip(const ObjectId& c) {
  if (c == *tip_) return true;
  if (auto it = reaches_.find(c); it != reaches_.end()) return it->second;
  auto d = repo_.descendant_of(c, *tip_);
  if (!d) return d.error();
  reaches_.emplace(c, *d);
  return *d;
}

Status Mainline::note(const ObjectId& c) {
  if (!tip_) return Status::success();
  auto data = facts_.commit(c);
  if (!data) return data.error();
  bool reaches = c == *tip_;
  for (const auto& p : (*data)->parents) {
    if (reaches) break;
    auto r = reaches_tip(p);
    if (!r) return r.error();
    reaches = *r;
  }
  reaches_[c] = reaches;
  return Status::success();
}

Result<size_t> Mainline::of(const CommitData& data) {
  if (data.parents.size() < 2 || !tip_) return size_t{0};
  std::optional<size_t> found;
  for (size_t i = 0; i < data.parents.size(); ++i) {
    auto r = reaches_tip(data.parents[i]);
    if (!r) return r.error();
    if (!*r) continue;
    if (found) return size_t{0};  // several parents reach it
    found = i;
  }
  return found.value_or(0);
}

}  // namespace warden::verify
