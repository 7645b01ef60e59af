// Follows git's read-cache.c (verify_path, verify_dotfile), path.c
// (is_ntfs_dotgit, is_ntfs_dot_generic) and utf8.c (is_hfs_dotgit,
// next_hfs_char), over a string_view instead of a NUL-terminated string.
#include "git/checkout_path.hpp"

#include <cctype>

namespace warden::git {
namespace {

constexpr uint32_t kModeTypeMask = 0170000;
constexpr uint32_t kModeSymlink = 0120000;

bool is_symlink(uint32_t mode) { return (mode & kModeTypeMask) == kModeSymlink; }
bool is_dir_sep(char c) { return c == '/'; }
bool is_xplatform_dir_sep(char c) { return c == '/' || c == '\\'; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// A cursor over the rest of the path that reads '\0' past its end, as the
// C code reads the terminating NUL.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  char at(size_t k) const { return i + k < s.size() ? s[i + k] : '\0'; }
};

// utf8.c pick_one_utf8_char: the code point at `c`, advancing; sets
// `valid` false on malformed UTF-8 (git then gives up: "cannot be .git").
uint32_t pick_utf8(Cursor& c, bool& valid) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(c.at(k)); };
  size_t remainder = c.s.size() - c.i;
  uint32_t ch;
  size_t incr;
  if (remainder < 1) {
    // The terminating NUL.
    return 0;
  } else if (b(0) < 0x80) {
    ch = b(0);
    incr = 1;
  } else if ((b(0) & 0xe0) == 0xc0) {
    if (remainder < 2 || (b(1) & 0xc0) != 0x80 || (b(0) & 0xfe) == 0xc0) { valid = false; return 0; }
    ch = ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    incr = 2;
  } else if ((b(0) & 0xf0) == 0xe0) {
    if (remainder < 3 || (b(1) & 0xc0) != 0x80 || (b(2) & 0xc0) != 0x80 || (b(0) == 0xe0 && (b(1) & 0xe0) == 0x80) ||
        (b(0) == 0xed && (b(1) & 0xe0) == 0xa0) || (b(0) == 0xef && b(1) == 0xbf && (b(2) & 0xfe) == 0xbe)) {
      valid = false;
      return 0;
    }
    ch = ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    incr = 3;
  } else if ((b(0) & 0xf8) == 0xf0) {
    if (remainder < 4 || (b(1) & 0xc0) != 0x80 || (b(2) & 0xc0) != 0x80 || (b(3) & 0xc0) != 0x80 ||
        (b(0) == 0xf0 && (b(1) & 0xf0) == 0x80) || (b(0) == 0xf4 && b(1) > 0x8f) || b(0) > 0xf4) {
      valid = false;
      return 0;
    }
    ch = ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
    incr = 4;
  } else {
    valid = false;
    return 0;
  }
  c.i += incr;
  return ch;
}

// utf8.c next_hfs_char: skips the code points HFS+ ignores.
uint32_t next_hfs_char(Cursor& c, bool& valid) {
  for (;;) {
    uint32_t out = pick_utf8(c, valid);
    if (!valid) return 0;
    switch (out) {
      case 0x200c: case 0x200d: case 0x200e: case 0x200f:
      case 0x202a: case 0x202b: case 0x202c: case 0x202d: case 0x202e:
      case 0x206a: case 0x206b: case 0x206c: case 0x206d: case 0x206e: case 0x206f:
      case 0xfeff:
        continue;
    }
    return out;
  }
}

// utf8.c is_hfs_dot_generic.
bool is_hfs_dot(std::string_view path, std::string_view needle) {
  Cursor c{path};
  bool valid = true;
  if (next_hfs_char(c, valid) != '.') return false;
  for (char n : needle) {
    uint32_t ch = next_hfs_char(c, valid);
    if (ch > 127) return false;
    if (lower(static_cast<char>(ch)) != n) return false;
  }
  uint32_t ch = next_hfs_char(c, valid);
  if (ch != 0 && !is_dir_sep(static_cast<char>(ch))) return false;
  return true;
}

// path.c is_ntfs_dotgit.
bool is_ntfs_dotgit(std::string_view path) {
  size_t i = 0;
  auto ch = [&](size_t k) { return k < path.size() ? path[k] : '\0'; };
  char first = ch(i++);
  if (first == '.') {
    if (lower(ch(i++)) != 'g' || lower(ch(i++)) != 'i' || lower(ch(i++)) != 't') return false;
  } else if (lower(first) == 'g') {
    if (lower(ch(i++)) != 'i' || lower(ch(i++)) != 't' || ch(i++) != '~' || ch(i++) != '1') return false;
  } else {
    return false;
  }
  for (;;) {
    char x = ch(i++);
    if (x == '\0' || is_xplatform_dir_sep(x) || x == ':') return true;
    if (x != '.' && x != ' ') return false;
  }
}

