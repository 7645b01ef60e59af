// The cast of most tests, each with a fresh key in one sandbox: maintainers
// alice (ed25519) and bob (ecdsa), carol with a docs-only grant, and
// mallory, whom no policy lists.
#pragma once

#include "support/sandbox.hpp"

namespace test {

struct People {
  Sandbox sb;
  const Key& alice;
  const Key& bob;
  const Key& carol;
  const Key& mallory;

  People() : alice(sb.key("alice")), bob(sb.key("bob", "ecdsa-256")), carol(sb.key("carol")), mallory(sb.key("mallory")) {}
};

}  // namespace test
