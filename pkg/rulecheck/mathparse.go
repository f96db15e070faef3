package rulecheck

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A math expression, parsed with Grafana's grammar (pkg/expr/mathexp/parse):
//
//	O -> A {"||" A}
//	A -> C {"&&" C}
//	C -> P {("==" | "!=" | ">" | ">=" | "<" | "<=") P}
//	P -> M {("+" | "-") M}
//	M -> E {("*" | "/" | "%") E}
//	E -> F {"**" F}
//	F -> number | $var | ${var} | func "(" O {"," O} ")" | "(" O ")" | "!" F | "-" F
type mathNode interface{ String() string }

type numNode struct{ v float64 }
type varNode struct{ name string }
type unaryNode struct {
	op  string
	arg mathNode
}
type binaryNode struct {
	op   string
	a, b mathNode
}
type funcNode struct {
	name string
	args []mathNode
}

func (n numNode) String() string   { return strconv.FormatFloat(n.v, 'g', -1, 64) }
func (n varNode) String() string   { return "$" + n.name }
func (n unaryNode) String() string { return n.op + n.arg.String() }
func (n binaryNode) String() string {
	return "(" + n.a.String() + " " + n.op + " " + n.b.String() + ")"
}
func (n funcNode) String() string {
	args := make([]string, len(n.args))
	for i, a := range n.args {
		args[i] = a.String()
	}
	return n.name + "(" + strings.Join(args, ", ") + ")"
}

// mathFuncs are the functions of math expressions that check evaluates, by arity.
var mathFuncs = map[string]int{
	"abs": 1, "ceil": 1, "floor": 1, "round": 1, "log": 1,
	"is_nan": 1, "is_inf": 1, "is_null": 1, "is_number": 1,
}

type mathToken struct {
	kind string // num, var, ident, op, eof
	text string
	pos  int
}

func lexMath(s string) ([]mathToken, error) {
	var toks []mathToken
	ops := []string{"**", "==", "!=", ">=", "<=", "&&", "||", "+", "-", "*", "/", "%", ">", "<", "!", "(", ")", ","}
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '$':
			j := i + 1
			if j < len(s) && s[j] == '{' {
				end := strings.IndexByte(s[j:], '}')
				if end < 0 {
					return nil, fmt.Errorf("position %d: ${ without a closing }", i)
				}
				toks = append(toks, mathToken{"var", s[j+1 : j+end], i})
				i = j + end + 1
				continue
			}
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_') {
				j++
			}
			if j == i+1 {
				return nil, fmt.Errorf("position %d: $ without a refId after it", i)
			}
			toks = append(toks, mathToken{"var", s[i+1 : j], i})
			i = j
		case unicode.IsDigit(c) || c == '.':
			j := i
			for j < len(s) && (unicode.IsDigit(rune(s[j])) || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			toks = append(toks, mathToken{"num", s[i:j], i})
			i = j
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(s) && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])) || s[j] == '_') {
				j++
			}
			toks = append(toks, mathToken{"ident", s[i:j], i})
			i = j
		default:
			matched := false
			for _, op := range ops {
				if strings.HasPrefix(s[i:], op) {
					toks = append(toks, mathToken{"op", op, i})
					i += len(op)
					matched = true
					break
				}
			}
			if !matched {
				return nil, fmt.Errorf("position %d: unexpected %q", i, string(c))
			}
		}
	}
	return append(toks, mathToken{"eof", "", len(s)}), nil
}

type mathParser struct {
	toks []mathToken
	i    int
	vars []string
}

// parseMath parses a math expression and lists the refIds it reads.
func parseMath(s string) (mathNode, []string, error) {
	toks, err := lexMath(s)
	if err != nil {
		return nil, nil, err
	}
	p := &mathParser{toks: toks}
	n, err := p.binary(0)
	if err != nil {
		return nil, nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, nil, fmt.Errorf("position %d: unexpected %q after the expression", t.pos, t.text)
	}
	return n, p.vars, nil
}

// levels are the binary operators from the loosest to the tightest binding.
var levels = [][]string{{"||"}, {"&&"}, {"==", "!=", ">", ">=", "<", "<="}, {"+", "-"}, {"*", "/", "%"}, {"**"}}

func (p *mathParser) peek() mathToken { return p.toks[p.i] }
func (p *mathParser) next() mathToken { t := p.toks[p.i]; p.i++; return t }

func (p *mathParser) binary(level int) (mathNode, error) {
	if level == len(levels) {
		return p.factor()
	}
	n, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != "op" || !contains(levels[level], t.text) {
			return n, nil
		}
		p.next()
		b, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		n = binaryNode{op: t.text, a: n, b: b}
	}
}

func (p *mathParser) factor() (mathNode, error) {
	t := p.next()
	switch {
	case t.kind == "num":
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("position %d: %q is not a number", t.pos, t.text)
		}
		return numNode{v}, nil
	case t.kind == "var":
		p.vars = append(p.vars, t.text)
		return varNode{t.text}, nil
	case t.kind == "op" && (t.text == "!" || t.text == "-"):
		arg, err := p.factor()
		if err != nil {
			return nil, err
		}
		return unaryNode{op: t.text, arg: arg}, nil
	case t.kind == "op" && t.text == "(":
		n, err := p.binary(0)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.text != ")" {
			return nil, fmt.Errorf("position %d: expected ) but found %q", c.pos, c.text)
		}
		return n, nil
	case t.kind == "ident":
		return p.call(t)
	case t.kind == "eof":
		return nil, fmt.Errorf("position %d: the expression ends where a value is expected", t.pos)
	}
	return nil, fmt.Errorf("position %d: unexpected %q where a value is expected", t.pos, t.text)
}

func (p *mathParser) call(name mathToken) (mathNode, error) {
	arity, ok := mathFuncs[name.text]
	if !ok {
		return nil, fmt.Errorf("position %d: %s is not a function check evaluates (abs, ceil, floor, round, log, is_nan, is_inf, is_null, is_number)", name.pos, name.text)
	}
	if t := p.next(); t.text != "(" {
		return nil, fmt.Errorf("position %d: expected ( after %s", t.pos, name.text)
	}
	f := funcNode{name: name.text}
	for {
		arg, err := p.binary(0)
		if err != nil {
			return nil, err
		}
		f.args = append(f.args, arg)
		t := p.next()
		if t.text == ")" {
			break
		}
		if t.text != "," {
			return nil, fmt.Errorf("position %d: expected , or ) in the arguments of %s", t.pos, name.text)
		}
	}
	if len(f.args) != arity {
		return nil, fmt.Errorf("position %d: %s takes %d argument(s), has %d", name.pos, name.text, arity, len(f.args))
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
