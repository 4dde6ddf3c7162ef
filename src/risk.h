// Disclosure-risk measures of the report (guarantee G4): how much the pseudo data reveals about the
// residents of the original file, each figure beside what chance alone would give.
//
// Every function is pure: it reads tables (cells compared as byte strings, so "12" and "12.0" are
// different values, and an empty cell is a value like any other) or matrices derived from them,
// and returns figures. All randomness (target sampling, shuffles, tie-breaking, random baselines)
// comes from the pc::Rng the caller passes, so one seed gives the same figures natively and in
// wasm. Contract violations by the caller (a column index out of range, vectors of the wrong
// length) throw std::invalid_argument; nothing here throws InputError.
//
// Shared shapes:
//  - column lists are indices into Table::columns;
//  - JointIds give the original and the pseudo rows ids in one id space (equal ids <=> equal cell
//    combinations), which is how the attack measures compare the two files;
//  - NumericMatrix holds numbers row-major, NaN = missing.
// Sizes: row counts and ids fit in uint32 (the tables' own limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "rng.h"
#include "table.h"

namespace pc {

// ------------------------------------------------------------------------------------ intervals

/// A two-sided confidence interval for a proportion, both ends in [0, 1].
struct WilsonInterval {
  double low = 0.0;
  double high = 1.0;
};

/// Wilson score interval for `successes` out of `trials` (z = 1.96 gives 95%):
/// (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n). trials == 0 gives [0, 1].
WilsonInterval wilson(std::size_t successes, std::size_t trials, double z = 1.959963984540054);

// ------------------------------------------------------------------- equivalence classes (ARX)

/// Equivalence classes of the rows on a set of quasi-identifiers (one class per distinct
/// combination of their cells), with ARX's prosecutor-model figures.
struct ClassStats {
  std::size_t rows = 0;
  std::size_t classes = 0;             ///< distinct combinations
  std::size_t sampleUniques = 0;       ///< classes of size 1 (= records alone in their class)
  double averageProsecutorRisk = 0.0;  ///< mean over records of 1/class size = classes / rows
  double maxProsecutorRisk = 0.0;      ///< 1 / smallest class size (0 for an empty table)
  std::size_t smallestClass = 0;       ///< size of the smallest class (0 for an empty table)
  /// (class size, number of classes of that size), ascending by size.
  std::vector<std::pair<std::size_t, std::size_t>> sizeHistogram;
};

/// Groups the rows of `table` by the combination of the `qi` columns (all rows form one class
/// when `qi` is empty). O(rows × qi) time.
ClassStats equivalenceClasses(const Table& table, const std::vector<std::size_t>& qi);

/// The same from ids: rows with equal `classOf` (ids in [0, idCount), e.g. one side of a
/// JointIds) form a class; ids no row has are not classes.
ClassStats equivalenceClasses(const std::vector<uint32_t>& classOf, uint32_t idCount);

/// Classes smaller than k and the records in them (the k-anonymity shortfall).
struct BelowK {
  std::size_t classes = 0;
  std::size_t records = 0;
};

/// Classes of size < k among `stats` (k = 2 gives the sample uniques).
BelowK classesBelowK(const ClassStats& stats, std::size_t k);

/// Shorthand for classesBelowK(equivalenceClasses(table, qi), k).
BelowK classesBelowK(const Table& table, const std::vector<std::size_t>& qi, std::size_t k);

/// l-diversity of one sensitive column over the equivalence classes of `qi`.
struct DiversityStats {
  std::size_t classes = 0;
  /// Classes whose sensitive cells all hold the same value (size-1 classes included).
  std::size_t homogeneousClasses = 0;
  std::size_t recordsInHomogeneousClasses = 0;
  /// Homogeneous classes of 2 or more records: the homogeneity attack proper (k-anonymous in
  /// name, yet everyone in the class shares the sensitive value).
  std::size_t homogeneousClassesOfTwoOrMore = 0;
  /// Distinct l-diversity: the smallest number of distinct sensitive values in a class
  /// (0 for an empty table).
  std::size_t distinctL = 0;
};

/// Distinct l-diversity and homogeneous classes of column `sensitive` on the classes of `qi`.
DiversityStats lDiversity(const Table& table, const std::vector<std::size_t>& qi,
                          std::size_t sensitive);

/// The same from ids: classes are the rows with equal `classOf` (ids in [0, classCount); ids no
/// row has are not classes), values the rows' `valueOf` (ids in [0, valueCount)).
DiversityStats lDiversity(const std::vector<uint32_t>& classOf, uint32_t classCount,
                          const std::vector<uint32_t>& valueOf, uint32_t valueCount);

/// Number of classes of `qi` in which column `sensitive` takes a single value
/// (= lDiversity(table, qi, sensitive).homogeneousClasses).
std::size_t homogeneousClasses(const Table& table, const std::vector<std::size_t>& qi,
                               std::size_t sensitive);

// -------------------------------------------------------------- ids shared by the two files

/// Ids for the rows of the original and the pseudo table in one id space: two rows get the same
/// id exactly when their cells in the given columns are byte-equal. Ids are dense, assigned in
/// order of first appearance, original rows first, so ids [0, countInOriginal) are the
/// combinations that occur in the original and [countInOriginal, count) occur only in the pseudo
/// data.
struct JointIds {
  std::vector<uint32_t> original;  ///< one id per original row
  std::vector<uint32_t> pseudo;    ///< one id per pseudo row
  uint32_t count = 0;
  uint32_t countInOriginal = 0;
};

/// One column of the original and one of the pseudo table in one id space (the JointIds of that
/// pair), with a 64-bit hash of each id's cell text: the coded form every measure below works on,
/// made once per column so that no measure reads the text again.
struct CodedColumn {
  JointIds ids;
  /// cellHash[id] = 64-bit hash of the cell bytes of `id` (what expectedCopiedShareByChance
  /// shuffles), for every id in [0, ids.count).
  std::vector<uint64_t> cellHash;
  /// Where each id first appears: row firstRow[id] of `originalColumn` for ids below
  /// ids.countInOriginal, of `pseudoColumn` above (the columns of the tables it was made from).
  std::vector<uint32_t> firstRow;
  const TextColumn* originalColumn = nullptr;
  const TextColumn* pseudoColumn = nullptr;

