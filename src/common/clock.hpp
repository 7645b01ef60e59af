// The time warden judges freshness by: the system clock, or, in a build
// configured with WARDEN_TEST_CLOCK=ON (the test suite's), the seconds in
// the environment variable WARDEN_TEST_NOW when it is set. Users' builds
// never read that variable.
#pragma once

#include <cstdint>

namespace warden {

int64_t now_seconds();

}  // namespace warden
