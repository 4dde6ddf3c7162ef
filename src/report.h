// The report's aggregates (G3): per released cluster and column, the original beside the
// pseudo data, each figure computed afresh from the two tables, and a computed match flag.
//
// Nothing here trusts the engine: the original's rows are grouped by the cluster they
// were released in (merged clusters under their receiving label), the pseudo rows by
// their own key values, and both sides are parsed from text.
#pragma once

#include <string>
#include <vector>

#include "recipe.h"
#include "table.h"

namespace pc {

/// Aggregates of both tables as JSON (schema in docs/report.md):
///   {"clusters": [{label, rows: {original, pseudo, match}, columns: [...], blocks: [...]}],
///    "summary": {clustersReleased, clustersMerged, clustersSuppressed, exact, checks, failed}}
/// `releasedLabel[r]` is the label input row r was released under ("" = suppressed).
/// `resolved` is the resolved recipe (roles, treatments, blocks, reference date).
std::string aggregateReportJson(const Table& original,
                                const TextColumn& releasedLabel, const Table& pseudo,
                                const Recipe& resolved);

/// The risk measures (G4) as JSON, each with a plain sentence in Japanese and English:
/// copied rows (beside the share expected by chance), replicated uniques, record linkage
/// (beside 1/cluster size), attribute inference (beside the cluster majority), k-anonymity
/// and l-diversity of the output, and distance to closest record. `original` is the released
/// original in output form and `trueMatch` its rows' output rows (EngineResult). Quasi-
/// identifiers an attacker is assumed to know: the cluster, ages, sex, and block columns.
std::string riskReportJson(const Table& original, const Table& pseudo,
                           const std::vector<int64_t>& trueMatch, const Recipe& resolved);

}  // namespace pc
