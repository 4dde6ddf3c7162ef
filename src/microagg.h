// Microaggregation: sub-clusters of at least k similar records inside one district, so that
// relations between columns (age ↔ care level) survive the synthesis of that district.
//
// Every function takes an n×p matrix of doubles: one row per record, one column per numeric
// variable, all finite (map missing values before). The grouping functions work on the data as
// given, so standardise() it first unless the columns are already on comparable scales. They
// return one group id per row: dense, 0-based. Every group has at least k rows when n ≥ k;
// when n < 2k (including n < k) all rows form one group — whether such a district may be
// released at all is the caller's decision (G5).
//
// Distances are squared Euclidean. Equal distances are broken by row index, lowest first,
// everywhere, and only IEEE double arithmetic in a fixed order is used, so the groups depend
// on the data, k and (for k-means) the seed only: natively and in wasm32 they are the same.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rng.h"

namespace pc {

/// Z-scores of every column of an n×p matrix: (x − mean) / sd, sd with n − 1 (sample). A
/// constant column, and every column when n < 2, becomes zeros. Throws InputError
/// "microagg.non-finite" on NaN or ±inf.
Eigen::MatrixXd standardise(const Eigen::MatrixXd& X);

/// Classic MDAV (Domingo-Ferrer & Mateo-Sanz 2002, as in μ-ARGUS and sdcMicro) on the rows of
/// X (n×p): groups of exactly k rows, the last of k … 2k − 1; ids in the order groups are formed.
/// Throws InputError "microagg.bad-k" (k = 0) or "microagg.non-finite". O(n²p/k) time.
std::vector<uint32_t> mdav(const Eigen::MatrixXd& X, std::size_t k);

/// K-means with a minimum group size k on the rows of X (n×p): starts from the MDAV partition,
/// then Lloyd rounds with repair and a swap/move local search that only accept lower SSE, so its
/// SSE is never above MDAV's. Groups have k … 2k − 1 rows; ids in order of first row. `rng`
/// orders the visits (same data, k and seed: same groups); maxIterations bounds the Lloyd rounds
/// and the local-search sweeps (0: MDAV). Throws like mdav().
std::vector<uint32_t> kmeansMinSize(const Eigen::MatrixXd& X, std::size_t k, Rng& rng,
                                    int maxIterations = 50);

/// Information loss SSE/SST of a grouping as a fraction in [0, 1] (× 100 for the usual %): sum
/// of squared distances to the group means over that to the overall mean, on X as given; 0 when
/// SST = 0. Throws std::invalid_argument unless groups has one id per row, each below n.
double sseOverSst(const Eigen::MatrixXd& X, const std::vector<uint32_t>& groups);

}  // namespace pc
