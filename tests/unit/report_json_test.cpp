// The JSON report: the documented schema, and valid JSON whatever bytes a
// helper sent.
#include "report/json_report.hpp"

#include <gtest/gtest.h>

using namespace cph::runner;
using namespace cph::report;
using nlohmann::json;

TEST(JsonReport, SchemaFieldsAndTranscript) {
  RunReport report;
  report.suite = "scenarios";
  report.strict = true;
  report.baseline = "base.txt";
  report.wall = std::chrono::milliseconds(250);
  JudgedCase c;
  c.result.info = {"close/eof", "EOF before close", "The client MUST ...", "golang/go#70848", Grade::should, {}};
  c.result.status = Status::fail;
  c.result.expected = "fatal";
  c.result.observed = std::string("ok \xff\xfe", 5);  // invalid UTF-8
  c.result.details = "d";
  c.result.duration = std::chrono::milliseconds(20);
  c.result.transcript = {{0.5, cph::wire::Direction::to_helper, "{\"ID\":1}\n", {}},
                         {0.75, cph::wire::Direction::event, "rule-fired", {{"rule", 3}}}};
  c.verdict = Verdict::unexpected_failure;
  report.cases.push_back(c);
  report.unused_baseline_entries.push_back("base.txt:9: old/one");

  json j = json::parse(cph::report::render_json(report));  // parses: valid JSON
  EXPECT_EQ(j["schema"], "cph-report/1");
  EXPECT_EQ(j["suite"], "scenarios");
  EXPECT_EQ(j["strict"], true);
  EXPECT_EQ(j["baseline"], "base.txt");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 0.25);
  EXPECT_EQ(j["summary"]["total"], 1);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["summary"]["unexpected"], 1);
  EXPECT_EQ(j["summary"]["stale"], 1);
  EXPECT_EQ(j["stale_baseline_entries"], json::array({"base.txt:9: old/one"}));
  const json& k = j["cases"][0];
  EXPECT_EQ(k["id"], "close/eof");
  EXPECT_EQ(k["title"], "EOF before close");
  EXPECT_EQ(k["requirement"], "The client MUST ...");
  EXPECT_EQ(k["source"], "golang/go#70848");
  EXPECT_EQ(k["grade"], "SHOULD");
  EXPECT_EQ(k["status"], "fail");
  EXPECT_EQ(k["verdict"], "unexpected-failure");
  EXPECT_EQ(k["expected"], "fatal");
  EXPECT_EQ(k["observed"], "ok \xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
  EXPECT_EQ(k["details"], "d");
  EXPECT_DOUBLE_EQ(k["duration_s"].get<double>(), 0.02);
  ASSERT_EQ(k["transcript"].size(), 2u);
  EXPECT_EQ(k["transcript"][0]["dir"], "to-helper");
  EXPECT_EQ(k["transcript"][0]["data"], "{\"ID\":1}\n");
  EXPECT_EQ(k["transcript"][1]["dir"], "event");
  EXPECT_EQ(k["transcript"][1]["event"], "rule-fired");
}

TEST(JsonReport, NoBaselineIsNull) {
  RunReport report;
  report.suite = "check";
  json j = cph::report::json_report(report);
  EXPECT_TRUE(j["baseline"].is_null());
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_TRUE(j["cases"].is_array());
}
