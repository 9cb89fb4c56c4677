// `cph decode`: the real binary over real pipes, bounded by `timeout`.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "client/profile.hpp"
#include "wire/response_decoder.hpp"

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
};

// Runs `cph decode ARGS` with `input` on stdin.
Result decode(const std::string& args, const std::string& input) {
  char path[] = "/tmp/cph-decode-in-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  {
    std::ofstream f(path, std::ios::binary);
    f << input;
  }
  const std::string cmd = std::string("timeout 60 ") + CPH_CLI_BIN + " decode " + args + " <" + path;
  Result r;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::remove(path);
  return r;
}

TEST(WireDecodeCli, ResponsesAsGoDecodesThem) {
  auto r = decode("response", "{\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]}\n{\"id\":1,\"miss\":true}");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "{\"ID\":0,\"Err\":\"\",\"KnownCommands\":[\"get\",\"put\",\"close\"],\"Miss\":false,\"OutputID\":\"\","
            "\"Size\":0,\"Time\":null,\"DiskPath\":\"\"}\n"
            "{\"ID\":1,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":true,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
            "\"DiskPath\":\"\"}\n");
}

TEST(WireDecodeCli, ProfilePicksTheStructName) {
  const std::string in = "{\"ID\":1}{\"ID\":\"2\"}";
  const std::string first =
      "{\"ID\":1,\"Err\":\"\",\"KnownCommands\":[],\"Miss\":false,\"OutputID\":\"\",\"Size\":0,\"Time\":null,"
      "\"DiskPath\":\"\"}\n";
  auto r21 = decode("response --profile go1.21", in);
  EXPECT_EQ(r21.exit_code, 1);
  EXPECT_EQ(r21.out,
            first + "error: json: cannot unmarshal string into Go struct field ProgResponse.ID of type int64\n");
  auto r26 = decode("response --profile go1.26", in);
  EXPECT_EQ(r26.exit_code, 1);
  EXPECT_EQ(r26.out, first + "error: json: cannot unmarshal string into Go struct field Response.ID of type int64\n");
  EXPECT_EQ(decode("response", "{").out, "error: unexpected EOF\n");
}

// Every release in the table decodes as the client decodes under that
// profile: the same struct name and json's texts (the CLI kept a table of
// its own once and named go1.24's struct cacheprog.ProgResponse).
TEST(WireDecodeCli, EveryProfileSaysWhatTheClientSays) {
  const std::string in = "{\"ID\":3,\"Size\":\"ten\"}";
  std::vector<cph::client::Profile> profiles = cph::client::Profile::all();
  profiles.push_back(*cph::client::Profile::parse("go1.24+objectid"));
  for (const auto& p : profiles) {
    cph::wire::ResponseStreamDecoder client(p.response_struct(), p.json_dialect());
    client.feed(in);
    cph::wire::Response value;
    std::string error;
    ASSERT_EQ(client.next(value, error), cph::wire::ResponseStreamDecoder::Status::error) << p.name();
    auto r = decode("response --profile " + p.name(), in);
    EXPECT_EQ(r.exit_code, 1) << p.name();
    EXPECT_EQ(r.out, "error: " + error + "\n") << p.name();
    const std::string field = "Go struct field " + p.response_struct() + ".Size";
    if (p.json_dialect() == cph::wire::JsonDialect::v1) {
      EXPECT_NE(r.out.find(field), std::string::npos) << r.out;
    }
  }
  EXPECT_NE(decode("response --profile go1.24", in).out.find("Go struct field Response.Size"), std::string::npos);
  EXPECT_EQ(decode("response --profile go1.20", in).exit_code, 2);
}

TEST(WireDecodeCli, Base64AndRequests) {
  auto ok = decode("base64", "aGVs\nbG8=");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "68656c6c6f\n");
  auto bad = decode("base64", "aGVsbG8=x");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, "68656c6c6f\nerror: illegal base64 data at input byte 8\n");
  auto req = decode("request --strict", "{\"ID\":1,\"Command\":\"put\",\"BodySize\":2}\n\n\"aGk=\"\n");
  EXPECT_EQ(req.exit_code, 0);
  EXPECT_EQ(req.out,
            "{\"ID\":1,\"Command\":\"put\",\"ActionID\":\"\",\"OutputID\":\"\",\"BodySize\":2,\"ObjectID\":\"\"}\n"
            "{\"Body\":\"6869\"}\n");
  EXPECT_EQ(decode("nonsense", "").exit_code, 2);
}

}  // namespace
