// Numeric treatments on the values of ONE (sub-)cluster.
//
// Every function here sees the values of a single cluster (or sub-cluster) and
// changes them so that the cluster's aggregates stay exactly as they were
// (PRODUCT.md, G3): additive noise followed by an exact restoration of the mean
// and standard deviation (one column) or of the mean vector and covariance
// matrix (a numeric group, Cholesky factors), a non-negative variant for costs
// and counts, controlled rounding that keeps an integer total, invariant PRAM
// for categorical codes, and a Gaussian-copula shuffle that keeps every
// column's multiset of values.
//
// Conventions used throughout:
//  - "sd" is the POPULATION standard deviation, sqrt(Σ(y − ȳ)² / n). The
//    restoration only uses ratios of sds, so the sample sd (÷ (n − 1)) of a
//    cluster is kept exactly as well.
//  - "strength" s ≥ 0 is the noise sd in units of the column's own sd; s ≥
//    kSyntheticStrength (or +∞) means "pure noise": the column is replaced by a
//    fully synthetic one with the same aggregates (IPSO-like).
//  - Numeric values are best passed in units of the column's precision (yen,
//    tenths of a BMI point, …) so that roundKeepingSum can finish the job.
//
// Determinism (G6): randomness comes only from pc::Rng::next()/uniform(); the
// only transcendental functions are the ones in pc::detmath below, written with
// +, −, ×, ÷ and exact std::frexp/std::ldexp only, so native (x86-64 SSE2) and
// wasm32 give bit-identical doubles; std::sqrt is exact (IEEE) on both. Sums run
// in a fixed order in plain loops (no Eigen reductions: their SIMD packet order
// differs between the native and the wasm build). Eigen matrices are used as
// storage only. The residual risk is a compiler contracting a·b + c into an FMA:
// g++ in ISO mode (-std=c++17) does not, wasm has no FMA instruction, and
// numeric.cpp turns contraction off for clang.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rng.h"

namespace pc {

/// Strength at or above which noising produces a fully synthetic column (IPSO-like).
inline constexpr double kSyntheticStrength = 1e6;

/// Relative tolerance under which a kept moment counts as exact (see MomentResult::sdExact).
inline constexpr double kExactTolerance = 1e-12;

/// The sd of a column with this mean and sd counts as kept when it is within this of the
/// original: 1e-12 relative, or the doubles' own resolution 2^-50·(|mean| + sd) when that
/// is larger (values stored near 10^6 with an sd of 10^-3 cannot carry a 1e-12-relative sd).
inline double sdTolerance(double mean, double sd) noexcept {
  const double absMean = mean < 0 ? -mean : mean;
  const double a = kExactTolerance * sd, b = 0x1p-50 * (absMean + sd);
  return a > b ? a : b;
}

// ------------------------------------------------------------------ determinism

namespace detmath {
/// Natural logarithm, x > 0 finite (≤ 2 ulp from the true value); NaN for x ≤ 0.
/// Bit-identical on every IEEE-754 platform (no libm).
double log(double x) noexcept;
/// e^x (≤ 2 ulp); 0 below about −745, +∞ above about 709.8. Bit-identical everywhere.
double exp(double x) noexcept;
/// sin(x) for |x| ≤ 1 (Taylor series, ≤ 1 ulp); used for Spearman → Pearson conversion.
double sinSmall(double x) noexcept;
}  // namespace detmath

// ----------------------------------------------------------------- normals

/// Standard normal deviates by the Marsaglia polar method. Each accepted pair
/// (u, v) yields two deviates: u·f is returned at once and v·f is cached for the
/// next call, so a NormalSource's output is a fixed function of the Rng state.
/// Consumes two Rng::uniform() per attempt (acceptance π/4).
class NormalSource {
 public:
  explicit NormalSource(Rng& rng) noexcept : rng_(rng) {}
  double next() noexcept;

