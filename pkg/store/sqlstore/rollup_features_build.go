package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// featureRollupInsert returns the statement filling the Features rollup of the rebuilt hours:
// for every feature column, one row per hour, model, version and value (numbers as DOUBLE,
// anything else cast to text as Distribution casts it, NULL for the rows without a value),
// read in one scan of the rows (paired with the feature indexes, as Distribution pairs them).
// An hour, version and feature with more than store.FeatureRollupCap distinct values gets a
// single row instead, marked capped, with the hour's rows as n: queries over it read raw rows.
// where is RollupRebuild's, so that the rows read are the other rollups'.
func (s *Store) featureRollupInsert(ctx context.Context, hourStart func(ts string) string, where func(b *builder)) ([]Statement, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	cols, err := s.columns(ctx, store.ColTS, store.ColModel, store.ColModelVersion)
	if err != nil {
		return nil, err
	}
	ts, model, version := cols[0], cols[1], cols[2]
	var features []store.Column
	for _, c := range sch.Columns {
		if c.Role == store.RoleFeature {
			features = append(features, c)
		}
	}
	if len(features) == 0 {
		return nil, nil
	}
	b := &builder{d: s.d}
	text := s.d.TextType()
	var values, names, numbers, texts, indexes []string
	for i, c := range features {
		name := "mw_x" + strconv.Itoa(i)
		when := " WHEN " + strconv.Itoa(i) + " THEN "
		if c.Kind == store.KindDouble || c.Kind == store.KindInteger {
			values = append(values, "CAST("+s.col(c.Name)+" AS DOUBLE PRECISION) AS "+name)
			numbers = append(numbers, when+name)
		} else {
			values = append(values, "CAST("+s.col(c.Name)+" AS "+text+") AS "+name)
			texts = append(texts, when+name)
		}
		names = append(names, when+b.bind(c.Name))
		indexes = append(indexes, "("+strconv.Itoa(i)+")")
	}
	byFeature := func(whens []string, none string) string {
		if len(whens) == 0 {
			return none
		}
		return "CASE mw_f" + strings.Join(whens, "") + " END"
	}
	segColumns, segValues, segAliases := s.segmentBuild()
	key := "mw_hour, mw_model, mw_version" + segAliases + ", mw_feature"
	b.write("INSERT INTO ", s.d.QuoteIdent(RollupTablesOf(s.table).Features), " (hour, model, model_version", segColumns, ", feature, number, text, capped, n)",
		" SELECT ", key, ", mw_number_out, mw_text_out, mw_capped, CAST(sum(mw_n) AS BIGINT) FROM (")
	b.write("SELECT ", key, ", mw_capped, mw_n, CASE WHEN mw_capped THEN NULL ELSE mw_number END AS mw_number_out,",
		" CASE WHEN mw_capped THEN NULL ELSE mw_text END AS mw_text_out FROM (")
	b.write("SELECT *, count(mw_number) OVER mw_series + count(mw_text) OVER mw_series > ", b.bind(int64(store.FeatureRollupCap)), " AS mw_capped FROM (")
	b.write("SELECT ", key, ", mw_number, mw_text, count(*) AS mw_n FROM (")
	b.write("SELECT mw_hour, mw_model, mw_version", segAliases, ", ", byFeature(names, "NULL"), " AS mw_feature, ",
		byFeature(numbers, "CAST(NULL AS DOUBLE PRECISION)"), " AS mw_number, ",
		byFeature(texts, "CAST(NULL AS "+text+")"), " AS mw_text FROM (")
	b.write("SELECT ", hourStart(ts), " AS mw_hour, ", model, " AS mw_model, ", version, " AS mw_version", segValues, ", ", strings.Join(values, ", "), s.from())
	where(b)
	b.write(") AS mw_rows CROSS JOIN (VALUES ", strings.Join(indexes, ", "), ") AS mw_features(mw_f)")
	b.write(") AS mw_paired GROUP BY ", key, ", mw_number, mw_text")
	b.write(") AS mw_values WINDOW mw_series AS (PARTITION BY ", key, ")")
	b.write(") AS mw_sized")
	// In hour order, so that a range's rows sit together and the engine skips the others.
	b.write(") AS mw_kept GROUP BY ", key, ", mw_capped, mw_number_out, mw_text_out ORDER BY mw_hour, mw_model")
	return []Statement{{SQL: b.String(), Args: b.args}}, nil
}
