// Response decoding: every rule of Go's json.Decoder reading a Response. The
// expected outputs in the table were produced by Go itself (the oracle in
// tests/interop/oracle, Go 1.26), rendered as `cph decode response` prints.
#include <gtest/gtest.h>

#include "wire/normalized.hpp"
#include "wire/response_decoder.hpp"

namespace {

struct Row {
  const char* profile;
  std::string input;
  const char* go_output;
};

std::string struct_name_for(const std::string& profile) {
  if (profile == "go1.21") return "ProgResponse";
  if (profile == "go1.24") return "cacheprog.ProgResponse";
  return "Response";
}

const std::vector<Row>& rows() {
  static const std::vector<Row> v = {
      {"go1.25",
       std::string("{\"ID\":1,\"Err\":\"x\",\"KnownCommands\":[\"get\",\"put\",\"close\"],\"Miss\":true,\"OutputID\":"
                   "\"AQID\",\"Size\":3,\"Time\":\"2024-01-02T03:04:05.5+01:00\",\"DiskPath\":\"/p\"}",
                   148),
       "{\"ID\":1,\"Err\":\"x\",\"KnownCommands\":[\"get\",\"put\",\"close\"],\"Miss\":true,\"OutputID\":\"010203\","
       "\"Size\":3,\"Time\":\"2024-01-02T02:04:05.500000000Z\",\"DiskPath\":\"/p\"}\n"},
      {"go1.25",
       std::string("{\"id\":2,\"eRR\":\"y\",\"knowncommands\":[\"get\"],\"MISS\":true,\"outputid\":\"AQ==\",\"size\":1,"
                   "\"time\":\"2024-01-02T03:04:05Z\",\"diskpath\":\"/q\"}",
                   127),
       "{\"ID\":2,\"Err\":\"y\",\"KnownCommands\":[\"get\"],\"Miss\":true,\"OutputID\":\"01\",\"Size\":1,\"Time\":"
       "\"2024-01-02T03:04:05.000000000Z\",\"DiskPath\":\"/q\"}\n"},
      {"go1.25",
       std::string("{\"\xe2"
                   "\x84"
                   "\xaa"
                   "nowncommands\":[\"get\"],\"\xc5"
                   "\xbf"
                   "ize\":5}",
                   37),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[\"get\"],\"Miss\":false,\"OutputID\":\"\",\"Size\":5,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"\\u212anowncommands\":[\"get\"],\"\\u017fize\":5}", 44),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[\"get\"],\"Miss\":false,\"OutputID\":\"\",\"Size\":5,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"ID\":1,\"Unknown\":{\"a\":[1,{\"b\":null}]},\"ID\":2}", 46),
       "{\"ID\":2,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"ID\":null,\"Err\":null,\"Miss\":null,\"Time\":null,\"OutputID\":null}", 62),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"Time\":\"2024-01-02T03:04:05Z\",\"Time\":null}", 43),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25",
       std::string("{\"ID\":1}{\"ID\":2} {\"ID\":3}\n\x09"
                   "\x0d"
                   "{\"ID\":4}",
                   36),
       "{\"ID\":1,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n{\"ID\":2,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,"
       "\"Time\":null,\"DiskPath\":\"\"}\n{\"ID\":3,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\","
       "\"Size\":0,\"Time\":null,\"DiskPath\":\"\"}\n{\"ID\":4,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,"
       "\"OutputID\":\"\",\"Size\":0,\"Time\":null,\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"ID\":1.0}", 10),
       "error: json: cannot unmarshal number 1.0 into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"ID\":1e2}", 10),
       "error: json: cannot unmarshal number 1e2 into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"ID\":\"1\"}", 10),
       "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n"},
      {"go1.21", std::string("{\"ID\":\"1\"}", 10),
       "error: json: cannot unmarshal string into Go struct field ProgResponse.ID of type int64\n"},
      {"go1.24", std::string("{\"ID\":\"1\"}", 10),
       "error: json: cannot unmarshal string into Go struct field ProgResponse.ID of type int64\n"},
      {"go1.25", std::string("{\"ID\":9223372036854775808}", 26),
       "error: json: cannot unmarshal number 9223372036854775808 into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"ID\":-9223372036854775808}", 27),
       "{\"ID\":-9223372036854775808,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,"
       "\"Time\":null,\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"Miss\":1}", 10),
       "error: json: cannot unmarshal number into Go struct field Response.Miss of type bool\n"},
      {"go1.25", std::string("{\"KnownCommands\":\"get\"}", 23),
       "error: json: cannot unmarshal string into Go struct field Response.KnownCommands of type []cacheprog.Cmd\n"},
      {"go1.21", std::string("{\"KnownCommands\":[1]}", 21),
       "error: json: cannot unmarshal number into Go struct field ProgResponse.KnownCommands of type cache.ProgCmd\n"},
      {"go1.25", std::string("{\"OutputID\":\"AQ=\"}", 18), "error: illegal base64 data at input byte 3\n"},
      {"go1.25", std::string("{\"OutputID\":\"AQ\\r\\n==\"}", 23),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"01\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"OutputID\":[1,2,255]}", 22),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"0102ff\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"OutputID\":[256]}", 18),
       "error: json: cannot unmarshal number 256 into Go struct field Response.OutputID of type uint8\n"},
      {"go1.25", std::string("{\"OutputID\":\"AQID\",\"OutputID\":[7],\"OutputID\":[null,null]}", 57),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"0702\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"ID\":\"x\",\"Time\":1}", 19),
       "error: Time.UnmarshalJSON: input is not a JSON string\n"},
      {"go1.25", std::string("{\"ID\":\"x\",\"Size\":\"y\"}", 21),
       "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"Time\":\"2024-02-30T03:04:05Z\"}", 31),
       "error: parsing time \"2024-02-30T03:04:05Z\": day out of range\n"},
      {"go1.25", std::string("{\"Time\":\"2024-01-02T03:04:05+25:00\"}", 36),
       "error: parsing time \"2024-01-02T03:04:05+25:00\": time zone offset hour out of range\n"},
      {"go1.25", std::string("{\"Time\":\"2024-01-02 03:04:05Z\"}", 31),
       "error: parsing time \"2024-01-02 03:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 03:04:05Z\" as "
       "\"T\"\n"},
      {"go1.25", std::string("{\"Time\":\"2024-01-02T03:04:05Zjunk\"}", 35),
       "error: parsing time \"2024-01-02T03:04:05Zjunk\": extra text: \"junk\"\n"},
      {"go1.25", std::string("{\"Time\":\"\\u0032024-01-02T03:04:05Z\"}", 36),
       "error: parsing time \"\\\\u0032024-01-02T03:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
       "\"\\\\u0032024-01-02T03:04:05Z\" as \"2006\"\n"},
      {"go1.25", std::string("{\"Time\":{}}", 11), "error: Time.UnmarshalJSON: input is not a JSON string\n"},
      {"go1.25", std::string("{\"Err\":\"\\ud800 \\ud83d\\ude00 <&>\"}", 33),
       "{\"ID\":0,\"Err\":\"\xef"
       "\xbf"
       "\xbd"
       " \xf0"
       "\x9f"
       "\x98"
       "\x80"
       " \\u003c\\u0026\\u003e\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25",
       std::string("{\"Err\":\"\xc3"
                   "\xbf"
                   "\"}",
                   12),
       "{\"ID\":0,\"Err\":\"\xc3"
       "\xbf"
       "\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("null", 4),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("1", 1),
       "error: json: cannot unmarshal number into Go value of type cacheprog.Response\n"},
      {"go1.21", std::string("[]", 2),
       "error: json: cannot unmarshal array into Go value of type cache.ProgResponse\n"},
      {"go1.25", std::string("\"x\"", 3),
       "error: json: cannot unmarshal string into Go value of type cacheprog.Response\n"},
      {"go1.25", std::string("truex", 5),
       "error: json: cannot unmarshal bool into Go value of type cacheprog.Response\n"},
      {"go1.25", std::string("{\"ID\":1}x", 9),
       "{\"ID\":1,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\nerror: invalid character 'x' looking for beginning of value\n"},
      {"go1.25", std::string("{\"ID\":1", 7), "error: unexpected EOF\n"},
      {"go1.25", std::string("  \n ", 4), ""},
      {"go1.25", std::string("", 0), ""},
      {"go1.25", std::string("{\"a\" 1}", 7), "error: invalid character '1' after object key\n"},
      {"go1.25", std::string("{'a':1}", 7),
       "error: invalid character '\\'' looking for beginning of object key string\n"},
      {"go1.25",
       std::string("{\"a\":\"\x01"
                   "\"}",
                   9),
       "error: invalid character '\\x01' in string literal\n"},
      {"go1.25",
       std::string("\xc3"
                   "\x83"
                   "\xc2"
                   "\xa9"
                   "",
                   4),
       "error: invalid character '\xc3"
       "\x83"
       "' looking for beginning of value\n"},
      {"go1.25", std::string("{\"a\":tru}", 9), "error: invalid character '}' in literal true (expecting 'e')\n"},
      {"go1.25", std::string("1.", 2), "error: unexpected EOF\n"},
      {"go1.25", std::string(10001, '['), "error: invalid character '[' exceeded max depth\n"},
  };
  return v;
}

