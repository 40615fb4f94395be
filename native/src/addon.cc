// oneDNN convolutions and GEMM on caller-owned float32 memory, for tfjs-wasm tensors (lib/backend/native.ts).
//
// Every buffer is a Float32Array view (usually over the wasm heap, also a SharedArrayBuffer) read and
// written in place: no copies. Activations are NHWC (tfjs's layout); filters are HWIO in the caller's memory
// (a depthwise filter [kh, kw, C, Q] is the grouped HWIGO layout with G = C groups of one input channel) and
// reordered per call into the blocked layout oneDNN picks for the primitive (format_tag::any), because plain
// HWIO descriptors make oneDNN 2.6 fall back to a much slower im2col GEMM. Primitives are created once per shape
// and cached.
//
//   conv2d(x, w, y, shape)                 y  = conv(x, w)
//   conv2dBackpropInput(dy, w, dx, shape)  dx = conv^T(dy, w)     (also the forward pass of conv2dTranspose)
//   conv2dBackpropFilter(x, dy, dw, shape) dw = d<conv(x, w), dy>/dw
//     shape: Int32Array [N, H, W, Ci, Ho, Wo, Co, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, G]; dilation 1 = dense;
//     pads must satisfy Ho = (H + pt + pb - ((kh-1)*dh+1)) / sh + 1 exactly (the caller trims them); G groups
//     (1: a dense conv; G = Ci: tfjs' depthwiseConv2d with channel multiplier Co / Ci, output channel c*Q + q).
//   avgPoolGrad(dy, dx, [N, H, W, C, Ho, Wo, kh, kw, sh, sw])   dx = the gradient of an unpadded average pool
//   clippedReluGrad(dy, x, dx, max)        dx = dy * [0 < x <= max]: Relu's (max = inf) and Relu6's gradient
//   batchMatMul(a, b, c, dims)            c[i] = op(a[i]) op(b[i]), dims Int32Array [batchA, batchB, M, N, K,
//     transposeA, transposeB] (a batch of 1 broadcasts); row-major dnnl_sgemm per batch entry, with asynchronous
//     signals blocked (blockAsyncSignals: oneDNN 2.6's sgemm corrupts the heap when one is handled inside it).
//   instanceNorm(x, y, [N, H*W, C], eps), instanceNormGrad(dy, x, dx, [N, H*W, C], eps)   (lib/backend/instanceNorm.ts
//     has the equations; statistics in double)
//   joinBlocks(joined, parts, outer, inners, toJoined)   Concat / SplitV along one axis
//   sumMiddle(x, y, [outer, reduce, inner])              Sum over a contiguous run of axes
//   foldPixels(padded, x, dims, srcRow, srcCol, toPadded) MirrorPad on H and W, and its gradient
//   transpose(x, y, shape, perm)          y = x with its axes permuted (y's axis i is x's axis perm[i]), any rank
//   adamUpdate(w, m, v, g, k)              one Adam step in place (lib/train/adam.ts), k = float32 coefficients
//   leakyRelu(x, y, alpha), leakyReluGrad(dy, x, dx, alpha)   y = x < 0 ? x alpha : x;  dx = x > 0 ? dy : dy alpha
//   binary(a, b, out, op, dims)            out = a op b (0 add, 1 sub, 2 mul, 3 div) with broadcasting: dims Int32Array
//     [k, shape[k], aStride[k], bStride[k]] over the output's (merged) axes, a stride 0 where an input broadcasts
//   slice(x, y, xShape, box)               y = the box [begin[r], size[r]] of x (any rank r)
//   setThreads(n), threads(), version()    OpenMP threads used by oneDNN.
// Sizes are checked against the views' lengths, so a view detached by wasm heap growth (length 0) throws
// instead of silently doing nothing.
#include <napi.h>

#include <omp.h>
#include <signal.h>

#include <dnnl.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

struct ConvShape {
  int64_t N, H, W, Ci, Ho, Wo, Co, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, G;
  memory::dims src() const { return {N, Ci, H, W}; }
  memory::dims dst() const { return {N, Co, Ho, Wo}; }
  memory::dims weights() const {
    return G == 1 ? memory::dims{Co, Ci, kh, kw} : memory::dims{G, Co / G, Ci / G, kh, kw};
  }
  /** the filter as tfjs holds it: HWIO, or [kh, kw, Ci/G = 1, G, Co/G] for a grouped (depthwise) one */
  memory::format_tag userTag() const { return G == 1 ? tag::hwio : tag::hwigo; }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilates() const { return {dh - 1, dw - 1}; }  // oneDNN counts the gaps: dense = 0
  memory::dims padL() const { return {pt, pl}; }
  memory::dims padR() const { return {pb, pr}; }
};