  /// The cell text of `id` (a view into its table: valid while the table lives unchanged).
  std::string_view value(uint32_t id) const {
    return id < ids.countInOriginal ? originalColumn->at(firstRow[id])
                                    : pseudoColumn->at(firstRow[id]);
  }
};

/// Codes column `colOrig` of `original` and `colPseudo` of `pseudo` (throws std::invalid_argument
/// for an index out of range). A dictionary column costs O(rows) array look-ups plus O(distinct)
/// hashing; a plain one looks each cell up once (a cell of up to 7 bytes without hashing its
/// text). `pseudo` may be null (no pseudo rows). The result refers to both tables' columns.
CodedColumn codeColumn(const Table& original, std::size_t colOrig, const Table* pseudo,
                       std::size_t colPseudo);

/// Joint ids of the combinations of several coded columns (a pointer per column, each with
/// `originalRows` and `pseudoRows` ids; none = every row gets id 0): two rows get the same id
/// exactly when they have the same id in every column, so the result equals jointIds on the
/// columns' cells (ids in order of first appearance, original rows first). A row's ids make one
/// 64-bit mixed-radix key (columns whose counts multiply past 2^64 are combined a group at a
/// time), mapped to ids through a dense array when the keys are few, else through a hash table
/// of about 23 bytes per distinct key while it runs.
JointIds combineJointIds(const std::vector<const JointIds*>& columns, std::size_t originalRows,
                         std::size_t pseudoRows);

/// Joint ids of the combinations of `colsOrig` (original) and `colsPseudo` (pseudo); the two lists
/// pair up column by column and must have the same length (empty = every row gets id 0).
/// = combineJointIds of the codeColumn of each pair.
JointIds jointIds(const Table& original, const std::vector<std::size_t>& colsOrig,
                  const Table& pseudo, const std::vector<std::size_t>& colsPseudo);

/// Shorthand for the per-column JointIds of some coded columns.
std::vector<const JointIds*> idsOf(const std::vector<const CodedColumn*>& columns);

/// Numbers of coded columns without a row-major copy: value (r, j) of the original is
/// number[j][ids[j]->original[r]], of the pseudo data number[j][ids[j]->pseudo[r]].
struct CodedNumbers {
  std::vector<const JointIds*> ids;
  std::vector<std::vector<double>> number;  ///< per column, the number of each id (NaN = none)
};

/// The numbers of coded columns, each id's cell parsed once as numericMatrix parses it. The
/// result points to the columns' ids: they must outlive it.
CodedNumbers codedNumbers(const std::vector<const CodedColumn*>& columns);

/// Numbers, row-major: value (r, c) is values[r * cols + c]; NaN marks a missing value.
struct NumericMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;

  double at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};

/// Parses the given columns with parseDecimal (full-width digits, separators, ▲ …); missing-value
/// tokens and cells that are not numbers become NaN. A dictionary column's values are parsed
/// once each.
NumericMatrix numericMatrix(const Table& table, const std::vector<std::size_t>& cols);

// ------------------------------------------------------------------------------- copied rows

