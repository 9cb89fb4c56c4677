// Put's body (internal to the client: prog_cache.cpp and request_writer.cpp
// include it, prog_cache.hpp does not). Go's Put takes an io.ReadSeeker and
// reads it twice: to hash it ("Compute output ID"), then to send it
// (writeToChild's io.Copy into the base64 encoder). A BodySource is that
// ReadSeeker: read in chunks, from the start again after rewind(), never
// held whole.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cph::client {

// The unit of every read and write of a body or a pipe by the client.
inline constexpr size_t kChunk = 64 * 1024;

class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual bool rewind(std::string& error) = 0;  // Seek(0, 0)
  // Bytes read into buf; 0 at EOF; -1 on error (with `error`).
  virtual int64_t read(char* buf, size_t cap, std::string& error) = 0;
};

// put(): bytes the caller holds (not copied; they must outlive the put).
class StringBody final : public BodySource {
 public:
  explicit StringBody(std::string_view s) : s_(s) {}
  bool rewind(std::string& error) override;
  int64_t read(char* buf, size_t cap, std::string& error) override;

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// put_file(): a file, opened once, read through twice.
class FileBody final : public BodySource {
 public:
  // Null with `error` ("open PATH: ...") when the file cannot be opened.
  static std::unique_ptr<FileBody> open(const std::string& path, std::string& error);
  ~FileBody() override;
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  bool rewind(std::string& error) override;
  int64_t read(char* buf, size_t cap, std::string& error) override;

 private:
  FileBody(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Put's "Compute output ID": the SHA-256 (32 raw bytes) and size of the body,
// read once from the start. False with `error` when a seek or read failed.
struct BodyDigest {
  std::string sha256;
  int64_t size = 0;
};
bool digest_body(BodySource& body, BodyDigest& out, std::string& error);

}  // namespace cph::client
