#include "signatures/quiet_stderr.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace warden {
namespace {

std::mutex quiet_mutex;
int quiet_depth = 0;
int quiet_saved = -1;  // the real stderr while redirected, else -1

}  // namespace

QuietStderr::QuietStderr() {
  std::lock_guard lock(quiet_mutex);
  if (quiet_depth++ > 0) return;
  std::fflush(stderr);
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) return;  // left as it is: noise, never a lost verdict
  quiet_saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (quiet_saved >= 0 && dup2(null, STDERR_FILENO) < 0) {
    close(quiet_saved);
    quiet_saved = -1;
  }
  close(null);
}

QuietStderr::~QuietStderr() {
  std::lock_guard lock(quiet_mutex);
  if (--quiet_depth > 0 || quiet_saved < 0) return;
  std::fflush(stderr);
  dup2(quiet_saved, STDERR_FILENO);
  close(quiet_saved);
  quiet_saved = -1;
}

}  // namespace warden
