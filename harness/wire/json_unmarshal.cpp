#include "wire/json_unmarshal.hpp"

#include "wire/base64.hpp"
#include "wire/go_time.hpp"
#include "wire/json_scanner.hpp"
#include "wire/utf8.hpp"

namespace cph::gojson {
namespace {

// getu4: the value of "\uXXXX" at s[i], or -1.
int32_t getu4(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int32_t r = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const char c = s[k];
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return -1;
    r = r * 16 + v;
  }
  return r;
}

// The JSON type name Go puts in "cannot unmarshal <X>", by a value's first byte.
const char* value_kind(char c) {
  switch (c) {
    case '{': return "object";
    case '[': return "array";
    case '"': return "string";
    case 't':
    case 'f': return "bool";
    case 'n': return "null";
  }
  return "number";
}

// strconv.ParseInt(s, 10, 64) and ParseUint(s, 10, 8) on a JSON number.
bool parse_int64(std::string_view s, int64_t& out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  const uint64_t limit = neg ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool parse_uint8(std::string_view s, uint8_t& out) {
  if (s.empty()) return false;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > 255) return false;
  }
  out = static_cast<uint8_t>(v);
  return true;
}

class Unmarshaller {
 public:
  Unmarshaller(std::string_view data, const std::string* struct_name, wire::JsonDialect dialect = wire::JsonDialect::v1)
      : d_(data), struct_name_(struct_name), v2_(dialect == wire::JsonDialect::v2) {}

  // The struct at the top level: Go's d.value(&v) for a struct type.
  std::string top_struct(const StructSpec& spec, std::vector<FieldValue>& out) {
    ws();
    const char c = d_[p_];
    if (c == '{') {
      if (auto err = object(spec, out); !err.empty()) return err;
    } else {
      if (c != 'n') save_type_error(value_kind(c), spec.qualified_name);
      skip();
    }
    return saved_;
  }

  std::string top_bytes(std::string& bytes) {
    ws();
    FieldSpec f{"", Kind::bytes, "[]uint8", "uint8"};
    FieldValue v;
    if (auto err = field_value(f, v); !err.empty()) return err;
    bytes = std::string(v.slice_bytes());
    return saved_;
  }

 private:
  void ws() {
    while (p_ < d_.size() && is_space(static_cast<unsigned char>(d_[p_]))) ++p_;
  }

