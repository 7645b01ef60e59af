// Checks that objects read without libgit2's own check hash to their
// names, mostly on a second thread: numbering a long history with no
// commit-graph file reads every commit once, and hashing them (SHA-1 with
// collision detection, as libgit2 hashes) was a fifth of that on the
// reading thread. The first checks are made on the spot (a walk of a few
// commits starts no thread); past them, in batches on a worker.
//
// Nothing learnt from an object may be relied on before settle() has
// said every object so far was sound: a mismatch is kept, and every later
// settle() returns it (fail closed).
#pragma once

#include <git2.h>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

class DeferredHashCheck {
 public:
  // `on_the_spot`: how many objects are hashed as they are added before
  // the worker starts.
  explicit DeferredHashCheck(size_t on_the_spot = 1024) : on_the_spot_(on_the_spot) {}
  ~DeferredHashCheck();
  DeferredHashCheck(const DeferredHashCheck&) = delete;
  DeferredHashCheck& operator=(const DeferredHashCheck&) = delete;

  // Checks, now or later, that `data`, an object of `type`, hashes to
  // `id`; an Error if a check made now found a mismatch.
  Status add(const ObjectId& id, git_object_t type, std::string_view data);
  // Records a mismatch found elsewhere (libgit2's own check), so that
  // every later settle() returns it too.
  void fail(Error error);
  // Waits for every check added so far; the first mismatch any check found.
  Status settle();

 private:
  struct Batch {
    struct Item {
      ObjectId id;
      git_object_t type;
      size_t offset, size;  // in `bytes`
    };
    std::vector<Item> items;
    std::string bytes;
  };
  // The first mismatch in `batch` (checked on the calling thread), if any.
  static std::optional<Error> check(const Batch& batch);
  // The same over `batches`; an exception (memory) is a failure too.
  static std::optional<Error> check_all(const Batch* batches, size_t count);
  void record(std::optional<Error> failure);
  // Hands the batch being filled to the worker (starting it if needed).
  void hand_over();
  // The worker's loop: check_queued() whenever something is queued.
  void work();
  // Takes what is queued and checks it on the calling thread (the
  // worker's, or the reader's when no worker could start).
  void check_queued();

  const size_t on_the_spot_;
  size_t added_ = 0;
  Batch filling_;
  std::mutex mutex_;
  std::condition_variable wake_worker_, batch_done_;
  std::vector<Batch> queued_;  // guarded by mutex_, as are the three below
  size_t unfinished_ = 0;      // batches handed over and not yet checked
  bool stopping_ = false;
  std::optional<Error> failure_;
  std::thread worker_;
};

}  // namespace warden::git
