// Numeric treatments on the values of one (sub-)cluster; see numeric.h.
#include "numeric.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "error.h"

// Bit-identical results need every a·b + c rounded twice, never fused into an FMA: g++
// fuses by default (-ffp-contract=fast, even with -std=c++17) when the target has FMA
// (-march=native, x86-64-v3), clang fuses within an expression. Wasm has no FMA, so the
// native build must not fuse either.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__) && defined(__FP_FAST_FMA)
// Only when the target has FMA (else nothing can be fused): the pragma also stops g++
// from inlining the std:: templates instantiated here, which costs speed.
#pragma GCC optimize("fp-contract=off")
#endif

namespace pc {

// ============================================================ deterministic math

namespace {

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000: k·kLn2Hi exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kPi = 3.14159265358979323846;

/// 2^k for −1022 ≤ k ≤ 1023, built from its bits.
double pow2(int k) noexcept {
  const uint64_t bits = static_cast<uint64_t>(k + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace

namespace detmath {

double log(double x) noexcept {
  if (!(x > 0.0))
    return x == 0.0 ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: x = m·2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2.0;
    --e;
  }
  // log m = 2·atanh(f), f = (m − 1)/(m + 1), |f| ≤ 0.1716, f² ≤ 0.0295.
  const double f = (m - 1.0) / (m + 1.0);
  const double f2 = f * f;
  double poly = 1.0 / 25.0;
  poly = poly * f2 + 1.0 / 23.0;
  poly = poly * f2 + 1.0 / 21.0;
  poly = poly * f2 + 1.0 / 19.0;
  poly = poly * f2 + 1.0 / 17.0;
  poly = poly * f2 + 1.0 / 15.0;
  poly = poly * f2 + 1.0 / 13.0;
  poly = poly * f2 + 1.0 / 11.0;
  poly = poly * f2 + 1.0 / 9.0;
  poly = poly * f2 + 1.0 / 7.0;
  poly = poly * f2 + 1.0 / 5.0;
  poly = poly * f2 + 1.0 / 3.0;
  const double twoF = 2.0 * f;
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (twoF + (twoF * (f2 * poly) + ed * kLn2Lo));
}

double exp(double x) noexcept {
  if (x != x) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double kd = std::floor(x * kInvLn2 + 0.5);
  const int k = static_cast<int>(kd);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;  // |r| ≤ 0.3466
  // Taylor series to r^14 / 14! (next term < 2e-19).
  double p = 1.0 / 87178291200.0;  // 1/14!
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = 1.0 + (r + r * (r * p));
  // Scale by 2^k with at most one rounding (a single IEEE multiply into the subnormals).
  if (k < -1000) return (p * pow2(k + 600)) * pow2(-600);
  if (k > 1000) return (p * pow2(k - 600)) * pow2(600);
  return p * pow2(k);
}

double sinSmall(double x) noexcept {
  const double x2 = x * x;
  double p = -1.0 / 121645100408832000.0;  // −1/19!
  p = p * x2 + 1.0 / 355687428096000.0;    // 1/17!
  p = p * x2 - 1.0 / 1307674368000.0;      // 1/15!
  p = p * x2 + 1.0 / 6227020800.0;         // 1/13!
  p = p * x2 - 1.0 / 39916800.0;           // 1/11!
  p = p * x2 + 1.0 / 362880.0;             // 1/9!
  p = p * x2 - 1.0 / 5040.0;
  p = p * x2 + 1.0 / 120.0;
  p = p * x2 - 1.0 / 6.0;
  return x + x * (x2 * p);
}

}  // namespace detmath

// ================================================================== helpers

namespace {

[[noreturn]] void fail(const char* code, const std::string& ja, const std::string& en) {
  throw InputError(code, ja, en);
}

/// Compensated sum (Knuth's branch-free TwoSum per term): the rounding error of every
/// addition is collected exactly and added back at the end.
struct CompensatedSum {
  double sum = 0.0;
  double c = 0.0;
  void add(double x) noexcept {
    const double t = sum + x;
    const double bp = t - sum;
    c += (sum - (t - bp)) + (x - bp);
    sum = t;
  }
  double value() const noexcept { return sum + c; }
};

struct Moments {
  double mean = 0.0;
  double sd = 0.0;  // population
};

double meanOf(const double* y, std::size_t n) noexcept {
  if (n == 0) return 0.0;
  CompensatedSum s;
  for (std::size_t i = 0; i < n; ++i) s.add(y[i]);
  return s.value() / static_cast<double>(n);
}

/// Compensated two-pass mean and population sd (with the Björck correction term).
Moments momentsOf(const double* y, std::size_t n) noexcept {
  Moments m;
  if (n == 0) return m;
  m.mean = meanOf(y, n);
  CompensatedSum ss, sd;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = y[i] - m.mean;
    ss.add(d * d);
    sd.add(d);
  }
  const double nd = static_cast<double>(n);
  const double corr = sd.value();
  const double var = (ss.value() - corr * corr / nd) / nd;
  m.sd = var > 0.0 ? std::sqrt(var) : 0.0;
  return m;
}

void checkStrength(double strength) {
  if (!(strength >= 0.0)) {
    fail("numeric.bad-strength", "ノイズの強さは 0 以上の数にしてください。",
         "The noise strength must be a number of at least 0.");
  }
}

void checkFinite(const double* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(y[i])) {
      fail("numeric.not-finite", "数値の列に有限でない値（NaN や無限大）があります。",
           "A numeric column holds a value that is not a finite number (NaN or infinity).");
    }
  }
}

std::string fmt(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

void fillAchieved(MomentResult& r, const double* y, std::size_t n) {
  const Moments a = momentsOf(y, n);
  r.achievedMean = a.mean;
  r.achievedSd = a.sd;
  r.sdExact = std::fabs(a.sd - r.sd) <= sdTolerance(r.mean, r.sd);
}

/// Shifts y so that its compensated mean is `target`, by subtracting the error from
/// the element of largest value (which can never cross a lower bound that way).
void fixMeanAtLargest(double* y, std::size_t n, double target) noexcept {
  if (n == 0) return;
  for (int pass = 0; pass < 2; ++pass) {
    const double diff = meanOf(y, n) - target;
    if (diff == 0.0) return;
    std::size_t big = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (y[i] > y[big]) big = i;
    y[big] -= diff * static_cast<double>(n);
  }
}

/// Lower Cholesky factor, in place, of a symmetric p × p matrix stored row-major (upper
/// triangle zeroed). False if a squared pivot falls to minPivotSq·a_jj or below, i.e. if
/// column j is explained by the previous ones to within that share of its variance.
bool choleskyInPlace(std::vector<double>& a, std::size_t p, double minPivotSq) noexcept {
  for (std::size_t j = 0; j < p; ++j) {
    const double ajj = a[j * p + j];
    double d = ajj;
    for (std::size_t k = 0; k < j; ++k) d -= a[j * p + k] * a[j * p + k];
    if (!(d > minPivotSq * ajj) || !(ajj > 0.0)) return false;
    const double ljj = std::sqrt(d);
    a[j * p + j] = ljj;
    for (std::size_t i = j + 1; i < p; ++i) {
      double s = a[i * p + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / ljj;
    }
    for (std::size_t k = j + 1; k < p; ++k) a[j * p + k] = 0.0;
  }
  return true;
}

/// M = L2⁻ᵀ·L1ᵀ for lower-triangular L1, L2 (row-major p × p); M is upper triangular.
std::vector<double> backTransform(const std::vector<double>& l2, const std::vector<double>& l1,
                                  std::size_t p) {
  std::vector<double> m(p * p, 0.0);
  // Solve L2ᵀ·M = L1ᵀ column by column (L2ᵀ is upper triangular: back substitution).
  for (std::size_t c = 0; c < p; ++c) {
    for (std::size_t ii = p; ii-- > 0;) {
      double s = l1[c * p + ii];  // (L1ᵀ)[ii][c]
      for (std::size_t k = ii + 1; k < p; ++k) s -= l2[k * p + ii] * m[k * p + c];
      m[ii * p + c] = s / l2[ii * p + ii];
    }
  }
  return m;
}

/// Population covariance (row-major p × p, compensated sums) of the n × p column-major
/// block z around the given column means; z is not modified.
std::vector<double> covarianceOf(const double* z, std::size_t n, std::size_t p,
                                 const std::vector<double>& means) {
  std::vector<double> c(p * p, 0.0);
  const double nd = static_cast<double>(n);
  for (std::size_t j = 0; j < p; ++j) {
    for (std::size_t k = 0; k <= j; ++k) {
      const double* a = z + j * n;
      const double* b = z + k * n;
      const double ma = means[j], mb = means[k];
      CompensatedSum s;
      for (std::size_t i = 0; i < n; ++i) s.add((a[i] - ma) * (b[i] - mb));
      c[j * p + k] = c[k * p + j] = s.value() / nd;
    }
  }
  return c;
}

/// Centres the n × p column-major block z in place and returns its covariance.
std::vector<double> centreAndCovariance(std::vector<double>& z, std::size_t n, std::size_t p) {
  for (std::size_t j = 0; j < p; ++j) {
    double* col = z.data() + j * n;
    const double mu = meanOf(col, n);
    for (std::size_t i = 0; i < n; ++i) col[i] -= mu;
  }
  return covarianceOf(z.data(), n, p, std::vector<double>(p, 0.0));
}

/// z (n × p column-major, centred) ← z·M for an upper-triangular p × p M (row-major).
void multiplyRowsUpper(std::vector<double>& z, std::size_t n, std::size_t p,
                       const std::vector<double>& m) {
  std::vector<double> row(p);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < p; ++k) row[k] = z[k * n + i];
    for (std::size_t j = 0; j < p; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k <= j; ++k) s += row[k] * m[k * p + j];
      z[j * n + i] = s;
    }
  }
}

}  // namespace

