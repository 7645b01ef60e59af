// What the reference-transaction hook reads from git (hooks/transaction_input):
// the updates of guarded refs, the new tips of approval notes and fetched
// snapshot refs; other refs passed over; a malformed line about a ref
// warden looks at refused, whatever its shape.
#include <catch2/catch.hpp>

#include <string>

#include "hooks/transaction_input.hpp"

using warden::hooks::parse_transaction_input;

namespace {

const std::string kA(40, 'a'), kB(40, 'b'), kZero(40, '0');

std::string line(const std::string& old_id, const std::string& new_id, const std::string& ref) {
  return old_id + " " + new_id + " " + ref + "\n";
}

}  // namespace

TEST_CASE("transaction input: guarded refs, approvals and snapshots are sorted out, other refs passed over",
          "[transaction]") {
  std::string input = line(kA, kB, "refs/remotes/origin/main") + line(kZero, kB, "refs/heads/topic") +
                      line(kA, kZero, "refs/tags/v1") + line(kZero, kA, "refs/replace/" + kB) +
                      line(kA, kB, "refs/notes/warden") + line(kA, kB, "refs/warden/remotes/origin/snapshot") +
                      line(kB, kZero, "refs/warden/remotes/mirror/snapshot") + line(kA, kB, "HEAD") +
                      line(kA, kB, "refs/stash") + line(kA, kB, "refs/warden/pins/remotes/origin/main");
  auto parsed = parse_transaction_input(input);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->guarded.size() == 4);
  CHECK(parsed->guarded[0].ref == "refs/remotes/origin/main");
  CHECK(parsed->guarded[0].old_id.hex() == kA);
  CHECK(parsed->guarded[0].new_id.hex() == kB);
  CHECK(parsed->guarded[1].ref == "refs/heads/topic");
  CHECK(parsed->guarded[1].old_id.is_zero());
  CHECK(parsed->guarded[2].ref == "refs/tags/v1");
  CHECK(parsed->guarded[2].new_id.is_zero());  // a deletion is still an update to look at
  CHECK(parsed->guarded[3].ref == "refs/replace/" + kB);
  REQUIRE(parsed->approval_notes.size() == 1);
  CHECK(parsed->approval_notes[0].hex() == kB);
  // A deleted snapshot ref brings nothing to check.
  REQUIRE(parsed->snapshots.size() == 1);
  CHECK(parsed->snapshots[0].ref == "refs/warden/remotes/origin/snapshot");

  auto empty = parse_transaction_input("");
  REQUIRE(empty.ok());
  CHECK(empty->guarded.empty());
  CHECK(empty->approval_notes.empty());
  CHECK(empty->snapshots.empty());
}

TEST_CASE("transaction input: a malformed line about a guarded ref is refused, whatever its shape", "[transaction]") {
  struct Case {
    const char* what;
    std::string input;
    std::string ref;
  };
  const Case cases[] = {
      {"an id too short", kA.substr(1) + " " + kB + " refs/remotes/origin/main\n", "refs/remotes/origin/main"},
      {"an id not hex", std::string(40, 'g') + " " + kB + " refs/heads/main\n", "refs/heads/main"},
      {"one id only", kA + " refs/heads/main\n", "refs/heads/main"},
      {"no id at all", "refs/tags/v1\n", "refs/tags/v1"},
      {"ids swapped for words", "old new refs/replace/" + kA + "\n", "refs/replace/" + kA},
      {"a SHA-256 length id", std::string(64, 'a') + " " + std::string(64, 'b') + " refs/heads/main\n",
       "refs/heads/main"},
      {"malformed approvals", kA + "  refs/notes/warden\n", "refs/notes/warden"},
      {"malformed snapshot", "x y refs/warden/remotes/origin/snapshot\n", "refs/warden/remotes/origin/snapshot"},
      {"after a good line", line(kA, kB, "refs/heads/ok") + kA + " refs/heads/main\n", "refs/heads/main"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto parsed = parse_transaction_input(c.input);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message == "malformed reference-transaction input for " + c.ref);
  }
  // Lines about refs warden does not look at may be anything.
  auto other = parse_transaction_input("garbage\n" + kA + " HEAD\nx y refs/stash\n\n");
  REQUIRE(other.ok());
  CHECK(other->guarded.empty());
}

TEST_CASE("transaction input: lines without a final newline or with CRLF are read as git writes them",
          "[transaction]") {
  auto last = parse_transaction_input(kA + " " + kB + " refs/heads/main");
  REQUIRE(last.ok());
  REQUIRE(last->guarded.size() == 1);
  CHECK(last->guarded[0].ref == "refs/heads/main");
  // git never writes a carriage return and a ref name cannot hold one:
  // such a line is malformed (not a ref "main\r"), and the message shows
  // the character rather than sending it to the terminal.
  auto crlf = parse_transaction_input(kA + " " + kB + " refs/heads/main\r\n");
  REQUIRE_FALSE(crlf.ok());
  CHECK(crlf.error().message == "malformed reference-transaction input for refs/heads/main\\r");
  auto bad_name = parse_transaction_input(line(kA, kB, "refs/heads/a..b"));
  REQUIRE_FALSE(bad_name.ok());
  CHECK(bad_name.error().message == "malformed reference-transaction input for refs/heads/a..b");
}
