// `make dist`'s tarball works wherever it is unpacked: scripts/dist.sh packs
// this build, the test unpacks it into a temporary directory and runs, from
// an empty directory with a minimal environment (env -i, PATH = the unpacked
// bin/ and /usr/bin:/bin), `cph check` on the unpacked cph-fake, `cph
// scenarios` (its catalogue found relative to cph, which `cph --version`
// names) and a bounded `cph fuzz`. Both binaries must be static: no ELF
// program interpreter, no DT_NEEDED library. Slow (label slow: about 45 s at
// load 5, 115 s at load 20; the catalogue alone runs 383 cases). Skips under a sanitizer (its
// runtimes cannot link statically, so the build links dynamically).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "run_program.hpp"
#include "sanitized_build.hpp"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-dist-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

template <class T>
T read_le(const std::string& b, size_t at) {
  T v{};
  if (at + sizeof v <= b.size()) std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}

// Why the ELF64 file is not static ("" when it is): a PT_INTERP program
// header (a dynamic loader) or a DT_NEEDED entry (a shared library).
std::string not_static(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 64 || b.compare(0, 4,
                                 "\x7f"
                                 "ELF") != 0)
    return "not an ELF file";
  if (b[4] != 2 || b[5] != 1) return "not a little-endian ELF64 file";
  const auto phoff = read_le<uint64_t>(b, 0x20);
  const auto phentsize = read_le<uint16_t>(b, 0x36);
  const auto phnum = read_le<uint16_t>(b, 0x38);
  for (size_t i = 0; i < phnum; ++i) {
    const size_t ph = phoff + i * phentsize;
    const auto type = read_le<uint32_t>(b, ph);
    if (type == 3) return "it has a program interpreter (PT_INTERP): it is dynamically linked";
    if (type != 2) continue;  // PT_DYNAMIC (a static PIE has one, without DT_NEEDED)
    const auto offset = read_le<uint64_t>(b, ph + 8);
    const auto size = read_le<uint64_t>(b, ph + 32);
    for (size_t d = offset; d + 16 <= offset + size && d + 16 <= b.size(); d += 16) {
      const auto tag = read_le<int64_t>(b, d);
      if (tag == 0) break;
      if (tag == 1) return "it needs a shared library (DT_NEEDED)";
    }
  }
  return "";
}

TEST(DistTarballSlow, UnpackedAnywhereItChecksRunsTheCatalogueAndFuzzesWithStaticBinaries) {
  if (cph::testing::kSanitizedBuild) GTEST_SKIP() << "sanitizer builds link dynamically; the default build checks this";
  TempDir tmp;
  using cph::test::run_program;
  cph::test::RunOptions o;
  o.deadline = std::chrono::seconds(240);
  auto packed = run_program(
      {"/bin/bash", std::string(CPH_SOURCE_DIR) + "/scripts/dist.sh", CPH_BINARY_DIR, (tmp.path / "out").string()}, o);
  ASSERT_EQ(packed.code, 0) << packed.out;
  std::string tarball = packed.stdout_text.substr(0, packed.stdout_text.find('\n'));
  ASSERT_TRUE(fs::is_regular_file(tarball)) << packed.out;
  const std::string name = fs::path(tarball).filename().string();
  ASSERT_EQ(name.rfind("cacheprog-harness-", 0), 0u) << name;
  ASSERT_NE(name.find("-linux-x86_64.tar.gz"), std::string::npos) << name;
  EXPECT_TRUE(fs::is_regular_file(tarball + ".sha256"));

  const fs::path unpacked = tmp.path / "somewhere else";  // a space: paths are quoted
  fs::create_directories(unpacked);
  auto untar = run_program({"/bin/tar", "-C", unpacked.string(), "-xzf", tarball}, o);
  ASSERT_EQ(untar.code, 0) << untar.out;
  const fs::path top = unpacked / name.substr(0, name.size() - std::string(".tar.gz").size());
  for (const char* entry : {"bin/cph", "bin/cph-fake", "share/cacheprog-harness/scenarios/README.md",
                            "share/cacheprog-harness/scenarios/go-module/go.mod",
                            "share/cacheprog-harness/scenarios/fake-scripts", "README.md", "docs/checks.md"}) {
    EXPECT_TRUE(fs::exists(top / entry)) << entry << " is not in " << name;
  }
  if (fs::exists(fs::path(CPH_SOURCE_DIR) / "LICENSE")) {
    EXPECT_TRUE(fs::exists(top / "LICENSE"));
  }
  for (const char* bin : {"bin/cph", "bin/cph-fake"}) {
    EXPECT_EQ(not_static(top / bin), "") << bin;
  }
  EXPECT_NE(not_static("/bin/sh"), "") << "the ELF check must see a dynamically linked program";

  // From an empty directory, with only the unpacked bin/ and the system's on PATH.
  const fs::path work = tmp.path / "work";
  fs::create_directories(work);
  const std::string path = "PATH=" + (top / "bin").string() + ":/usr/bin:/bin";
  auto cph = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/env", "-i", path, "TMPDIR=" + tmp.path.string(), "cph"};
    argv.insert(argv.end(), args.begin(), args.end());
    cph::test::RunOptions ro;
    ro.cwd = work.string();
    ro.deadline = std::chrono::seconds(300);
    return run_program(argv, ro);
  };
  auto version = cph({"--version"});
  EXPECT_EQ(version.code, 0) << version.out;
  EXPECT_NE(version.stdout_text.find("Scenario catalogue: " + (top / "share/cacheprog-harness/scenarios").string()),
            std::string::npos)
      << "cph must use the catalogue beside it, not the source tree's:\n"
      << version.out;

  auto check = cph({"check", "--jobs", "2", "--", "cph-fake", "--dir", "{dir}"});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_NE(check.stdout_text.find("\nOK"), std::string::npos) << check.out;

  auto scenarios = cph({"scenarios", "--jobs", "2"});
  EXPECT_EQ(scenarios.code, 0) << scenarios.out;

  auto fuzz = cph({"fuzz", "--iterations", "200", "--", "cph-fake", "--dir", "{dir}"});
  EXPECT_EQ(fuzz.code, 0) << fuzz.out;
  EXPECT_NE(fuzz.out.find("no findings"), std::string::npos) << fuzz.out;
}

}  // namespace
