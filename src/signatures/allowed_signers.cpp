#include "signatures/allowed_signers.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/lines.hpp"
#include "warden/ssh_key.hpp"

namespace warden {
namespace {

constexpr size_t kMaxLines = 100000;

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The next whitespace-separated field; double quotes group spaces, as
// OpenSSH reads principals and options. Empty when none is left.
Result<std::string> next_field(std::string_view& rest) {
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  std::string field;
  bool quoted = false;
  while (!rest.empty() && (quoted || !is_space(rest.front()))) {
    char c = rest.front();
    rest.remove_prefix(1);
    if (c == '"') quoted = !quoted;
    field.push_back(c);
  }
  if (quoted) return make_error("unterminated quote");
  return field;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"') quoted = !quoted;
    if (i == text.size() || (text[i] == ',' && !quoted)) {
      out.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

bool is_key_type(const std::string& word) {
  return word.starts_with("ssh-") || word.starts_with("ecdsa-") || word.starts_with("sk-");
}

Status read_options(const std::string& field, AllowedSigner& entry) {
  for (const auto& option : split_commas(field)) {
    std::string name = option.substr(0, option.find('='));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = option.find('=') == std::string::npos ? "" : unquote(option.substr(option.find('=') + 1));
    if (name == "cert-authority") entry.cert_authority = true;
    else if (name == "namespaces") entry.namespaces = split_commas(value);
    else if (name == "valid-after") entry.valid_after = value;
    else if (name == "valid-before") entry.valid_before = value;
    else return make_error(fmt::format("unknown option '{}'", name));
  }
  return Status::success();
}

}  // namespace

bool AllowedSigner::signs_git() const {
  if (cert_authority) return false;
  if (namespaces.empty()) return true;
  return std::find(namespaces.begin(), namespaces.end(), "git") != namespaces.end();
}

Result<std::vector<AllowedSigner>> parse_allowed_signers(std::string_view text) {
  std::vector<AllowedSigner> out;
  int line_no = 0;
  while (!text.empty()) {
    std::string_view line = take_line(text);
    if (++line_no > static_cast<int>(kMaxLines)) return make_error(fmt::format("more than {} lines", kMaxLines));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto where = [&](const std::string& what) { return make_error(fmt::format("line {}: {}", line_no, what)); };
    auto principals = next_field(line);
    if (!principals) return where(principals.error().message);
    if (principals->empty() || principals->front() == '#') continue;
    AllowedSigner entry;
    entry.line = line_no;
    for (auto& p : split_commas(unquote(*principals)))
      if (!p.empty()) entry.principals.push_back(std::move(p));
    if (entry.principals.empty()) return where("no principal");
    auto type = next_field(line);
    if (!type) return where(type.error().message);
    if (!type->empty() && !is_key_type(*type)) {
      if (auto s = read_options(*type, entry); !s) return where(s.error().message);
      type = next_field(line);
      if (!type) return where(type.error().message);
    }
    auto blob = next_field(line);
    if (!blob) return where(blob.error().message);
    if (type->empty() || blob->empty()) return where("no public key");
    entry.key_line = *type + " " + *blob;
    std::string_view comment = line;
    while (!comment.empty() && is_space(comment.front())) comment.remove_prefix(1);
    while (!comment.empty() && is_space(comment.back())) comment.remove_suffix(1);
    entry.comment = std::string(comment);
    if (auto key = SshPublicKey::parse_line(entry.key_line); !key)
      return where(fmt::format("bad public key: {}", key.error().message));
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace warden
