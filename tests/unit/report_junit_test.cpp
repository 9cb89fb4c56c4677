// JUnit XML: parsed back with a small well-formedness checking XML reader;
// the case ID is the testcase name, the first segment its classname, and
// hostile bytes stay escaped.
#include "report/junit_report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "report/escape.hpp"

using namespace cph::runner;
using namespace cph::report;

namespace {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;
  std::vector<const Element*> all(const std::string& n) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
      if (c->name == n) out.push_back(c.get());
      for (auto* d : c->all(n)) out.push_back(d);
    }
    return out;
  }
};

// A strict reader for the XML subset reports use: a declaration, elements,
// attributes in double or single quotes, the five entities and numeric
// references, text. Throws on anything not well formed.
class XmlReader {
 public:
  explicit XmlReader(std::string s) : s_(std::move(s)) {}
  std::unique_ptr<Element> document() {
    if (s_.rfind("<?xml", 0) == 0) {
      size_t end = s_.find("?>");
      if (end == std::string::npos) fail("unterminated declaration");
      i_ = end + 2;
    }
    skip_space();
    auto root = element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("XML error at byte " + std::to_string(i_) + ": " + why);
  }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string name() {
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                              s_[i_] == ':' || s_[i_] == '.')) {
      ++i_;
    }
    if (start == i_) fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  // Characters XML 1.0 allows, as valid UTF-8.
  void check_char() {
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("control character");
    size_t n = cph::report::utf8_sequence_length(std::string_view(s_).substr(i_));
    if (n == 0) fail("invalid UTF-8");
  }
  std::string chars(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      char c = s_[i_];
      if (stop == '<' && c == '>' && out.size() >= 2 && out.substr(out.size() - 2) == "]]") fail("]]> in text");
      if (stop != '<' && c == '<') fail("'<' in attribute");
      if (c == '&') {
        size_t semi = s_.find(';', i_);
        if (semi == std::string::npos) fail("unterminated reference");
        std::string ref = s_.substr(i_ + 1, semi - i_ - 1);
        static const std::map<std::string, std::string> named = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        if (auto it = named.find(ref); it != named.end()) {
          out += it->second;
        } else if (ref.size() > 1 && ref[0] == '#') {
          long cp = ref[1] == 'x' ? std::stol(ref.substr(2), nullptr, 16) : std::stol(ref.substr(1));
          if (cp >= 0x80) fail("non-ASCII numeric reference not needed here");
          out += static_cast<char>(cp);
        } else {
          fail("unknown entity &" + ref + ";");
        }
        i_ = semi + 1;
        continue;
      }
      check_char();
      out += c;
      ++i_;
    }
    return out;
  }
  std::unique_ptr<Element> element() {
    if (i_ >= s_.size() || s_[i_] != '<') fail("expected '<'");
    ++i_;
    auto e = std::make_unique<Element>();
    e->name = name();
    for (;;) {
      skip_space();
      if (i_ >= s_.size()) fail("unterminated tag");
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return e;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      std::string key = name();
      if (i_ >= s_.size() || s_[i_] != '=') fail("expected '='");
      ++i_;
      if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) fail("expected a quote");
      char q = s_[i_++];
      std::string value = chars(q);
      if (i_ >= s_.size()) fail("unterminated attribute");
      ++i_;
      if (!e->attrs.emplace(key, value).second) fail("duplicate attribute " + key);
    }
    for (;;) {
      e->text += chars('<');
      if (i_ >= s_.size()) fail("unterminated element " + e->name);
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != e->name) fail("mismatched end tag for " + e->name);
        skip_space();
        if (i_ >= s_.size() || s_[i_] != '>') fail("expected '>'");
        ++i_;
        return e;
      }
      e->children.push_back(element());
    }
  }
  std::string s_;
  size_t i_ = 0;
};

JudgedCase judged(std::string id, Status s, Verdict v) {
  JudgedCase j;
  j.result.info.id = std::move(id);
  j.result.info.source = "golang/go#70848";
  j.result.status = s;
  j.verdict = v;
  return j;
}

}  // namespace

TEST(JunitReport, ReaderRejectsMalformedXml) {
  for (std::string bad : {"<a>", "<a></b>", "<a x=\"<\"/>", "<a>&bogus;</a>", "<a>\x01</a>", "<a>\xff</a>", "<a/><b/>",
                          "<a x='1' x='2'/>"}) {
    EXPECT_THROW(XmlReader(bad).document(), std::runtime_error) << bad;
  }
  EXPECT_NO_THROW(XmlReader("<?xml version=\"1.0\"?>\n<a x=\"&lt;&#10;\">t&amp;<b/></a>").document());
}

