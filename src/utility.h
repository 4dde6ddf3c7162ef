// Utility measures of the report: how closely the pseudo data follows the original, per released
// cluster and overall. Every function is pure and deterministic (fixed-order loops, sums written
// as plain loops; the pMSE sample comes from a pc::Rng with a fixed seed), so the same tables give
// the same figures — and the same JSON bytes —
// natively and in wasm. Contract violations (a column index out of range, tables of different
// widths) throw std::invalid_argument.
//
// Conventions:
//  - numbers are read with pc::numericMatrix (parseDecimal; missing-value tokens and cells that
//    are not numbers are missing) and missing values are ignored;
//  - categories compare as bytes; cells that are missing-value tokens (pc::isMissingToken) are
//    ignored;
//  - clusters are the combinations of the cluster columns, labelled by their cells joined with
//    " / " (as pc::groupRows does), in byte order of the label; clusters present on either side
//    are listed. No cluster columns = one cluster labelled "";
//  - a figure that is undefined (no values on a side, zero variance, division by zero) is NaN in
//    the structs and null in the JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "risk.h"
#include "table.h"

namespace pc {

// ------------------------------------------------------------------------------- primitives

/// Two-sample Kolmogorov–Smirnov statistic D = max_x |F_a(x) − F_b(x)| over the pooled values
/// (exact: evaluated after every distinct value, ties taken together). NaN values are ignored;
/// NaN if either side has no value. The inputs need not be sorted.
double ksDistance(std::vector<double> a, std::vector<double> b);

/// 1 − D (NaN if D is). Computed from exact integer counts: (na·nb − max|i·nb − j·na|) / (na·nb).
double ksComplement(const std::vector<double>& a, const std::vector<double>& b);

/// Total-variation complement 1 − ½ Σ_v |p_a(v) − p_b(v)| of two lists of category ids
/// (any uint32 values; equal ids = same category). NaN if either list is empty.
/// Computed exactly as (2·na·nb − Σ|a_v·nb − b_v·na|) / (2·na·nb).
double tvComplement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// --------------------------------------------------------------------------------- clusters

/// The clusters of the two tables in one id space.
struct ClusterGroups {
  std::vector<std::string> labels;  ///< byte order; labels[k] is cluster k
  std::vector<uint32_t> original;   ///< cluster of each original row
  std::vector<uint32_t> pseudo;     ///< cluster of each pseudo row
};

/// Groups the rows of both tables by the cells of `clusterColumns` (the same indices on both).
ClusterGroups clusterGroups(const Table& original, const Table& pseudo,
                            const std::vector<std::size_t>& clusterColumns);

// ----------------------------------------------------------------------- KS and TV per column

struct ClusterValue {
  std::string label;
  double value = 0.0;  ///< NaN = undefined
};

/// A similarity in [0, 1] (1 = same distribution) of one column.
struct ColumnSimilarity {
  std::string column;
  double overall = 0.0;                  ///< on the whole tables
  std::vector<ClusterValue> perCluster;  ///< one per cluster of the ClusterGroups
  double min = 0.0;                      ///< smallest defined per-cluster value (NaN if none)
};

/// KS complement of each numeric column, per cluster and overall. O(n) per column after parsing
/// (a radix sort of the values, then a stable counting sort by cluster).
std::vector<ColumnSimilarity> ksSimilarities(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::size_t>& numericColumns);

/// The same on numbers already parsed (columns of the matrices, rows as in `clusters`), with the
/// columns' names.
std::vector<ColumnSimilarity> ksSimilarities(const NumericMatrix& original,
                                             const NumericMatrix& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::string>& names);

/// Total-variation complement of each categorical column, per cluster and overall.
std::vector<ColumnSimilarity> tvSimilarities(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters,
                                             const std::vector<std::size_t>& categoryColumns);

// ------------------------------------------------------------------------------ correlation

/// A square matrix, row-major: (i, j) = values[i * size + j]; NaN = undefined.
struct SquareMatrix {
  std::size_t size = 0;
  std::vector<double> values;
  double at(std::size_t i, std::size_t j) const { return values[i * size + j]; }
};

/// Pearson correlations with pairwise complete observations (R's cor(use =
/// "pairwise.complete.obs")): entry (i, j) uses the rows where both columns have a value, with
/// the means of those rows. NaN when fewer than 2 such rows or when either column is constant on
/// them (a variance below 1e-12 of the column's raw second moment about its shift counts as 0).
/// The diagonal is 1 where the column has a positive variance. Results are clamped to [−1, 1].
struct CorrelationResult {
  SquareMatrix overall;
  std::vector<SquareMatrix> perCluster;  ///< one per cluster (clusters without rows: all NaN)
};

/// Correlations of `m` (rows = the rows the cluster ids describe) overall and per cluster.
/// One pass over the rows; the overall matrix combines the clusters' co-moments exactly
/// (within + between clusters), in cluster order.
CorrelationResult correlations(const NumericMatrix& m, const std::vector<uint32_t>& clusterOfRow,
                               std::size_t clusterCount);

/// max |a(i, j) − b(i, j)| over the off-diagonal entries defined in both; NaN if none.
double maxAbsDifference(const SquareMatrix& a, const SquareMatrix& b);

// --------------------------------------------------------------------------------- districts

/// The district figures of the Tsukuba charts, on one side of one cluster.
struct DistrictSide {
  std::size_t rows = 0;
  std::size_t aged = 0;  ///< rows with an integer age
  std::size_t age65plus = 0;
  std::size_t under10 = 0;
  int64_t ageSum = 0;
  std::size_t withCare = 0;  ///< rows with a non-missing care level
  std::size_t heavyCare =
      0;  ///< 要介護3, 要介護4 or 要介護5 (full-width digits, 要介護度N accepted)
  double ratio65to10 =
      0.0;  ///< age65plus / under10 (= share 65+ / share under 10); NaN if no under-10s
  double meanAge = 0.0;         ///< ageSum / aged; NaN if none
  double heavyCareShare = 0.0;  ///< heavyCare / withCare; NaN if none
};

struct DistrictFigures {
  std::string label;
  DistrictSide original;
  DistrictSide pseudo;
};

/// True for 要介護3, 要介護4, 要介護5 (after trimming and folding full-width digits; "要介護度3"
/// too).
bool isHeavyCare(std::string_view careLevel);

/// Per cluster, on both tables. ageColumn / careColumn = −1 when absent (their figures are NaN).
/// Ages are read like numeric columns (numericMatrix); a value that is not an integer is missing.
std::vector<DistrictFigures> districtFigures(const Table& original, const Table& pseudo,
                                             const ClusterGroups& clusters, long ageColumn,
                                             long careColumn);

// -------------------------------------------------------------------------- pMSE (synthpop)

/// synthpop's propensity-score utility: a logistic regression of "is a pseudo row" on the main
/// effects of the columns, fitted by Newton–Raphson (IRLS) on a sample of the rows.
struct PropensityResult {
  std::size_t originalRows = 0;  ///< rows used from each side
  std::size_t pseudoRows = 0;
  std::size_t parameters = 0;  ///< k: intercept + predictor columns of the design
  int iterations = 0;
  bool converged = false;
  double pmse = 0.0;  ///< mean over the rows of (p̂ − c)², c = pseudoRows / N; NaN if no fit
  double expected = 0.0;  ///< its null expectation (k − 1)(1 − c)² c / N
  double ratio = 0.0;     ///< S_pMSE = pmse / expected (NaN when expected is 0)
};

/// pMSE and S_pMSE. Design: an intercept; per numeric column its value standardised by the
/// pooled mean and sd of the sample (a missing value is 0 after standardising, plus a 0/1
/// missing indicator when the column has missing values); per categorical column one 0/1
/// indicator per value (cells as bytes; missing tokens are a value of their own) except the most
/// frequent one (ties: smallest bytes), at most 30 indicators (rarer values join the reference
/// level). Constant predictors are dropped. At most `maxRowsPerSide` rows per side are used: a
/// sample without replacement drawn with pc::Rng(seed), rows kept in file order. Newton steps
/// solve (XᵀWX + 1e-9·I) δ = Xᵀ(y − p̂) by Cholesky, every sum a plain loop in a fixed order and
/// exp computed by the function's own polynomial, so the figures are the same in wasm; at most 50
/// steps, converged when max |δ| < 1e-9.
PropensityResult propensityMse(const Table& original, const Table& pseudo,
                               const std::vector<std::size_t>& numericColumns,
                               const std::vector<std::size_t>& categoryColumns,
                               std::size_t maxRowsPerSide = 20000, uint64_t seed = 20240401);

// ------------------------------------------------------------------------------------- JSON

/// The utility section of the report as JSON (nlohmann::ordered_json, NaN written as null):
/// {
///   "ks": [{"column": name, "overall": x, "perCluster": [{"label", "value"}], "min": x}],
///   "tv": [same shape, categorical columns],
///   "correlation": {"columns": [names], "original": [[...]], "pseudo": [[...]],
///                   "maxAbsDifference": x,
///                   "perClusterMaxAbsDifference": [{"label", "value"}]},
///   "districts": [{"label",
///                  "ratio65to10": {"original", "pseudo"}, "meanAge": {"original", "pseudo"},
///                  "heavyCareShare": {"original", "pseudo"},
///                  "rows": {"original", "pseudo"},
///                  "match": true if the three figures are equal on both sides}],
///   "propensity": {"pmse", "expected", "ratio" (S_pMSE), "parameters", "rowsOriginal",
///                  "rowsPseudo", "iterations", "converged"}   (see propensityMse; defaults)
/// }
/// KS and TV values are complements in [0, 1] (1 = identical distributions). "districts" is
/// [] when neither the age nor the care column exists; a figure of an absent column is null.
/// `original` and `pseudo` must have the same columns in the same order.
std::string utilityReportJson(const Table& original, const Table& pseudo,
                              const std::vector<std::size_t>& clusterColumns,
                              const std::vector<std::size_t>& numericColumns,
                              const std::vector<std::size_t>& categoryColumns, long ageColumn,
                              long careColumn);

}  // namespace pc