  // Skips the value at p_ (known to be valid JSON), iteratively.
  void skip() {
    if (d_[p_] != '{' && d_[p_] != '[') {
      literal();
      return;
    }
    size_t depth = 0;
    do {
      const char c = d_[p_];
      if (c == '"') {
        literal();
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      ++p_;
    } while (depth > 0);
  }

  // A string, number or literal at p_; returns its text and moves past it.
  std::string_view literal() {
    const size_t start = p_;
    if (d_[p_] == '"') {
      ++p_;
      while (d_[p_] != '"') p_ += d_[p_] == '\\' ? 2 : 1;
      ++p_;
    } else {
      while (p_ < d_.size() && !is_space(static_cast<unsigned char>(d_[p_])) && d_[p_] != ',' && d_[p_] != '}' &&
             d_[p_] != ']' && d_[p_] != ':') {
        ++p_;
      }
    }
    return d_.substr(start, p_ - start);
  }

  void save(std::string err) {
    if (saved_.empty()) saved_ = std::move(err);
  }

  // addErrorContext: inside a struct field the message names Struct.Field.
  void save_type_error(const std::string& value, const std::string& type) { save(type_error_text(value, type)); }
  // The field as errors name it: v1 by its Go name, v2 by the key as written (unquoted).
  const std::string& field_name() const { return v2_ ? key_ : field_->name; }
  std::string type_error_text(const std::string& value, const std::string& type) const {
    if (field_ != nullptr) {
      return "json: cannot unmarshal " + value + " into Go struct field " + *struct_name_ + "." + field_name() +
             " of type " + type;
    }
    return "json: cannot unmarshal " + value + " into Go value of type " + type;
  }

  // A slice element that does not fit: v1 names the field, v2 the element.
  void save_element_error(const std::string& value, const FieldSpec& f, size_t index) {
    if (!v2_ || field_ == nullptr) {
      save_type_error(value, f.elem_type);
      return;
    }
    save("json: cannot unmarshal " + value + " into " + *struct_name_ + "." + field_name() + "." +
         std::to_string(index) + " of type " + f.elem_type);
  }

  std::string object(const StructSpec& spec, std::vector<FieldValue>& out) {
    ++p_;  // '{'
    for (;;) {
      ws();
      if (d_[p_] == '}') {
        ++p_;
        return "";
      }
      const std::string key = unquote(literal());
      ws();
      ++p_;  // ':'
      ws();
      const FieldSpec* found = nullptr;
      size_t index = 0;
      for (size_t i = 0; i < spec.fields.size() && found == nullptr; ++i) {
        if (spec.fields[i].name == key) found = &spec.fields[i], index = i;
      }
      for (size_t i = 0; i < spec.fields.size() && found == nullptr; ++i) {
        if (key_matches(key, spec.fields[i].name)) found = &spec.fields[i], index = i;
      }
      if (found != nullptr) {
        field_ = found;
        if (v2_) key_ = key;
        std::string err = field_value(*found, out[index]);
        field_ = nullptr;
        if (!err.empty()) return err;
      } else {
        skip();
      }
      ws();
      if (d_[p_] == ',') {
        ++p_;
        continue;
      }
      ++p_;  // '}'
      return "";
    }
  }

  // Stores the value at p_ into one field; returns an error only for the
  // ones Go returns at once (time.Time's UnmarshalJSON).
  std::string field_value(const FieldSpec& f, FieldValue& v) {
    const char c = d_[p_];
    if (f.kind == Kind::time_ptr) {
      if (c == 'n') {
        literal();
        v.time.reset();
        return "";
      }
      if (c != '"') {
        skip();
        if (!v2_) return "Time.UnmarshalJSON: input is not a JSON string";
        save_type_error(value_kind(c), "time.Time");
        return "";
      }
      const std::string_view item = literal();
      if (v2_) {  // json v2's own time.Time: the string unquoted first, its errors saved
        auto parsed = gotime::parse_rfc3339(unquote(item));
        if (!parsed.ok) {
          save(parsed.error);
        } else {
          v.time = std::move(parsed.time);
        }
        return "";
      }
      auto parsed = gotime::parse_rfc3339(item.substr(1, item.size() - 2));
      if (!parsed.ok) return parsed.error;
      v.time = std::move(parsed.time);
      return "";
    }
    if (c == 'n') {  // null: no-op for primitives, nil for slices
      literal();
      if (f.kind == Kind::bytes || f.kind == Kind::string_slice) {
        v.bytes.clear();
        v.strings.clear();
        v.len = 0;
        v.non_nil = false;
      }
      return "";
    }
    if (c == '[' && (f.kind == Kind::bytes || f.kind == Kind::string_slice)) {
      array(f, v);
      return "";
    }
    if (c == '{' || c == '[') {
      save_type_error(value_kind(c), f.type_name);
      skip();
      return "";
    }
    const std::string_view item = literal();
    switch (f.kind) {
      case Kind::int64:
        if (c == '"' || c == 't' || c == 'f') {
          save_type_error(value_kind(c), f.type_name);
        } else if (!parse_int64(item, v.i)) {
          save_type_error("number " + std::string(item), f.type_name);
        }
        break;
      case Kind::string:
        if (c == '"')
          v.s = unquote(item);
        else
          save_type_error(value_kind(c), f.type_name);
        break;
      case Kind::boolean:
        if (c == 't' || c == 'f')
          v.b = c == 't';
        else
          save_type_error(value_kind(c), f.type_name);
        break;
      case Kind::bytes:
        if (c == '"') {
          std::string decoded;
          if (auto err = base64::decode(unquote(item), decoded)) {
            // v2 wraps the base64 error in an unmarshal error.
            save(v2_ ? type_error_text("string", f.type_name) + ": " + err->message() : err->message());
          } else {
            v.bytes = std::move(decoded);
            v.len = v.bytes.size();
            v.non_nil = true;
          }
        } else {
          save_type_error(value_kind(c), f.type_name);
        }
        break;
      case Kind::string_slice:
      case Kind::time_ptr: save_type_error(value_kind(c), f.type_name); break;
    }
    return "";
  }

  // Go's d.array into a slice: reuses the backing array, grows it one
  // element at a time, truncates to the elements seen.
  void array(const FieldSpec& f, FieldValue& v) {
    ++p_;  // '['
    size_t i = 0;
    const bool is_bytes = f.kind == Kind::bytes;
    for (;;) {
      ws();
      if (d_[p_] == ']') {
        ++p_;
        break;
      }
      if (i >= v.len) {
        if (is_bytes && i >= v.bytes.size()) v.bytes.push_back('\0');
        if (!is_bytes && i >= v.strings.size()) v.strings.emplace_back();
        v.len = i + 1;
      }
      element(f, v, i);
      ++i;
      ws();
      if (d_[p_] == ',') ++p_;
    }
    if (i < v.len) v.len = i;
    if (i == 0) {  // an empty, non-nil slice
      v.bytes.clear();
      v.strings.clear();
    }
    v.non_nil = true;
  }

  void element(const FieldSpec& f, FieldValue& v, size_t i) {
    const char c = d_[p_];
    if (c == '{' || c == '[') {
      save_element_error(value_kind(c), f, i);
      skip();
      return;
    }
    const std::string_view item = literal();
    if (c == 'n') return;  // null leaves the element as it was
    if (f.kind == Kind::bytes) {
      uint8_t b = 0;
      if (c == '"' || c == 't' || c == 'f')
        save_element_error(value_kind(c), f, i);
      else if (!parse_uint8(item, b))
        save_element_error("number " + std::string(item), f, i);
      else
        v.bytes[i] = static_cast<char>(b);
    } else {
      if (c == '"')
        v.strings[i] = unquote(item);
      else
        save_element_error(value_kind(c), f, i);
    }
  }

  std::string_view d_;
  size_t p_ = 0;
  const std::string* struct_name_;
  bool v2_ = false;                   // Go 1.27+: json v2's error texts
  const FieldSpec* field_ = nullptr;  // the error context
  std::string key_;                   // v2: the key that chose field_
  std::string saved_;
};

}  // namespace