TEST(JunitReport, MapsCasesAndEscapesHostileText) {
  RunReport report;
  report.suite = "check";
  report.cases.push_back(judged("handshake/id0-first", Status::pass, Verdict::passed));
  auto fail = judged("close/exit-after-reply", Status::fail, Verdict::unexpected_failure);
  fail.result.info.requirement = "A helper MUST reply to close.";
  fail.result.expected = "a reply to <close> & exit 0";
  fail.result.observed = std::string("\"quoted\" 'x' \x01\x1b ]]> \xff\n2nd line");
  fail.result.transcript = {{0.1, cph::wire::Direction::to_helper, "{\"ID\":3,\"Command\":\"close\"}\n\n", {}}};
  report.cases.push_back(fail);
  auto err = judged("crash/sigsegv", Status::error, Verdict::unexpected_failure);
  err.result.observed = "hang";
  report.cases.push_back(err);
  auto known = judged("hostile/big", Status::fail, Verdict::known_failure);
  known.note = "known failure, listed at b.txt:1";
  report.cases.push_back(known);
  report.cases.push_back(judged("bodies/skip", Status::skip, Verdict::skipped));
  report.cases.push_back(judged("bodies/stale", Status::pass, Verdict::stale_pass));
  report.unused_baseline_entries.push_back("b.txt:2: old/x");

  std::string xml = cph::report::render_junit(report);
  std::unique_ptr<Element> root;
  ASSERT_NO_THROW(root = XmlReader(xml).document()) << xml;
  EXPECT_EQ(root->name, "testsuites");
  auto suites = root->all("testsuite");
  ASSERT_EQ(suites.size(), 1u);
  const Element& suite = *suites[0];
  EXPECT_EQ(suite.attrs.at("tests"), "7");
  EXPECT_EQ(suite.attrs.at("failures"), "3");  // unexpected fail, stale pass, unused entry
  EXPECT_EQ(suite.attrs.at("errors"), "1");
  EXPECT_EQ(suite.attrs.at("skipped"), "2");

  auto cases = suite.all("testcase");
  ASSERT_EQ(cases.size(), 7u);
  EXPECT_EQ(cases[0]->attrs.at("name"), "handshake/id0-first");
  EXPECT_EQ(cases[0]->attrs.at("classname"), "handshake");
  EXPECT_TRUE(cases[0]->all("failure").empty());

  const Element& c = *cases[1];
  EXPECT_EQ(c.attrs.at("name"), "close/exit-after-reply");
  EXPECT_EQ(c.attrs.at("classname"), "close");
  auto failures = c.all("failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->attrs.at("message"),
            "expected: a reply to <close> & exit 0; observed: \"quoted\" 'x' \\x01\\x1b ]]> \\xff\n2nd line");
  EXPECT_EQ(failures[0]->attrs.at("type"), "MUST");
  EXPECT_NE(failures[0]->text.find("requirement: A helper MUST reply to close.\n"), std::string::npos);
  EXPECT_NE(failures[0]->text.find("to-helper     {\"ID\":3,\"Command\":\"close\"}\\n\\n"), std::string::npos)
      << failures[0]->text;
  bool has_source = false;
  for (auto* p : c.all("property")) {
    has_source = has_source || (p->attrs.at("name") == "source" && p->attrs.at("value") == "golang/go#70848");
  }
  EXPECT_TRUE(has_source);

  ASSERT_EQ(cases[2]->all("error").size(), 1u);
  EXPECT_EQ(cases[2]->all("error")[0]->attrs.at("message"), "hang");
  ASSERT_EQ(cases[3]->all("skipped").size(), 1u);
  EXPECT_EQ(cases[3]->all("skipped")[0]->attrs.at("message").rfind("known failure", 0), 0u);
  ASSERT_EQ(cases[4]->all("skipped").size(), 1u);
  ASSERT_EQ(cases[5]->all("failure").size(), 1u);
  EXPECT_EQ(cases[5]->all("failure")[0]->attrs.at("type"), "stale-baseline");
  EXPECT_EQ(cases[6]->attrs.at("classname"), "baseline");
  ASSERT_EQ(cases[6]->all("failure").size(), 1u);
}