ConvShape readShape(const Napi::Value& v) {
  auto a = v.As<Napi::Int32Array>();
  if (a.ElementLength() != 18) throw Napi::Error::New(v.Env(), "conv shape must be an Int32Array of 18 numbers");
  int64_t s[18];
  for (int i = 0; i < 18; i++) s[i] = a[i];
  ConvShape c{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8],
              s[9], s[10], s[11], s[12], s[13], s[14], s[15], s[16], s[17]};
  for (int i : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17}) {
    if (s[i] < 1) throw Napi::Error::New(v.Env(), "conv shape: sizes, strides, dilations and groups must be >= 1");
  }
  for (int i = 13; i < 17; i++) {
    if (s[i] < 0) throw Napi::Error::New(v.Env(), "conv shape: pads must be >= 0");
  }
  if (c.Ci % c.G != 0 || c.Co % c.G != 0) {
    throw Napi::Error::New(v.Env(), "conv shape: groups must divide the input and output channels");
  }
  if ((c.H + c.pt + c.pb - ((c.kh - 1) * c.dh + 1)) / c.sh + 1 != c.Ho ||
      (c.W + c.pl + c.pr - ((c.kw - 1) * c.dw + 1)) / c.sw + 1 != c.Wo) {
    throw Napi::Error::New(v.Env(), "conv shape: output size does not match input, kernel, stride and pads");
  }
  return c;
}

std::string key(const char* kind, const ConvShape& c) {
  std::string k = kind;
  for (int64_t v : {c.N, c.H, c.W, c.Ci, c.Ho, c.Wo, c.Co, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pb, c.pl,
                    c.pr, c.G}) {
    k += ',' + std::to_string(v);
  }
  return k;
}

/** A float32 view, checked to hold exactly `n` floats. */
float* floats(const Napi::Value& v, size_t n, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != n) {
    throw Napi::Error::New(v.Env(), std::string(what) + ": expected " + std::to_string(n) + " floats, got " +
                                        std::to_string(a.ElementLength()) +
                                        " (a view detached by wasm memory growth has length 0)");
  }
  return a.Data();
}

memory::desc nhwc(const memory::dims& d) { return memory::desc(d, dt::f32, tag::nhwc); }
memory::desc anyLayout(const memory::dims& d) { return memory::desc(d, dt::f32, tag::any); }

dnnl::convolution_forward::primitive_desc forwardDesc(const ConvShape& c) {
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                    nhwc(c.src()), anyLayout(c.weights()), nhwc(c.dst()), c.strides(), c.dilates(),
                                    c.padL(), c.padR());
  return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
}

/** One cached convolution: the primitive, the filter in its layout, and the reorder to or from HWIO. */
struct ConvPlan {
  dnnl::primitive conv;
  memory::desc user, act1, act2;  // act1/act2: the two activation descriptors (inputs or output)
  memory blocked;                 // filter (or filter gradient) in oneDNN's layout
  dnnl::reorder reorder;          // HWIO -> blocked (forward, backward data) or blocked -> HWIO (backward weights)
  bool needsReorder = false;
};

std::map<std::string, ConvPlan> plans;

void addWeightsReorder(ConvPlan& p, const memory::desc& blocked, bool toUser) {
  p.blocked = memory(blocked, cpuEngine());
  p.needsReorder = blocked != p.user;
  if (!p.needsReorder) return;
  p.reorder = toUser ? dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), blocked, cpuEngine(), p.user))
                     : dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), p.user, cpuEngine(), blocked));
}

ConvPlan& plan(const char* kind, const ConvShape& c) {
  std::string k = key(kind, c);
  auto found = plans.find(k);
  if (found != plans.end()) return found->second;
  ConvPlan p;
  p.user = memory::desc(c.weights(), dt::f32, c.userTag());
  auto fwd = forwardDesc(c);
  std::string which = kind;
  if (which == "fwd") {
    p.conv = dnnl::convolution_forward(fwd);
    addWeightsReorder(p, fwd.weights_desc(), false);
    p.act1 = nhwc(c.src());
    p.act2 = nhwc(c.dst());
  } else if (which == "bwd_data") {
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, nhwc(c.src()), anyLayout(c.weights()),
                                            nhwc(c.dst()), c.strides(), c.dilates(), c.padL(), c.padR());
    dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), fwd);
    p.conv = dnnl::convolution_backward_data(pd);
    addWeightsReorder(p, pd.weights_desc(), false);
    p.act1 = nhwc(c.dst());
    p.act2 = nhwc(c.src());
  } else {
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, nhwc(c.src()),
                                               anyLayout(c.weights()), nhwc(c.dst()), c.strides(), c.dilates(),
                                               c.padL(), c.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), fwd);
    p.conv = dnnl::convolution_backward_weights(pd);
    addWeightsReorder(p, pd.diff_weights_desc(), true);
    p.act1 = nhwc(c.src());
    p.act2 = nhwc(c.dst());
  }
  return plans.emplace(k, std::move(p)).first->second;
}

size_t count(const memory::dims& d) {
  size_t n = 1;
  for (auto v : d) n *= static_cast<size_t>(v);
  return n;
}

