// Turning a correct Response into the bytes a script asks for: fields
// omitted, set or broken, other IDs, raw bytes, plus how to schedule them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "script.hpp"
#include "wire/messages.hpp"

namespace cph::fake {

class Store;

// A rule that fired for an event, with its index in the script.
struct Fired {
  size_t index = 0;
  const Rule* rule = nullptr;
};

// A Response as Go's json.Encoder writes it, as an ordered list of
// (key, JSON value text), so fields can be removed, replaced or added in
// Go's struct order.
class ReplyFields {
 public:
  explicit ReplyFields(const wire::Response& r);
  void omit(const std::string& key);
  void set(const std::string& key, std::string json_value);
  void insert_front_after_id(const std::string& key, std::string json_value);
  std::string compact() const;  // {"ID":1,...}\n
  std::string pretty() const;   // one field per line, two-space indent
 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// What the fake knows when it builds a reply.
struct ReplyContext {
  const Store* store = nullptr;
  int64_t previous_id = 0;  // ID of the request read before this one (0: none)
  std::string object_path;  // the real object behind the reply, if any
  int64_t object_size = 0;
};

struct ReplyPlan {
  std::string bytes;  // written once per copy; prefix included
  int64_t copies = 1;
  Duration delay{};
  bool drop = false;
  bool join_next = false;                       // write on one line with the next reply
  std::optional<std::pair<size_t, Hold>> hold;  // rule index and how to hold
  // The request's place in the input (1, 2, ...; 0: the handshake). Held
  // replies are ordered by it before they are reversed or shuffled, so the
  // order does not depend on which worker finished first.
  uint64_t arrival = 0;
};

// Applies the reply actions of the fired rules, in order, to `res`.
ReplyPlan plan_reply(const wire::Response& res, const std::vector<Fired>& fired, const ReplyContext& ctx);

}  // namespace cph::fake
