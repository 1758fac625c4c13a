package markov

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unsafe"

	"pgregory.net/rapid"
)

// TestLaneLayout: the offsets steplanes_amd64.s reads lane and simNode at.
func TestLaneLayout(t *testing.T) {
	var l lane
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"rng.hi", unsafe.Offsetof(l.rng) + unsafe.Offsetof(l.rng.hi), 0},
		{"rng.lo", unsafe.Offsetof(l.rng) + unsafe.Offsetof(l.rng.lo), 8},
		{"x", unsafe.Offsetof(l.x), 16},
		{"nd.off", unsafe.Offsetof(l.nd) + unsafe.Offsetof(l.nd.off), 20},
		{"nd.cnt", unsafe.Offsetof(l.nd) + unsafe.Offsetof(l.nd.cnt), 24},
		{"nv", unsafe.Offsetof(l.nv), 32},
		{"termNode", unsafe.Offsetof(l.termNode), 40},
		{"termStep", unsafe.Offsetof(l.termStep), 48},
		{"live", unsafe.Offsetof(l.live), 56},
		{"rec", unsafe.Offsetof(l.rec), 64},
		{"visited", unsafe.Offsetof(l.visited), 88},
		{"sizeof lane", unsafe.Sizeof(l), 112},
		{"sizeof simNode", unsafe.Sizeof(simNode{}), 8},
		{"sizeof simSlot", unsafe.Sizeof(simSlot{}), 16},
		{"simSlot.next", unsafe.Offsetof(simSlot{}.next), 8},
		{"sizeof nodeRec", unsafe.Sizeof(nodeRec{}), 16},
		{"nodeRec.tau", unsafe.Offsetof(nodeRec{}.tau), 4},
		{"nodeRec.dv", unsafe.Offsetof(nodeRec{}.dv), 8},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, the assembly reads %d", c.name, c.got, c.want)
		}
	}
}

// TestStepLanesSameAsGo: Simulate stepping its lanes in assembly
// (stepLanes, where it exists) prints the same JSON, byte for byte, as
// with the Go loop, on random games (payoffs or none, one discount or
// several, memory, clocks, endings, any horizon and worker count).
func TestStepLanesSameAsGo(t *testing.T) {
	if !stepLanesAsm {
		t.Skip("no assembly step loop on this architecture")
	}
	rapid.Check(t, func(rt *rapid.T) {
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 9))
		g, prof := drawSimGame(rt, r)
		opt := SimOptions{Runs: rapid.IntRange(1, 60).Draw(rt, "runs"), Horizon: rapid.IntRange(0, 5000).Draw(rt, "horizon"),
			Seed: rapid.Uint64().Draw(rt, "sim seed"), Workers: rapid.IntRange(1, 3).Draw(rt, "workers")}
		run := func(byGo bool) []byte {
			o := opt
			o.hooks.stepByGo = byGo
			st, err := Simulate(context.Background(), g, prof, o)
			if err != nil {
				rt.Fatal(err)
			}
			b, err := json.Marshal(st)
			if err != nil {
				rt.Fatal(err)
			}
			return b
		}
		if got, want := run(false), run(true); string(got) != string(want) {
			rt.Fatalf("assembly steps:\n%s\nGo loop:\n%s", got, want)
		}
	})
}