// ================================================================== normals

double NormalSource::next() noexcept {
  if (hasCached_) {
    hasCached_ = false;
    return cached_;
  }
  for (;;) {
    const double u = 2.0 * rng_.uniform() - 1.0;  // exact: multiples of 2^-52 in [−1, 1)
    const double v = 2.0 * rng_.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const double f = std::sqrt(-2.0 * detmath::log(s) / s);
    cached_ = v * f;
    hasCached_ = true;
    return u * f;
  }
}

double standardNormal(Rng& rng) noexcept {
  NormalSource source(rng);
  return source.next();
}

const char* noiseMethodName(NoiseMethod method) noexcept {
  switch (method) {
    case NoiseMethod::kUnchanged:
      return "unchanged";
    case NoiseMethod::kAdditive:
      return "additive";
    case NoiseMethod::kSynthetic:
      return "synthetic";
    case NoiseMethod::kLogScale:
      return "log-scale";
  }
  return "unknown";
}

// ================================================================ one column

MomentResult noiseKeepMoments(double* y, std::size_t n, double strength, Rng& rng) {
  checkStrength(strength);
  checkFinite(y, n);
  MomentResult r;
  r.n = n;
  const Moments m0 = momentsOf(y, n);
  r.mean = r.achievedMean = m0.mean;
  r.sd = r.achievedSd = m0.sd;
  if (n < 2 || m0.sd == 0.0 || strength == 0.0) {
    r.note = n < 2          ? "Fewer than 2 values: left unchanged."
             : m0.sd == 0.0 ? "All values are equal: left unchanged."
                            : "Strength 0: left unchanged.";
    return r;
  }
  const bool synthetic = strength >= kSyntheticStrength;
  r.method = synthetic ? NoiseMethod::kSynthetic : NoiseMethod::kAdditive;
  // Work in standardised units t = (y − ȳ)/sd + s·z (pure noise z when synthetic), so
  // nothing overflows, then map back: y'' = ȳ + (t − t̄)·sd/sd(t).
  NormalSource normal(rng);
  const double inv = 1.0 / m0.sd;
  if (synthetic) {
    for (std::size_t i = 0; i < n; ++i) y[i] = normal.next();
  } else {
    for (std::size_t i = 0; i < n; ++i) y[i] = (y[i] - m0.mean) * inv + strength * normal.next();
  }
  Moments mt = momentsOf(y, n);
  // With n ≥ 2 and continuous noise sd(t) = 0 has probability 0; redraw rather than divide.
  while (!(mt.sd > 0.0)) {
    for (std::size_t i = 0; i < n; ++i) y[i] = normal.next();
    mt = momentsOf(y, n);
  }
  const double k = m0.sd / mt.sd;
  for (std::size_t i = 0; i < n; ++i) y[i] = m0.mean + (y[i] - mt.mean) * k;
  // One refinement step each for the sd and the mean removes the last rounding drift.
  const Moments m1 = momentsOf(y, n);
  if (m1.sd != m0.sd && m1.sd > 0.0) {
    const double k2 = m0.sd / m1.sd;
    for (std::size_t i = 0; i < n; ++i) y[i] = m0.mean + (y[i] - m1.mean) * k2;
  }
  const double drift = meanOf(y, n) - m0.mean;
  if (drift != 0.0)
    for (std::size_t i = 0; i < n; ++i) y[i] -= drift;
  fillAchieved(r, y, n);
  r.note = synthetic ? "Replaced by synthetic values with the same mean and sd."
                     : "Noised with strength " + fmt(strength) + "; mean and sd restored.";
  return r;
}

