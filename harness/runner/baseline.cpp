#include "runner/baseline.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include "runner/case.hpp"
#include "runner/glob.hpp"

namespace cph::runner {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kExpected = "expected:";

// The first line of a failure message, short enough for a baseline line.
// What --update-baseline writes after "# expected:": the message's first line
// up to its first digit or '/', so that temporary paths, IDs, counts and
// durations, which change from run to run, do not make the entry stale.
std::string message_excerpt(const std::string& message) {
  const size_t volatile_at = message.find_first_of("/0123456789");
  std::string line = message.substr(0, std::min(volatile_at, message.find('\n')));
  if (line.size() == volatile_at) {
    while (!line.empty() && std::string_view(" \t\"'(:=,;[{").find(line.back()) != std::string_view::npos) {
      line.pop_back();
    }
    if (line.size() < 8) return "";  // too little left to say anything: the case ID alone
  }
  constexpr size_t kMax = 120;
  if (line.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    line.resize(cut);
  }
  return std::string(trim(line));
}

}  // namespace

Baseline Baseline::parse(std::string_view text, const std::string& name) {
  Baseline b;
  b.name = name;
  std::map<std::string, int> seen;
  int lineno = 0;
  while (!text.empty()) {
    ++lineno;
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') {
      if (b.entries.empty() && !line.empty()) b.header += std::string(line) + "\n";
      continue;
    }

    auto fail = [&](const std::string& why) { throw BaselineError(name + ":" + std::to_string(lineno) + ": " + why); };
    size_t end = line.find_first_of(" \t");
    BaselineEntry e;
    e.pattern = std::string(line.substr(0, end));
    e.line = lineno;
    e.text = std::string(trim(raw));
    for (unsigned char c : e.pattern) {
      if (c < ' ' || c == 0x7f) fail("control character in case ID");
    }
    if (e.pattern.find('#') != std::string::npos) {
      fail("\"#\" inside case ID \"" + e.pattern + "\" (put a space before a comment)");
    }
    std::string_view rest = end == std::string_view::npos ? std::string_view{} : trim(line.substr(end));
    if (!rest.empty()) {
      if (rest.front() != '#') {
        fail("unexpected text after case ID \"" + e.pattern + "\": \"" + std::string(rest) +
             "\" (one ID per line; comments start with \"#\")");
      }
      std::string_view comment = trim(rest.substr(1));
      if (comment.substr(0, kExpected.size()) == kExpected) {
        std::string_view msg = trim(comment.substr(kExpected.size()));
        if (msg.empty()) fail("empty message after \"# expected:\"");
        e.expected = std::string(msg);
      }
    }
    auto [it, fresh] = seen.emplace(e.pattern, lineno);
    if (!fresh) {
      fail("duplicate entry \"" + e.pattern + "\" (first at line " + std::to_string(it->second) + ")");
    }
    b.entries.push_back(std::move(e));
  }
  return b;
}

Baseline Baseline::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BaselineError(path + ": cannot read baseline file");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw BaselineError(path + ": error reading baseline file");
  return parse(ss.str(), path);
}

const BaselineEntry* Baseline::find(std::string_view id) const {
  for (const auto& e : entries) {
    if (glob_match(e.pattern, id)) return &e;
  }
  return nullptr;
}

std::string Baseline::where(const BaselineEntry& e) const { return name + ":" + std::to_string(e.line); }

std::string render_baseline(const Baseline* old, const std::vector<CaseResult>& ran) {
  std::ostringstream out;
  if (old != nullptr && !old->header.empty()) {
    out << old->header;
  } else {
    out << "# Known failures: one case ID or glob per line, optionally followed by\n"
           "# \"# expected: <message substring>\". Rewritten by --update-baseline.\n";
  }
  if (old != nullptr) {
    for (const auto& e : old->entries) {
      bool touched = false;
      for (const auto& r : ran) {
        if (glob_match(e.pattern, r.info.id)) {
          touched = true;
          break;
        }
      }
      if (!touched) out << e.text << "\n";
    }
  }
  for (const auto& r : ran) {
    if (!r.failed() || r.info.grade == Grade::info) continue;
    out << r.info.id;
    std::string msg = message_excerpt(r.message());
    if (!msg.empty()) out << " # expected: " << msg;
    out << "\n";
  }
  return out.str();
}

}  // namespace cph::runner