template <class F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  try {
    body();
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvShape c = readShape(info[3]);
    float* x = floats(info[0], count(c.src()), "x");
    float* w = floats(info[1], count(c.weights()), "filter");
    float* y = floats(info[2], count(c.dst()), "y");
    ConvPlan& p = plan("fwd", c);
    memory wUser(p.user, cpuEngine(), w);
    if (p.needsReorder) p.reorder.execute(cpuStream(), wUser, p.blocked);
    p.conv.execute(cpuStream(), {{DNNL_ARG_SRC, memory(p.act1, cpuEngine(), x)},
                                 {DNNL_ARG_WEIGHTS, p.needsReorder ? p.blocked : wUser},
                                 {DNNL_ARG_DST, memory(p.act2, cpuEngine(), y)}});
    cpuStream().wait();
  });
}

Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvShape c = readShape(info[3]);
    float* dy = floats(info[0], count(c.dst()), "dy");
    float* w = floats(info[1], count(c.weights()), "filter");
    float* dx = floats(info[2], count(c.src()), "dx");
    ConvPlan& p = plan("bwd_data", c);
    memory wUser(p.user, cpuEngine(), w);
    if (p.needsReorder) p.reorder.execute(cpuStream(), wUser, p.blocked);
    p.conv.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, memory(p.act1, cpuEngine(), dy)},
                                 {DNNL_ARG_WEIGHTS, p.needsReorder ? p.blocked : wUser},
                                 {DNNL_ARG_DIFF_SRC, memory(p.act2, cpuEngine(), dx)}});
    cpuStream().wait();
  });
}

Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvShape c = readShape(info[3]);
    float* x = floats(info[0], count(c.src()), "x");
    float* dy = floats(info[1], count(c.dst()), "dy");
    float* dw = floats(info[2], count(c.weights()), "dw");
    ConvPlan& p = plan("bwd_weights", c);
    memory dwUser(p.user, cpuEngine(), dw);
    p.conv.execute(cpuStream(), {{DNNL_ARG_SRC, memory(p.act1, cpuEngine(), x)},
                                 {DNNL_ARG_DIFF_DST, memory(p.act2, cpuEngine(), dy)},
                                 {DNNL_ARG_DIFF_WEIGHTS, p.needsReorder ? p.blocked : dwUser}});
    if (p.needsReorder) p.reorder.execute(cpuStream(), p.blocked, dwUser);
    cpuStream().wait();
  });
}

/** out[r] = sum over k in order of rows[r * K + k] * x[k] (r < R), starting from 0: eight rows at a time, so that
 *  eight independent running sums hide the add latency (each row's sum is still the same sequence of roundings). */
void rowDots(const float* rows, const float* x, float* out, int64_t R, int64_t K) {
  constexpr int B = 8;
  int64_t r = 0;
  for (; r + B <= R; r += B) {
    float acc[B] = {};
    for (int64_t k = 0; k < K; k++) {
      const float xk = x[k];
      for (int j = 0; j < B; j++) acc[j] += rows[(r + j) * K + k] * xk;
    }
    std::copy(acc, acc + B, out + r);
  }
  for (; r < R; r++) {
    float acc = 0.0f;
    for (int64_t k = 0; k < K; k++) acc += rows[r * K + k] * x[k];
    out[r] = acc;
  }
}

/** c = op(a) op(b) where M == 1 or N == 1, looping so the inner loop runs over contiguous memory. */
void matrixVector(const float* a, const float* b, float* c, int64_t M, int64_t N, int64_t K, bool tA, bool tB) {
  auto at = [&](int64_t m, int64_t k) { return tA ? a[k * M + m] : a[m * K + k]; };
  std::fill(c, c + M * N, 0.0f);
  if (N == 1) {
    if (tA) {
      for (int64_t k = 0; k < K; k++)
        for (int64_t m = 0; m < M; m++) c[m] += a[k * M + m] * b[k];
    } else {
      rowDots(a, b, c, M, K);  // c[m] = a[m, :] . b (spectral norm's W_mat^T u)
    }
  } else if (!tB) {
    for (int64_t k = 0; k < K; k++)
      for (int64_t n = 0; n < N; n++) c[n] += at(0, k) * b[k * N + n];
  } else {
    rowDots(b, a, c, N, K);  // M == 1: op(a) is the vector a either way; c[n] = b[n, :] . a
  }
}

/** Blocks the asynchronous signals on the calling thread (the fault signals stay deliverable); its old mask in *saved.
 *  oneDNN 2.6's JIT sgemm kernels (AVX2, AVX-512) point rsp into their heap workspace, so a signal handled on a
 *  thread running one writes its frame onto the heap (glibc's "corrupted size vs. prev_size" on a later free;
 *  uxlfoundation/oneDNN#4845, fixed in 3.11): V8's --cpu-prof sampler sends SIGPROF ~1000 times a second, and a
 *  SIGINT or SIGCHLD Node has a handler for would do the same. Blocked signals arrive once they are unblocked. */
void blockAsyncSignals(sigset_t* saved) {
  sigset_t all;
  sigfillset(&all);
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) sigdelset(&all, s);
  pthread_sigmask(SIG_BLOCK, &all, saved);
}

/** Asynchronous signals blocked on this thread while it lives (blockAsyncSignals), then the old mask back. */
class AsyncSignalsBlocked {
 public:
  AsyncSignalsBlocked() { blockAsyncSignals(&saved_); }
  ~AsyncSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  AsyncSignalsBlocked(const AsyncSignalsBlocked&) = delete;
  AsyncSignalsBlocked& operator=(const AsyncSignalsBlocked&) = delete;

