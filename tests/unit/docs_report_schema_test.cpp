// docs/report-schema.json describes the JSON report exactly: real reports
// (cph check with a misbehaving fake and a baseline, cph scenarios) validate
// against it, and every property it describes occurs in one of them. No JSON
// Schema library is among the dependencies, so this checks the subset the
// schema uses: type, enum, required, properties, additionalProperties: false,
// items.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "docs_shell_test.hpp"

namespace {

using cph::docs_test::RepoSandbox;
using nlohmann::json;

std::string type_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool type_allowed(const json& schema_type, const json& v) {
  std::vector<std::string> allowed;
  if (schema_type.is_string())
    allowed.push_back(schema_type);
  else
    for (const auto& t : schema_type) allowed.push_back(t);
  const std::string t = type_of(v);
  for (const auto& a : allowed) {
    if (a == t || (a == "number" && t == "integer")) return true;
  }
  return false;
}

// Validates `v` at `path`; appends problems to `errors` and the property
// paths seen (arrays as "[]") to `seen`.
void validate(const json& schema, const json& v, const std::string& path, std::vector<std::string>& errors,
              std::set<std::string>& seen) {
  if (schema.contains("type") && !type_allowed(schema["type"], v)) {
    errors.push_back(path + ": " + type_of(v) + ", want " + schema["type"].dump());
    return;
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end()) {
    errors.push_back(path + ": " + v.dump() + " is not one of " + schema["enum"].dump());
  }
  if (v.is_object() && schema.contains("properties")) {
    for (const auto& r : schema.value("required", json::array())) {
      if (!v.contains(r.get<std::string>())) errors.push_back(path + ": missing " + r.dump());
    }
    for (const auto& [key, value] : v.items()) {
      const std::string p = path + "." + key;
      if (!schema["properties"].contains(key)) {
        if (schema.value("additionalProperties", true) == false) errors.push_back(p + ": not in the schema");
        continue;
      }
      seen.insert(p);
      validate(schema["properties"][key], value, p, errors, seen);
    }
  }
  if (v.is_array() && schema.contains("items")) {
    for (const auto& item : v) validate(schema["items"], item, path + "[]", errors, seen);
  }
}

// Every property path the schema describes.
void schema_paths(const json& schema, const std::string& path, std::set<std::string>& out) {
  if (schema.contains("properties")) {
    for (const auto& [key, sub] : schema["properties"].items()) {
      out.insert(path + "." + key);
      schema_paths(sub, path + "." + key, out);
    }
  }
  if (schema.contains("items")) schema_paths(schema["items"], path + "[]", out);
}

json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

json the_schema() { return read_json(std::filesystem::path(CPH_SOURCE_DIR) / "docs/report-schema.json"); }

// Real reports: a check run with a known failure, a failure whose message the
// baseline gets wrong, a baseline entry matching nothing, a get reply with
// invalid UTF-8 (a "b64" transcript record) and helper events; and a
// scenarios run.
std::vector<json> real_reports(const RepoSandbox& box) {
  const std::string script = R"('{"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get","put"]}}},)"
                             R"({"when":{"command":"get"},"do":{"raw":"invalid-utf8"}}]}')";
  auto run = box.run(
      "printf 'handshake/known-commands-close\\nget/miss-no-err # expected: no such message\\ngone/case\\n' "
      "> known.txt\n"
      "cph check --strict --baseline known.txt --only 'handshake/**' --only 'get/**' --json check.json -- "
      "cph-fake --dir {dir} --script " +
          script +
          " || test $? -eq 1\n"
          "cph scenarios --only 'close/*' --profile go1.26 --json scenarios.json\n",
      std::chrono::seconds(90));
  EXPECT_EQ(run.code, 0) << run.output;
  std::vector<json> out;
  for (const char* name : {"check.json", "scenarios.json"}) {
    try {
      out.push_back(read_json(box.root() / name));
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": " << e.what() << "\n" << run.output;
    }
  }
  return out;
}

TEST(DocsReportSchema, RealReportsValidateAndUseEveryDescribedProperty) {
  RepoSandbox box;
  const json schema = the_schema();
  std::set<std::string> described;
  schema_paths(schema, "$", described);
  std::set<std::string> seen;
  auto reports = real_reports(box);
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& r : reports) {
    std::vector<std::string> errors;
    validate(schema, r, "$", errors, seen);
    EXPECT_EQ(errors, std::vector<std::string>{}) << "suite " << r.value("suite", "?");
  }
  std::vector<std::string> never_seen;
  for (const auto& p : described) {
    // detail's keys vary by event: the schema says "object" and stops there.
    if (!seen.count(p)) never_seen.push_back(p);
  }
  EXPECT_EQ(never_seen, std::vector<std::string>{}) << "described in docs/report-schema.json, absent from real reports";
}

// The validator can fail: a report with an extra key, a wrong type or an
// unknown verdict is rejected, naming the place.
TEST(DocsReportSchema, TheValidatorRejectsWhatTheSchemaForbids) {
  const json schema = the_schema();
  json report = {{"schema", "cph-report/1"},
                 {"suite", "check"},
                 {"go", "go1.27"},
                 {"strict", false},
                 {"baseline", nullptr},
                 {"duration_s", 1.5},
                 {"exit_code", 0},
                 {"summary",
                  {{"total", 0},
                   {"passed", 0},
                   {"failed", 0},
                   {"errors", 0},
                   {"skipped", 0},
                   {"known_failures", 0},
                   {"tolerated", 0},
                   {"unexpected", 0},
                   {"stale", 0}}},
                 {"stale_baseline_entries", json::array()},
                 {"cases", json::array()}};
  std::set<std::string> seen;
  std::vector<std::string> errors;
  validate(schema, report, "$", errors, seen);
  EXPECT_EQ(errors, std::vector<std::string>{});

  json extra = report;
  extra["summary"]["flaky"] = 1;
  extra["strict"] = "no";
  extra["cases"].push_back({{"id", "a/b"}, {"verdict", "maybe"}});
  errors.clear();
  validate(schema, extra, "$", errors, seen);
  auto has = [&](const std::string& s) {
    return std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.find(s) != std::string::npos; });
  };
  EXPECT_TRUE(has("$.summary.flaky: not in the schema")) << testing::PrintToString(errors);
  EXPECT_TRUE(has("$.strict: string, want \"boolean\"")) << testing::PrintToString(errors);
  EXPECT_TRUE(has("$.cases[].verdict: \"maybe\" is not one of")) << testing::PrintToString(errors);
  EXPECT_TRUE(has("$.cases[]: missing \"title\"")) << testing::PrintToString(errors);
}

}  // namespace
