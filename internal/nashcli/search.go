package nashcli

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/internal/flagval"
	"github.com/truce-dev/truce/internal/gamefile"
	"github.com/truce-dev/truce/nash"
)

// searchMethod reports whether method runs from perturbation vectors or
// starting points, and so reads the flags below.
func searchMethod(method string) bool {
	return method == "gnm" || method == "ipa" || method == "liap"
}

// maxSearchStarts bounds --starts: each start is a whole path or minimisation.
const maxSearchStarts = 1_000_000

// maxPointsFileSize caps a --points file.
const maxPointsFileSize = 64 << 20

// nashSearchFlags are the flags of gnm, ipa and liap, after Gambit's
// gambit-gnm, gambit-ipa and gambit-liap (-n, -R, -s, -m, -i, -V).
type searchFlags struct {
	starts    int
	seed      uint64
	points    string
	lambdaEnd float64
	fullPath  bool
	maxRegret float64
	maxIter   int
	verbose   bool
}

func (f *searchFlags) flags() []flagval.Flag {
	return []flagval.Flag{
		flagval.IntFlag(&f.starts, "starts", 0, 1, maxSearchStarts, "gnm, ipa: random perturbation vectors; liap: random starting points (Gambit's -n; default 1 for gnm and ipa, 10 for liap)"),
		flagval.Uint64Flag(&f.seed, "seed", 1, "gnm, ipa, liap: random seed of the perturbation vectors or starting points (Gambit's -R)"),
		flagval.StringFlag(&f.points, "points", "", "gnm, ipa: file of perturbation vectors; liap: of starting points; one per line, numbers separated by commas (Gambit's -s)"),
		flagval.FloatFlag(&f.lambdaEnd, "lambda-end", nash.GNMDefaultLambdaEnd, -1e12, -1e-12, "gnm: stop each path where lambda falls below this multiple of its start (Gambit's -m)"),
		flagval.BoolFlag(&f.fullPath, "full-path", "gnm: follow each path past --lambda-end to where no further equilibrium can lie on it"),
		flagval.FloatFlag(&f.maxRegret, "max-regret", nash.LiapDefaultMaxRegret, 1e-15, 1, "liap: keep an end point whose regret is at most this share of the payoff range (Gambit's -m)"),
		flagval.IntFlag(&f.maxIter, "max-iterations", nash.LiapDefaultMaxIterations, 1, maxIterations, "liap: iterations of the minimisation from each start (Gambit's -i)"),
		flagval.BoolFlag(&f.verbose, "verbose", "gnm, ipa, liap with --format gambit: also print Gambit's -V lines (pert, start, each change of support or iterate)"),
	}
}

// search builds the method's search options; changed reports whether a
// flag was given on the command line. env.Stdout receives -V lines.
func (f *searchFlags) search(env Env, method string, changed func(string) bool, format string, decimals int) (nash.Search, error) {
	var s nash.Search
	var given []string
	for _, name := range []string{"starts", "points", "lambda-end", "full-path", "max-regret", "max-iterations", "verbose"} {
		if changed(name) {
			given = append(given, "--"+name)
		}
	}
	if !searchMethod(method) {
		if len(given) > 0 {
			return s, usageErrorf("%s: %s: only for --method gnm, ipa or liap", env.Prog, strings.Join(given, ", "))
		}
		return s, nil
	}
	only := map[string]string{"lambda-end": "gnm", "full-path": "gnm", "max-regret": "liap", "max-iterations": "liap"}
	for _, name := range []string{"lambda-end", "full-path", "max-regret", "max-iterations"} {
		if changed(name) && only[name] != method {
			return s, usageErrorf("%s: --%s: only for --method %s", env.Prog, name, only[name])
		}
	}
	if changed("starts") && f.points != "" {
		return s, usageErrorf("%s: --starts and --points exclude each other (random vectors, or the file's)", env.Prog)
	}
	if f.verbose && format != "gambit" {
		return s, usageErrorf("%s: --verbose prints Gambit's -V lines: use it with --format gambit", env.Prog)
	}
	s.Starts, s.Seed, s.MaxRegret, s.MaxIterations = f.starts, f.seed, f.maxRegret, f.maxIter
	s.LambdaEnd = f.lambdaEnd
	if f.fullPath {
		s.LambdaEnd = math.Inf(-1)
	}
	if f.points != "" {
		name, src, err := gamefile.ReadInput(env.Stdin, f.points, maxPointsFileSize)
		if err != nil {
			return s, &Error{Code: CodeFailure, Msg: err.Error()}
		}
		if s.Points, err = nash.ReadPoints(bytes.NewReader(src), name); err != nil {
			return s, &Error{Code: CodeFailure, Msg: env.Prog + ": " + err.Error()}
		}
	}
	if f.verbose {
		s.Trace = func(label string, prof [][]float64) {
			var b strings.Builder
			b.WriteString(label)
			for _, row := range prof {
				for _, v := range row {
					b.WriteByte(',')
					// Gambit's CSV renderer, as for NE lines: decimals
					// digits after the point (0.0000, 0.5710).
					b.WriteString(strconv.FormatFloat(v, 'f', decimals, 64))
				}
			}
			fmt.Fprintln(env.Stdout, b.String())
		}
	}
	return s, nil
}

// searchSelection says, for gnm, ipa and liap, how the listed equilibria were
// selected, so that a list is never read as all the game's equilibria.
func searchSelection(method string, s nash.Search, res *nash.Result) string {
	from := ""
	switch {
	case len(s.Points) > 0:
		from = "read from the --points file"
	case res.Stats["seed"] == float64(s.Seed):
		from = fmt.Sprintf("random ones, seed %d", s.Seed)
	}
	switch method {
	case "gnm":
		end := "to where no equilibrium can be left on it"
		if e, ok := res.Stats["lambda end"]; ok {
			end = fmt.Sprintf("to lambda = %g times its start", e)
		}
		paths := "the path from 1 perturbation vector"
		if n := int(res.Stats["paths"]); n != 1 {
			paths = fmt.Sprintf("the paths from %d perturbation vectors", n)
		}
		return fmt.Sprintf("selection: the equilibria crossed by %s (%s), each followed %s; other equilibria may exist", paths, from, end)
	case "ipa":
		return fmt.Sprintf("selection: the equilibria reached by iterated polymatrix approximation from %s (%s), one per vector; other equilibria may exist",
			nounCount(int(res.Stats["vectors"]), "perturbation vector", "perturbation vectors"), from)
	case "liap":
		return fmt.Sprintf("selection: the equilibria reached by minimising the Lyapunov function from %s (%s); other equilibria may exist",
			nounCount(int(res.Stats["starts"]), "starting point", "starting points"), from)
	}
	return ""
}