 private:
  sigset_t saved_;
};

Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  auto d = info[3].As<Napi::Int32Array>();
  if (d.ElementLength() != 7) throw Napi::Error::New(info.Env(), "batchMatMul dims must be an Int32Array of 7");
  const int64_t batchA = d[0], batchB = d[1], M = d[2], N = d[3], K = d[4];
  const bool tA = d[5] != 0, tB = d[6] != 0;
  if (batchA < 1 || batchB < 1 || M < 1 || N < 1 || K < 1 || (batchA != batchB && batchA != 1 && batchB != 1)) {
    throw Napi::Error::New(info.Env(), "batchMatMul: batches must be equal or 1, sizes >= 1");
  }
  const int64_t batch = std::max(batchA, batchB);
  const float* a = floats(info[0], batchA * M * K, "a");
  const float* b = floats(info[1], batchB * K * N, "b");
  float* c = floats(info[2], batch * M * N, "c");
  AsyncSignalsBlocked quiet;  // the OpenMP workers sgemm also runs on block them for good (SetThreads)
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (batchA == 1 ? 0 : i) * M * K;
    const float* bi = b + (batchB == 1 ? 0 : i) * K * N;
    float* ci = c + i * M * N;
    if (N == 1 || M == 1) {  // matrix-vector (spectral norm's power iteration): dnnl_sgemm is 2x slower than wasm
      matrixVector(ai, bi, ci, M, N, K, tA, tB);
      continue;
    }
    dnnl_status_t s = dnnl_sgemm(tA ? 'T' : 'N', tB ? 'T' : 'N', M, N, K, 1.0f, ai, tA ? M : K, bi, tB ? K : N, 0.0f,
                                 ci, N);
    if (s != dnnl_success) throw Napi::Error::New(info.Env(), "oneDNN: dnnl_sgemm failed");
  }
  return info.Env().Undefined();
}

/** Instance-norm sizes [N, P = H*W, C] and eps from (dims, eps) arguments. */
struct NormShape {
  int64_t N, P, C;
  double eps;
};

NormShape readNormShape(const Napi::CallbackInfo& info, int at) {
  auto d = info[at].As<Napi::Int32Array>();
  if (d.ElementLength() != 3) {
    throw Napi::Error::New(info.Env(), "instance norm dims must be an Int32Array [N, H*W, C]");
  }
  NormShape s{d[0], d[1], d[2], info[at + 1].As<Napi::Number>().DoubleValue()};
  if (s.N < 1 || s.P < 1 || s.C < 1) throw Napi::Error::New(info.Env(), "instance norm: sizes must be >= 1");
  return s;
}

/** Mean and 1/sqrt(biased variance + eps) of sample n, per channel, in double. */
void normStatistics(const float* x, const NormShape& s, int64_t n, std::vector<double>& mean,
                    std::vector<double>& rstd) {
  std::vector<double> sum(s.C, 0.0), sumSq(s.C, 0.0);
  const float* xn = x + n * s.P * s.C;
  for (int64_t p = 0; p < s.P; p++) {
    const float* row = xn + p * s.C;
    for (int64_t c = 0; c < s.C; c++) {
      const double v = row[c];
      sum[c] += v;
      sumSq[c] += v * v;
    }
  }
  for (int64_t c = 0; c < s.C; c++) {
    mean[c] = sum[c] / s.P;
    rstd[c] = 1.0 / std::sqrt(std::max(sumSq[c] / s.P - mean[c] * mean[c], 0.0) + s.eps);
  }
}

// instanceNorm(x, y, [N, H*W, C], eps): y = (x - mean) / sqrt(var + eps) per sample and channel (NHWC).
Napi::Value InstanceNorm(const Napi::CallbackInfo& info) {
  NormShape s = readNormShape(info, 2);
  const float* x = floats(info[0], s.N * s.P * s.C, "x");
  float* y = floats(info[1], s.N * s.P * s.C, "y");
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < s.N; n++) {
    std::vector<double> mean(s.C), rstd(s.C);
    normStatistics(x, s, n, mean, rstd);
    std::vector<float> m(mean.begin(), mean.end()), r(rstd.begin(), rstd.end());
    for (int64_t p = 0; p < s.P; p++) {
      const int64_t o = (n * s.P + p) * s.C;
      for (int64_t c = 0; c < s.C; c++) y[o + c] = (x[o + c] - m[c]) * r[c];
    }
  }
  return info.Env().Undefined();
}

// instanceNormGrad(dy, x, dx, [N, H*W, C], eps): dx = (dy - mean(dy) - y mean(dy y)) / sqrt(var + eps).
Napi::Value InstanceNormGrad(const Napi::CallbackInfo& info) {
  NormShape s = readNormShape(info, 3);
  const float* dy = floats(info[0], s.N * s.P * s.C, "dy");
  const float* x = floats(info[1], s.N * s.P * s.C, "x");
  float* dx = floats(info[2], s.N * s.P * s.C, "dx");
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < s.N; n++) {
    std::vector<double> mean(s.C), rstd(s.C), meanDy(s.C, 0.0), meanDyY(s.C, 0.0);
    normStatistics(x, s, n, mean, rstd);
    for (int64_t p = 0; p < s.P; p++) {
      const int64_t o = (n * s.P + p) * s.C;
      for (int64_t c = 0; c < s.C; c++) {
        meanDy[c] += dy[o + c];
        meanDyY[c] += dy[o + c] * ((x[o + c] - mean[c]) * rstd[c]);
      }
    }
    std::vector<float> m(s.C), r(s.C), gm(s.C), gym(s.C);
    for (int64_t c = 0; c < s.C; c++) {
      m[c] = mean[c];
      r[c] = rstd[c];
      gm[c] = meanDy[c] / s.P;
      gym[c] = meanDyY[c] / s.P;
    }
    for (int64_t p = 0; p < s.P; p++) {
      const int64_t o = (n * s.P + p) * s.C;
      for (int64_t c = 0; c < s.C; c++) {
        const float yHat = (x[o + c] - m[c]) * r[c];
        dx[o + c] = (dy[o + c] - gm[c] - yHat * gym[c]) * r[c];
      }
    }
  }
  return info.Env().Undefined();
}