std::string unquote(std::string_view lit) {
  const std::string_view s = lit.substr(1, lit.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t r = 0; r < s.size();) {
    const auto c = static_cast<unsigned char>(s[r]);
    if (c == '\\') {
      const char e = s[r + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
        case '\'':
          out.push_back(e);
          r += 2;
          continue;
        case 'b':
          out.push_back('\b');
          r += 2;
          continue;
        case 'f':
          out.push_back('\f');
          r += 2;
          continue;
        case 'n':
          out.push_back('\n');
          r += 2;
          continue;
        case 'r':
          out.push_back('\r');
          r += 2;
          continue;
        case 't':
          out.push_back('\t');
          r += 2;
          continue;
        default: break;
      }
      int32_t rr = getu4(s, r);
      r += 6;
      if (rr >= 0xD800 && rr < 0xE000) {
        const int32_t rr1 = getu4(s, r);
        if (rr < 0xDC00 && rr1 >= 0xDC00 && rr1 < 0xE000) {  // a valid pair
          utf8::append(out, 0x10000 + ((char32_t(rr) - 0xD800) << 10) + (char32_t(rr1) - 0xDC00));
          r += 6;
          continue;
        }
        rr = utf8::kRuneError;
      }
      utf8::append(out, static_cast<char32_t>(rr));
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++r;
      continue;
    }
    const auto rune = utf8::decode(s, r);
    if (rune.r == utf8::kRuneError && rune.size == 1) {
      utf8::append(out, utf8::kRuneError);
    } else {
      out.append(s.substr(r, rune.size));
    }
    r += rune.size;
  }
  return out;
}

bool key_matches(std::string_view key, std::string_view name) {
  size_t k = 0, n = 0;
  while (k < key.size() && n < name.size()) {
    const auto rune = utf8::decode(key, k);
    char32_t folded = rune.r;
    if (folded >= 'a' && folded <= 'z') folded -= 'a' - 'A';
    if (folded == 0x212A) folded = 'K';  // KELVIN SIGN folds with k
    if (folded == 0x017F) folded = 'S';  // LATIN SMALL LETTER LONG S folds with s
    char want = name[n];
    if (want >= 'a' && want <= 'z') want = static_cast<char>(want - ('a' - 'A'));
    if (folded != static_cast<unsigned char>(want)) return false;
    k += rune.size;
    ++n;
  }
  return k == key.size() && n == name.size();
}

std::string unmarshal(std::string_view value, const StructSpec& spec, std::vector<FieldValue>& out,
                      wire::JsonDialect dialect) {
  out.resize(spec.fields.size());
  Unmarshaller u(value, &spec.name, dialect);
  return u.top_struct(spec, out);
}

std::string unmarshal_bytes(std::string_view value, std::string& bytes) {
  static const std::string none;
  Unmarshaller u(value, &none);
  return u.top_bytes(bytes);
}

}  // namespace cph::gojson