MomentResult noiseKeepMoments(std::vector<double>& y, double strength, Rng& rng) {
  return noiseKeepMoments(y.data(), y.size(), strength, rng);
}

namespace {

/// Solves for γ ≥ 0 such that v_i = exp(γ·a_i) (a_i ≤ 0, max a = 0) has squared
/// coefficient of variation targetQ − 1, i.e. m·Σv²/(Σv)² = targetQ. The map is
/// increasing in γ (cumulant generating functions are convex). Returns the root or, if
/// the target lies beyond γMax, γMax with reached = false. Safeguarded Newton on a bracket.
double solvePower(const std::vector<double>& a, double targetQ, double gammaMax, bool& reached) {
  reached = true;
  const double m = static_cast<double>(a.size());
  const double logTarget = detmath::log(targetQ);
  auto eval = [&](double g, double& f, double& df) {
    double s1 = 0.0, s2 = 0.0, t1 = 0.0, t2 = 0.0;
    for (double ai : a) {
      const double e = detmath::exp(g * ai);
      const double e2 = e * e;
      s1 += e;
      s2 += e2;
      t1 += ai * e;
      t2 += ai * e2;
    }
    f = detmath::log(m * s2 / (s1 * s1)) - logTarget;
    df = 2.0 * (t2 / s2 - t1 / s1);
  };
  double lo = 0.0, hi = std::min(1.0, gammaMax);
  double f = 0.0, df = 0.0;
  eval(hi, f, df);
  while (f < 0.0) {
    if (!(hi < gammaMax)) {  // unreachable within the cap: the caller finishes the job
      reached = false;
      return gammaMax;
    }
    lo = hi;
    hi = std::min(2.0 * hi, gammaMax);
    eval(hi, f, df);
  }
  double g = hi;  // f(g) ≥ 0, f(lo) < 0
  // Stops at |f| ≤ 1e-13 (the caller's affine step makes the sd exact from there), at a
  // Newton step below 1e-14·γ, or when the bracket is as tight as doubles allow.
  for (int iter = 0; iter < 100 && std::fabs(f) > 1e-13; ++iter) {
    if (f > 0.0)
      hi = g;
    else
      lo = g;
    double next = df > 0.0 ? g - f / df : -1.0;
    const bool newton = next > lo && next < hi;
    if (!newton) next = 0.5 * (lo + hi);
    if (hi - lo <= 1e-15 * hi || (newton && std::fabs(next - g) <= 1e-14 * g)) {
      g = next;
      break;
    }
    g = next;
    eval(g, f, df);
  }
  return g;
}

}  // namespace

