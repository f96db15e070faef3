package engine_test

import (
	"strings"
	"testing"
)

// Regression: a reference window without rows counted every current value as out of range (or
// a new category), so out_of_range_share was 1 and every rule on it fired while the store held
// less history than the reference needs. Undefined is null, with a notice saying why.
func TestQualityWithEmptyReferenceIsUndefined(t *testing.T) {
	eng := smallStore(t)
	// reg/new on day 2, against a reference ten days earlier, when nothing was logged.
	frames, err := runSmall(t, eng, `{"schemaVersion":1,"queryType":"quality","model":"reg","versions":["new"],
		"features":["size","colour"],"metrics":["out_of_range_share","new_category_share","rows"],"format":"numeric",
		"reference":{"type":"shift","shift":"10d"}}`)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	byFeature := map[string]map[string]*float64{}
	names := map[string]int{}
	for i, fl := range f.Fields {
		names[fl.Name] = i
	}
	for r := 0; r < f.Rows(); r++ {
		feature := f.Fields[names["feature"]].At(r).(string)
		byFeature[feature] = map[string]*float64{}
		for _, m := range []string{"out_of_range_share", "new_category_share", "rows"} {
			if i, ok := names[m]; ok {
				byFeature[feature][m] = f.Fields[i].At(r).(*float64)
			}
		}
	}
	if v := byFeature["size"]["out_of_range_share"]; v != nil {
		t.Errorf("size: out_of_range_share %v, want null", *v)
	}
	if v := byFeature["colour"]["new_category_share"]; v != nil {
		t.Errorf("colour: new_category_share %v, want null", *v)
	}
	if v := byFeature["size"]["rows"]; v == nil || *v != 3 {
		t.Errorf("size: rows %v, want 3", v)
	}
	var text []string
	for _, n := range f.Meta.Notices {
		text = append(text, n.Text)
	}
	if !strings.Contains(strings.Join(text, " "), "has no values of size, colour") {
		t.Errorf("notices %q do not say the reference is empty", text)
	}
}
