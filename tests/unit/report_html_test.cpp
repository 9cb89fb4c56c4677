// The HTML report: self-contained, escaped, and rendered by a real browser
// (headless Chromium) with the timeline in two columns.
#include "report/html_report.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace cph::runner;
using namespace cph::report;
namespace fs = std::filesystem;

namespace {

RunReport sample() {
  RunReport report;
  report.suite = "check";
  report.wall = std::chrono::milliseconds(1234);
  JudgedCase pass;
  pass.result.info.id = "handshake/id0-first";
  pass.result.info.title = "ID 0 comes first";
  pass.result.status = Status::pass;
  report.cases.push_back(pass);

  JudgedCase fail;
  fail.result.info = {"close/exit-after-reply",
                      "exits after its close reply",
                      "The helper MUST reply to close before it exits.",
                      "golang/go#70848",
                      Grade::must,
                      {}};
  fail.result.status = Status::fail;
  fail.result.expected = "a reply to close";
  fail.result.observed = "<script>alert(1)</script> & \x01";
  fail.result.transcript = {
      {0.001, cph::wire::Direction::from_helper, "{\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]}\n", {}},
      {0.002, cph::wire::Direction::to_helper, "{\"ID\":1,\"Command\":\"close\"}\n\n", {}},
      {0.003, cph::wire::Direction::helper_stderr, "bye\n", {}},
      {0.004, cph::wire::Direction::event, "exit", {{"status", "exit status 0"}}},
  };
  fail.verdict = Verdict::unexpected_failure;
  report.cases.push_back(fail);
  return report;
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-html-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

}  // namespace

TEST(HtmlReport, SelfContainedAndEscaped) {
  std::string html = cph::report::render_html(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // No external resources of any kind.
  for (const char* external : {"http://", "https://", "src=", "<link", "@import", "url("}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\x01"), std::string::npos);
  EXPECT_NE(html.find("id=\"case-close.exit-after-reply\""), std::string::npos);
  EXPECT_NE(html.find("<div class=\"rec to-helper\">"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"rec from-helper\">"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"rec helper-stderr\">"), std::string::npos);
}

TEST(HtmlReport, LongTranscriptsAreElided) {
  RunReport report = sample();
  auto& t = report.cases[1].result.transcript;
  t.assign(50, {0.1, cph::wire::Direction::to_helper, std::string(100, 'x'), {}});
  cph::report::HtmlOptions o;
  o.max_records = 10;
  o.max_record_bytes = 40;
  std::string html = cph::report::render_html(report, o);
  EXPECT_NE(html.find("40 earlier records not shown"), std::string::npos);
  EXPECT_NE(html.find("... (60 more bytes)"), std::string::npos);
}

TEST(HtmlReport, RendersInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  if (access(chromium, X_OK) != 0) GTEST_SKIP() << chromium << " is absent (scripts/deps.sh --with chromium)";
  TempDir dir;
  // The report as written, plus a probe script (test-only) that records
  // where the browser laid out each timeline record.
  std::string html = cph::report::render_html(sample());
  const std::string probe =
      "<script>document.querySelectorAll('.tl .rec').forEach(function(e){var r=e.getBoundingClientRect();"
      "e.setAttribute('data-left',Math.round(r.left));e.setAttribute('data-width',Math.round(r.width));});"
      "</script></body>";
  html.replace(html.rfind("</body>"), 7, probe);
  fs::path file = dir.path / "report.html";
  std::ofstream(file) << html;

  std::string cmd = std::string("timeout 90 ") + chromium +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                    " --disable-background-networking --disable-component-update --disable-sync"
                    " --user-data-dir=" +
                    (dir.path / "profile").string() + " --dump-dom file://" + file.string() + " 2>/dev/null";
  std::string dom = run_capture(cmd);
  ASSERT_NE(dom.find("data-rendered=\"yes\""), std::string::npos) << "the page's script did not run:\n" << dom;
  EXPECT_NE(dom.find("<table id=\"summary\">"), std::string::npos);
  EXPECT_NE(dom.find("close/exit-after-reply"), std::string::npos);
  // The hostile observed text is text in the DOM, not an element.
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

  auto geometry = [&](const std::string& cls) {
    std::regex re("class=\"rec " + cls + "\" data-left=\"(\\d+)\" data-width=\"(\\d+)\"");
    std::smatch m;
    if (!std::regex_search(dom, m, re)) return std::pair<int, int>{-1, -1};
    return std::pair<int, int>{std::stoi(m[1]), std::stoi(m[2])};
  };
  auto to = geometry("to-helper");
  auto from = geometry("from-helper");
  auto err = geometry("helper-stderr");
  ASSERT_GE(to.first, 0) << dom;
  ASSERT_GE(from.first, 0);
  ASSERT_GE(err.first, 0);
  EXPECT_LT(to.first, from.first) << "to-helper is the left column";
  EXPECT_EQ(err.first, to.first) << "stderr starts at the left edge";
  EXPECT_GT(err.second, to.second + from.second) << "stderr spans both columns";
}