TEST(WireResponseDecoder, MatchesGoOnEveryRule) {
  for (const auto& row : rows()) {
    bool ok = false;
    EXPECT_EQ(cph::wire::normalized_response_stream(row.input, struct_name_for(row.profile), ok), row.go_output)
        << "input: " << row.input.substr(0, 200);
    EXPECT_EQ(ok, std::string(row.go_output).find("error: ") == std::string::npos);
  }
}

// Go 1.27 (json v2 under encoding/json): the rows where its texts differ
// from Go 1.26's, and some where they do not. Produced by the oracle built
// with go1.27.3; the profile column picks the struct name only.
const std::vector<Row>& rows_v2() {
  static const std::vector<Row> v = {
      {"go1.25", std::string("{\"OutputID\":\"AQ=\"}", 18),
       "error: json: cannot unmarshal string into Go struct field Response.OutputID of type []uint8: illegal base64 "
       "data at input byte 3\n"},
      {"go1.25", std::string("{\"OutputID\":\"A!==\",\"ID\":\"x\"}", 28),
       "error: json: cannot unmarshal string into Go struct field Response.OutputID of type []uint8: illegal base64 "
       "data at input byte 1\n"},
      {"go1.25", std::string("{\"ID\":\"x\",\"OutputID\":\"A!==\"}", 28),
       "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n"},
      {"go1.21", std::string("{\"OutputID\":\"A!==\"}", 19),
       "error: json: cannot unmarshal string into Go struct field ProgResponse.OutputID of type []uint8: illegal "
       "base64 data at input byte 1\n"},
      {"go1.25", std::string("{\"OutputID\":[256]}", 18),
       "error: json: cannot unmarshal number 256 into Response.OutputID.0 of type uint8\n"},
      {"go1.25", std::string("{\"OutputID\":[1,2,-1]}", 21),
       "error: json: cannot unmarshal number -1 into Response.OutputID.2 of type uint8\n"},
      {"go1.25", std::string("{\"OutputID\":[\"a\"]}", 18),
       "error: json: cannot unmarshal string into Response.OutputID.0 of type uint8\n"},
      {"go1.25", std::string("{\"OutputID\":[[1]]}", 18),
       "error: json: cannot unmarshal array into Response.OutputID.0 of type uint8\n"},
      {"go1.25", std::string("{\"KnownCommands\":[1]}", 21),
       "error: json: cannot unmarshal number into Response.KnownCommands.0 of type cacheprog.Cmd\n"},
      {"go1.21", std::string("{\"KnownCommands\":[\"a\",{}]}", 26),
       "error: json: cannot unmarshal object into ProgResponse.KnownCommands.1 of type cache.ProgCmd\n"},
      {"go1.25",
       std::string("{\"a\":\"\x01"
                   "\"}",
                   9),
       "error: invalid character '\\x01' in string\n"},
      {"go1.25",
       std::string("{\"a\x1f"
                   "\":1}",
                   8),
       "error: invalid character '\\x1f' in string\n"},
      {"go1.25", std::string("{\"a\":\"\\q\"}", 10), "error: invalid escape sequence `\\q` in string\n"},
      {"go1.25", std::string("{\"a\":\"\\u12G4\"}", 14), "error: invalid escape sequence `\\u12G4` in string\n"},
      {"go1.25", std::string("{\"a\":\"\\u12\"}", 12), "error: invalid escape sequence `\\u12\"}` in string\n"},
      {"go1.25", std::string("{\"a\":\"\\uG", 9), "error: invalid escape sequence `\\uG` in string\n"},
      {"go1.25",
       std::string("{\"a\":\"\\u12\xc3"
                   "\xa9"
                   "\"}",
                   14),
       "error: invalid escape sequence `\\u12\xc3"
       "\xa9"
       "` in string\n"},
      {"go1.25",
       std::string("{\"a\":\"\\\xc3"
                   "\"}",
                   10),
       "error: invalid escape sequence \"\\\\\\xc3\" in string\n"},
      {"go1.25", std::string("{\"a\":\"\\ \"}", 10), "error: invalid escape sequence \"\\\\ \" in string\n"},
      {"go1.25", std::string("{\"a\":\"\\`\"}", 10), "error: invalid escape sequence \"\\\\`\" in string\n"},
      {"go1.25",
       std::string("\xc3"
                   "\xa9"
                   "",
                   2),
       "error: invalid character '\xc3"
       "\xa9"
       "' looking for beginning of value\n"},
      {"go1.25",
       std::string("\xc3"
                   "",
                   1),
       "error: invalid character '\\xc3' looking for beginning of value\n"},
      {"go1.25",
       std::string("\xff"
                   "",
                   1),
       "error: invalid character '\\xff' looking for beginning of value\n"},
      {"go1.25",
       std::string("\xe2"
                   "\x80"
                   "\xa8"
                   "",
                   3),
       "error: invalid character '\\u2028' looking for beginning of value\n"},
      {"go1.25",
       std::string("\xf0"
                   "\x9f"
                   "\x98"
                   "\x80"
                   "",
                   4),
       "error: invalid character '\xf0"
       "\x9f"
       "\x98"
       "\x80"
       "' looking for beginning of value\n"},
      {"go1.25",
       std::string("\xef"
                   "\xbf"
                   "\xbd"
                   "",
                   3),
       "error: invalid character '\xef"
       "\xbf"
       "\xbd"
       "' looking for beginning of value\n"},
      {"go1.25",
       std::string("{\"a\":1}\xc2"
                   "\x80"
                   "",
                   9),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\nerror: invalid character '\\u0080' looking for beginning of value\n"},
      {"go1.25",
       std::string("{\"a\"\xc3"
                   "\xa9"
                   ":1}",
                   9),
       "error: invalid character '\xc3"
       "\xa9"
       "' after object key\n"},
      {"go1.25",
       std::string("[1\xc3"
                   "\xa9"
                   "]",
                   5),
       "error: invalid character '\xc3"
       "\xa9"
       "' after array element\n"},
      {"go1.25",
       std::string("{\"a\":tr\xc3"
                   "\xa9"
                   "}",
                   10),
       "error: invalid character '\xc3"
       "\xa9"
       "' in literal true (expecting 'u')\n"},
      {"go1.25",
       std::string("\xc3"
                   "(",
                   2),
       "error: invalid character '\\xc3' looking for beginning of value\n"},
      {"go1.25", std::string("{\"Time\":\"\\u0032024-01-02T03:04:05Z\"}", 36),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":\"2024-01-"
       "02T03:04:05.000000000Z\",\"DiskPath\":\"\"}\n"},
      {"go1.25",
       std::string("{\"Time\":\"\xff"
                   "\"}",
                   12),
       "error: parsing time \"\\xef\\xbf\\xbd\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\\xef\\xbf\\xbd\" as "
       "\"2006\"\n"},
      {"go1.25", std::string("{\"Time\":1}", 10),
       "error: json: cannot unmarshal number into Go struct field Response.Time of type time.Time\n"},
      {"go1.25", std::string("{\"Time\":[]}", 11),
       "error: json: cannot unmarshal array into Go struct field Response.Time of type time.Time\n"},
      {"go1.25", std::string("{\"ID\":\"x\",\"Time\":1}", 19),
       "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"Time\":\"x\",\"ID\":\"y\"}", 21),
       "error: parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"\n"},
      {"go1.25", std::string("{\"ID\":\"y\",\"Time\":\"x\"}", 21),
       "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n"},
      {"go1.25", std::string("{\"Time\":null}", 13),
       "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
       "\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"ID\":1,\"Time\":\"2024-01-02T03:04:05Z\"}", 38),
       "{\"ID\":1,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":\"2024-01-"
       "02T03:04:05.000000000Z\",\"DiskPath\":\"\"}\n"},
      {"go1.25", std::string("{\"id\":\"x\"}", 10),
       "error: json: cannot unmarshal string into Go struct field Response.id of type int64\n"},
      {"go1.24", std::string("{\"iD\":{}}", 9),
       "error: json: cannot unmarshal object into Go struct field ProgResponse.iD of type int64\n"},
      {"go1.25", std::string("{\"outputid\":\"!!\"}", 17),
       "error: json: cannot unmarshal string into Go struct field Response.outputid of type []uint8: illegal base64 "
       "data at input byte 0\n"},
      {"go1.25", std::string("{\"OUTPUTID\":[1,300]}", 20),
       "error: json: cannot unmarshal number 300 into Response.OUTPUTID.1 of type uint8\n"},
      {"go1.25", std::string("{\"\\u0069d\":\"x\"}", 15),
       "error: json: cannot unmarshal string into Go struct field Response.id of type int64\n"},
      {"go1.25", std::string("{\"ID\":1,\"id\":\"x\"}", 17),
       "error: json: cannot unmarshal string into Go struct field Response.id of type int64\n"},
      {"go1.25", std::string("{\"time\":1}", 10),
       "error: json: cannot unmarshal number into Go struct field Response.time of type time.Time\n"},
      {"go1.25", std::string("{\"ID\":1.}", 9), "error: invalid character '}' in numeric literal\n"},
      {"go1.25", std::string("-0.e-3", 6), "error: invalid character 'e' in numeric literal\n"},
      {"go1.25", std::string("{\"ID\":1e,\"Size\":2}", 18), "error: invalid character ',' in numeric literal\n"},
      {"go1.21",
       std::string("1e\xff"
                   "",
                   3),
       "error: invalid character '\\xff' in numeric literal\n"},
      {"go1.25",
       std::string("1.\xc3"
                   "\xa9"
                   "",
                   4),
       "error: invalid character '\xc3"
       "\xa9"
       "' in numeric literal\n"},
      {"go1.25", std::string(10001, '['), "error: exceeded max depth\n"},
  };
  return v;
}

