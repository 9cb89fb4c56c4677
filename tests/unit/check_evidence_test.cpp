// A report's evidence names the case's cache directory as the user wrote it,
// "{dir}", never the temporary path it stood for (/tmp/cph-check-XXXXXX):
// reports are compared, pasted into issues and made into docs (compat.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run_program.hpp"

namespace {

namespace fs = std::filesystem;

TEST(CheckEvidence, NamesTheCacheDirectoryNotItsTempPath) {
  // Gets without Time fail get/time-plausible, whose observed value shows
  // the reply, DiskPath included.
  const fs::path json = fs::temp_directory_path() / ("cph-check-evidence-" + std::to_string(::getpid()) + ".json");
  cph::test::Ran r =
      cph::test::run_program({CPH_CLI_BIN, "check", "--only", "get/time-plausible", "--json", json.string(), "--",
                              CPH_FAKE_BIN, "--dir", "{dir}", "--script", "scenarios/fake-scripts/get-no-time.json"},
                             {CPH_SOURCE_DIR, {}, std::chrono::seconds(120)});
  EXPECT_EQ(r.code, 0) << r.out;  // a SHOULD
  std::ifstream in(json);
  auto report = nlohmann::json::parse(in, nullptr, false);
  fs::remove(json);
  ASSERT_TRUE(report.is_object()) << r.out;
  ASSERT_EQ(report["cases"].size(), 1u) << r.out;
  const auto& c = report["cases"][0];
  EXPECT_EQ(c.value("status", ""), "fail") << c.dump();
  const std::string observed = c.value("observed", "");
  EXPECT_NE(observed.find("DiskPath \"{dir}/"), std::string::npos) << observed;
  for (const char* field : {"expected", "observed", "details"}) {
    EXPECT_EQ(c.value(field, "").find("cph-check-"), std::string::npos) << field << ": " << c.dump();
  }
  // The text report too.
  EXPECT_NE(r.out.find("DiskPath \"{dir}/"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/cph-check-"), std::string::npos) << r.out;
}

}  // namespace
