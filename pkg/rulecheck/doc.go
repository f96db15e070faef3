// Package rulecheck evaluates Grafana-managed alert rules, as provisioned from files, outside
// Grafana: the rule file types of Grafana's alerting provisioning format (apiVersion 1), their
// decoding with errors that name the file, group, rule and field, the server-side expressions,
// and "evaluate rule R at instant T through a QueryData function". It is pure: the data source
// is reached only through a QueryFunc, so `modelwatch check` calls the data source in-process
// and the host test calls the plugin binary through go-plugin, with one evaluator.
//
// What it follows of Grafana's evaluation (pkg/expr and pkg/services/ngalert):
//   - Data source queries are sent as the alert scheduler sends them: each query's
//     relativeTimeRange before the instant, intervalMs 1000 and maxDataPoints 43200 unless the
//     model sets them, the FromAlert header and no user, one request per data source.
//   - Responses are read as data plane frames: each numeric column of a numeric-long frame is
//     one number labelled by the row's string columns (the column name is not a label); each
//     series of a time series frame is one series. No frames is "no data".
//   - reduce (last, mean, min, max, sum, count, median) turns series into numbers with
//     Grafana's strict semantics (a null or NaN point makes sum, mean, min, max NaN; last is the
//     last point as it is); a number passes through unchanged, except that mode dropNN drops it
//     when it is null, NaN or infinite and mode replaceNN replaces such a value.
//   - math: Grafana's grammar and operators (|| && == != > >= < <= + - * / % ** ! and unary
//     -), number literals, $A and ${A}, the functions abs, ceil, floor, round, log, is_nan,
//     is_inf, is_null and is_number; null operands give null, NaN propagates, and two
//     operands' items are joined by labels as Grafana's union joins them.
//   - threshold: gt, lt, within_range, outside_range and the _included ranges, run as Grafana
//     runs them (as math): 1 or 0, NaN stays NaN, null stays null.
//   - classic_conditions: legacy alerting's reducers and evaluators, conditions joined left to
//     right by and/or, one number without labels (null when every condition had no data).
//   - The condition's numbers give the states: null is NoData, 0 Normal, anything else (NaN
//     included) Alerting; no value at all is one NoData instance; two results with the same
//     labels, or a series, fail the evaluation ("duplicate results", "looks like time series").
//   - StateAt applies noDataState and execErrState (Alerting, NoData, OK, Error, KeepLast) and
//     `for`: the rule is evaluated at the instant and at the instants before it over `for`, one
//     group interval apart (spread over at most MaxForEvaluations instants when `for` spans
//     more), so an instance is Alerting when its condition held at all of them and Pending when
//     it holds at the instant only. A promotion gate asks "would this rule be firing now?", so
//     a condition that has just started to hold is reported but does not count as firing.
//
// What it does not follow:
//   - Evaluation times are the instants asked for, not Grafana's ticks aligned to the interval.
//   - keepFiringFor, a threshold's recovery threshold (unloadEvaluator),
//     missing-series resolution and the resample expression and SQL expressions are not
//     evaluated: an instance that disappears is dropped, and a rule with a resample or SQL
//     expression is refused when loaded.
//   - isPaused: a caller decides (modelwatch check lists a paused rule as skipped).
//   - Other functions of math expressions and data sources other than the one QueryFunc
//     answers: a caller decides which queries its QueryFunc can answer.
package rulecheck
