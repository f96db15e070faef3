package plugin_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/mlops/modelwatch/pkg/plugin"
)

// summaryFixture is the /summary answer over the golden demo store that the Models page's
// browser test renders (tests/browser/models.test.mjs).
const summaryFixture = "../../tests/browser/fixtures/models-summary.json"

// The browser test draws the Models page from the real /summary answer of the demo store: this
// test keeps the committed answer equal to what the route returns. Rewrite it with -update (or
// MODELWATCH_UPDATE_GOLDEN=1) after a deliberate change of the route.
func TestSummaryFixtureMatchesDemoStore(t *testing.T) {
	ds := plugin.New(goldenDemoSettings(t), plugin.OpenStore)
	t.Cleanup(ds.Dispose)
	status, _, body := getSummary(t, ds, "/summary?at="+goldenEnd.Format(time.RFC3339))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(body), "", "  "); err != nil {
		t.Fatal(err)
	}
	got := pretty.Bytes()
	if *updateFrames || os.Getenv("MODELWATCH_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(summaryFixture, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(summaryFixture)
	if err != nil {
		t.Fatalf("%v: write it with `go test ./pkg/plugin -run TestSummaryFixtureMatchesDemoStore -update`", err)
	}
	if diff := jsonDiff(t, want, got); diff != "" {
		t.Errorf("the demo store's /summary differs from %s: %s\nIf the change is intended, rewrite it with "+
			"`go test ./pkg/plugin -run TestSummaryFixtureMatchesDemoStore -update`", summaryFixture, diff)
	}
}
