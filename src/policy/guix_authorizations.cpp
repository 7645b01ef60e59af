// Guix matches the file against
//   ('authorizations ('version 0) (((? string? fingerprints) _ ...) ...) _ ...)
// and turns each fingerprint into bytes after dropping non-graphic
// characters. This reads the same shape and says where it differs.
#include "warden/guix_authorizations.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "policy/sexp.hpp"
#include "warden/openpgp_cert.hpp"

namespace warden {

bool GuixAuthorizations::authorizes(const std::string& fingerprint) const {
  return std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.fingerprint == fingerprint; });
}

namespace {

constexpr const char* kShape = "expected (authorizations (version 0) ((\"FINGERPRINT\" (name \"...\")) ...))";

Error at(const sexp::Datum& d, const std::string& what) { return make_error(fmt::format("line {}: {}", d.line, what)); }

// Guix's (string-filter char-set:graphic ...): whitespace and control
// characters go; what remains must be hex.
std::optional<std::string> graphic_hex(const std::string& s) {
  std::string kept;
  for (unsigned char c : s)
    if (c > 0x20 && c != 0x7F) kept.push_back(static_cast<char>(c));
  return normalize_openpgp_fingerprint(kept);
}

}  // namespace

Result<GuixAuthorizations> parse_guix_authorizations(std::string_view text) {
  // Guix's (read port): the first datum; what follows is never read.
  auto data = sexp::read_first(text);
  if (!data) return data.error();
  if (!*data) return make_error(fmt::format("line 1: empty file; {}", kShape));
  const sexp::Datum& top = **data;
  if (top.kind != sexp::Datum::Kind::list || top.items.empty() || !top.items[0].is_atom("authorizations"))
    return at(top, kShape);
  if (top.items.size() < 3) return at(top, kShape);
  const sexp::Datum& version = top.items[1];
  if (version.kind != sexp::Datum::Kind::list || version.items.size() != 2 || !version.items[0].is_atom("version"))
    return at(version, "expected (version 0)");
  if (!version.items[1].is_atom("0"))
    return at(version, fmt::format("unsupported version {} (Guix reads version 0)", version.items[1].text));
  const sexp::Datum& entries = top.items[2];
  if (entries.kind != sexp::Datum::Kind::list) return at(entries, "expected a list of authorized keys");
  GuixAuthorizations out;
  for (const auto& e : entries.items) {
    if (e.kind != sexp::Datum::Kind::list || e.items.empty() || e.items[0].kind != sexp::Datum::Kind::string)
      return at(e, "an authorized key is (\"FINGERPRINT\" field ...)");
    auto fpr = graphic_hex(e.items[0].text);
    if (!fpr) return at(e, fmt::format("'{}' is not an OpenPGP v4 fingerprint (40 hex digits)", e.items[0].text));
    GuixAuthorization a{*fpr, ""};
    for (size_t i = 1; i < e.items.size(); ++i) {
      const auto& f = e.items[i];
      if (f.kind == sexp::Datum::Kind::list && f.items.size() == 2 && f.items[0].is_atom("name") &&
          f.items[1].kind == sexp::Datum::Kind::string)
        a.name = f.items[1].text;
    }
    if (!out.authorizes(a.fingerprint)) out.keys.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<std::string>> guix_keyring_reference(std::string_view channel_file) {
  // Guix's read-channel-metadata (guix/channels.scm): the first datum must
  // be (channel (version 0) property ...); keyring-reference is the first
  // value of that property, where there is one.
  auto data = sexp::read_first(channel_file);
  if (!data) return data.error();
  if (!*data) return make_error("line 1: invalid '.guix-channel' file (it holds no datum)");
  const sexp::Datum& top = **data;
  if (top.kind != sexp::Datum::Kind::list || top.items.size() < 2 || !top.items[0].is_atom("channel") ||
      top.items[1].kind != sexp::Datum::Kind::list || top.items[1].items.size() != 2 ||
      !top.items[1].items[0].is_atom("version"))
    return at(top, "invalid '.guix-channel' file");
  if (!top.items[1].items[1].is_atom("0")) return at(top, "unsupported '.guix-channel' version");
  for (size_t i = 2; i < top.items.size(); ++i) {
    const auto& f = top.items[i];
    if (f.kind == sexp::Datum::Kind::list && f.items.size() >= 2 && f.items[0].is_atom("keyring-reference")) {
      if (f.items[1].kind != sexp::Datum::Kind::string) return at(f, "keyring-reference must be a string");
      return std::optional<std::string>(f.items[1].text);
    }
  }
  return std::optional<std::string>();
}

}  // namespace warden