 private:
  Rng& rng_;
  double cached_ = 0.0;
  bool hasCached_ = false;
};

/// One standard normal deviate (Marsaglia polar); the pair's second value is
/// discarded, so consecutive calls equal the 1st, 3rd, 5th… output of a NormalSource.
double standardNormal(Rng& rng) noexcept;

// ------------------------------------------------------------ one column

enum class NoiseMethod {
  kUnchanged,  ///< nothing could or had to change (n < 2, sd = 0, strength 0, …)
  kAdditive,   ///< y + N(0, (s·sd)²), then mean and sd restored exactly
  kSynthetic,  ///< strength ≥ kSyntheticStrength: pure noise with the same mean and sd
  kLogScale,   ///< non-negative columns: noise on log scale, then mean and sd restored
               ///< by a power transform and rescaling (values stay > bound)
};
/// "unchanged", "additive", "synthetic" or "log-scale".
const char* noiseMethodName(NoiseMethod method) noexcept;

/// What a one-column treatment kept. mean/sd describe the input, achievedMean/
/// achievedSd the output (population sd, compensated sums). sdExact is true when
/// |achievedSd − sd| ≤ sdTolerance(mean, sd); the mean is always kept to within
/// kExactTolerance·(|mean| + sd).
struct MomentResult {
  std::size_t n = 0;
  double mean = 0.0;
  double sd = 0.0;
  double achievedMean = 0.0;
  double achievedSd = 0.0;
  bool sdExact = true;
  NoiseMethod method = NoiseMethod::kUnchanged;
  std::size_t keptAtBound = 0;  ///< values left at the lower bound (non-negative treatment)
  std::string note;             ///< one English sentence for the report
};

/// Noises y (the n values of one column in one cluster; finite) with strength ≥ 0 and
/// restores its mean and sd exactly: y'' = ȳ + (y' − ȳ')·sd(y)/sd(y'), y' = y + e,
/// e ~ N(0, (strength·sd(y))²). n < 2, sd(y) = 0 or strength 0 leave y bit-identical.
/// n = 2 can only return y or y swapped (mean and sd fix the pair). Throws
/// InputError for a non-finite value or a negative/NaN strength.
MomentResult noiseKeepMoments(std::vector<double>& y, double strength, Rng& rng);
/// Same on y[0..n) (e.g. a cluster's slice of a longer column).
MomentResult noiseKeepMoments(double* y, std::size_t n, double strength, Rng& rng);

/// Lower bound for noiseKeepMomentsBounded.
struct ValueBound {
  double lowerBound = 0.0;  ///< no output value goes below it
  bool keepAtBound = true;  ///< values equal to lowerBound stay there, all others stay > it
};

/// Noises a column that must stay ≥ bound.lowerBound (every input value must be ≥ it,
/// else InputError "numeric.below-bound"). With keepAtBound (default), values at the
/// bound (e.g. the many 0 medical costs) are left as they are and only the others
/// are noised, so the share of values at the bound is kept exactly and the others
/// stay strictly above it. Method: additive noise with exact moment restoration; if
/// that would push a value to or below the bound, the values (minus the bound) are
/// instead noised on a log scale (log-mean and log-sd restored) and mapped back by
/// x'' = c·exp(γ·w'), γ solved so that the sd is exact and c so that the mean is exact
/// (kLogScale; if γ would have to exceed 690/range(w'), one value is made to dominate by
/// an exact mixing step instead). The mean is always exact; the sd is exact unless the
/// data make it impossible (reported via sdExact/achievedSd). Values may come out
/// below one unit above the bound: round with RoundingBound to keep them ≥ bound + 1.
MomentResult noiseKeepMomentsBounded(std::vector<double>& y, double strength,
                                     const ValueBound& bound, Rng& rng);
MomentResult noiseKeepMomentsBounded(double* y, std::size_t n, double strength,
                                     const ValueBound& bound, Rng& rng);

/// noiseKeepMomentsBounded with lower bound 0 and zeros kept as zeros.
MomentResult noiseKeepMomentsNonNegative(std::vector<double>& y, double strength, Rng& rng);

// ------------------------------------------------------------- numeric group

/// What noiseKeepCovariance did. columns[j] reports column j as in MomentResult.
struct GroupResult {
  bool fellBack = false;  ///< true: columns were noised one by one, covariances not kept
  std::string reason;     ///< why it fell back (English; empty otherwise)
  std::vector<MomentResult> columns;
  double maxCovarianceError = 0;  ///< max_jk |Σ''_jk − Σ_jk| / sqrt(Σ_jj·Σ_kk) achieved
};

/// Noises the n × p values of a numeric group jointly (finite, no missing) and keeps the
/// mean vector and the (population) covariance matrix: Y' = Y + E, rows of E ~ N(0, s²Σ),
/// then Y'' = 1ȳᵀ + (Y' − 1ȳ'ᵀ)·L'⁻ᵀ·Lᵀ (Cholesky factors of the correlation matrices,
/// see numeric.cpp). Constant columns are left untouched (their covariances are 0
/// anyway). If the other columns are collinear (squared multiple correlation > 1 − 1e-10)
/// or n ≤ their number, it falls back to noiseKeepMoments per column (fellBack, reason).
GroupResult noiseKeepCovariance(Eigen::MatrixXd& Y, double strength, Rng& rng);

/// As above, for groups whose column j must stay ≥ bounds[j] (bounds.size() == p; every
/// value must already be ≥ its bound, else InputError). The joint result is kept only if
/// no value crosses its bound (keepAtBound: stays > it); up to 3 fresh draws are tried.
/// Otherwise — and at once if a keepAtBound column has values at its bound (zeros must
/// stay zeros) — each column is noised alone by noiseKeepMomentsBounded (fellBack, reason).
GroupResult noiseKeepCovariance(Eigen::MatrixXd& Y, double strength,
                                const std::vector<ValueBound>& bounds, Rng& rng);

// --------------------------------------------------------------- rounding

/// Lower bound for roundKeepingSum, in the same integer units as the values.
struct RoundingBound {
  int64_t lowerBound = 0;   ///< every output ≥ lowerBound
  bool keepAtBound = true;  ///< inputs ≤ lowerBound come out exactly lowerBound and all
                            ///< other inputs come out ≥ lowerBound + 1 (zeros stay zeros)
};

/// Rounds values (in units of 10^-scale, finite, |v| ≤ 2^53) to integers whose sum is
/// exactly targetTotal. Each value becomes floor(v) or floor(v) + 1: the k = targetTotal −
/// Σfloor(v) values with the largest fractional parts go up, ties broken by the Rng (one
/// Rng::next() per candidate when a choice is needed). If k < 0 or k > n (the values do not
/// sum to about the target), every value first moves by k / n (truncated) and the rest is
/// done as above, so each ends within ⌈|k| / n⌉ + 1 of its value.
/// Throws InputError on a non-finite/too large value or int64 overflow.
std::vector<int64_t> roundKeepingSum(const std::vector<double>& values, int64_t targetTotal,
                                     Rng& rng);

/// As above, but every output is ≥ bound.lowerBound (see RoundingBound). Values that must
/// be lifted to their bound are lifted first; if that overshoots the target, the excess
/// is taken from the values with the most room above their bound, evenly (water-filling),
/// the last units from those rounded up the most. Throws InputError
/// "numeric.rounding-infeasible" if no integers ≥ the bounds sum to targetTotal.
std::vector<int64_t> roundKeepingSum(const std::vector<double>& values, int64_t targetTotal,
                                     const RoundingBound& bound, Rng& rng);

// ------------------------------------------------------------------- PRAM

/// Invariant PRAM matrix for category shares p (k ≥ 1 entries, ≥ 0, not all 0; counts or
/// probabilities — normalised here) and 0 ≤ theta ≤ 1: R = (1 − θ)·I + θ·1·qᵀ with
/// q = p / Σp, i.e. a record keeps its category with probability 1 − θ and is otherwise
/// redrawn from the cluster's own distribution. Rows sum to 1, R ≥ 0, qᵀR = qᵀ.
Eigen::MatrixXd invariantPramMatrix(const std::vector<double>& p, double theta);

/// Replaces each code c (< R.rows()) by a draw from row c of the k × k transition
/// matrix R (rows ≥ 0, summing to 1 within 1e-9). One Rng::uniform() per code.
void applyPram(std::vector<uint32_t>& codes, const Eigen::MatrixXd& R, Rng& rng);

// --------------------------------------------------------- copula shuffle

/// What copulaShuffle did to the target correlation matrix.
struct CopulaResult {
  double shrinkage = 0.0;  ///< λ in (1 − λ)·P + λ·I needed to make P positive definite
  std::string note;        ///< English sentence for the report (empty when λ = 0)
};

/// Gaussian-copula shuffle of the n × p values (finite) of one cluster: Spearman
/// correlations r (mid-ranks) → normal-scores correlations P = 2·sin(π·r/6); n rows
/// drawn from N(0, P); each column's ORIGINAL values are re-assigned in the order of
/// the sample's column. Each column keeps its multiset exactly; rank correlations stay
/// close. If P is not positive definite it is shrunk towards I (λ = 1: independent).
/// Ties: equal original values are interchangeable, and ties in the continuous sample
/// (probability ~0) are broken by row, so no random tie-break is needed.
CopulaResult copulaShuffle(Eigen::MatrixXd& Y, Rng& rng);

}  // namespace pc