/// Share of pseudo rows whose cells in `colsPseudo` equal those of SOME original row in `colsOrig`
/// (the lists pair up column by column). 0 when the pseudo table has no rows. Cells compare as
/// bytes: numbers must be written the same way in both files to count as equal.
double copiedRowShare(const Table& original, const Table& pseudo,
                      const std::vector<std::size_t>& colsOrig,
                      const std::vector<std::size_t>& colsPseudo);

/// The same on coded columns (one JointIds per column pair).
double copiedRowShare(const std::vector<const JointIds*>& columns);

/// The share copiedRowShare would give by chance: the original is shuffled within its clusters
/// (the combination of `clusterColumns`; empty = one cluster), each column of `cols` with its own
/// random permutation, and the share of shuffled rows equal to some original row on `cols` is
/// averaged over `repetitions` (>= 1) shuffles. Pass the same rows and columns as to
/// copiedRowShare (the released clusters of the original). Rows are compared by a 64-bit hash of
/// their cells here (no second byte comparison), so a false match has probability below
/// rows²/2^64 (5e-8 at a million rows). O(repetitions × rows × cols) time, about 50 bytes of
/// memory per row.
double expectedCopiedShareByChance(const Table& original, const std::vector<std::size_t>& cols,
                                   const std::vector<std::size_t>& clusterColumns, Rng& rng,
                                   int repetitions = 1);

/// The same on coded columns: the original side of each of `columns` (their cell hashes) and
/// the clusters `clusters.original` (ids [0, clusters.countInOriginal) in order of first
/// appearance, as combineJointIds gives them). Same figures and random draws as the form above.
double expectedCopiedShareByChance(const std::vector<const CodedColumn*>& columns,
                                   const JointIds& clusters, Rng& rng, int repetitions = 1);

// ------------------------------------------------------------------ replicated uniques (repU)

/// synthpop's replicated uniques on a set of quasi-identifiers.
struct ReplicatedUniques {
  std::size_t originalRows = 0;
  std::size_t originalUniques = 0;  ///< records unique in the original on the QIs
  std::size_t pseudoUniques = 0;    ///< records unique in the pseudo data on the QIs
  std::size_t replicated = 0;       ///< original uniques whose combination is unique in pseudo too
  double percent = 0.0;             ///< repU = 100 × replicated / originalRows (0 if no rows)
};

/// Records unique on the QIs in the original whose combination also appears exactly once in the
/// pseudo data (synthpop's repU; percentage of all original records).
ReplicatedUniques replicatedUniques(const Table& original, const Table& pseudo,
                                    const std::vector<std::size_t>& qiOrig,
                                    const std::vector<std::size_t>& qiPseudo);

/// The same from the joint ids of the QI combinations.
ReplicatedUniques replicatedUniques(const JointIds& qi);

// --------------------------------------------------------------------------- record linkage

struct LinkageOptions {
  std::size_t targets = 2000;  ///< sampled original records (all eligible ones if fewer)
  /// Divide each numeric column by the original's standard deviation (n − 1, non-missing values)
  /// before measuring distances; a column with sd 0 or no values keeps its scale.
  bool standardise = true;
};

struct LinkageResult {
  std::size_t targets = 0;
  std::size_t correct = 0;  ///< targets whose pick was their own pseudo record
  double rate = 0.0;        ///< correct / targets
  WilsonInterval rateInterval;
  /// Mean over targets of 1 / (pseudo records in the target's cluster): a blind guess within the
  /// cluster.
  double chanceRate = 0.0;
  /// Wilson interval at chanceRate × targets expected successes: where a blind guesser's measured
  /// rate would fall (binomial approximation; conservative).
  WilsonInterval chanceInterval;
  std::size_t targetsWithoutQiMatch = 0;  ///< no pseudo record of the cluster shared the QIs
  std::size_t targetsWithoutCluster = 0;  ///< the cluster had no pseudo record at all
  std::size_t targetsWithTies = 0;        ///< 2 or more candidates were equally near
  double meanCandidates = 0.0;            ///< mean size of the set the attacker chose from
};

/// Record linkage: the attacker knows each target's cluster, quasi-identifiers (exact match) and
/// numbers, and picks the pseudo record nearest (Euclidean, on standardised numbers) among the
/// pseudo records of the target's cluster that share its QI combination. If none shares it, the
/// whole cluster is searched; if the cluster has no pseudo record, all pseudo records are.
/// Equally near candidates (common in swapped data) are broken uniformly at random. The pick is
/// correct when it is the target's own record, trueMatch[target].
///   cluster, qi: JointIds of the cluster column(s) and of the QI columns (QIs may be empty);
///   numericOrig, numericPseudo: the attacker's numbers (same columns; 0 columns = QIs only);
///     missing values: both missing add 0, one missing adds 1 (one sd) to the squared distance;
///   trueMatch: per original row, the pseudo row made from it, or −1 (not released).
/// Targets are sampled without replacement among original rows with trueMatch >= 0.
/// Cost: O(targets × candidates × numeric columns) plus O(rows) to index the pseudo data.
LinkageResult recordLinkage(const JointIds& cluster, const JointIds& qi,
                            const NumericMatrix& numericOrig, const NumericMatrix& numericPseudo,
                            const std::vector<int64_t>& trueMatch, Rng& rng,
                            const LinkageOptions& options = {});
