// A reader for the subset of Scheme's external representation that Guix's
// channel files use, read as Guile's `read` reads it: lists ( ) and [ ],
// strings with Guile's escapes, atoms (symbols, numbers, #t, character
// literals), quote forms ('x is (quote x); ` , ,@ likewise), ; and #| |#
// comments and #; datum comments. Enough to read data, never to evaluate it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden::sexp {

struct Datum {
  enum class Kind { list, string, atom };
  Kind kind = Kind::atom;
  std::string text;          // string contents or atom spelling
  std::vector<Datum> items;  // list elements
  int line = 0;              // where it starts

  bool is_atom(std::string_view s) const { return kind == Kind::atom && text == s; }
};

// Reads every datum in `text`. Errors read "line N: problem".
Result<std::vector<Datum>> read_all(std::string_view text);
// Reads the first datum of `text` and nothing after it, as Guix's (read
// port) does; nullopt if `text` holds none.
Result<std::optional<Datum>> read_first(std::string_view text);

}  // namespace warden::sexp
