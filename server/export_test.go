package server

import "time"

// SetAuthLimits lets tests change how many wrong tokens an address may
// send (burst, then rate a second) and the limiter's clock.
func SetAuthLimits(s *Server, burst, rate float64, now func() time.Time) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.perBurst, s.limiter.perRate = burst, rate
	if now != nil {
		s.limiter.now = now
	}
}

// RecordSummary is recordSummary, for the tests of package server_test.
var RecordSummary = recordSummary
