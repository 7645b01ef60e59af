// RNP, as Debian builds it, writes the failures of its internal checks to
// stderr whatever its log descriptor is set to ("[signature_validate()
// ...] wrong lbits", "Wrong mpi bit count"): a pusher reads them as
// "remote:" lines, a user as warden's own. While a QuietStderr lives,
// descriptor 2 goes to /dev/null; nested and concurrent ones share one
// redirection, restored when the last ends. Other threads' writes to
// stderr in that window are lost: hold one only around RNP calls.
#pragma once

namespace warden {

class QuietStderr {
 public:
  QuietStderr();
  ~QuietStderr();
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;
};

}  // namespace warden
