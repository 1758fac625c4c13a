package scenario

import (
	"fmt"
	"strings"
	"testing"
)

func TestTransitionOverlaps(t *testing.T) {
	src := `truce: 1
name: order
horizon: 5
discount: 0.9
actors: [{id: A}, {id: B}]
actions:
  A: {"*": [attack, wait]}
  B: {"*": [defend, yield]}
states:
  - {id: s, initial: true}
  - {id: war, terminal: true}
  - {id: peace, terminal: true}
transitions:
  - from: s
    when: {A: attack, B: defend}
    to: {war: 0.9}
  - from: s
    when: {A: attack}
    to: {war: 0.5}
  - from: s
    when: {B: defend}
    to: {peace: 0.5}
  - from: s
    when: {B: yield}
    to: {peace: 0.5}
strategies:
  A: {x: {"*": {attack: 1}}}
  B: {y: {"*": {defend: 1}}}
profiles:
  p: {A: x, B: y}
`
	sc, ds := Parse("order.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	var got []string
	for _, o := range sc.TransitionOverlaps() {
		got = append(got, fmt.Sprintf("%d-%d@%d/%d:%d %s", o.First, o.Second, o.FirstPos.Line, o.SecondPos.Line, o.Cases, o.Example))
	}
	// Rule 0 is a special case of rules 1 and 2 (exception before default):
	// not an overlap. Rules 1 and 2 overlap on (attack, defend), which rule
	// 0 settles: not one either. Rules 1 and 3 overlap on (attack, yield),
	// decided by rule 1 with a different outcome.
	want := "1-3@17/23:1 A: attack, B: yield in s"
	if strings.Join(got, "|") != want {
		t.Fatalf("overlaps %q, want %q", got, want)
	}
}
