// The wire JSON paths per message, on one core: decoding the helper's
// responses (ResponseStreamDecoder, the client's hot path), encoding requests
// (encode_request), and the helper's side (RequestStreamReader,
// encode_response), on small messages shaped like a real build's.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "wire/encoders.hpp"
#include "wire/messages.hpp"
#include "wire/request_reader.hpp"
#include "wire/response_decoder.hpp"

namespace {

using namespace cph::wire;

constexpr int kBatch = 1000;

std::string id_bytes(int64_t seed) {
  std::string s(32, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((seed * 131 + static_cast<int64_t>(i) * 7) & 0xff);
  return s;
}

// A get hit as a Go helper's json.Encoder writes it.
Response hit(int64_t id) {
  Response r;
  r.id = id;
  r.output_id = id_bytes(id);
  r.size = 12345;
  Time t;
  t.text = "2026-11-26T23:59:59.123456789Z";
  r.time = t;
  r.disk_path = "/home/user/.cache/cph-fake/o/" + std::string(64, 'a');
  return r;
}

std::string stream_of(bool hits) {
  std::string s;
  for (int i = 1; i <= kBatch; ++i) {
    if (hits) {
      s += encode_response(hit(i));
    } else {
      Response r;
      r.id = i;
      r.miss = true;
      s += encode_response(r);
    }
  }
  return s;
}

// Feeds a whole batch in `chunk`-byte pieces (as pipe reads deliver them) and
// takes every value.
// `fast`: the decoder as shipped; false forces the exact Go port for every
// value (the baseline the fast path is measured against).
void decode_batch(benchmark::State& state, const std::string& text, size_t chunk, bool fast = true) {
  Response out;
  std::string err;
  for (auto _ : state) {
    ResponseStreamDecoder d;
    d.set_fast_path(fast);
    int values = 0;
    for (size_t off = 0; off < text.size(); off += chunk) {
      d.feed(std::string_view(text).substr(off, chunk));
      while (d.next(out, err) == ResponseStreamDecoder::Status::value) ++values;
    }
    if (values != kBatch) state.SkipWithError(("decoded " + std::to_string(values) + ": " + err).c_str());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void DecodeResponseHits(benchmark::State& state) { decode_batch(state, stream_of(true), 65536); }
void DecodeResponseMisses(benchmark::State& state) { decode_batch(state, stream_of(false), 65536); }
void DecodeResponseHits4K(benchmark::State& state) { decode_batch(state, stream_of(true), 4096); }
void DecodeResponseHitsExact(benchmark::State& state) { decode_batch(state, stream_of(true), 65536, false); }
void DecodeResponseMissesExact(benchmark::State& state) { decode_batch(state, stream_of(false), 65536, false); }

void EncodeRequestGet(benchmark::State& state) {
  Request r;
  r.command = "get";
  r.action_id = id_bytes(7);
  int64_t id = 0;
  for (auto _ : state) {
    r.id = ++id;
    std::string line = encode_request(r, Dialect::output_id);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void EncodeRequestPut(benchmark::State& state) {
  Request r;
  r.command = "put";
  r.action_id = id_bytes(7);
  r.output_id = id_bytes(8);
  r.body_size = 4096;
  int64_t id = 0;
  for (auto _ : state) {
    r.id = ++id;
    std::string line = encode_request(r, Dialect::output_id);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void EncodeResponseHit(benchmark::State& state) {
  Response r = hit(1);
  for (auto _ : state) {
    ++r.id;
    std::string line = encode_response(r);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The helper's side: a batch of get requests as the go command frames them.
void ReadRequestsGet(benchmark::State& state) {
  std::string text;
  for (int i = 1; i <= kBatch; ++i) {
    Request r;
    r.id = i;
    r.command = "get";
    r.action_id = id_bytes(i);
    text += encode_request(r, Dialect::output_id);
  }
  for (auto _ : state) {
    int n = 0;
    RequestStreamReader reader(RequestStreamReader::Mode::tolerant,
                               {[&](const Request&) { ++n; }, [](std::string_view) {}, [] {}});
    reader.feed(text);
    if (n != kBatch) state.SkipWithError(("read " + std::to_string(n) + ": " + reader.error()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

BENCHMARK(DecodeResponseHits);
BENCHMARK(DecodeResponseMisses);
BENCHMARK(DecodeResponseHits4K);
BENCHMARK(DecodeResponseHitsExact);
BENCHMARK(DecodeResponseMissesExact);
BENCHMARK(EncodeRequestGet);
BENCHMARK(EncodeRequestPut);
BENCHMARK(EncodeResponseHit);
BENCHMARK(ReadRequestsGet);

}  // namespace

BENCHMARK_MAIN();