/// The same with the numbers of coded columns (same figures and random draws for the same
/// numbers).
LinkageResult recordLinkage(const JointIds& cluster, const JointIds& qi,
                            const CodedNumbers& numbers, const std::vector<int64_t>& trueMatch,
                            Rng& rng, const LinkageOptions& options = {});

// ----------------------------------------------------------------------- attribute inference

struct InferenceResult {
  std::size_t targets = 0;
  std::size_t correct = 0;  ///< targets whose sensitive value was guessed right
  double accuracy = 0.0;    ///< correct / targets
  WilsonInterval accuracyInterval;
  /// Expected accuracy of guessing the cluster's most frequent value in the original (a value
  /// tied with m − 1 others for most frequent counts 1/m).
  double baseline = 0.0;
  WilsonInterval baselineInterval;        ///< Wilson at baseline × targets expected successes
  std::size_t targetsWithoutQiMatch = 0;  ///< the guess used the whole cluster
};

/// Attribute inference, per sensitive column: the attacker knows a target's cluster and QIs and
/// guesses the most frequent value of the column among the pseudo records of that cluster sharing
/// the QI combination (the whole cluster if none does; ties broken uniformly at random). Targets
/// (the same for every column) are sampled without replacement among original rows whose cluster
/// has pseudo records. `sensitive` holds one JointIds per sensitive column.
/// Returns one result per entry of `sensitive`.
std::vector<InferenceResult> attributeInference(const JointIds& cluster, const JointIds& qi,
                                                const std::vector<JointIds>& sensitive, Rng& rng,
                                                std::size_t targets = 2000);
/// The same with the sensitive columns' ids by pointer (no copies).
std::vector<InferenceResult> attributeInference(const JointIds& cluster, const JointIds& qi,
                                                const std::vector<const JointIds*>& sensitive,
                                                Rng& rng, std::size_t targets = 2000);

// ------------------------------------------------------- distance to closest record (SDMetrics)

struct DcrOptions {
  std::size_t queries = 2000;         ///< pseudo rows sampled (0 = all); as many random rows
  std::size_t referenceRows = 10000;  ///< original rows searched (0 = all)
};

struct DcrResult {
  std::size_t queries = 0;
  std::size_t referenceRows = 0;
  double medianSynthetic = 0.0;  ///< median DCR of the sampled pseudo rows to the original
  double medianRandom = 0.0;     ///< median DCR of as many random rows to the original
  /// SDMetrics DCRBaselineProtection: min(1, medianSynthetic / medianRandom); NaN when
  /// medianRandom is 0 (the columns allow too few combinations to measure).
  double score = 0.0;
  double syntheticAtZero = 0.0;  ///< share of sampled pseudo rows at distance 0 (exact copies)
};

/// SDMetrics' DCRBaselineProtection. Distance between two rows = mean over columns of: a
/// categorical column 0 if equal else 1; a numeric column min(1, |a − b| / range), range = max −
/// min of the original (range 0: 0 if equal else 1; both missing 0, one missing 1). DCR of a row
/// = distance to the nearest row of the reference: the original, or a random sample of it
/// (DcrOptions::referenceRows) so that 1,000,000 rows stay fast — a sample makes both medians
/// larger, and the score a little kinder, than a search of every original row would. Random rows
/// (as many as sampled pseudo rows, as SDMetrics does) draw each categorical column uniformly
/// among the categories present in the original (an empty cell is a category) and each numeric
/// column uniformly in the original's [min, max].
///   categorical: one JointIds per categorical column; numericOrig / numericPseudo: numbers.
/// At least one column is needed. Empty original or pseudo data gives zeros and score NaN.
/// Cost: O(2 × queries × referenceRows × columns).
DcrResult dcrBaselineProtection(const std::vector<JointIds>& categorical,
                                const NumericMatrix& numericOrig,
                                const NumericMatrix& numericPseudo, Rng& rng,
                                const DcrOptions& options = {});
/// The same with the categorical columns' ids by pointer and the numbers of coded columns (same
/// figures and random draws for the same ids and numbers).
DcrResult dcrBaselineProtection(const std::vector<const JointIds*>& categorical,
                                const CodedNumbers& numbers, Rng& rng,
                                const DcrOptions& options = {});

}  // namespace pc