// path.c is_ntfs_dot_generic, for ".gitmodules" ("gi7eba" is its NTFS
// short-name prefix).
bool is_ntfs_dotgitmodules(std::string_view name) {
  constexpr std::string_view dotgit_name = "gitmodules";
  constexpr std::string_view shortname_prefix = "gi7eba";
  auto ch = [&](size_t k) { return k < name.size() ? name[k] : '\0'; };
  auto only_spaces_and_periods = [&](size_t i) {
    for (;;) {
      char c = ch(i++);
      if (c == '\0' || c == ':') return true;
      if (c != ' ' && c != '.') return false;
    }
  };
  auto iequal_prefix = [&](size_t at, std::string_view what, size_t len) {
    for (size_t k = 0; k < len; ++k)
      if (lower(ch(at + k)) != what[k]) return false;
    return true;
  };
  if (ch(0) == '.' && iequal_prefix(1, dotgit_name, dotgit_name.size())) return only_spaces_and_periods(dotgit_name.size() + 1);
  if (iequal_prefix(0, dotgit_name, 6) && ch(6) == '~' && ch(7) >= '1' && ch(7) <= '4') return only_spaces_and_periods(8);
  bool saw_tilde = false;
  for (size_t i = 0; i < 8; i++) {
    char c = ch(i);
    if (c == '\0') return false;
    if (saw_tilde) {
      if (c < '0' || c > '9') return false;
    } else if (c == '~') {
      ++i;
      if (ch(i) < '1' || ch(i) > '9') return false;
      saw_tilde = true;
    } else if (i >= 6) {
      return false;
    } else if (static_cast<unsigned char>(c) & 0x80) {
      return false;
    } else if (lower(c) != shortname_prefix[i]) {
      return false;
    }
  }
  return only_spaces_and_periods(8);
}

// read-cache.c verify_dotfile: `rest` follows a component's leading '.'.
bool dotfile_ok(std::string_view rest, uint32_t mode) {
  auto ch = [&](size_t k) { return k < rest.size() ? rest[k] : '\0'; };
  if (ch(0) == '\0' || is_dir_sep(ch(0))) return false;
  switch (ch(0)) {
    case 'g':
    case 'G':
      if (lower(ch(1)) != 'i') break;
      if (lower(ch(2)) != 't') break;
      if (ch(3) == '\0' || is_dir_sep(ch(3))) return false;
      if (is_symlink(mode)) {
        std::string_view after = rest.substr(3);
        constexpr std::string_view modules = "modules";
        bool match = after.size() >= modules.size();
        for (size_t k = 0; match && k < modules.size(); ++k) match = lower(after[k]) == modules[k];
        if (match && (after.size() == modules.size() || is_dir_sep(after[modules.size()]))) return false;
      }
      break;
    case '.':
      if (ch(1) == '\0' || is_dir_sep(ch(1))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> refused_path(std::string_view path, uint32_t mode) {
  if (path.find('\0') != std::string_view::npos) return "a NUL byte in the path";
  // At the start of each component (read-cache.c, "inside:").
  size_t i = 0;
  for (;;) {
    std::string_view rest = path.substr(i);
    std::string_view component = rest.substr(0, rest.find('/'));
    if (component.size() == 4 && component[0] == '.' && lower(component[1]) == 'g' && lower(component[2]) == 'i' &&
        lower(component[3]) == 't')
      return "a '.git' component, in any case";
    if (is_hfs_dot(rest, "git")) return "'.git' (an HFS+ alias of it)";
    if (is_symlink(mode) && is_hfs_dot(rest, "gitmodules")) return "a symbolic link named '.gitmodules' (HFS+)";
    if (is_ntfs_dotgit(rest)) return "'.git' (an NTFS alias of it)";
    if (is_symlink(mode) && is_ntfs_dotgitmodules(rest)) return "a symbolic link named '.gitmodules' (NTFS)";
    char c = i < path.size() ? path[i++] : '\0';
    if (c == '.' && !dotfile_ok(path.substr(i), mode)) return "a '.', '..' or '.git' component";
    if (is_dir_sep(c)) return "an empty path component";
    if (c == '\0') return "an empty path component";
    // The rest of the component.
    for (;;) {
      c = i < path.size() ? path[i++] : '\0';
      if (c == '\0') return std::nullopt;
      if (is_dir_sep(c)) break;
      if (c == '\\') {
        std::string_view after = path.substr(i);
        if (is_ntfs_dotgit(after)) return "'.git' after a backslash (an NTFS alias of it)";
        if (is_symlink(mode) && is_ntfs_dotgitmodules(after)) return "a symbolic link named '.gitmodules' (NTFS)";
      }
    }
  }
}

std::optional<std::string> refused_entry_name(std::string_view name) {
  if (name.empty()) return "an empty name in a tree";
  if (name.find('/') != std::string_view::npos) return "a tree entry whose name contains '/'";
  return std::nullopt;
}

}  // namespace warden::git