MomentResult noiseKeepMomentsBounded(double* y, std::size_t n, double strength,
                                     const ValueBound& bound, Rng& rng) {
  checkStrength(strength);
  checkFinite(y, n);
  const double lb = bound.lowerBound;
  if (!std::isfinite(lb)) {
    fail("numeric.bad-bound", "下限値が有限の数ではありません。",
         "The lower bound is not a finite number.");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (y[i] < lb) {
      fail("numeric.below-bound", "下限（" + fmt(lb) + "）を下回る値があります: " + fmt(y[i]),
           "A value is below the column's lower bound " + fmt(lb) + ": " + fmt(y[i]));
    }
  }
  MomentResult r;
  r.n = n;
  const Moments m0 = momentsOf(y, n);
  r.mean = r.achievedMean = m0.mean;
  r.sd = r.achievedSd = m0.sd;
  // The values that may move (all, or those above the bound) and their offsets.
  std::vector<std::size_t> active;
  active.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!bound.keepAtBound || y[i] > lb) active.push_back(i);
  r.keptAtBound = n - active.size();
  const std::size_t m = active.size();
  std::vector<double> x(m);
  for (std::size_t t = 0; t < m; ++t) x[t] = y[active[t]] - lb;
  const Moments mx = momentsOf(x.data(), m);
  if (n < 2 || m0.sd == 0.0 || strength == 0.0 || m < 2 || mx.sd == 0.0) {
    r.note = strength == 0.0 ? "Strength 0: left unchanged."
             : m < 2 || mx.sd == 0.0
                 ? "Fewer than 2 distinct values above the bound: left unchanged."
                 : "Fewer than 2 values or all equal: left unchanged.";
    return r;
  }
  const bool synthetic = strength >= kSyntheticStrength;

  // 1. Additive noise with exact restoration, kept if every value stays in range.
  std::vector<double> work = x;
  noiseKeepMoments(work.data(), m, strength, rng);
  bool ok = true;
  for (double v : work) ok = ok && (bound.keepAtBound ? v > 0.0 : v >= 0.0);
  if (ok) {
    r.method = synthetic ? NoiseMethod::kSynthetic : NoiseMethod::kAdditive;
    r.note = synthetic ? "Replaced by synthetic values with the same mean and sd."
                       : "Noised with strength " + fmt(strength) + "; mean and sd restored.";
  } else {
    // 2. Log scale: w = log(x + δ) (δ = smallest positive x only when some x are 0, i.e.
    //    keepAtBound is off), noised with exact log-mean/log-sd restoration, mapped back
    //    by x'' = c·exp(γ·w'): γ makes the coefficient of variation exact, c the mean.
    r.method = NoiseMethod::kLogScale;
    double minPos = std::numeric_limits<double>::infinity();
    bool hasZero = false;
    for (double v : x) {
      if (v > 0.0)
        minPos = std::min(minPos, v);
      else
        hasZero = true;
    }
    const double delta = hasZero ? minPos : 0.0;
    for (std::size_t t = 0; t < m; ++t) work[t] = detmath::log(x[t] + delta);
    noiseKeepMoments(work.data(), m, strength, rng);
    double wmax = work[0], wmin = work[0];
    for (double w : work) {
      wmax = std::max(wmax, w);
      wmin = std::min(wmin, w);
    }
    if (!(wmax > wmin)) {
      // The values differ by less than the log scale can resolve (e.g. 10^16 and 10^16 + 2):
      // leave them as they are rather than divide by a zero range.
      fillAchieved(r, y, n);
      r.method = NoiseMethod::kUnchanged;
      r.note = "The values are too close together for log-scale noise: left unchanged.";
      return r;
    }
    for (double& w : work) w -= wmax;  // a_i ≤ 0
    const double cv = mx.sd / mx.mean;
    const double targetQ = 1.0 + cv * cv;
    // Keep every exp(γ·a) ≥ e^-690 (far from underflow) so every value stays > 0.
    const double gammaMax = 690.0 / (wmax - wmin);
    bool reached = true;
    const double gamma = solvePower(work, targetQ, gammaMax, reached);
    for (double& w : work) w = detmath::exp(gamma * w);
    const double c = mx.mean / meanOf(work.data(), m);
    std::size_t top = 0;
    for (std::size_t t = 0; t < m; ++t) {
      work[t] *= c;
      if (work[t] > work[top]) top = t;
    }
    if (!reached) {
      // The sd needs one value to dominate more than γMax allows: mix with the "spike"
      // s = m·x̄·e_top (same mean): x = (1 − t)·v + t·s. Var is a convex quadratic in t,
      // below the target at t = 0 and at or above it at t = 1 (var(s) = x̄²(m − 1) ≥ any
      // variance of m values ≥ 0 with mean x̄), so one root lies in (0, 1].
      const Moments mv = momentsOf(work.data(), m);
      const double mu = mx.mean, md = static_cast<double>(m);
      const double vv = mv.sd * mv.sd, vs = mu * mu * (md - 1.0);
      const double cvs = mu * (work[top] - mu);
      const double qa = vv - 2.0 * cvs + vs, qb = 2.0 * (cvs - vv), qc = vv - mx.sd * mx.sd;
      const double disc = std::max(0.0, qb * qb - 4.0 * qa * qc);
      // The positive root, in the form without cancellation for the sign of qb.
      const double sq = std::sqrt(disc);
      double t = qb >= 0.0 ? (-2.0 * qc) / (qb + sq) : qa > 0.0 ? (sq - qb) / (2.0 * qa) : 1.0;
      t = std::max(0.0, std::min(1.0, t));
      if (bound.keepAtBound) t = std::min(t, 1.0 - 1e-9);  // keep the others > 0
      for (std::size_t u = 0; u < m; ++u)
        work[u] = (1.0 - t) * work[u] + (u == top ? t * mu * md : 0.0);
    }
    double vmin = std::numeric_limits<double>::infinity();
    for (double w : work) vmin = std::min(vmin, w);
    // Exact sd by an affine step around the mean (k ≈ 1), limited so that the smallest
    // value keeps at least half of itself.
    const Moments mv = momentsOf(work.data(), m);
    double k = mx.sd / mv.sd;
    if (mv.mean > vmin) k = std::min(k, (mx.mean - 0.5 * vmin) / (mv.mean - vmin));
    for (double& w : work) w = mx.mean + (w - mv.mean) * k;
    r.note = "Noised with strength " + fmt(strength) +
             " on a log scale (additive noise would cross the bound), mapped back by a power " +
             fmt(gamma) + " and rescaled; mean restored";
  }
  fixMeanAtLargest(work.data(), m, mx.mean);
  for (std::size_t t = 0; t < m; ++t) {
    double v = lb + work[t];
    if (bound.keepAtBound ? v <= lb : v < lb) {
      v = bound.keepAtBound ? std::nextafter(lb, std::numeric_limits<double>::infinity()) : lb;
    }
    y[active[t]] = v;
  }
  if (lb != 0.0) fixMeanAtLargest(y, n, m0.mean);  // y = lb + x rounds once more
  fillAchieved(r, y, n);
  if (r.method == NoiseMethod::kLogScale) {
    r.note += r.sdExact ? " and sd restored."
                        : "; the sd could not be kept (" + fmt(r.achievedSd) + " instead of " +
                              fmt(r.sd) + ").";
  }
  if (r.keptAtBound > 0) {
    r.note += " " + std::to_string(r.keptAtBound) + " values at the bound " + fmt(lb) +
              " were kept there.";
  }
  return r;
}

MomentResult noiseKeepMomentsBounded(std::vector<double>& y, double strength,
                                     const ValueBound& bound, Rng& rng) {
  return noiseKeepMomentsBounded(y.data(), y.size(), strength, bound, rng);
}

