package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mlops/modelwatch/pkg/rulecheck"
)

// checkReport is everything `modelwatch check` prints.
type checkReport struct {
	At         time.Time
	Rules      string
	ForVersion string
	Results    []checkResult
}

// firing lists the uids of the rules with an instance Grafana would notify for.
func (r checkReport) firing() []string {
	out := []string{}
	for _, res := range r.Results {
		if res.fires() {
			out = append(out, res.Rule.UID)
		}
	}
	return out
}

func (r checkReport) evaluated() int {
	n := 0
	for _, res := range r.Results {
		if res.Skipped == "" {
			n++
		}
	}
	return n
}

func (r checkReport) noVersionLabel() []string {
	var out []string
	for _, res := range r.Results {
		if res.NoVersionLabel {
			out = append(out, res.Rule.UID)
		}
	}
	return out
}

// jsonValue is a number as JSON can hold it: NaN and infinities as strings, null as null.
func jsonValue(v *float64) any {
	switch {
	case v == nil:
		return nil
	case math.IsNaN(*v) || math.IsInf(*v, 0):
		return fmt.Sprint(*v)
	}
	return *v
}

func writeCheckJSON(w io.Writer, r checkReport) error {
	type instance struct {
		Labels    map[string]string `json:"labels"`
		State     string            `json:"state"`
		Condition string            `json:"condition"`
		Since     string            `json:"since,omitempty"`
		Values    map[string]any    `json:"values"`
	}
	type result struct {
		UID            string     `json:"uid"`
		Title          string     `json:"title"`
		File           string     `json:"file"`
		Group          string     `json:"group"`
		State          string     `json:"state"`
		For            string     `json:"for,omitempty"`
		Evaluations    int        `json:"evaluations,omitempty"`
		Error          string     `json:"error,omitempty"`
		Skipped        string     `json:"skipped,omitempty"`
		NoVersionLabel bool       `json:"noVersionLabel,omitempty"`
		Instances      []instance `json:"instances"`
	}
	out := struct {
		At         string   `json:"at"`
		Rules      string   `json:"rules"`
		ForVersion string   `json:"forVersion,omitempty"`
		Firing     []string `json:"firing"`
		Results    []result `json:"results"`
	}{At: r.At.Format(time.RFC3339), Rules: r.Rules, ForVersion: r.ForVersion, Firing: r.firing(), Results: []result{}}
	for _, res := range r.Results {
		j := result{UID: res.Rule.UID, Title: res.Rule.Title, File: res.File, Group: res.Group, State: res.summary(),
			For: res.Rule.For, Evaluations: res.State.Evaluations, Skipped: res.Skipped, NoVersionLabel: res.NoVersionLabel, Instances: []instance{}}
		if res.State.Err != nil {
			j.Error = res.State.Err.Error()
		}
		for _, in := range res.State.Instances {
			ji := instance{Labels: map[string]string(in.Labels), State: string(in.State), Condition: string(in.Condition), Values: map[string]any{}}
			if ji.Labels == nil {
				ji.Labels = map[string]string{}
			}
			if in.State == rulecheck.StatePending || in.State == rulecheck.StateAlerting {
				ji.Since = in.Since.Format(time.RFC3339)
			}
			for ref, v := range in.Values {
				ji.Values[ref] = jsonValue(v)
			}
			j.Instances = append(j.Instances, ji)
		}
		out.Results = append(out.Results, j)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

func writeCheckTable(w io.Writer, r checkReport) error {
	head := fmt.Sprintf("modelwatch check at %s: %d rules from %s", r.At.Format(time.RFC3339), len(r.Results), r.Rules)
	if r.ForVersion != "" {
		head += fmt.Sprintf(", instances of version %s", r.ForVersion)
	}
	fmt.Fprintln(w, head)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tRULE\tINSTANCE\tVALUES")
	for _, res := range r.Results {
		switch {
		case res.Skipped != "":
			fmt.Fprintf(tw, "Skipped\t%s\t-\t%s\n", res.Rule.UID, res.Skipped)
			continue
		case len(res.State.Instances) == 0:
			note := "no instance"
			if r.ForVersion != "" {
				note = "no instance of version " + r.ForVersion
			}
			fmt.Fprintf(tw, "Normal\t%s\t-\t%s\n", res.Rule.UID, note)
			continue
		}
		for _, in := range res.State.Instances {
			labels := in.Labels.String()
			if labels == "" {
				labels = "{}"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", stateText(in), res.Rule.UID, labels, valuesText(in.Values))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, res := range r.Results {
		if res.State.Err != nil {
			fmt.Fprintf(w, "error of %s: %s\n", res.Rule.UID, clipped(res.State.Err.Error()))
		}
	}
	if nv := r.noVersionLabel(); len(nv) > 0 {
		fmt.Fprintf(w, "no version label: %s (--for-version selects none of their instances)\n", strings.Join(nv, ", "))
	}
	firing := r.firing()
	line := fmt.Sprintf("%d of %d evaluated rules fire", len(firing), r.evaluated())
	if len(firing) > 0 {
		line += ": " + strings.Join(firing, ", ")
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

// stateText is an instance's state; Pending says since when its condition holds, and a state
// that noDataState or execErrState gave says what the condition was.
func stateText(in rulecheck.InstanceState) string {
	s := string(in.State)
	switch {
	case in.State == rulecheck.StatePending:
		s += " (since " + in.Since.Format(time.RFC3339) + ")"
	case in.Condition != in.State && in.State != rulecheck.StateAlerting:
		s += " (condition " + string(in.Condition) + ")"
	}
	return s
}

func valuesText(values map[string]*float64) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := values[k]
		s := "null"
		if v != nil {
			s = formatFloat(*v)
		}
		parts[i] = k + "=" + s
	}
	return strings.Join(parts, " ")
}
