// SHA-256 (OpenSSL libcrypto) and hex helpers: OutputIDs are SHA-256 of the body.
#pragma once
#include <string>
#include <string_view>

namespace cph::wire {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string digest();  // 32 raw bytes; the hasher is spent afterwards
 private:
  void* ctx_;
};

std::string sha256(std::string_view bytes);  // 32 raw bytes
std::string to_hex(std::string_view bytes);  // lowercase
bool from_hex(std::string_view hex, std::string& out);

}  // namespace cph::wire