MomentResult noiseKeepMomentsNonNegative(std::vector<double>& y, double strength, Rng& rng) {
  return noiseKeepMomentsBounded(y.data(), y.size(), strength, ValueBound{}, rng);
}

// ============================================================== numeric group

namespace {

/// Achieved per-column moments and the largest relative covariance error against the
/// target covariance sigma (row-major p × p).
void fillGroupAchieved(GroupResult& g, const Eigen::MatrixXd& Y, const std::vector<double>& sigma) {
  const auto n = static_cast<std::size_t>(Y.rows());
  const auto p = static_cast<std::size_t>(Y.cols());
  std::vector<double> means(p);
  for (std::size_t j = 0; j < p; ++j) means[j] = meanOf(Y.data() + j * n, n);
  const std::vector<double> c = covarianceOf(Y.data(), n, p, means);
  double worst = 0.0;
  for (std::size_t j = 0; j < p; ++j) {
    fillAchieved(g.columns[j], Y.data() + j * n, n);
    for (std::size_t k = 0; k < p; ++k) {
      const double scale = std::sqrt(sigma[j * p + j] * sigma[k * p + k]);
      const double err = std::fabs(c[j * p + k] - sigma[j * p + k]);
      if (scale > 0.0)
        worst = std::max(worst, err / scale);
      else if (err > 0.0)
        worst = std::max(worst, 1.0);
    }
  }
  g.maxCovarianceError = worst;
}

}  // namespace

GroupResult noiseKeepCovariance(Eigen::MatrixXd& Y, double strength, Rng& rng) {
  checkStrength(strength);
  const auto n = static_cast<std::size_t>(Y.rows());
  const auto p = static_cast<std::size_t>(Y.cols());
  checkFinite(Y.data(), n * p);
  GroupResult g;
  g.columns.resize(p);
  std::vector<Moments> mom(p);
  std::vector<std::size_t> act;  // non-constant columns
  for (std::size_t j = 0; j < p; ++j) {
    mom[j] = momentsOf(Y.data() + j * n, n);
    MomentResult& c = g.columns[j];
    c.n = n;
    c.mean = c.achievedMean = mom[j].mean;
    c.sd = c.achievedSd = mom[j].sd;
    if (mom[j].sd > 0.0) act.push_back(j);
  }
  // Target covariance (for the report) from the original data.
  std::vector<double> means(p);
  for (std::size_t j = 0; j < p; ++j) means[j] = mom[j].mean;
  const std::vector<double> sigma = covarianceOf(Y.data(), n, p, means);
  const std::size_t q = act.size();
  if (n < 2 || strength == 0.0 || q == 0) {
    for (auto& c : g.columns) c.note = "Left unchanged.";
    return g;
  }
  const bool synthetic = strength >= kSyntheticStrength;
  const NoiseMethod method = synthetic ? NoiseMethod::kSynthetic : NoiseMethod::kAdditive;

  // Standardised active columns Z (n × q, column-major) and their correlation matrix.
  std::vector<double> z(n * q);
  for (std::size_t a = 0; a < q; ++a) {
    const std::size_t j = act[a];
    const double inv = 1.0 / mom[j].sd;
    for (std::size_t i = 0; i < n; ++i) z[a * n + i] = (Y(i, j) - mom[j].mean) * inv;
  }
  // Y is only written at the end, so a fallback can still start from the original values.
  auto fallBack = [&](std::string reason) {
    g.fellBack = true;
    g.reason = std::move(reason);
    for (std::size_t j = 0; j < p; ++j) {
      g.columns[j] = noiseKeepMoments(Y.data() + j * n, n, strength, rng);
    }
    fillGroupAchieved(g, Y, sigma);
    return g;
  };
  if (n <= q) {
    return fallBack("Too few rows (" + std::to_string(n) + ") for " + std::to_string(q) +
                    " varying columns: columns noised one by one, covariances not kept.");
  }
  std::vector<double> corr = centreAndCovariance(z, n, q);
  std::vector<double> lr = corr;
  if (!choleskyInPlace(lr, q, 1e-10)) {
    return fallBack(
        "The columns are (almost) collinear: columns noised one by one, covariances not kept.");
  }

  // Z' = Z + s·G·L_Rᵀ (rows of G iid N(0, I), drawn row by row), or G·L_Rᵀ if synthetic.
  NormalSource normal(rng);
  {
    std::vector<double> gRow(q);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < q; ++k) gRow[k] = normal.next();
      for (std::size_t a = 0; a < q; ++a) {
        double e = 0.0;
        for (std::size_t k = 0; k <= a; ++k) e += lr[a * q + k] * gRow[k];
        z[a * n + i] = synthetic ? e : z[a * n + i] + strength * e;
      }
    }
  }
  // Restore: Z'' = (Z' − 1z̄'ᵀ)·L'⁻ᵀ·L_Rᵀ, then once more from the achieved covariance
  // if rounding left more than 1e-13 (iterative refinement).
  for (int pass = 0; pass < 3; ++pass) {
    std::vector<double> lp = centreAndCovariance(z, n, q);
    if (pass > 0) {
      double worst = 0.0;
      for (std::size_t t = 0; t < q * q; ++t) worst = std::max(worst, std::fabs(lp[t] - corr[t]));
      if (worst <= 1e-13) break;
    }
    if (!choleskyInPlace(lp, q, 1e-14)) {  // probability 0 for n > q and continuous noise
      if (pass == 0)
        return fallBack("The noised values were degenerate: columns noised one by one.");
      break;
    }
    multiplyRowsUpper(z, n, q, backTransform(lp, lr, q));
  }
  for (std::size_t a = 0; a < q; ++a) {
    const std::size_t j = act[a];
    for (std::size_t i = 0; i < n; ++i) Y(i, j) = mom[j].mean + mom[j].sd * z[a * n + i];
    double* col = Y.data() + j * n;
    const double drift = meanOf(col, n) - mom[j].mean;
    if (drift != 0.0)
      for (std::size_t i = 0; i < n; ++i) col[i] -= drift;
    g.columns[j].method = method;
    g.columns[j].note =
        synthetic
            ? "Replaced jointly by synthetic values; means and covariances kept."
            : "Noised jointly with strength " + fmt(strength) + "; means and covariances restored.";
  }
  for (std::size_t j = 0; j < p; ++j)
    if (mom[j].sd == 0.0) g.columns[j].note = "All values are equal: left unchanged.";
  fillGroupAchieved(g, Y, sigma);
  return g;
}

