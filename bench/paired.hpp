// Paired timing for the ratio targets. On a shared or throttled machine, two benchmarks run a
// second apart can see machines of different speed, and their ratio measures that, not the code.
// Here the raw operation and Signet's run in alternating batches of a few dozen calls (their
// order swapped every round), each round gives raw time / Signet time, which is Signet's rate as
// a fraction of raw's, and the median over all rounds is reported as the counter "ratio".
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace signet::bench {

// `raw` and `ours` return true on success. Items processed count the calls of both sides.
template <class Raw, class Ours>
void run_paired(benchmark::State& state, const char* failure, Raw&& raw, Ours&& ours,
                int batch = 32) {
    using Clock = std::chrono::steady_clock;
    const auto time_batch = [batch](auto& op) -> double {
        const auto start = Clock::now();
        for (int i = 0; i < batch; ++i) {
            const bool ok = op();
            benchmark::DoNotOptimize(ok);
            if (!ok) return -1;
        }
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    std::vector<double> ratios;
    bool raw_first = true;
    for (auto _ : state) {
        double raw_time = 0, our_time = 0;
        if (raw_first) {
            raw_time = time_batch(raw);
            our_time = time_batch(ours);
        } else {
            our_time = time_batch(ours);
            raw_time = time_batch(raw);
        }
        raw_first = !raw_first;
        if (raw_time < 0 || our_time <= 0) {
            state.SkipWithError(failure);
            return;
        }
        ratios.push_back(raw_time / our_time);
    }
    if (ratios.empty()) return;
    const auto middle = ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2);
    std::nth_element(ratios.begin(), middle, ratios.end());
    state.counters["ratio"] = *middle;
    state.counters["rounds"] = static_cast<double>(ratios.size());
    state.SetItemsProcessed(state.iterations() * 2 * batch);
}

}  // namespace signet::bench
