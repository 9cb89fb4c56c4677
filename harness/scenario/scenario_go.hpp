// `cph scenarios --go [GO]`: each selected scenario's fake runs under the
// user's own go command on the catalogue's sample module (go-module/), in
// the conditions asked for, and each case says what go did next to what the
// scenario's `go` block expects. One case per scenario and condition, with
// the ID "<scenario>@go:<condition>" (err/put@go:old-module).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "gocmd/go_bench.hpp"
#include "gocmd/go_condition.hpp"
#include "runner/case.hpp"
#include "scenario/scenario_file.hpp"

namespace cph::scenario {

using gocmd::GoBench;
using gocmd::GoRun;
using runner::CaseContext;
using runner::CaseDescriptor;
using runner::CaseOutcome;
using runner::Grade;

// The conditions run unless others are asked for, the four that change
// outcomes most: build (fresh module, warm store), old-module (the package
// index is put), cold (the standard library's index is put) and list (go
// list never closes the cache). test, test-again and vet on a warm store
// have so far done what build does; `--condition all` runs all 20.
std::vector<GoCondition> default_go_conditions();

// Scenarios without a go block are left out. The cases share `bench` and
// must run one at a time (--jobs 1): the bench has one module directory.
std::vector<CaseDescriptor> scenario_go_cases(const std::vector<Scenario>& scenarios,
                                              const std::vector<GoCondition>& conditions,
                                              std::shared_ptr<GoBench> bench);

}  // namespace cph::scenario