GroupResult noiseKeepCovariance(Eigen::MatrixXd& Y, double strength,
                                const std::vector<ValueBound>& bounds, Rng& rng) {
  checkStrength(strength);
  const auto n = static_cast<std::size_t>(Y.rows());
  const auto p = static_cast<std::size_t>(Y.cols());
  checkFinite(Y.data(), n * p);
  if (bounds.size() != p) {
    fail("numeric.bad-bounds", "下限の数が列の数と合いません。",
         "The number of lower bounds does not match the number of columns.");
  }
  bool atBound = false;
  for (std::size_t j = 0; j < p; ++j) {
    const double lb = bounds[j].lowerBound;
    const double* col = Y.data() + j * n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(col[i] >= lb)) {
        fail("numeric.below-bound", "下限（" + fmt(lb) + "）を下回る値があります: " + fmt(col[i]),
             "A value is below the column's lower bound " + fmt(lb) + ": " + fmt(col[i]));
      }
      atBound = atBound || (bounds[j].keepAtBound && col[i] == lb);
    }
  }
  const Eigen::MatrixXd original = Y;
  std::string reason =
      "Values at a lower bound are kept there, which joint noise cannot do: columns noised one "
      "by one, covariances not kept.";
  if (!atBound) {
    reason =
        "Joint noise would cross a lower bound: columns noised one by one, covariances not kept.";
    for (int attempt = 0; attempt < 3; ++attempt) {
      GroupResult g = noiseKeepCovariance(Y, strength, rng);
      if (g.fellBack) {
        reason = g.reason;
        break;
      }
      bool inside = true;
      for (std::size_t j = 0; j < p && inside; ++j) {
        const double lb = bounds[j].lowerBound;
        const double* col = Y.data() + j * n;
        for (std::size_t i = 0; i < n && inside; ++i)
          inside = bounds[j].keepAtBound ? col[i] > lb : col[i] >= lb;
      }
      if (inside) return g;
      Y = original;
    }
  }
  Y = original;
  GroupResult g;
  g.fellBack = true;
  g.reason = reason;
  g.columns.resize(p);
  for (std::size_t j = 0; j < p; ++j)
    g.columns[j] = noiseKeepMomentsBounded(Y.data() + j * n, n, strength, bounds[j], rng);
  std::vector<double> means(p);
  for (std::size_t j = 0; j < p; ++j) means[j] = meanOf(original.data() + j * n, n);
  fillGroupAchieved(g, Y, covarianceOf(original.data(), n, p, means));
  return g;
}

// ================================================================== rounding

namespace {

constexpr double kMaxExact = 9007199254740992.0;  // 2^53

[[noreturn]] void overflow() {
  fail("numeric.overflow", "数値が大きすぎて合計を正確に扱えません。",
       "The numbers are too large for their total to be kept exactly.");
}

[[noreturn]] void infeasible() {
  fail("numeric.rounding-infeasible", "下限を守りながら合計を元の値に合わせることができません。",
       "The total cannot be kept while keeping every value at or above the lower bound.");
}

int64_t add64(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) overflow();
  return r;
}

/// Moves `count` of the candidate indices by `step` (+1 or −1): those whose value is
/// furthest behind in that direction (v − x for +1, x − v for −1), ties by random keys
/// (one Rng::next() per candidate, in candidate order).
void moveMostBehind(const std::vector<uint32_t>& cand, std::size_t count, int step,
                    const std::vector<double>& v, std::vector<int64_t>& x, Rng& rng) {
  if (count == 0) return;
  if (count >= cand.size()) {
    for (uint32_t i : cand) x[i] += step;
    return;
  }
  struct Pick {
    double behind;
    uint64_t key;
    uint32_t index;
  };
  std::vector<Pick> picks(cand.size());
  for (std::size_t t = 0; t < cand.size(); ++t) {
    const uint32_t i = cand[t];
    const double xi = static_cast<double>(x[i]);
    picks[t] = Pick{step > 0 ? v[i] - xi : xi - v[i], rng.next(), i};
  }
  // A strict total order, so the chosen set does not depend on the library's algorithm.
  std::nth_element(picks.begin(), picks.begin() + static_cast<std::ptrdiff_t>(count), picks.end(),
                   [](const Pick& a, const Pick& b) {
                     if (a.behind != b.behind) return a.behind > b.behind;
                     if (a.key != b.key) return a.key > b.key;
                     return a.index < b.index;
                   });
  for (std::size_t t = 0; t < count; ++t) x[picks[t].index] += step;
}

