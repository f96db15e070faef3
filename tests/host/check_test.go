package host_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlops/modelwatch/tests/internal/provfiles"
)

// TestCheckCommandOnIncidents runs the built `modelwatch check` over provisioning/alerting
// against the host test's demo store, rule by rule: exit 0 at the start of the rule's incident
// (the hourly test's incidents: normal up to it) and exit 1 an hour after its detection lag has
// passed (firing throughout), so that the command's verdict and the host test's evaluation
// agree.
func TestCheckCommandOnIncidents(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "modelwatch")
	build := exec.Command("go", "build", "-o", bin, "./pkg/cmd/modelwatch")
	build.Dir = fixture.root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./pkg/cmd/modelwatch: %v\n%s", err, out)
	}
	args := []string{"check", "--db", fixture.storePath, "--rules", filepath.Join(fixture.root, "provisioning", "alerting"), "--output", "json"}
	for uid := range fixture.settings {
		args = append(args, "--datasource", uid)
	}
	check := func(uid string, at time.Time) (int, string) {
		cmd := exec.Command(bin, append(args, "--rule", uid, "--at", at.Format(time.RFC3339))...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, string(out)
		case errors.As(err, &exit):
			return exit.ExitCode(), string(out)
		}
		t.Fatalf("running check: %v", err)
		return -1, ""
	}
	m := fixture.marks
	seen := 0
	for _, rel := range provfiles.SortedKeys(fixture.prov.Alerting) {
		for _, g := range fixture.prov.Alerting[rel].Groups {
			for _, rule := range g.Rules {
				inc, ok := incidents[rule.UID]
				if !ok {
					continue // TestAlertRulesEveryHour reports a rule without an incident
				}
				seen++
				t.Run(rule.UID, func(t *testing.T) {
					start := inc.start(m)
					firing := start.Add(inc.lag + time.Hour)
					if firing.After(m.End) {
						firing = m.End
					}
					for _, c := range []struct {
						at   time.Time
						want int
					}{{start, 0}, {firing, 1}} {
						code, out := check(rule.UID, c.at)
						if code != c.want {
							t.Errorf("at end%+v: exit %d, want %d\n%.2000s", c.at.Sub(m.End), code, c.want, out)
						}
					}
				})
			}
		}
	}
	if seen == 0 {
		t.Fatalf("no provisioned rule has an incident among %d", len(incidents))
	}
}
