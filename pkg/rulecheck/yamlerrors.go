package rulecheck

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	yamlLineRE    = regexp.MustCompile(`line (\d+): `)
	yamlUnknownRE = regexp.MustCompile(`field (\S+) not found in type rulecheck\.(\w+)`)
)

// locate rewrites a YAML decoding error: each line is told with the rule it falls in, and an
// unknown key with the keys that are allowed there.
func locate(raw []byte, err error) string {
	var starts []ruleStart
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) == nil {
		starts = ruleStarts(&doc)
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
	msg = yamlUnknownRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := yamlUnknownRE.FindStringSubmatch(m)
		return fmt.Sprintf("unknown key %q (keys are case-sensitive: %s)", sub[1], strings.Join(yamlKeys(sub[2]), ", "))
	})
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if m := yamlLineRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			where := ""
			for _, s := range starts {
				if s.line <= n {
					where = s.where
				}
			}
			if where != "" {
				l = where + ": " + l
			}
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "; ")
}

// ruleStart is the line where a group or a rule starts, and how errors name it.
type ruleStart struct {
	line  int
	where string
}

// ruleStarts lists where each group and rule starts in the document, in line order.
func ruleStarts(doc *yaml.Node) []ruleStart {
	var out []ruleStart
	value := func(m *yaml.Node, key string) *yaml.Node {
		for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i+1]
			}
		}
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	groups := value(doc.Content[0], "groups")
	if groups == nil || groups.Kind != yaml.SequenceNode {
		return nil
	}
	for gi, g := range groups.Content {
		gwhere := fmt.Sprintf("groups[%d]", gi)
		if n := value(g, "name"); n != nil {
			gwhere = fmt.Sprintf("group %q", clip(n.Value))
		}
		out = append(out, ruleStart{g.Line, gwhere})
		rules := value(g, "rules")
		if rules == nil || rules.Kind != yaml.SequenceNode {
			continue
		}
		for ri, r := range rules.Content {
			where := fmt.Sprintf("%s: rules[%d]", gwhere, ri)
			if n := value(r, "uid"); n != nil {
				where = fmt.Sprintf("%s: rule %q", gwhere, clip(n.Value))
			}
			out = append(out, ruleStart{r.Line, where})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].line < out[j].line })
	return out
}

// yamlKeys lists the YAML keys of a type of this package, by its name.
func yamlKeys(typeName string) []string {
	types := map[string]reflect.Type{
		"File": reflect.TypeOf(File{}), "Group": reflect.TypeOf(Group{}), "Rule": reflect.TypeOf(Rule{}),
		"Query": reflect.TypeOf(Query{}), "RelativeTimeRange": reflect.TypeOf(RelativeTimeRange{}),
		"DeleteRule": reflect.TypeOf(DeleteRule{}),
	}
	t, ok := types[typeName]
	if !ok {
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("yaml"); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}
