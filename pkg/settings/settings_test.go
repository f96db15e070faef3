package settings

import (
	"errors"
	"testing"
)

func TestLoad(t *testing.T) {
	cases := []struct {
		name    string
		json    string
		want    Settings
		wantErr bool
	}{
		{name: "defaults fill store and table", json: `{"path":"/tmp/x.duckdb"}`,
			want: Settings{Store: EngineDuckDB, Path: "/tmp/x.duckdb", Table: DefaultTable}},
		{name: "explicit table", json: `{"store":"duckdb","path":"/d.duckdb","table":"preds_v2"}`,
			want: Settings{Store: EngineDuckDB, Path: "/d.duckdb", Table: "preds_v2"}},
		{name: "empty path is refused", json: `{}`, wantErr: true},
		{name: "unknown engine is refused", json: `{"store":"mysql","path":"/x"}`, wantErr: true},
		// Regression: a table name is spliced into SQL (quoted); anything but a plain
		// identifier must be refused before it gets there.
		{name: "table name with a quote is refused", json: `{"path":"/x","table":"p\"; DROP TABLE x; --"}`, wantErr: true},
		{name: "malformed JSON is an error, not a panic", json: `{"path": 3}`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Load([]byte(tc.json), nil)
			if tc.wantErr {
				if !errors.Is(err, ErrSettings) {
					t.Fatalf("want ErrSettings, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