TEST(WireResponseDecoder, JsonV2MatchesGo127) {
  for (const auto& row : rows_v2()) {
    bool ok = false;
    EXPECT_EQ(
        cph::wire::normalized_response_stream(row.input, struct_name_for(row.profile), ok, cph::wire::JsonDialect::v2),
        row.go_output)
        << "input: " << row.input.substr(0, 200);
    EXPECT_EQ(ok, std::string(row.go_output).find("error: ") == std::string::npos);
  }
}

// Feeds the input one byte at a time and renders what comes out.
std::string byte_by_byte(const std::string& input, const std::string& struct_name,
                         cph::wire::JsonDialect json = cph::wire::JsonDialect::v1) {
  cph::wire::ResponseStreamDecoder d(struct_name, json);
  std::string out;
  size_t i = 0;
  for (;;) {
    cph::wire::Response r;
    std::string err;
    switch (d.next(r, err)) {
      case cph::wire::ResponseStreamDecoder::Status::value: out += cph::wire::normalized_response(r); break;
      case cph::wire::ResponseStreamDecoder::Status::error: return out + "error: " + err + "\n";
      case cph::wire::ResponseStreamDecoder::Status::eof: return out;
      case cph::wire::ResponseStreamDecoder::Status::need_more:
        if (i < input.size()) {
          d.feed(std::string_view(input).substr(i++, 1));
        } else {
          d.finish();
        }
    }
  }
}

