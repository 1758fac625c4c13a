package shard

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// binSample has every kind the codec keeps, nested the way the commands'
// payloads nest them (pointers to structs in slices, maps of maps).
type binSample struct {
	B      bool
	I      int
	I8     int8
	U16    uint16
	U      uint64
	F32    float32
	F      float64
	C      complex128
	S      string
	Bytes  []byte
	Fs     []float64
	Nested map[string]map[string]float64
	Keys   map[int]string
	Ptr    *binSample
	Arr    [3]int32
	Kids   []*binSample
	Empty  []string
	hidden int // not kept, as with encoding/gob
}

func roundTrip(t interface{ Fatal(...any) }, v, into any) {
	if err := RoundTrip(v, into); err != nil {
		t.Fatal(err)
	}
}

func TestBinRoundTrip(t *testing.T) {
	negZero := math.Copysign(0, -1)
	in := binSample{
		B: true, I: -1 << 62, I8: -128, U16: 65535, U: math.MaxUint64,
		F32: float32(math.Inf(-1)), F: math.NaN(), C: complex(negZero, math.Inf(1)),
		S: "ünï\x00code", Bytes: []byte{0, 1, 255}, Fs: []float64{negZero, math.SmallestNonzeroFloat64, math.MaxFloat64, math.Float64frombits(0x7ff8000000000001)},
		Nested: map[string]map[string]float64{"a": {"x": 1, "y": math.Inf(1)}, "b": nil, "c": {}},
		Keys:   map[int]string{3: "three", -1: "minus one"},
		Ptr:    &binSample{S: "child", Kids: []*binSample{nil, {}}},
		Arr:    [3]int32{math.MinInt32, 0, math.MaxInt32},
		Kids:   []*binSample{},
		Empty:  nil,
		hidden: 7,
	}
	var out binSample
	roundTrip(t, in, &out)
	// Floats bit for bit (NaN payloads and −0 included), then the rest.
	bits := func(fs []float64) []uint64 {
		var u []uint64
		for _, f := range fs {
			u = append(u, math.Float64bits(f))
		}
		return u
	}
	if !reflect.DeepEqual(bits(out.Fs), bits(in.Fs)) || math.Float64bits(out.F) != math.Float64bits(in.F) ||
		math.Float64bits(real(out.C)) != math.Float64bits(real(in.C)) {
		t.Errorf("floats not kept exactly: %v %v %v", out.Fs, out.F, out.C)
	}
	in.hidden = 0
	in.F, out.F = 0, 0
	in.Fs, out.Fs = nil, nil
	in.C, out.C = 0, 0
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %#v\nwant %#v", out, in)
	}
	// nil and empty are told apart (gob made both nil).
	if out.Kids == nil || out.Empty != nil || out.Nested["b"] != nil || out.Nested["c"] == nil || out.Ptr.Kids[0] != nil {
		t.Errorf("nil and empty confused: %#v", out)
	}
}

// Equal values give equal bytes: map entries are written in a fixed
// order, whatever order Go's iteration gives.
func TestBinDeterministic(t *testing.T) {
	m := map[string]float64{}
	for i := range 200 {
		m[strings.Repeat("k", i%17)+string(rune('a'+i%26))+string(rune('a'+i/26))] = float64(i)
	}
	first, err := NewBin(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := NewBin(m)
		if !bytes.Equal(first.Bin, again.Bin) {
			t.Fatal("the same map encoded to different bytes")
		}
	}
}

func TestBinProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := map[string][]float64{}
		for range rapid.IntRange(0, 5).Draw(t, "n") {
			fs := rapid.SliceOf(rapid.Float64()).Draw(t, "fs")
			in[rapid.String().Draw(t, "k")] = fs
		}
		var out map[string][]float64
		roundTrip(t, in, &out)
		if len(out) != len(in) {
			t.Fatalf("%d entries back of %d", len(out), len(in))
		}
		for k, fs := range in {
			if len(out[k]) != len(fs) || (fs == nil) != (out[k] == nil) {
				t.Fatalf("%q: %v back for %v", k, out[k], fs)
			}
			for i := range fs {
				if math.Float64bits(fs[i]) != math.Float64bits(out[k][i]) {
					t.Fatalf("%q[%d]: %v back for %v", k, i, out[k][i], fs[i])
				}
			}
		}
	})
}

func TestBinRefuses(t *testing.T) {
	good, err := NewBin(binSample{S: "abc", Fs: []float64{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	type other struct{ S string }
	for _, c := range []struct {
		name string
		data []byte
		into any
		want string
	}{
		{"another type", good.Bin, &other{}, "another layout"},
		{"truncated", good.Bin[:len(good.Bin)-3], &binSample{}, "binSample."},
		{"trailing", append(append([]byte{}, good.Bin...), 0), &binSample{}, "left over"},
		{"not a pointer", good.Bin, binSample{}, "non-nil pointer"},
		{"empty", nil, &binSample{}, "another layout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := decodeBin(c.data, c.into)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
	// A huge length in a few bytes is refused before anything is
	// allocated for it.
	fp := typeFingerprint(reflect.TypeFor[[]float64]())
	data := append(fp[:], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)
	var fs []float64
	if err := decodeBin(data, &fs); err == nil || !strings.Contains(err.Error(), "bytes left") {
		t.Errorf("huge length: %v", err)
	}
	// Values that cannot be kept are refused by name.
	if _, err := NewBin(struct{ F func() }{}); err == nil || !strings.Contains(err.Error(), "func()") {
		t.Errorf("func field: %v", err)
	}
	// A cycle stops at the depth bound instead of running out of stack.
	type node struct{ Next *node }
	n := &node{}
	n.Next = n
	if _, err := NewBin(n); err == nil || !strings.Contains(err.Error(), "deep") {
		t.Errorf("cycle: %v", err)
	}
}

// FuzzBin: any bytes decode to a value or an error, within bounded
// memory, never a panic; what decodes encodes back to the same bytes.
func FuzzBin(f *testing.F) {
	for _, v := range []binSample{{}, {S: "x", Fs: []float64{math.NaN()}, Nested: map[string]map[string]float64{"a": {"b": 1}}, Ptr: &binSample{}}} {
		p, err := NewBin(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Bin)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v binSample
		if decodeBin(data, &v) != nil {
			return
		}
		p, err := NewBin(v)
		if err != nil {
			t.Fatal(err)
		}
		var w binSample
		if err := decodeBin(p.Bin, &w); err != nil {
			t.Fatalf("re-encoded value does not decode: %v", err)
		}
		q, _ := NewBin(w)
		if !bytes.Equal(p.Bin, q.Bin) {
			t.Fatal("encoding is not stable")
		}
	})
}

// A *T written is read into a T, and a T into a *T (the commands write
// their parts through pointers and read them into values).
func TestBinPointerAtTop(t *testing.T) {
	in := &binSample{S: "top"}
	var out binSample
	roundTrip(t, in, &out)
	var outp *binSample
	roundTrip(t, *in, &outp)
	if out.S != "top" || outp == nil || outp.S != "top" {
		t.Errorf("got %q and %v", out.S, outp)
	}
	if _, err := NewBin((*binSample)(nil)); err == nil {
		t.Error("a nil pointer was encoded")
	}
}