// joinBlocks(joined, parts, outer, inners, toJoined): joined is [outer, sum(inners)], part i is [outer, inners[i]];
// copies the parts into joined (Concat) or joined into the parts (SplitV).
Napi::Value JoinBlocks(const Napi::CallbackInfo& info) {
  auto list = info[1].As<Napi::Array>();
  const int64_t outer = info[2].As<Napi::Number>().Int64Value();
  auto innerSizes = info[3].As<Napi::Int32Array>();
  const bool toJoined = info[4].As<Napi::Boolean>().Value();
  const uint32_t n = list.Length();
  if (innerSizes.ElementLength() != n || outer < 1) throw Napi::Error::New(info.Env(), "joinBlocks: bad sizes");
  std::vector<float*> parts(n);
  std::vector<int64_t> inner(n);
  int64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    inner[i] = innerSizes[i];
    parts[i] = floats(list.Get(i), outer * inner[i], "part");
    total += inner[i];
  }
  float* joined = floats(info[0], outer * total, "joined");
  for (int64_t o = 0; o < outer; o++) {
    float* row = joined + o * total;
    for (uint32_t i = 0; i < n; i++) {
      float* part = parts[i] + o * inner[i];
      if (toJoined) std::copy(part, part + inner[i], row);
      else std::copy(row, row + inner[i], part);
      row += inner[i];
    }
  }
  return info.Env().Undefined();
}

// sumMiddle(x, y, [outer, reduce, inner]): y[o, i] = sum over r of x[o, r, i], accumulated in double.
Napi::Value SumMiddle(const Napi::CallbackInfo& info) {
  auto d = info[2].As<Napi::Int32Array>();
  if (d.ElementLength() != 3) throw Napi::Error::New(info.Env(), "sumMiddle dims must be [outer, reduce, inner]");
  const int64_t outer = d[0], reduce = d[1], inner = d[2];
  const float* x = floats(info[0], outer * reduce * inner, "x");
  float* y = floats(info[1], outer * inner, "y");
  if (inner == 1) {  // a reduction over the last axes (e.g. a softmax's): one running sum, the same order
    for (int64_t o = 0; o < outer; o++) {
      const float* row = x + o * reduce;
      double acc = 0.0;
      for (int64_t r = 0; r < reduce; r++) acc += row[r];
      y[o] = static_cast<float>(acc);
    }
    return info.Env().Undefined();
  }
  std::vector<double> acc(inner);
  for (int64_t o = 0; o < outer; o++) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t r = 0; r < reduce; r++) {
      const float* row = x + (o * reduce + r) * inner;
      for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
    }
    for (int64_t i = 0; i < inner; i++) y[o * inner + i] = static_cast<float>(acc[i]);
  }
  return info.Env().Undefined();
}

// foldPixels(padded, x, [N, H, W, C, Hp, Wp], srcRow, srcCol, toPadded): padded pixel (y, x) is x's pixel
// (srcRow[y], srcCol[x]). toPadded: padded = gather(x) (MirrorPad); else x = 0, x += scatter(padded) (its gradient).
Napi::Value FoldPixels(const Napi::CallbackInfo& info) {
  auto d = info[2].As<Napi::Int32Array>();
  if (d.ElementLength() != 6) throw Napi::Error::New(info.Env(), "foldPixels dims must be [N, H, W, C, Hp, Wp]");
  const int64_t N = d[0], H = d[1], W = d[2], C = d[3], Hp = d[4], Wp = d[5];
  auto rowMap = info[3].As<Napi::Int32Array>();
  auto colMap = info[4].As<Napi::Int32Array>();
  const int32_t* rows = rowMap.Data();
  const int32_t* cols = colMap.Data();
  if (rowMap.ElementLength() != static_cast<size_t>(Hp) || colMap.ElementLength() != static_cast<size_t>(Wp)) {
    throw Napi::Error::New(info.Env(), "foldPixels: index maps must have Hp and Wp entries");
  }
  for (int64_t i = 0; i < Hp; i++) {
    if (rows[i] < 0 || rows[i] >= H) throw Napi::Error::New(info.Env(), "foldPixels: row index out of range");
  }
  for (int64_t i = 0; i < Wp; i++) {
    if (cols[i] < 0 || cols[i] >= W) throw Napi::Error::New(info.Env(), "foldPixels: column index out of range");
  }
  const bool toPadded = info[5].As<Napi::Boolean>().Value();
  float* padded = floats(info[0], N * Hp * Wp * C, "padded");
  float* x = floats(info[1], N * H * W * C, "x");
  if (!toPadded) std::fill(x, x + N * H * W * C, 0.0f);
  for (int64_t n = 0; n < N; n++) {
    for (int64_t py = 0; py < Hp; py++) {
      float* p = padded + ((n * Hp + py) * Wp) * C;
      const float* rowStart = x + (n * H + rows[py]) * W * C;
      for (int64_t px = 0; px < Wp; px++, p += C) {
        float* src = const_cast<float*>(rowStart) + cols[px] * C;
        if (toPadded) std::copy(src, src + C, p);
        else for (int64_t c = 0; c < C; c++) src[c] += p[c];
      }
    }
  }
  return info.Env().Undefined();
}

