package nashcli_test

import (
	"context"
	"os"

	"github.com/truce-dev/truce/internal/nashcli"
)

// Main is the truce-nash binary: every equilibrium Gambit's gambit-lcp
// reports for Gambit's example game e04, in exact arithmetic.
func ExampleMain() {
	code := nashcli.Main(context.Background(), "truce-nash",
		[]string{"../../nash/testdata/gambit/e04.nfg", "--method", "lcp", "--all", "--rational", "--format", "gambit"},
		nil, os.Stdout, os.Stderr)
	os.Stdout.WriteString("exit " + string(rune('0'+code)) + "\n")
	// Output:
	// NE,1,0,0,1,0
	// NE,1,0,0,3/5,2/5
	// NE,0,0,1,0,1
	// exit 0
}

// A usage error exits 2 with pflag's message; with --format json the
// error is also a JSON document on stdout.
func ExampleMain_usage() {
	code := nashcli.Main(context.Background(), "truce-nash",
		[]string{"game.nfg", "--decimals", "40", "--format", "json"}, nil, os.Stdout, os.Stdout)
	os.Stdout.WriteString("exit " + string(rune('0'+code)) + "\n")
	// Output:
	// truce-nash: invalid argument "40" for "--decimals" flag: out of range: want 1 to 17
	// Run 'truce-nash --help' for usage.
	// {
	//   "error": {
	//     "message": "invalid argument \"40\" for \"--decimals\" flag: out of range: want 1 to 17",
	//     "code": "usage",
	//     "exit_code": 2,
	//     "diagnostics": []
	//   }
	// }
	// exit 2
}
