#include "gocmd/go_condition.hpp"

#include <algorithm>

#include "input/suggest.hpp"

namespace cph::gocmd {

namespace {

const char* module_word(GoModuleAge m) { return m == GoModuleAge::old ? "old-module" : "fresh-module"; }
const char* store_word(GoStore s) { return s == GoStore::cold ? "cold" : "warm"; }
const char* command_word(GoCommand c) {
  switch (c) {
    case GoCommand::build: return "build";
    case GoCommand::test: return "test";
    case GoCommand::test_again: return "test-again";
    case GoCommand::vet: return "vet";
    case GoCommand::list: return "list";
  }
  return "?";
}

}  // namespace

std::string GoCondition::name() const {
  std::string out;
  auto add = [&out](const std::string& w) { out += (out.empty() ? "" : "+") + w; };
  if (module != GoModuleAge::fresh) add(module_word(module));
  if (store != GoStore::warm) add(store_word(store));
  if (command != GoCommand::build || out.empty()) add(command_word(command));
  return out;
}

std::vector<std::string> GoCondition::go_args() const {
  switch (command) {
    case GoCommand::build: return {"build", "./..."};
    case GoCommand::test:
    case GoCommand::test_again: return {"test", "./..."};
    case GoCommand::vet: return {"vet", "./..."};
    case GoCommand::list: return {"list", "./..."};
  }
  return {};
}

const std::vector<GoCondition>& all_go_conditions() {
  static const std::vector<GoCondition> all = [] {
    std::vector<GoCondition> v;
    for (auto m : {GoModuleAge::fresh, GoModuleAge::old}) {
      for (auto s : {GoStore::warm, GoStore::cold}) {
        for (auto c : {GoCommand::build, GoCommand::test, GoCommand::test_again, GoCommand::vet, GoCommand::list}) {
          v.push_back({m, s, c});
        }
      }
    }
    return v;
  }();
  return all;
}

const std::vector<std::string>& go_condition_words() {
  static const std::vector<std::string> w{"fresh-module", "old-module", "warm", "cold", "build",
                                          "test",         "test-again", "vet",  "list"};
  return w;
}

bool GoConditionKey::matches(const GoCondition& c) const {
  return (!module || *module == c.module) && (!store || *store == c.store) && (!command || *command == c.command);
}

std::optional<GoConditionKey> parse_go_condition_key(std::string_view text, std::string& why) {
  GoConditionKey key;
  key.text = std::string(text);
  size_t start = 0;
  while (true) {
    size_t plus = text.find('+', start);
    std::string word(text.substr(start, plus == std::string_view::npos ? std::string_view::npos : plus - start));
    bool twice = false;
    if (word == "fresh-module" || word == "old-module") {
      twice = key.module.has_value();
      key.module = word == "old-module" ? GoModuleAge::old : GoModuleAge::fresh;
    } else if (word == "warm" || word == "cold") {
      twice = key.store.has_value();
      key.store = word == "cold" ? GoStore::cold : GoStore::warm;
    } else {
      static const std::vector<GoCommand> commands{GoCommand::build, GoCommand::test, GoCommand::test_again,
                                                   GoCommand::vet, GoCommand::list};
      auto it = std::find_if(commands.begin(), commands.end(), [&](GoCommand c) { return word == command_word(c); });
      if (it == commands.end()) {
        why = "unknown condition \"" + word + "\"" + input::did_you_mean(word, go_condition_words()) +
              " (conditions: fresh-module, old-module, warm, cold, build, test, test-again, vet, list; join them "
              "with '+')";
        return std::nullopt;
      }
      twice = key.command.has_value();
      key.command = *it;
    }
    if (twice) {
      why = "\"" + key.text + "\" names two values of one axis (module age, store, command)";
      return std::nullopt;
    }
    if (plus == std::string_view::npos) break;
    start = plus + 1;
  }
  return key;
}

std::optional<GoCondition> parse_go_condition(std::string_view name, std::string& why) {
  auto key = parse_go_condition_key(name, why);
  if (!key) return std::nullopt;
  GoCondition c;
  if (key->module) c.module = *key->module;
  if (key->store) c.store = *key->store;
  if (key->command) c.command = *key->command;
  return c;
}

}  // namespace cph::gocmd
