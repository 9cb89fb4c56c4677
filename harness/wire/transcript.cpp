#include "wire/transcript.hpp"

#include <sstream>
#include <stdexcept>

#include "wire/base64.hpp"
#include "wire/utf8.hpp"

namespace cph::wire {
namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto r = utf8::decode(s, i);
    if (r.r == utf8::kRuneError && r.size == 1) return false;
    i += r.size;
  }
  return true;
}

// What a record costs in memory, roughly: its bytes plus the record itself.
size_t cost(const TranscriptRecord& r) { return r.data.size() + (r.detail.is_null() ? 64 : 320); }

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// line:col of a byte offset within one line (1-based).
std::runtime_error bad_line(const std::string& name, size_t line, size_t col, const std::string& what) {
  return std::runtime_error(name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
}

}  // namespace

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::to_helper: return "to-helper";
    case Direction::from_helper: return "from-helper";
    case Direction::helper_stderr: return "helper-stderr";
    case Direction::event: return "event";
  }
  return "event";
}

Transcript::Transcript() : start_(std::chrono::steady_clock::now()) {}

Transcript::Transcript(const std::string& path) : Transcript() {
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) throw std::runtime_error("cannot open transcript file " + path);
}

Transcript::~Transcript() {
  if (file_ != nullptr) std::fclose(file_);
}

void Transcript::bytes(Direction dir, std::string_view data) {
  std::lock_guard lock(mu_);
  TranscriptRecord r;
  r.t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  r.dir = dir;
  r.data = std::string(data);
  if (file_ != nullptr) {
    const std::string line = dump(to_json(r)) + "\n";
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
  keep_locked(std::move(r));
}

void Transcript::set_memory_limit(size_t bytes) {
  std::lock_guard lock(mu_);
  limit_ = bytes;
}

size_t Transcript::memory_limit() const {
  std::lock_guard lock(mu_);
  return limit_;
}

void Transcript::keep_locked(TranscriptRecord r) {
  const size_t c = cost(r);
  if (!head_full_ && head_bytes_ + c <= limit_ / 2) {
    head_bytes_ += c;
    records_.push_back(std::move(r));
    return;
  }
  head_full_ = true;  // from now on, only the tail moves
  tail_bytes_ += c;
  tail_.push_back(std::move(r));
  while (tail_bytes_ > limit_ / 2 && tail_.size() > 1) {
    const TranscriptRecord& old = tail_.front();
    if (dropped_records_ == 0) first_dropped_t_ = old.t;
    ++dropped_records_;
    dropped_bytes_ += old.data.size();
    tail_bytes_ -= cost(old);
    tail_.pop_front();
  }
}

std::vector<TranscriptRecord> Transcript::records_locked() const {
  std::vector<TranscriptRecord> out;
  out.reserve(records_.size() + tail_.size() + 1);
  out.assign(records_.begin(), records_.end());
  if (dropped_records_ > 0) {
    TranscriptRecord gap;
    gap.t = first_dropped_t_;
    gap.dir = Direction::event;
    gap.data = "transcript-truncated";
    gap.detail = {{"records", dropped_records_}, {"bytes", dropped_bytes_}, {"memory_limit", limit_}};
    out.push_back(std::move(gap));
  }
  out.insert(out.end(), tail_.begin(), tail_.end());
  return out;
}

void Transcript::event(std::string_view name, nlohmann::json detail) {
  std::lock_guard lock(mu_);
  TranscriptRecord r;
  r.t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  r.dir = Direction::event;
  r.data = std::string(name);
  r.detail = std::move(detail);
  if (file_ != nullptr) {
    const std::string line = dump(to_json(r)) + "\n";
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
  keep_locked(std::move(r));
}

std::vector<TranscriptRecord> Transcript::records() const {
  std::lock_guard lock(mu_);
  return records_locked();
}

std::string Transcript::tail_text(size_t max_records) const {
  std::lock_guard lock(mu_);
  const std::vector<TranscriptRecord> all = records_locked();
  std::ostringstream out;
  const size_t first = all.size() > max_records ? all.size() - max_records : 0;
  if (first > 0) out << "... " << first << " earlier records\n";
  for (size_t i = first; i < all.size(); ++i) {
    const auto& r = all[i];
    char t[32];
    std::snprintf(t, sizeof t, "%.6f", r.t);
    out << "[" << t << "] " << direction_name(r.dir) << ": ";
    if (r.dir == Direction::event) {
      out << r.data;
      if (!r.detail.is_null()) out << " " << dump(r.detail);
    } else {
      out << dump(nlohmann::json(valid_utf8(r.data) ? r.data : "<binary, base64> " + base64::encode(r.data)));
    }
    out << "\n";
  }
  return out.str();
}

nlohmann::json Transcript::to_json(const TranscriptRecord& r) {
  nlohmann::json j;
  j["t"] = r.t;
  j["dir"] = direction_name(r.dir);
  if (r.dir == Direction::event) {
    j["event"] = r.data;
    if (!r.detail.is_null()) j["detail"] = r.detail;
  } else if (valid_utf8(r.data)) {
    j["data"] = r.data;
  } else {
    j["b64"] = base64::encode(r.data);
  }
  return j;
}

std::vector<TranscriptRecord> Transcript::parse(std::string_view jsonl, const std::string& name) {
  std::vector<TranscriptRecord> out;
  size_t line_no = 0;
  for (size_t pos = 0; pos < jsonl.size();) {
    ++line_no;
    size_t end = jsonl.find('\n', pos);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = jsonl.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      const size_t col = e.byte == 0 ? 1 : e.byte;
      std::string what = e.what();
      if (auto p = what.find("parse error"); p != std::string::npos) what = what.substr(p);
      throw bad_line(name, line_no, col, what);
    }
    auto field_col = [&](const char* key) {
      const auto p = line.find("\"" + std::string(key) + "\"");
      return p == std::string_view::npos ? size_t{1} : p + 1;
    };
    if (!j.is_object()) throw bad_line(name, line_no, 1, "a transcript record must be a JSON object");
    TranscriptRecord r;
    if (!j.contains("t") || !j["t"].is_number())
      throw bad_line(name, line_no, field_col("t"), "\"t\" must be a number");
    r.t = j["t"].get<double>();
    if (!j.contains("dir") || !j["dir"].is_string()) {
      throw bad_line(name, line_no, field_col("dir"), "\"dir\" must be a string");
    }
    const std::string dir = j["dir"].get<std::string>();
    if (dir == "to-helper")
      r.dir = Direction::to_helper;
    else if (dir == "from-helper")
      r.dir = Direction::from_helper;
    else if (dir == "helper-stderr")
      r.dir = Direction::helper_stderr;
    else if (dir == "event")
      r.dir = Direction::event;
    else
      throw bad_line(name, line_no, field_col("dir"), "unknown direction \"" + dir + "\"");
    if (r.dir == Direction::event) {
      if (!j.contains("event") || !j["event"].is_string()) {
        throw bad_line(name, line_no, field_col("event"), "an event record needs a string \"event\"");
      }
      r.data = j["event"].get<std::string>();
      if (j.contains("detail")) r.detail = j["detail"];
    } else if (j.contains("data") && j["data"].is_string()) {
      r.data = j["data"].get<std::string>();
    } else if (j.contains("b64") && j["b64"].is_string()) {
      if (auto err = base64::decode(j["b64"].get<std::string>(), r.data)) {
        throw bad_line(name, line_no, field_col("b64"), "\"b64\": " + err->message());
      }
    } else {
      throw bad_line(name, line_no, 1, "a bytes record needs a string \"data\" or \"b64\"");
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cph::wire
