package engines_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/engine"
	"github.com/mlops/modelwatch/pkg/ingest"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/clickhouse"
	"github.com/mlops/modelwatch/tests/internal/chserver"
)

// A file loaded into ClickHouse is hostile or huge at worst: a column name carrying SQL is
// refused before anything runs, and text carrying SQL, quotes, backslashes or 1 MiB is stored
// verbatim. Read back, such values are bound into queries as literals that hold them exactly
// (clickhouse-go writes values on the client): a filter or model name carrying SQL selects the
// rows holding that text and nothing else.
func TestClickHouseHostileAndHugeValues(t *testing.T) {
	srv := chserver.Start(t)
	ctx := context.Background()
	write := testFiles(t)
	w, err := clickhouse.OpenWriter(ctx, clickhouse.Options{Address: srv.Addr, Database: "default", User: "default"}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	evils := []string{`'); DROP TABLE predictions; --`, `\'; DROP TABLE predictions; --`, `x\`, `$1 $2 ? {p:String}`}
	huge := strings.Repeat("x", 1<<20)
	csv := "prediction_id,ts,model,model_version,segment\n"
	for i, e := range evils {
		csv += "e" + string(rune('0'+i)) + ",2026-03-01T00:00:0" + string(rune('0'+i)) + "Z,m,A,\"" + strings.ReplaceAll(e, `"`, `""`) + "\"\n"
	}
	csv += "big,2026-03-01T00:00:09Z,m,A," + huge + "\n"
	if _, err := ingest.LoadFile(ctx, w, write("good.csv", csv)); err != nil {
		t.Fatal(err)
	}
	requireHostileHeaderRefused(t, w, write)

	got := map[string]string{}
	rows, err := srv.Admin(t).QueryContext(ctx, "SELECT prediction_id, segment FROM predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, seg string
		if err := rows.Scan(&id, &seg); err != nil {
			t.Fatal(err)
		}
		got[id] = seg
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(got) != len(evils)+1 || got["big"] != huge {
		t.Fatalf("stored %d rows, the big one %d bytes", len(got), len(got["big"]))
	}
	st, err := clickhouse.Open(clickhouse.Options{Address: srv.Addr, Database: "default", User: chserver.User, Password: chserver.Password}, "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for i, e := range evils {
		if got["e"+string(rune('0'+i))] != e {
			t.Errorf("stored %q, want %q", got["e"+string(rune('0'+i))], e)
		}
		filter, _ := json.Marshal(map[string]any{"schemaVersion": 1, "queryType": "operations", "model": "m", "format": "numeric",
			"filters": []map[string]any{{"column": "segment", "op": "in", "values": []string{e}}}})
		if n := requests(t, run(t, st, filter, from, to)); n != 1 {
			t.Errorf("filter on %q: %v requests, want the one row holding it", e, n)
		}
		model, _ := json.Marshal(map[string]any{"schemaVersion": 1, "queryType": "operations", "model": e, "format": "numeric"})
		rq, err := query.Parse(model)
		if err != nil {
			t.Fatal(err)
		}
		q, err := query.Validate(rq, query.Window{From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		// A model of that name has no rows: the store says so, the statement ran as written.
		if _, err := (&engine.Engine{Store: st}).Run(ctx, q); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("model %q: %v, want not found", e, err)
		}
	}
	if n, err := st.Count(ctx); err != nil || n != int64(len(evils)+1) {
		t.Errorf("%d rows after the queries (%v): the table must be untouched", n, err)
	}

	// A hostile segment column name is refused before anything is created.
	if err := clickhouse.BuildRollups(ctx, clickhouse.Options{Address: srv.Addr, Database: "default", User: "default"}, "predictions", []string{`x"; DROP TABLE predictions; --`}, false); err == nil || !strings.Contains(err.Error(), "segment column") {
		t.Errorf("hostile segment: %v", err)
	}

	// The rollups kept per segment hold the same values (the 1 MiB one too) as keys of their
	// states, and a filter answered from them selects exactly the row holding its value.
	if err := clickhouse.BuildRollups(ctx, clickhouse.Options{Address: srv.Addr, Database: "default", User: "default"}, "predictions", []string{"segment"}, false); err != nil {
		t.Fatal(err)
	}
	rolled := openClickHouse(t, srv)
	requireRollups(t, rolled)
	for _, e := range evils {
		filter, _ := json.Marshal(map[string]any{"schemaVersion": 1, "queryType": "operations", "model": "m", "format": "numeric",
			"filters": []map[string]any{{"column": "segment", "op": "=", "values": []string{e}}}})
		frames := runOn(t, &engine.Engine{Store: rolled, Rollups: true}, filter, query.Window{From: from, To: to})
		if n := requests(t, frames); n != 1 {
			t.Errorf("filter on %q through the rollups: %v requests, want the one row holding it", e, n)
		}
		if custom, _ := frames[0].Meta.Custom.(map[string]any); custom["source"] != "rollup" {
			t.Errorf("filter on %q: source %v, want the rollups", e, custom["source"])
		}
	}
}

// requests is the request count of an operations query's numeric frames (-1 when absent).
func requests(t *testing.T, frames data.Frames) float64 {
	t.Helper()
	for _, f := range frames {
		for _, fld := range f.Fields {
			if fld.Name == "requests" && fld.Len() > 0 {
				if v, ok := fld.ConcreteAt(0); ok {
					if x, ok := v.(float64); ok {
						return x
					}
				}
			}
		}
	}
	return -1
}