TEST(WireResponseDecoder, ByteByByteEqualsOneShot) {
  for (const auto& row : rows()) {
    EXPECT_EQ(byte_by_byte(row.input, struct_name_for(row.profile)), row.go_output)
        << "input: " << row.input.substr(0, 200);
  }
}

// json v2 names a bad character by its whole rune and a bad \\u escape by up
// to 6 bytes: a stream cut inside them waits for the rest before it fails.
TEST(WireResponseDecoder, JsonV2ByteByByteEqualsOneShot) {
  for (const auto& row : rows_v2()) {
    EXPECT_EQ(byte_by_byte(row.input, struct_name_for(row.profile), cph::wire::JsonDialect::v2), row.go_output)
        << "input: " << row.input.substr(0, 200);
  }
  cph::wire::ResponseStreamDecoder d("Response", cph::wire::JsonDialect::v2);
  cph::wire::Response r;
  std::string err;
  d.feed("\xe2\x80");
  EXPECT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::need_more);
  d.feed("\xa8");
  ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::error);
  EXPECT_EQ(err, "invalid character '\\u2028' looking for beginning of value");
}

TEST(WireResponseDecoder, ObjectsCompleteAtTheClosingBraceNumbersNeedTheNextByte) {
  cph::wire::ResponseStreamDecoder d;
  cph::wire::Response r;
  std::string err;
  d.feed("{\"ID\":5}");
  ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::value);
  EXPECT_EQ(r.id, 5);
  EXPECT_EQ(d.consumed(), 8);
  EXPECT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::need_more);
  d.feed(" null");  // a top-level literal is complete only with the byte after it, or EOF
  EXPECT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::need_more);
  d.finish();
  ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::value);
  EXPECT_EQ(r, cph::wire::Response{});
  EXPECT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::eof);
  EXPECT_EQ(d.fed(), 13);
}