std::vector<int64_t> roundImpl(const std::vector<double>& v, int64_t target,
                               const RoundingBound* bound, Rng& rng) {
  const std::size_t n = v.size();
  if (n > 0xFFFFFFFFu) overflow();
  std::vector<int64_t> x(n);
  std::vector<int64_t> low(bound ? n : 0);
  std::vector<uint8_t> pinned(n, 0);
  int64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i]) || std::fabs(v[i]) > kMaxExact) {
      if (!std::isfinite(v[i])) checkFinite(&v[i], 1);
      overflow();
    }
    int64_t xi = static_cast<int64_t>(std::floor(v[i]));
    if (bound) {
      const int64_t lb = bound->lowerBound;
      if (bound->keepAtBound && v[i] <= static_cast<double>(lb)) {
        pinned[i] = 1;
        xi = lb;
      } else {
        low[i] = bound->keepAtBound ? add64(lb, 1) : lb;
        xi = std::max(xi, low[i]);
      }
    }
    x[i] = xi;
    total = add64(total, xi);
  }
  int64_t k;
  if (__builtin_sub_overflow(target, total, &k)) overflow();
  if (k == 0) return x;

  std::vector<uint32_t> cand;
  cand.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!pinned[i] && (k > 0 || !bound || x[i] > low[i])) cand.push_back(static_cast<uint32_t>(i));
  if (cand.empty()) infeasible();
  const auto size = static_cast<int64_t>(cand.size());

  if (k > 0 || !bound) {
    // No upper limit to respect (and no lower one when unbounded): spread evenly.
    const int64_t q = k / size;  // truncates towards 0
    int64_t rem = k - q * size;
    if (q != 0)
      for (uint32_t i : cand) x[i] = add64(x[i], q);
    const int step = rem > 0 ? 1 : -1;
    moveMostBehind(cand, static_cast<std::size_t>(rem > 0 ? rem : -rem), step, v, x, rng);
    return x;
  }

  // k < 0 with lower bounds: take D units, evenly up to each value's room (water-filling).
  const int64_t need = -k;
  std::vector<int64_t> room(cand.size());
  int64_t totalRoom = 0;
  for (std::size_t t = 0; t < cand.size(); ++t) {
    room[t] = x[cand[t]] - low[cand[t]];
    if (__builtin_add_overflow(totalRoom, room[t], &totalRoom)) totalRoom = INT64_MAX;
  }
  if (totalRoom < need) infeasible();
  std::vector<int64_t> sorted = room;
  std::sort(sorted.begin(), sorted.end());
  int64_t level = 0, left = need;
  std::size_t idx = 0;
  while (left > 0) {
    while (idx < sorted.size() && sorted[idx] <= level) ++idx;
    if (idx == sorted.size()) infeasible();                    // unreachable: totalRoom ≥ need
    const auto r = static_cast<int64_t>(sorted.size() - idx);  // values with room > level
    const int64_t stepTo = sorted[idx];
    int64_t cost;
    if (!__builtin_mul_overflow(stepTo - level, r, &cost) && cost <= left) {
      left -= cost;
      level = stepTo;
    } else {
      level += left / r;
      left %= r;
      break;
    }
  }
  std::vector<uint32_t> rest;
  for (std::size_t t = 0; t < cand.size(); ++t) {
    const uint32_t i = cand[t];
    x[i] -= std::min(room[t], level);
    if (room[t] > level) rest.push_back(i);
  }
  moveMostBehind(rest, static_cast<std::size_t>(left), -1, v, x, rng);
  return x;
}

}  // namespace

std::vector<int64_t> roundKeepingSum(const std::vector<double>& values, int64_t targetTotal,
                                     Rng& rng) {
  return roundImpl(values, targetTotal, nullptr, rng);
}

std::vector<int64_t> roundKeepingSum(const std::vector<double>& values, int64_t targetTotal,
                                     const RoundingBound& bound, Rng& rng) {
  return roundImpl(values, targetTotal, &bound, rng);
}

// ====================================================================== PRAM

Eigen::MatrixXd invariantPramMatrix(const std::vector<double>& p, double theta) {
  if (!(theta >= 0.0 && theta <= 1.0)) {
    fail("numeric.bad-theta", "PRAM の強さ θ は 0 から 1 の間にしてください。",
         "The PRAM strength theta must be between 0 and 1.");
  }
  double total = 0.0;
  for (double pi : p) {
    if (!(pi >= 0.0) || !std::isfinite(pi)) {
      fail("numeric.bad-shares", "カテゴリの割合に負の値か数でない値があります。",
           "A category share is negative or not a number.");
    }
    total += pi;
  }
  if (p.empty() || !(total > 0.0)) {
    fail("numeric.bad-shares", "カテゴリの割合がすべて 0 です。", "All category shares are 0.");
  }
  const auto k = static_cast<Eigen::Index>(p.size());
  Eigen::MatrixXd R(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      R(i, j) = theta * (p[static_cast<std::size_t>(j)] / total) + (i == j ? 1.0 - theta : 0.0);
    }
  }
  return R;
}

void applyPram(std::vector<uint32_t>& codes, const Eigen::MatrixXd& R, Rng& rng) {
  const auto k = static_cast<std::size_t>(R.rows());
  if (R.rows() != R.cols() || k == 0) {
    fail("numeric.bad-pram", "PRAM の遷移行列が正方行列ではありません。",
         "The PRAM transition matrix is not square.");
  }
  // Cumulative rows (row-major), checked: entries ≥ 0, sums 1 within 1e-9.
  std::vector<double> cum(k * k);
  for (std::size_t i = 0; i < k; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      const double rij = R(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      if (!(rij >= 0.0) || !std::isfinite(rij)) {
        fail("numeric.bad-pram", "PRAM の遷移行列に負の値か数でない値があります。",
             "The PRAM transition matrix has a negative or non-numeric entry.");
      }
      s += rij;
      cum[i * k + j] = s;
    }
    if (std::fabs(s - 1.0) > 1e-9) {
      fail("numeric.bad-pram", "PRAM の遷移行列の行の和が 1 ではありません。",
           "A row of the PRAM transition matrix does not sum to 1.");
    }
  }
  for (uint32_t& c : codes) {
    if (c >= k) {
      fail("numeric.bad-code", "カテゴリ番号が遷移行列の大きさを超えています。",
           "A category code is outside the PRAM transition matrix.");
    }
    const double* row = cum.data() + static_cast<std::size_t>(c) * k;
    const double u = rng.uniform() * row[k - 1];
    // First j with cum > u; zero-probability categories are never chosen.
    const std::size_t j = static_cast<std::size_t>(std::upper_bound(row, row + k, u) - row);
    if (j < k) {
      c = static_cast<uint32_t>(j);
    } else {  // u rounded up to the row total: take the last category with probability > 0
      std::size_t last = k - 1;
      while (last > 0 && row[last] == row[last - 1]) --last;
      c = static_cast<uint32_t>(last);
    }
  }
}

