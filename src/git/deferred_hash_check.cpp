// See deferred_hash_check.hpp.
#include "git/deferred_hash_check.hpp"

#include <fmt/format.h>

#include <exception>

namespace warden::git {

namespace {

// Objects per batch: few enough that the worker starts early, enough that
// it takes the lock rarely.
constexpr size_t kBatchItems = 128;

}  // namespace

DeferredHashCheck::~DeferredHashCheck() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // what is still queued is not checked: nobody will ask
  }
  wake_worker_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::optional<Error> DeferredHashCheck::check(const Batch& batch) {
  for (const auto& item : batch.items) {
    git_oid hashed;
    if (git_odb_hash(&hashed, batch.bytes.data() + item.offset, item.size, item.type) != 0)
      return make_error(fmt::format("cannot hash object {}", item.id.hex()));
    if (git_oid_equal(&hashed, &item.id.raw) == 0)
      return make_error(fmt::format("object {} is damaged: its content hashes to {} (the object store is corrupt "
                                    "or was altered; run git fsck)",
                                    item.id.hex(), ObjectId::from(&hashed).hex()));
  }
  return std::nullopt;
}

// Fail closed: a check that could not run (memory) is a failure.
std::optional<Error> DeferredHashCheck::check_all(const Batch* batches, size_t count) {
  try {
    for (size_t i = 0; i < count; ++i)
      if (auto failure = check(batches[i])) return failure;
    return std::nullopt;
  } catch (const std::exception& e) {
    return Error{fmt::format("cannot check the objects read: {}", e.what())};
  }
}

void DeferredHashCheck::record(std::optional<Error> failure) {
  if (failure && !failure_) failure_ = std::move(failure);
}

void DeferredHashCheck::fail(Error error) {
  std::lock_guard lock(mutex_);
  record(std::move(error));
}

Status DeferredHashCheck::add(const ObjectId& id, git_object_t type, std::string_view data) {
  filling_.items.push_back({id, type, filling_.bytes.size(), data.size()});
  filling_.bytes.append(data);
  if (++added_ <= on_the_spot_) {
    auto failure = check_all(&filling_, 1);
    filling_.items.clear();
    filling_.bytes.clear();
    std::lock_guard lock(mutex_);
    record(failure);
    if (failure) return *failure;
    return Status::success();
  }
  if (filling_.items.size() >= kBatchItems) hand_over();
  return Status::success();
}

void DeferredHashCheck::hand_over() {
  if (filling_.items.empty()) return;
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(filling_));
    ++unfinished_;
  }
  filling_ = Batch{};
  if (!worker_.joinable()) {
    try {
      worker_ = std::thread([this] { work(); });
    } catch (...) {  // no thread to be had: check here
      check_queued();
      return;
    }
  }
  wake_worker_.notify_one();
}

void DeferredHashCheck::work() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_worker_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
      if (stopping_) return;
    }
    check_queued();
  }
}

void DeferredHashCheck::check_queued() {
  std::vector<Batch> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(queued_);
  }
  auto failure = check_all(taken.data(), taken.size());
  {
    std::lock_guard lock(mutex_);
    record(std::move(failure));
    unfinished_ -= taken.size();
  }
  batch_done_.notify_all();
}

Status DeferredHashCheck::settle() {
  hand_over();
  std::unique_lock lock(mutex_);
  batch_done_.wait(lock, [this] { return unfinished_ == 0; });
  if (failure_) return *failure_;
  return Status::success();
}

}  // namespace warden::git