TEST(WireResponseDecoder, ErrorsAreSticky) {
  cph::wire::ResponseStreamDecoder d;
  cph::wire::Response r;
  std::string err;
  d.feed("x{\"ID\":1}");
  ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::error);
  EXPECT_EQ(err, "invalid character 'x' looking for beginning of value");
  err.clear();
  EXPECT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::error);
  EXPECT_EQ(err, "invalid character 'x' looking for beginning of value");
}

TEST(WireResponseDecoder, TimeKeepsItsOffsetAndText) {
  auto d = cph::wire::decode_responses(R"({"Time":"2024-01-02T03:04:05.25-07:30"})");
  ASSERT_EQ(d.values.size(), 1u);
  ASSERT_TRUE(d.values[0].time.has_value());
  EXPECT_EQ(d.values[0].time->offset_seconds, -27000);
  EXPECT_EQ(d.values[0].time->nanos, 250000000);
  EXPECT_EQ(d.values[0].time->text, "2024-01-02T03:04:05.25-07:30");
  EXPECT_EQ(d.values[0].time->utc_rfc3339_nano(), "2024-01-02T10:34:05.250000000Z");
}

// A big value fed in small chunks: a decoder that rescans from the start of
// the value on every feed would need minutes here, a linear one well under a
// second.
TEST(WireResponseDecoder, BigInputIsNotQuadratic) {
  const std::string big = "{\"Err\":\"" + std::string(8 << 20, 'a') + "\",\"ID\":9}";
  cph::wire::ResponseStreamDecoder d;
  cph::wire::Response r;
  std::string err;
  for (size_t i = 0; i < big.size(); i += 4096) {
    d.feed(std::string_view(big).substr(i, 4096));
    if (i + 4096 < big.size()) {
      ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::need_more);
    }
  }
  ASSERT_EQ(d.next(r, err), cph::wire::ResponseStreamDecoder::Status::value);
  EXPECT_EQ(r.id, 9);
  EXPECT_EQ(r.err.size(), size_t{8} << 20);
}

TEST(WireResponseDecoder, ManyValuesKeepTheBufferSmall) {
  std::string stream;
  for (int i = 1; i <= 20000; ++i) stream += "{\"ID\":" + std::to_string(i) + ",\"DiskPath\":\"/x\"}\n";
  cph::wire::ResponseStreamDecoder d;
  cph::wire::Response r;
  std::string err;
  int64_t expect = 1;
  for (size_t i = 0; i < stream.size(); i += 1000) {
    d.feed(std::string_view(stream).substr(i, 1000));
    while (d.next(r, err) == cph::wire::ResponseStreamDecoder::Status::value) ASSERT_EQ(r.id, expect++);
  }
  EXPECT_EQ(expect, 20001);
  EXPECT_EQ(d.fed(), static_cast<int64_t>(stream.size()));
}

}  // namespace
