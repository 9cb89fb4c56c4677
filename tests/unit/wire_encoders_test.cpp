// Encoders: golden bytes produced by Go's json.Encoder for each dialect's
// Request struct and for a helper's Response.
#include <gtest/gtest.h>

#include "wire/encoders.hpp"
#include "wire/go_time.hpp"

namespace {

using cph::wire::Dialect;
using cph::wire::Request;

Request put_request() {
  Request r;
  r.id = 7;
  r.command = "put";
  r.action_id = "\x01\x02\x03\xfe\xff";
  r.output_id = "0123456789abcdef0123456789abcdef";
  r.body_size = 5;
  return r;
}

constexpr const char* kOutput = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

TEST(WireEncoders, RequestGo121UsesObjectID) {
  EXPECT_EQ(cph::wire::encode_request(put_request(), Dialect::object_id),
            std::string(R"({"ID":7,"Command":"put","ActionID":"AQID/v8=","ObjectID":")") + kOutput +
                "\",\"BodySize\":5}\n\n");
}

TEST(WireEncoders, RequestGo124ExperimentAddsObjectIDLast) {
  EXPECT_EQ(cph::wire::encode_request(put_request(), Dialect::output_and_object_id),
            std::string(R"({"ID":7,"Command":"put","ActionID":"AQID/v8=","OutputID":")") + kOutput +
                "\",\"BodySize\":5,\"ObjectID\":\"" + kOutput + "\"}\n\n");
}

TEST(WireEncoders, RequestGo125UsesOutputIDOnly) {
  EXPECT_EQ(cph::wire::encode_request(put_request(), Dialect::output_id),
            std::string(R"({"ID":7,"Command":"put","ActionID":"AQID/v8=","OutputID":")") + kOutput +
                "\",\"BodySize\":5}\n\n");
}

TEST(WireEncoders, OmitEmptyFieldsAndNoBody) {
  Request r;
  r.id = 8;
  r.command = "close";
  for (auto d : {Dialect::object_id, Dialect::output_and_object_id, Dialect::output_id}) {
    EXPECT_EQ(cph::wire::encode_request(r, d), "{\"ID\":8,\"Command\":\"close\"}\n\n");
  }
}

TEST(WireEncoders, GoStringEscaping) {
  // Go: {"ID":9,"Command":"\u003ca\u0026b\u003e\u2028\u2029\u0000\u001f\b\f\n\r\t\"\\<DEL>\ufffd\ufffdé😀"}
  Request r;
  r.id = 9;
  r.command =
      "<a&b>\xe2\x80\xa8\xe2\x80\xa9" + std::string(1, '\0') + "\x1f\b\f\n\r\t\"\\\x7f\xff\xc3\xc3\xa9\xf0\x9f\x98\x80";
  EXPECT_EQ(cph::wire::encode_request(r, Dialect::output_id),
            "{\"ID\":9,\"Command\":\"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\x7f"
            "\\ufffd\\ufffd\xc3\xa9\xf0\x9f\x98\x80\"}\n\n");
}

TEST(WireEncoders, BodyLine) {
  EXPECT_EQ(cph::wire::encode_body_line("hello"), "\"aGVsbG8=\"\n");
  EXPECT_EQ(cph::wire::encode_body_line(""), "\"\"\n");
}

TEST(WireEncoders, ResponseAsAGoHelperWritesIt) {
  cph::wire::Response r;
  r.id = 3;
  r.err = "e<";
  r.known_commands = {"get", "put"};
  r.miss = true;
  r.output_id = "\x01\x02\x03\xfe\xff";
  r.size = 12;
  cph::wire::Time t;
  t.unix_seconds = cph::gotime::days_from_civil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60 + 5 - 5400;
  t.nanos = 6000;
  t.offset_seconds = 5400;
  r.time = t;
  r.disk_path = "/d";
  EXPECT_EQ(cph::wire::encode_response(r),
            R"({"ID":3,"Err":"e\u003c","KnownCommands":["get","put"],"Miss":true,"OutputID":"AQID/v8=","Size":12,)"
            R"("Time":"2024-01-02T03:04:05.000006+01:30","DiskPath":"/d"})"
            "\n");
  cph::wire::Response z;
  z.id = 4;
  cph::wire::Time tz;
  tz.unix_seconds = cph::gotime::days_from_civil(2024, 1, 2) * 86400 + 3 * 3600 + 4 * 60 + 5;
  z.time = tz;
  EXPECT_EQ(cph::wire::encode_response(z), "{\"ID\":4,\"Time\":\"2024-01-02T03:04:05Z\"}\n");
  EXPECT_EQ(cph::wire::encode_response(cph::wire::Response{}), "{\"ID\":0}\n");
}

TEST(WireEncoders, DialectNames) {
  EXPECT_STREQ(cph::wire::dialect_name(Dialect::object_id), "go1.21");
  EXPECT_STREQ(cph::wire::dialect_name(Dialect::output_and_object_id), "go1.24+objectid");
  EXPECT_STREQ(cph::wire::dialect_name(Dialect::output_id), "go1.25");
}

}  // namespace
