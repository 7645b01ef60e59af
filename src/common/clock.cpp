#include "common/clock.hpp"

#include <chrono>
#include <cstdlib>
#include <string>

namespace warden {

int64_t now_seconds() {
#ifdef WARDEN_TEST_CLOCK
  if (const char* fake = std::getenv("WARDEN_TEST_NOW"); fake != nullptr && *fake != '\0') {
    try {
      return std::stoll(fake);
    } catch (...) {
      return 0;  // a broken test clock is the epoch: every snapshot is dated ahead of it, and refused
    }
  }
#endif
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace warden
