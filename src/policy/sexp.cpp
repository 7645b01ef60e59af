#include "policy/sexp.hpp"

#include <fmt/format.h>

namespace warden::sexp {
namespace {

constexpr size_t kMaxDepth = 64;

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  // The first datum, as Scheme's read gives it, and nothing after it is
  // looked at; nullopt if there is none.
  Result<std::optional<Datum>> first() {
    WARDEN_TRY_STATUS(skip_space());
    if (at_ == s_.size()) return std::optional<Datum>();
    auto d = datum(0);
    if (!d) return d.error();
    return std::optional<Datum>(std::move(*d));
  }

  Result<std::vector<Datum>> all() {
    std::vector<Datum> out;
    for (;;) {
      WARDEN_TRY_STATUS(skip_space());
      if (at_ == s_.size()) return out;
      auto d = datum(0);
      if (!d) return d.error();
      out.push_back(std::move(*d));
    }
  }

 private:
  Error error(const std::string& what) const { return make_error(fmt::format("line {}: {}", line_, what)); }

  char next() {
    char c = s_[at_++];
    if (c == '\n') ++line_;
    return c;
  }

  Status skip_space() {
    while (at_ < s_.size()) {
      char c = s_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        next();
      } else if (c == ';') {
        while (at_ < s_.size() && s_[at_] != '\n') next();
      } else if (s_.substr(at_).starts_with("#|")) {
        size_t end = s_.find("|#", at_ + 2);
        if (end == std::string_view::npos) return error("unterminated #| comment");
        while (at_ < end + 2) next();
      } else if (s_.substr(at_).starts_with("#;")) {
        next();
        next();
        WARDEN_TRY_STATUS(skip_space());
        if (at_ == s_.size()) return error("#; comment with nothing after it");
        auto skipped = datum(0);
        if (!skipped) return skipped.error();
      } else {
        break;
      }
    }
    return Status::success();
  }

  static bool delimiter(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(' || c == ')' || c == '[' ||
           c == ']' || c == '"' || c == ';';
  }

  Result<Datum> datum(size_t depth) {
    if (depth > kMaxDepth) return error("nested too deeply");
    Datum d;
    d.line = line_;
    char c = s_[at_];
    if (c == '(' || c == '[') {
      char close = c == '(' ? ')' : ']';
      next();
      d.kind = Datum::Kind::list;
      for (;;) {
        WARDEN_TRY_STATUS(skip_space());
        if (at_ == s_.size()) return make_error(fmt::format("line {}: unclosed '{}'", d.line, c));
        if (s_[at_] == close) {
          next();
          return d;
        }
        if (s_[at_] == ')' || s_[at_] == ']') return error(fmt::format("'{}' closes a '{}'", s_[at_], c));
        auto item = datum(depth + 1);
        if (!item) return item.error();
        d.items.push_back(std::move(*item));
      }
    }
    if (c == ')' || c == ']') return error(fmt::format("unexpected '{}'", c));
    if (c == '"') {
      next();
      d.kind = Datum::Kind::string;
      for (;;) {
        if (at_ == s_.size()) return make_error(fmt::format("line {}: unterminated string", d.line));
        char ch = next();
        if (ch == '"') return d;
        if (ch != '\\') {
          d.text.push_back(ch);
          continue;
        }
        if (at_ == s_.size()) return make_error(fmt::format("line {}: unterminated string", d.line));
        char e = next();
        switch (e) {
          case '"': case '\\': d.text.push_back(e); break;
          case 'n': d.text.push_back('\n'); break;
          case 't': d.text.push_back('\t'); break;
          case 'r': d.text.push_back('\r'); break;
          case 'a': d.text.push_back('\a'); break;
          case 'f': d.text.push_back('\f'); break;
          case 'v': d.text.push_back('\v'); break;
          case '0': d.text.push_back('\0'); break;
          case '\n':  // line continuation: the newline and leading blanks vanish
            while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t')) next();
            break;
          default: return error(fmt::format("unsupported string escape '\\{}'", e));
        }
      }
    }
    if (c == '\'' || c == '`' || c == ',') {
      // 'x is (quote x), `x (quasiquote x), ,x (unquote x), ,@x
      // (unquote-splicing x): data, as read gives them.
      next();
      const char* name = c == '\'' ? "quote" : c == '`' ? "quasiquote" : "unquote";
      if (c == ',' && at_ < s_.size() && s_[at_] == '@') {
        next();
        name = "unquote-splicing";
      }
      WARDEN_TRY_STATUS(skip_space());
      if (at_ == s_.size()) return make_error(fmt::format("line {}: '{}' with nothing after it", d.line, c));
      auto quoted = datum(depth + 1);
      if (!quoted) return quoted.error();
      d.kind = Datum::Kind::list;
      Datum head;
      head.line = d.line;
      head.text = name;
      d.items.push_back(std::move(head));
      d.items.push_back(std::move(*quoted));
      return d;
    }
    // A character literal: #\ and the character after it, whatever it is
    // (#\( #\space #\x41).
    if (s_.substr(at_).starts_with("#\\")) {
      d.text.push_back(next());
      d.text.push_back(next());
      if (at_ < s_.size()) d.text.push_back(next());
    }
    while (at_ < s_.size() && !delimiter(s_[at_])) d.text.push_back(next());
    return d;
  }

  std::string_view s_;
  size_t at_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<Datum>> read_all(std::string_view text) { return Reader(text).all(); }

Result<std::optional<Datum>> read_first(std::string_view text) { return Reader(text).first(); }

}  // namespace warden::sexp
