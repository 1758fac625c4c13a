package nashcli_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/nashcli"
)

// TestGambitFixedDecimalsBytes: in floating point, --format gambit prints
// what gambit-lcp -d D prints, byte for byte: Gambit's CSV renderers write
// D digits after the point, zeros included ("0.000000"), not significant
// digits (nash/testdata/gambit-fixed, from Gambit 17.0.0-alpha.2).
// gambit-logit's lines, with significant digits, stay as they were.
func TestGambitFixedDecimalsBytes(t *testing.T) {
	const ref = "../../nash/testdata/gambit-fixed/"
	for _, c := range []struct {
		want string
		args []string
	}{
		{"rand_15x15_s2015.lcp.d6.out", []string{"../../nash/testdata/bench/rand_15x15_s2015.nfg", "--method", "lcp", "--all", "--decimals", "6"}},
		{"rand_15x15_s2015.lcp.d10.out", []string{"../../nash/testdata/bench/rand_15x15_s2015.nfg", "--method", "lcp", "--all", "--decimals", "10"}},
		{"rand_15x15_s2015.lcp-one.d6.out", []string{"../../nash/testdata/bench/rand_15x15_s2015.nfg", "--method", "lcp", "--decimals", "6"}},
		{"8x8.lcp.d6.out", []string{"../../nash/testdata/gambit/8x8.nfg", "--method", "lcp", "--all", "--decimals", "6"}},
		{"8x8.lcp.d4.out", []string{"../../nash/testdata/gambit/8x8.nfg", "--method", "lcp", "--all", "--decimals", "4"}},
	} {
		want, err := os.ReadFile(ref + c.want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(want, []byte("0.0000")) {
			t.Fatalf("%s has no fixed-decimal zero: not the output this test is about", c.want)
		}
		var out, errb bytes.Buffer
		if code := nashcli.Main(context.Background(), "truce-nash", append(c.args, "--format", "gambit"), nil, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errb.String())
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%v: not gambit-lcp's bytes (%s):\n%s\nwant:\n%s", c.args, c.want, out.String(), want)
		}
	}
	// gambit-logit prints significant digits: 0.5, not 0.500000.
	var out, errb bytes.Buffer
	if code := nashcli.Main(context.Background(), "truce-nash",
		[]string{"../../nash/testdata/gambit/2x2x2.nfg", "--method", "logit", "--format", "gambit"}, nil, &out, &errb); code != 0 {
		t.Fatalf("logit: exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "NE,0.5,0.5,") {
		t.Errorf("logit: %q, want gambit-logit's significant digits (NE,0.5,0.5,...)", out.String())
	}
}