// avgPoolGrad(dy, dx, [N, H, W, C, Ho, Wo, kh, kw, sh, sw]): the gradient of y[n,yo,xo,c] = mean over the
// kh x kw window at (yo*sh, xo*sw) of x (no padding): dx[n,y,x,c] = sum over the windows holding (y, x) of
// dy[n,yo,xo,c] / (kh*kw). tfjs-wasm's loops over every window position per input pixel: a global pool (the
// squeeze-excitation blocks') costs it H*W times more than this.
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  auto d = info[2].As<Napi::Int32Array>();
  if (d.ElementLength() != 10) {
    throw Napi::Error::New(info.Env(), "avgPoolGrad dims must be [N, H, W, C, Ho, Wo, kh, kw, sh, sw]");
  }
  const int64_t N = d[0], H = d[1], W = d[2], C = d[3], Ho = d[4], Wo = d[5], kh = d[6], kw = d[7], sh = d[8],
                sw = d[9];
  for (int i = 0; i < 10; i++) {
    if (d[i] < 1) throw Napi::Error::New(info.Env(), "avgPoolGrad: sizes and strides must be >= 1");
  }
  if ((Ho - 1) * sh + kh > H || (Wo - 1) * sw + kw > W) {
    throw Napi::Error::New(info.Env(), "avgPoolGrad: a window reaches outside the input (padding is not supported)");
  }
  const float* dy = floats(info[0], N * Ho * Wo * C, "dy");
  float* dx = floats(info[1], N * H * W * C, "dx");
  const float scale = 1.0f / static_cast<float>(kh * kw);
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < N; n++) {
    float* dxn = dx + n * H * W * C;
    std::fill(dxn, dxn + H * W * C, 0.0f);
    std::vector<float> g(C);
    for (int64_t yo = 0; yo < Ho; yo++) {
      for (int64_t xo = 0; xo < Wo; xo++) {
        const float* dyp = dy + ((n * Ho + yo) * Wo + xo) * C;
        for (int64_t c = 0; c < C; c++) g[c] = dyp[c] * scale;
        for (int64_t i = 0; i < kh; i++) {
          float* row = dxn + ((yo * sh + i) * W + xo * sw) * C;
          for (int64_t j = 0; j < kw; j++, row += C) {
            for (int64_t c = 0; c < C; c++) row[c] += g[c];
          }
        }
      }
    }
  }
  return info.Env().Undefined();
}

// clippedReluGrad(dy, x, dx, max): dx = dy * m, m = 1 where 0 < x <= max, 0 elsewhere, NaN where x is NaN (as
// tfjs-core's Step), so NaN and infinite dy give what the composed tf ops give.
Napi::Value ClippedReluGrad(const Napi::CallbackInfo& info) {
  const size_t n = info[1].As<Napi::Float32Array>().ElementLength();
  const float* dy = floats(info[0], n, "dy");
  const float* x = floats(info[1], n, "x");
  float* dx = floats(info[2], n, "dx");
  const float max = static_cast<float>(info[3].As<Napi::Number>().DoubleValue());
  for (size_t i = 0; i < n; i++) {  // selects, vectorised (see leakyRelu)
    const float v = x[i];
    const float inside = (v > 0.0f) & (v <= max) ? 1.0f : 0.0f;
    dx[i] = dy[i] * (v != v ? v : inside);
  }
  return info.Env().Undefined();
}

// transpose(x, y, shape, perm): a strided copy. Axes of size 1 are dropped and output axes that are consecutive in
// x merged, so e.g. [B, H, W, C] -> [H, B, W, C] copies runs of W * C floats.
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  auto shapeArg = info[2].As<Napi::Int32Array>();
  auto permArg = info[3].As<Napi::Int32Array>();
  const size_t r = shapeArg.ElementLength();
  if (permArg.ElementLength() != r) throw Napi::Error::New(info.Env(), "transpose: shape and perm differ in length");
  std::vector<int64_t> dims(r), inStride(r);
  size_t n = 1;
  for (size_t i = 0; i < r; i++) n *= dims[i] = shapeArg[i];
  for (int64_t i = int64_t(r) - 1, s = 1; i >= 0; s *= dims[i], i--) inStride[i] = s;
  const float* x = floats(info[0], n, "x");
  float* y = floats(info[1], n, "y");
  std::vector<int64_t> size, step;  // the output's axes, outermost first: extent and stride in x
  std::vector<bool> seen(r, false);
  for (size_t i = 0; i < r; i++) {
    const int64_t a = permArg[i];
    if (a < 0 || a >= int64_t(r) || seen[a]) throw Napi::Error::New(info.Env(), "transpose: perm is no permutation");
    seen[a] = true;
    if (dims[a] == 1) continue;
    if (!step.empty() && step.back() == inStride[a] * dims[a]) {
      size.back() *= dims[a];
      step.back() = inStride[a];
    } else {
      size.push_back(dims[a]);
      step.push_back(inStride[a]);
    }
  }
  if (size.empty()) {
    std::copy(x, x + n, y);
    return info.Env().Undefined();
  }
  const int64_t k = size.size(), inner = size[k - 1], innerStep = step[k - 1];
  std::vector<int64_t> idx(k, 0);
  const float* src = x;
  for (float* out = y; out < y + n; out += inner) {
    if (innerStep == 1) {
      std::copy(src, src + inner, out);
    } else {
      for (int64_t j = 0; j < inner; j++) out[j] = src[j * innerStep];
    }
    for (int64_t d = k - 2; d >= 0; d--) {  // the next outer index, last axis fastest
      src += step[d];
      if (++idx[d] < size[d]) break;
      src -= step[d] * size[d];
      idx[d] = 0;
    }
  }
  return info.Env().Undefined();
}

