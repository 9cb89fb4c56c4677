// Trace files: a round trip keeps every field; a bad file is refused with
// the place named (file:line:col for syntax, the field path otherwise).
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzzer/generator.hpp"
#include "fuzzer/trace_file.hpp"

namespace cph::fuzzer {
namespace {

Trace sample() {
  Trace t;
  t.seed = 0xfedcba9876543210ULL;
  t.helper = {"cph-fake", "--dir", "{dir}", "--seed", "{seed}"};
  GeneratorOptions o;
  o.hostile = true;
  t.ops = generate_ops(3, 400, o);
  Op fault;
  fault.kind = OpKind::storage_fault;
  fault.key = 7;
  fault.size = 300;
  fault.body_seed = 0x1234;
  t.ops.push_back(fault);
  t.failure = Failure{FailureClass::corruption, 399, 812, "get hit: DiskPath \"/x\" holds \"other\" bytes\n\xff"};
  return t;
}

TEST(FuzzerTraceFile, RoundTrip) {
  Trace t = sample();
  t.failure->message = "get hit: DiskPath \"/x\" holds other bytes";
  EXPECT_EQ(parse_trace(render_trace(t), "t"), t);
  auto path = std::filesystem::temp_directory_path() / ("cph-trace-" + std::to_string(::getpid()) + ".json");
  save_trace(path.string(), t);
  EXPECT_EQ(load_trace(path.string()), t);
  std::filesystem::remove(path);
  Trace empty;
  EXPECT_EQ(parse_trace(render_trace(empty), "e"), empty);
}

TEST(FuzzerTraceFile, InvalidUtf8InAMessageIsStillAValidFile) {
  Trace t = sample();
  Trace back = parse_trace(render_trace(t), "t");
  EXPECT_EQ(back.ops, t.ops);
  EXPECT_EQ(back.failure->cls, FailureClass::corruption);
}

void expect_error(const std::string& text, const std::string& want) {
  try {
    parse_trace(text, "t.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
  }
}

TEST(FuzzerTraceFile, ErrorsNameThePlace) {
  const std::string head = R"({"format": "cph-fuzz-trace", "version": 1, "seed": "01", "helper": ["h"], )";
  expect_error("{\n  \"format\": ,", "t.json:2:13: syntax error");
  expect_error(R"({"format": "cph-fuzz-trace", "version": 2, "seed": "01", "helper": [], "ops": []})",
               "t.json: version: version 2 is not supported");
  expect_error(head + R"("ops": [{"op": "get", "key": 1}, {"op": "put", "key": 2, "size": -1, "body_seed": "1"}]})",
               "t.json: ops[1].size: want an integer >= 0");
  expect_error(head + R"("ops": [{"op": "gte", "key": 1}]})", "t.json: ops[0].op: unknown op \"gte\"");
  expect_error(head + R"("ops": [{"op": "hostile", "hostile": "nope"}]})", "t.json: ops[0].hostile: unknown");
  expect_error(head + R"("ops": [{"op": "put", "key": 2, "size": 1, "body_seed": "xyz"}]})",
               "t.json: ops[0].body_seed: want 1 to 16 lowercase hex digits");
  expect_error(head + R"("ops": [{"op": "get", "key": 1, "sise": 3}]})", "t.json: ops[0]: unknown field \"sise\"");
  expect_error(head + R"("failure": {"class": "boom", "op": 1}, "ops": []})", "t.json: failure.class: unknown class");
}

}  // namespace
}  // namespace cph::fuzzer
