// Command timeit runs a command with its standard output sent to a file
// and prints the command's wall time and CPU time (user + system, from
// the kernel's accounting of the child, in microseconds), so that
// scripts/bench-gambit.sh can compare CPU time on a shared machine, where
// wall time mostly measures the other sessions' load.
//
//	go run ./scripts/timeit OUT CMD [ARG]...
//
// It prints "WALL_US CPU_US EXIT" on one line; the command's standard
// error is discarded.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: timeit OUT CMD [ARG]...")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(1)
	}
	defer out.Close()
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdout = out
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(1)
	}
	st := cmd.ProcessState
	cpu := st.UserTime() + st.SystemTime()
	fmt.Printf("%d %d %d\n", wall.Microseconds(), cpu.Microseconds(), code)
}
