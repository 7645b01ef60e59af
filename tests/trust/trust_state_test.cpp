// The trust layer in process, without a client or a server: the snapshot
// format, the verified-commit cache file, and pins. Crafted input is
// refused with a one-line message that says what is wrong.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <map>

#include "support/sandbox.hpp"
#include "warden/anchor.hpp"
#include "warden/pins.hpp"
#include "warden/repository.hpp"
#include "warden/snapshot.hpp"
#include "warden/verified_cache.hpp"

namespace {

const warden::ObjectId kCommit = *warden::ObjectId::from_hex(std::string(40, 'c'));
const std::string kMain(40, 'a'), kTag(40, 'b');

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

std::string refusal_of(const std::string& json) {
  auto parsed = warden::parse_snapshot(json, kCommit);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error().message;
}

}  // namespace

TEST_CASE("trust: snapshot.json round-trips, and crafted ones are refused in one line", "[trust][snapshot]") {
  std::map<std::string, warden::ObjectId> refs{{"refs/heads/main", *warden::ObjectId::from_hex(kMain)},
                                               {"refs/tags/v1.0", *warden::ObjectId::from_hex(kTag)}};
  std::string text = warden::snapshot_json(7, 1700000000, refs);
  auto parsed = warden::parse_snapshot(text, kCommit);
  REQUIRE(parsed.ok());
  CHECK(parsed->counter == 7);
  CHECK(parsed->time == 1700000000);
  CHECK(parsed->refs == refs);
  CHECK(parsed->commit == kCommit);

  const std::string head = "commit " + kCommit.short_hex() + " is not a warden snapshot: ";
  const std::string type = "\"type\": \"urn:warden:snapshot:v1\"";
  CHECK(refusal_of("[1, 2]") == head + "snapshot.json is not a JSON object");
  CHECK(refusal_of("{\"type\": \"urn:warden:snapshot:v1\", \"counter\": 1,") == head + "snapshot.json is not a JSON object");
  CHECK(refusal_of("{\"type\": \"urn:other\", \"counter\": 1, \"time\": 1, \"refs\": {}}") ==
        head + "its type is not urn:warden:snapshot:v1");
  CHECK(refusal_of("{" + type + ", \"counter\": 0, \"time\": 1, \"refs\": {}}") ==
        head + "'counter' must be a whole number of at least 1");
  CHECK(refusal_of("{" + type + ", \"counter\": -3, \"time\": 1, \"refs\": {}}") ==
        head + "'counter' must be a whole number of at least 1");
  CHECK(refusal_of("{" + type + ", \"counter\": 1, \"time\": \"today\", \"refs\": {}}") ==
        head + "'time' must be seconds since the epoch");
  CHECK(refusal_of("{" + type + ", \"counter\": 1, \"time\": 1, \"refs\": []}") ==
        head + "'refs' must map ref names to ids");
  CHECK(refusal_of("{" + type + ", \"counter\": 1, \"time\": 1, \"refs\": {\"refs/heads/main\": \"" + kMain.substr(0, 39) +
                   "\"}}") == head + "bad entry for 'refs/heads/main' in 'refs'");
  CHECK(refusal_of("{" + type + ", \"counter\": 1, \"time\": 1, \"refs\": {\"HEAD\": \"" + kMain + "\"}}") ==
        head + "bad entry for 'HEAD' in 'refs'");
  // Names of the attacker's choosing stay one line.
  std::string forged = refusal_of("{" + type + ", \"counter\": 1, \"time\": 1, \"refs\": {}, \"x\\nwarden: ok\": 1}");
  CHECK(forged == head + "unknown key 'x\\nwarden: ok'");
  CHECK(one_line(forged));
  std::string ref = refusal_of("{" + type + ", \"counter\": 1, \"time\": 1, \"refs\": {\"refs/heads/\\u0001x\\r\": 5}}");
  CHECK(ref == head + "bad entry for 'refs/heads/\\x01x\\r' in 'refs'");
  CHECK(one_line(ref));
}

