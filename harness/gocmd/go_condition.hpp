// The conditions under which the real `go` command meets a cache helper, as
// far as they change what go does (docs/go-behaviour.md, "Conditions"):
//
//   module age   fresh-module  every file written just now (go does not index it)
//                old-module    every file older than modindex's 2 s cutoff: go
//                              indexes the package and puts the index (a failed
//                              put fails package loading)
//   store        warm          the helper already holds the standard library's
//                              index and build outputs
//                cold          the helper has none of go's index entries: go
//                              indexes the standard library and puts the index.
//                              For build and list the store is empty (the
//                              outputs are compiled and put too); for test,
//                              test-again and vet it holds the standard
//                              library's build outputs (compiling package
//                              testing's dependencies takes 100-160 s per run
//                              on a busy 2-core machine)
//   command      build         go build ./...
//                test          go test ./... (runs the test, puts its result)
//                test-again    go test ./... a second time, fresh GOCACHE: the
//                              result comes from the helper, "(cached)"
//                vet           go vet ./...
//                list          go list ./...
//
// A condition is one value per axis; it is named by its words joined with
// '+' ("old-module+cold+test"), leaving out the defaults (fresh-module, warm,
// build), so the default condition is "build".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cph::gocmd {

enum class GoModuleAge { fresh, old };
enum class GoStore { warm, cold };
enum class GoCommand { build, test, test_again, vet, list };

struct GoCondition {
  GoModuleAge module = GoModuleAge::fresh;
  GoStore store = GoStore::warm;
  GoCommand command = GoCommand::build;

  std::string name() const;                  // "old-module+cold+test"; "build" for the default
  std::vector<std::string> go_args() const;  // {"build", "./..."}
  bool operator==(const GoCondition&) const = default;
};

// Every condition, 2 x 2 x 5, in a fixed order: module age, then store, then
// command (build, test, test-again, vet, list).
const std::vector<GoCondition>& all_go_conditions();

// The words a condition key may use, one per axis at most.
const std::vector<std::string>& go_condition_words();

// A key of a scenario's `go` block: one or more words joined with '+', at
// most one per axis ("cold", "old-module+test"). It matches every condition
// that has all its words.
struct GoConditionKey {
  std::optional<GoModuleAge> module;
  std::optional<GoStore> store;
  std::optional<GoCommand> command;
  std::string text;  // as written

  int words() const { return (module ? 1 : 0) + (store ? 1 : 0) + (command ? 1 : 0); }
  bool matches(const GoCondition& c) const;
};

// nullopt with `why` set when `text` is not a key; `why` names the bad word
// with a did-you-mean.
std::optional<GoConditionKey> parse_go_condition_key(std::string_view text, std::string& why);

// A condition from its name ("build", "old-module+cold+test"); every axis
// left out takes its default.
std::optional<GoCondition> parse_go_condition(std::string_view name, std::string& why);

}  // namespace cph::gocmd
