//go:build !unix

package equilibrium

import "time"

func cpuTime() time.Duration { return 0 }