// ============================================================ copula shuffle

namespace {

struct Keyed {
  double value;
  uint32_t index;
};

/// Unsigned key with the order of the double (−0.0 and +0.0 map to the same key).
uint64_t orderKey(double x) noexcept {
  x += 0.0;  // −0.0 → +0.0
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u & 0x8000000000000000ULL) ? ~u : (u | 0x8000000000000000ULL);
}

/// order ← (x[i], i) sorted by value, then row: a strict total order, so the result does
/// not depend on the algorithm. Large columns use a stable LSD radix sort on the keys
/// (O(n), 11-bit digits, constant digits skipped); small ones std::sort.
void sortColumn(const double* x, std::size_t n, std::vector<Keyed>& order,
                std::vector<Keyed>& scratch) {
  for (std::size_t i = 0; i < n; ++i) order[i] = Keyed{x[i], static_cast<uint32_t>(i)};
  if (n < 2048) {
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n),
              [](const Keyed& a, const Keyed& b) {
                return a.value < b.value || (a.value == b.value && a.index < b.index);
              });
    return;
  }
  constexpr int kBits = 11, kDigits = 6;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  std::vector<uint32_t> count(kBuckets * kDigits, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const uint64_t k = orderKey(order[i].value);
    for (int d = 0; d < kDigits; ++d) ++count[d * kBuckets + ((k >> (d * kBits)) & (kBuckets - 1))];
  }
  scratch.resize(n);
  for (int d = 0; d < kDigits; ++d) {
    uint32_t* c = count.data() + d * kBuckets;
    bool trivial = false;
    for (std::size_t b = 0; b < kBuckets; ++b) trivial = trivial || c[b] == n;
    if (trivial) continue;  // every key has the same digit here
    uint32_t sum = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const uint32_t t = c[b];
      c[b] = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const uint64_t k = orderKey(order[i].value);
      scratch[c[(k >> (d * kBits)) & (kBuckets - 1)]++] = order[i];
    }
    order.swap(scratch);
  }
}

}  // namespace

CopulaResult copulaShuffle(Eigen::MatrixXd& Y, Rng& rng) {
  const auto n = static_cast<std::size_t>(Y.rows());
  const auto p = static_cast<std::size_t>(Y.cols());
  checkFinite(Y.data(), n * p);
  CopulaResult result;
  if (n < 2 || p == 0) return result;
  if (n > 0xFFFFFFFFu) overflow();

  // Sorted values and mid-ranks (1-based) of each column; ties in the input keep their
  // order by row, which does not matter: equal values are interchangeable.
  std::vector<double> sorted(n * p);
  std::vector<double> work(n * p);  // ranks, later the normal sample
  std::vector<Keyed> order(n), scratch;
  for (std::size_t j = 0; j < p; ++j) {
    sortColumn(Y.data() + j * n, n, order, scratch);
    for (std::size_t t = 0; t < n;) {
      std::size_t e = t + 1;
      while (e < n && order[e].value == order[t].value) ++e;
      const double rank = 0.5 * static_cast<double>(t + 1 + e);
      for (std::size_t u = t; u < e; ++u) {
        work[j * n + order[u].index] = rank;
        sorted[j * n + u] = order[u].value;
      }
      t = e;
    }
  }
  // Spearman correlations → normal-scores correlations P = 2·sin(π·r/6).
  const double centre = 0.5 * static_cast<double>(n + 1);
  std::vector<double> ss(p);
  std::vector<double> P(p * p, 0.0);
  for (std::size_t j = 0; j < p; ++j) {
    CompensatedSum s;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = work[j * n + i] - centre;
      s.add(d * d);
    }
    ss[j] = s.value();
  }
  for (std::size_t j = 0; j < p; ++j) {
    P[j * p + j] = 1.0;
    for (std::size_t k = 0; k < j; ++k) {
      double rho = 0.0;
      if (ss[j] > 0.0 && ss[k] > 0.0) {
        CompensatedSum s;
        for (std::size_t i = 0; i < n; ++i)
          s.add((work[j * n + i] - centre) * (work[k * n + i] - centre));
        const double r = std::max(-1.0, std::min(1.0, s.value() / std::sqrt(ss[j] * ss[k])));
        rho = 2.0 * detmath::sinSmall(kPi * r / 6.0);
      }
      P[j * p + k] = P[k * p + j] = rho;
    }
  }
  // Cholesky, shrinking towards I until positive definite.
  static const double kShrink[] = {0.0, 1e-3, 1e-2, 0.05, 0.1, 0.2, 0.5, 1.0};
  std::vector<double> L;
  for (double lambda : kShrink) {
    L = P;
    for (std::size_t j = 0; j < p; ++j)
      for (std::size_t k = 0; k < p; ++k)
        if (j != k) L[j * p + k] *= 1.0 - lambda;
    if (choleskyInPlace(L, p, 1e-12)) {
      result.shrinkage = lambda;
      break;
    }
  }
  if (result.shrinkage > 0.0) {
    result.note = result.shrinkage == 1.0
                      ? "The rank correlations could not be used; columns shuffled independently."
                      : "The rank-correlation matrix was shrunk by " + fmt(result.shrinkage) +
                            " towards independence to make it positive definite.";
  }
  // Normal sample, row by row: x_i = L·g_i.
  NormalSource normal(rng);
  std::vector<double> g(p);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < p; ++k) g[k] = normal.next();
    for (std::size_t j = 0; j < p; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k <= j; ++k) s += L[j * p + k] * g[k];
      work[j * n + i] = s;
    }
  }
  // Re-assign each column's original values in the order of the sample's column (ties
  // in the continuous sample, probability ~0, by row).
  for (std::size_t j = 0; j < p; ++j) {
    sortColumn(work.data() + j * n, n, order, scratch);
    double* col = Y.data() + j * n;
    for (std::size_t t = 0; t < n; ++t) col[order[t].index] = sorted[j * n + t];
  }
  return result;
}

}  // namespace pc
