#include "reply.hpp"

#include <algorithm>

#include "store.hpp"
#include "wire/base64.hpp"
#include "wire/encoders.hpp"

namespace cph::fake {

namespace {

// Go's struct order of cacheprog.Response.
const std::vector<std::string> kOrder = {"ID", "Err", "KnownCommands", "Miss", "OutputID", "Size", "Time", "DiskPath"};

size_t rank(const std::string& key) {
  auto it = std::find(kOrder.begin(), kOrder.end(), key);
  return static_cast<size_t>(it - kOrder.begin());
}

std::string quote(std::string_view s) { return wire::go_quote(s); }

// A script value as JSON text, strings with Go's escaping.
std::string json_text(const nlohmann::json& v) {
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_text(v[i]);
    return out + "]";
  }
  return v.dump();
}

std::string time_text(const wire::Time& t) { return t.text.empty() ? t.utc_rfc3339_nano() : t.text; }

std::string disk_path_for(const std::string& keyword, const ReplyContext& ctx) {
  if (keyword.empty() || keyword[0] == '/') return keyword;
  if (keyword == "missing") return ctx.store->fault_missing();
  if (keyword == "directory") return ctx.store->fault_directory();
  if (keyword == "wrong-content") return ctx.store->fault_wrong_content(ctx.object_path, ctx.object_size);
  return ctx.store->fault_extension(ctx.object_path);  // "extension"
}

std::string expand_id(std::string text, int64_t id) {
  const std::string var = "$ID";
  std::string idtext = std::to_string(id);
  for (size_t pos = text.find(var); pos != std::string::npos; pos = text.find(var, pos + idtext.size())) {
    text.replace(pos, var.size(), idtext);
  }
  return text;
}

}  // namespace

ReplyFields::ReplyFields(const wire::Response& r) {
  fields_.emplace_back("ID", std::to_string(r.id));
  if (!r.err.empty()) fields_.emplace_back("Err", quote(r.err));
  if (!r.known_commands.empty()) {
    std::string list = "[";
    for (size_t i = 0; i < r.known_commands.size(); ++i) list += (i ? "," : "") + quote(r.known_commands[i]);
    fields_.emplace_back("KnownCommands", list + "]");
  }
  if (r.miss) fields_.emplace_back("Miss", "true");
  if (!r.output_id.empty()) fields_.emplace_back("OutputID", "\"" + base64::encode(r.output_id) + "\"");
  if (r.size != 0) fields_.emplace_back("Size", std::to_string(r.size));
  if (r.time) fields_.emplace_back("Time", quote(time_text(*r.time)));
  if (!r.disk_path.empty()) fields_.emplace_back("DiskPath", quote(r.disk_path));
}

void ReplyFields::omit(const std::string& key) {
  std::erase_if(fields_, [&](const auto& f) { return f.first == key; });
}

void ReplyFields::set(const std::string& key, std::string json_value) {
  for (auto& f : fields_) {
    if (f.first == key) {
      f.second = std::move(json_value);
      return;
    }
  }
  auto pos = std::find_if(fields_.begin(), fields_.end(), [&](const auto& f) { return rank(f.first) > rank(key); });
  fields_.insert(pos, {key, std::move(json_value)});
}

void ReplyFields::insert_front_after_id(const std::string& key, std::string json_value) {
  auto pos = fields_.empty() ? fields_.end() : fields_.begin() + 1;
  fields_.insert(pos, {key, std::move(json_value)});
}

std::string ReplyFields::compact() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) out += (i ? "," : "") + quote(fields_[i].first) + ":" + fields_[i].second;
  return out + "}\n";
}

std::string ReplyFields::pretty() const {
  std::string out = "{\n";
  for (size_t i = 0; i < fields_.size(); ++i) {
    out += "  " + quote(fields_[i].first) + ": " + fields_[i].second + (i + 1 < fields_.size() ? ",\n" : "\n");
  }
  return out + "}\n";
}

ReplyPlan plan_reply(const wire::Response& res, const std::vector<Fired>& fired, const ReplyContext& ctx) {
  ReplyPlan plan;
  ReplyFields fields(res);
  bool edited = false;
  std::optional<Raw> raw;
  std::string prefix;
  for (const Fired& f : fired) {
    for (const Action& a : f.rule->actions) {
      std::visit(Overloaded{
                     [&](const Delay& d) { plan.delay += d.d; },
                     [&](const Hold& h) {
                       if (!plan.hold) plan.hold = {{f.index, h}};
                     },
                     [&](const Drop&) { plan.drop = true; }, [&](const Duplicate& c) { plan.copies += c.copies; },
                     [&](const ReplyId& i) {
                       int64_t id = res.id;
                       switch (i.mode) {
                         case IdMode::unknown: id = (int64_t{1} << 40) + res.id; break;
                         case IdMode::previous: id = ctx.previous_id; break;
                         case IdMode::negative: id = res.id == 0 ? -1 : -res.id; break;
                         case IdMode::specific: id = i.id; break;
                       }
                       fields.set("ID", std::to_string(id));
                       edited = true;
                     },
                     [&](const Omit& o) {
                       for (const auto& k : o.fields) fields.omit(k);
                       edited = true;
                     },
                     [&](const Set& s) {
                       for (const auto& [k, v] : s.fields) {
                         if (k == "OutputID") {
                           std::string bytes;
                           if (v.is_string())
                             wire::from_hex(v.get<std::string>(), bytes);
                           else {
                             bytes = res.output_id;
                             bytes.resize(static_cast<size_t>(v.get<int64_t>()), '\0');
                           }
                           fields.set(k, "\"" + base64::encode(bytes) + "\"");
                         } else if (k == "DiskPath") {
                           fields.set(k, quote(disk_path_for(v.get<std::string>(), ctx)));
                         } else {
                           fields.set(k, json_text(v));
                         }
                       }
                       edited = true;
                     },
                     [&](const Raw& r) { raw = r; }, [&](const Prefix& p) { prefix += p.bytes; },
                     [](const auto&) {},  // process and close actions: fakes/engine.cpp
                 },
                 a);
    }
  }
  std::string body = edited ? fields.compact() : wire::encode_response(res);
  if (raw) {
    switch (raw->kind) {
      case RawKind::text: body = expand_id(raw->bytes, res.id); break;
      case RawKind::malformed: body = body.substr(0, body.size() - 2) + ",}\n"; break;  // a trailing comma
      case RawKind::truncated: body = body.substr(0, (body.size() - 1) / 2) + "\n"; break;
      case RawKind::pretty: body = fields.pretty(); break;
      case RawKind::joined:
        plan.join_next = true;
        body.pop_back();
        break;
      case RawKind::invalid_utf8:
        fields.insert_front_after_id("Note", "\"\xff\xfe\"");
        body = fields.compact();
        break;
    }
  }
  plan.bytes = prefix + body;
  return plan;
}

}  // namespace cph::fake