TEST_CASE("trust: the verified-commit cache keeps its tips, and ignores a file it cannot trust", "[trust][cache]") {
  test::Sandbox sb;
  sb.sh("git init -q repo && git -C repo -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m root");
  std::string root = sb.sh("git -C repo rev-parse HEAD");
  auto repo = warden::Repository::open(sb.dir() + "/repo");
  REQUIRE(repo.ok());
  warden::Anchor anchor{*warden::ObjectId::from_hex(root), "SHA256:anchorkey"};

  auto empty = warden::VerifiedCache::load(*repo, anchor);
  CHECK_FALSE(empty.loaded());
  CHECK(empty.tips().empty());
  CHECK(empty.warning().empty());

  auto cache = empty;
  std::vector<warden::ObjectId> tips;
  for (char c : std::string("0123456789")) tips.push_back(*warden::ObjectId::from_hex(std::string(40, c)));
  for (const auto& t : tips) cache.add(t);
  cache.add(tips[0]);  // again: moves to the newest end, kept once
  REQUIRE(cache.save().ok());
  auto again = warden::VerifiedCache::load(*repo, anchor);
  CHECK(again.loaded());
  REQUIRE(again.tips().size() == tips.size());
  CHECK(again.tips().back() == tips[0]);
  CHECK(again.tips().front() == tips[1]);

  std::string file = sb.read_file(again.path());
  const std::string anchor_line = "anchor " + root + ":SHA256:anchorkey";
  REQUIRE(warden::VerifiedCache::parse_cache_file(file, anchor_line).ok());
  auto why = [&](const std::string& text, const std::string& line) {
    auto r = warden::VerifiedCache::parse_cache_file(text, line);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(why(file, "anchor " + root + ":SHA256:otherkey") == "made for another anchor");
  std::string flipped = file;
  flipped[flipped.find(tips[3].hex())] = 'f';
  CHECK(why(flipped, anchor_line) == "damaged (checksum mismatch)");
  CHECK(why(file.substr(0, file.size() - 1), anchor_line) == "damaged (no checksum)");
  CHECK(why("", anchor_line) == "damaged (no checksum)");

  SECTION("a damaged file on disk is ignored, with a warning") {
    sb.write_file(again.path(), flipped);
    auto ignored = warden::VerifiedCache::load(*repo, anchor);
    CHECK_FALSE(ignored.loaded());
    CHECK(ignored.tips().empty());
    CHECK(ignored.warning() == "verified-commit cache ignored: damaged (checksum mismatch)");
  }
  SECTION("a file others may write is ignored, whatever it says") {
    REQUIRE(chmod(again.path().c_str(), 0666) == 0);
    auto ignored = warden::VerifiedCache::load(*repo, anchor);
    CHECK_FALSE(ignored.loaded());
    CHECK(ignored.tips().empty());
    CHECK_THAT(ignored.warning(), Catch::StartsWith("verified-commit cache ignored: "));
    CHECK_THAT(ignored.warning(), Catch::Contains("writable"));
  }
  SECTION("another anchor's cache is another file") {
    warden::Anchor other{anchor.commit, "SHA256:otherkey"};
    auto theirs = warden::VerifiedCache::load(*repo, other);
    CHECK_FALSE(theirs.loaded());
    CHECK(theirs.tips().empty());
    CHECK(theirs.path() != again.path());
  }
}

TEST_CASE("trust: pins are refs under refs/warden/pins/, one per tracking ref", "[trust][pins]") {
  CHECK(warden::pin_ref_for("refs/remotes/origin/main") == "refs/warden/pins/remotes/origin/main");
  CHECK(warden::tracking_ref_for("refs/warden/pins/remotes/origin/main") == "refs/remotes/origin/main");
  CHECK_FALSE(warden::tracking_ref_for("refs/heads/main").has_value());
  CHECK(warden::full_tracking_ref("origin/main") == "refs/remotes/origin/main");
  CHECK(warden::full_tracking_ref("refs/remotes/origin/main") == "refs/remotes/origin/main");
  CHECK(warden::short_tracking_ref("refs/remotes/origin/main") == "origin/main");

  test::Sandbox sb;
  sb.sh("git init -q repo && git -C repo -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m one && "
        "git -C repo -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m two");
  auto one = *warden::ObjectId::from_hex(sb.sh("git -C repo rev-parse HEAD~1"));
  auto two = *warden::ObjectId::from_hex(sb.sh("git -C repo rev-parse HEAD"));
  auto repo = warden::Repository::open(sb.dir() + "/repo");
  REQUIRE(repo.ok());
  auto none = warden::read_pin(*repo, "refs/remotes/origin/main");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(warden::write_pin(*repo, "refs/remotes/origin/main", one, "test pin").ok());
  REQUIRE(warden::write_pin(*repo, "refs/remotes/origin/main", two, "test pin moved").ok());
  REQUIRE(warden::write_pin(*repo, "refs/remotes/mirror/dev", one, "test pin").ok());
  auto read = warden::read_pin(*repo, "refs/remotes/origin/main");
  REQUIRE(read.ok());
  CHECK(*read == std::optional<warden::ObjectId>(two));
  auto all = warden::list_pins(*repo);
  REQUIRE(all.ok());
  std::map<std::string, warden::ObjectId> listed;
  for (const auto& p : *all) listed.emplace(p.tracking_ref, p.commit);
  CHECK(listed == std::map<std::string, warden::ObjectId>{{"refs/remotes/mirror/dev", one}, {"refs/remotes/origin/main", two}});
  CHECK(sb.sh("git -C repo rev-parse refs/warden/pins/remotes/origin/main") == two.hex());
}