// adamUpdate(w, m, v, g, k): one Adam step for one parameter, w, m and v updated in place, with the float32
// operations of lib/train/adam.ts's tf ops in their order (each one rounded to float32, no fused multiply-add:
// binding.gyp builds with -ffp-contract=off), so the result is bit for bit theirs. k = [b1, 1 - b1, b2, 1 - b2,
// 1 - b2^t, eps, lr / (1 - b1^t)] as float32 scalars, as tfjs rounds them:
//   m = m b1 + g (1 - b1);  v = v b2 + g^2 (1 - b2);  w = w - m / (sqrt(v / (1 - b2^t)) + eps) * (lr / (1 - b1^t))
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  const size_t n = info[0].As<Napi::Float32Array>().ElementLength();
  float* w = floats(info[0], n, "w");
  float* m = floats(info[1], n, "m");
  float* v = floats(info[2], n, "v");
  const float* g = floats(info[3], n, "g");
  const float* k = floats(info[4], 7, "adam coefficients");
  const float b1 = k[0], ob1 = k[1], b2 = k[2], ob2 = k[3], c2 = k[4], eps = k[5], step = k[6];
  for (size_t i = 0; i < n; i++) {
    const float mi = m[i] * b1 + g[i] * ob1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * ob2;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - (mi / (std::sqrt(vi / c2) + eps)) * step;
  }
  return info.Env().Undefined();
}

// leakyRelu(x, y, alpha): y = x < 0 ? x * alpha : x, as tfjs-wasm's LeakyRelu (alpha rounded to float32).
Napi::Value LeakyRelu(const Napi::CallbackInfo& info) {
  const size_t n = info[0].As<Napi::Float32Array>().ElementLength();
  const float* x = floats(info[0], n, "x");
  float* y = floats(info[1], n, "y");
  const float alpha = static_cast<float>(info[2].As<Napi::Number>().DoubleValue());
  // both sides computed, then selected: vectorised (binding.gyp's -fno-trapping-math lets the compiler compute the
  // product where it is not used); a branch on the sign mispredicts on half of the activations (~5 ms for
  // [4,128,128,16], 25x the vector loop; tfjs-wasm's LeakyRelu takes as long)
  for (size_t i = 0; i < n; i++) {
    const float v = x[i], scaled = v * alpha;
    y[i] = v < 0.0f ? scaled : v;
  }
  return info.Env().Undefined();
}

// leakyReluGrad(dy, x, dx, alpha): dx = x > 0 ? dy : dy * alpha, tfjs-core's where(greater(x, 0), dy, mul(dy, alpha)).
Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  const size_t n = info[1].As<Napi::Float32Array>().ElementLength();
  const float* dy = floats(info[0], n, "dy");
  const float* x = floats(info[1], n, "x");
  float* dx = floats(info[2], n, "dx");
  const float alpha = static_cast<float>(info[3].As<Napi::Number>().DoubleValue());
  for (size_t i = 0; i < n; i++) {  // vectorised, as leakyRelu
    const float g = dy[i], scaled = g * alpha;
    dx[i] = x[i] > 0.0f ? g : scaled;
  }
  return info.Env().Undefined();
}

/** out[i] = a[i * sa] op b[i * sb] over n elements (strides 0 or 1: the compiler vectorises each case). */
template <class Op>
void binaryRun(const float* a, const float* b, float* out, int64_t n, int64_t sa, int64_t sb, Op op) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = op(a[i], b[i]);
  } else if (sa == 1) {
    const float bv = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = op(a[i], bv);
  } else if (sb == 1) {
    const float av = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = op(av, b[i]);
  } else {
    std::fill(out, out + n, op(a[0], b[0]));
  }
}

template <class Op>
void binaryLoop(const float* a, const float* b, float* out, const std::vector<int64_t>& shape,
                const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, Op op) {
  const int64_t k = shape.size(), inner = shape[k - 1];
  std::vector<int64_t> idx(k, 0);
  size_t total = 1;
  for (int64_t v : shape) total *= v;
  const float* pa = a;
  const float* pb = b;
  for (float* o = out; o < out + total; o += inner) {
    binaryRun(pa, pb, o, inner, sa[k - 1], sb[k - 1], op);
    for (int64_t d = k - 2; d >= 0; d--) {  // the next outer index, last axis fastest
      pa += sa[d];
      pb += sb[d];
      if (++idx[d] < shape[d]) break;
      pa -= sa[d] * shape[d];
      pb -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

// binary(a, b, out, op, [k, shape..., aStride..., bStride...]): elementwise float32 Add / Sub / Multiply / RealDiv
// with broadcasting, each result one IEEE operation (the same bits as tfjs-wasm's XNNPACK kernels).
Napi::Value Binary(const Napi::CallbackInfo& info) {
  auto d = info[4].As<Napi::Int32Array>();
  const int64_t k = d.ElementLength() > 0 ? d[0] : 0;
  if (k < 1 || d.ElementLength() != static_cast<size_t>(1 + 3 * k)) {
    throw Napi::Error::New(info.Env(), "binary dims must be [k, shape[k], aStride[k], bStride[k]]");
  }
  std::vector<int64_t> shape(k), sa(k), sb(k);
  size_t n = 1, na = 1, nb = 1;
  for (int64_t i = 0; i < k; i++) {
    shape[i] = d[1 + i];
    sa[i] = d[1 + k + i];
    sb[i] = d[1 + 2 * k + i];
    if (shape[i] < 1) throw Napi::Error::New(info.Env(), "binary: sizes must be >= 1");
    n *= shape[i];
    na += (shape[i] - 1) * sa[i];
    nb += (shape[i] - 1) * sb[i];
  }
  if ((sa[k - 1] != 0 && sa[k - 1] != 1) || (sb[k - 1] != 0 && sb[k - 1] != 1)) {
    throw Napi::Error::New(info.Env(), "binary: the last axis' strides must be 0 or 1");
  }
  const float* a = floats(info[0], na, "a");
  const float* b = floats(info[1], nb, "b");
  float* out = floats(info[2], n, "out");
  switch (info[3].As<Napi::Number>().Int32Value()) {
    case 0: binaryLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x + y; }); break;
    case 1: binaryLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x - y; }); break;
    case 2: binaryLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x * y; }); break;
    case 3: binaryLoop(a, b, out, shape, sa, sb, [](float x, float y) { return x / y; }); break;
    default: throw Napi::Error::New(info.Env(), "binary: op must be 0 (add), 1 (sub), 2 (mul) or 3 (div)");
  }
  return info.Env().Undefined();
}

// slice(x, y, xShape, [begin[r], size[r]]): y = x[begin : begin + size] along every axis, copied in runs along the
// last axis (tfjs-wasm's Slice copies a strided 4-D slice one JS subarray per run: ~3 ms for one channel of
// [4,64,64,8]).
Napi::Value Slice(const Napi::CallbackInfo& info) {
  auto shapeArg = info[2].As<Napi::Int32Array>();
  auto boxArg = info[3].As<Napi::Int32Array>();
  const int64_t r = shapeArg.ElementLength();
  if (r < 1 || boxArg.ElementLength() != static_cast<size_t>(2 * r)) {
    throw Napi::Error::New(info.Env(), "slice: xShape [r] and box [begin[r], size[r]] needed");
  }
  std::vector<int64_t> dims(r), begin(r), size(r), stride(r);
  size_t nx = 1, ny = 1;
  for (int64_t i = 0; i < r; i++) {
    dims[i] = shapeArg[i];
    begin[i] = boxArg[i];
    size[i] = boxArg[r + i];
    if (begin[i] < 0 || size[i] < 1 || begin[i] + size[i] > dims[i]) {
      throw Napi::Error::New(info.Env(), "slice: the box must lie inside x and hold elements");
    }
    nx *= dims[i];
    ny *= size[i];
  }
  for (int64_t i = r - 1, s = 1; i >= 0; s *= dims[i], i--) stride[i] = s;
  const float* x = floats(info[0], nx, "x");
  float* y = floats(info[1], ny, "y");
  const int64_t inner = size[r - 1];
  std::vector<int64_t> idx(r, 0);
  const float* src = x;
  for (int64_t i = 0; i < r; i++) src += begin[i] * stride[i];
  for (float* out = y; out < y + ny; out += inner) {
    std::copy(src, src + inner, out);
    for (int64_t d = r - 2; d >= 0; d--) {
      src += stride[d];
      if (++idx[d] < size[d]) break;
      src -= stride[d] * size[d];
      idx[d] = 0;
    }
  }
  return info.Env().Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::Error::New(info.Env(), "setThreads: need a positive integer");
  omp_set_num_threads(n);
  // The team's workers block the asynchronous signals for good (blockAsyncSignals: one handled on a worker inside sgemm
  // corrupts the heap); Node's handlers run on whichever thread takes a process-directed signal.
#pragma omp parallel
  if (omp_get_thread_num() != 0) blockAsyncSignals(nullptr);
  return info.Env().Undefined();
}

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), omp_get_max_threads()); }

Napi::Value Version(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  return Napi::String::New(info.Env(), std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                           std::to_string(v->patch));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2D));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2DBackpropInput));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2DBackpropFilter));
  exports.Set("batchMatMul", Napi::Function::New(env, BatchMatMul));
  exports.Set("instanceNorm", Napi::Function::New(env, InstanceNorm));
  exports.Set("instanceNormGrad", Napi::Function::New(env, InstanceNormGrad));
  exports.Set("joinBlocks", Napi::Function::New(env, JoinBlocks));
  exports.Set("sumMiddle", Napi::Function::New(env, SumMiddle));
  exports.Set("avgPoolGrad", Napi::Function::New(env, AvgPoolGrad));
  exports.Set("clippedReluGrad", Napi::Function::New(env, ClippedReluGrad));
  exports.Set("foldPixels", Napi::Function::New(env, FoldPixels));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  exports.Set("adamUpdate", Napi::Function::New(env, AdamUpdate));
  exports.Set("leakyRelu", Napi::Function::New(env, LeakyRelu));
  exports.Set("leakyReluGrad", Napi::Function::New(env, LeakyReluGrad));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("slice", Napi::Function::New(env, Slice));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("version", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(tfjs_onednn, Init)
