package server

import (
	"sync"
	"time"
)

// authLimiter slows token guessing. Each client address has a bucket of
// failed attempts (burst perBurst, refilled at perRate a second); an
// address whose bucket is empty is refused without a check until it
// refills. A global bucket (globalBurst, globalRate) bounds the failures of
// all addresses together, so that many addresses do not multiply the
// rate: while it is empty, only addresses that recently gave the right
// token are checked.
//
// Both tables are bounded (maxAddrs entries), so a flood of addresses
// cannot grow them: when one is full, entries that no longer hold anything
// (a refilled bucket, an old success) go first, then the least recently
// used. Evicting an address only forgets its bucket; the global bucket
// still bounds the total rate.
//
// The buckets are our own few lines rather than golang.org/x/time/rate:
// eviction needs each bucket's level at a given time, and the whole state
// fits in two small maps under one lock.
type authLimiter struct {
	mu       sync.Mutex
	now      func() time.Time
	addrs    map[string]*bucket
	good     map[string]time.Time // addresses that gave the right token, when
	global   bucket
	maxAddrs int

	perBurst, perRate       float64
	globalBurst, globalRate float64
	goodFor                 time.Duration
}

type bucket struct {
	tokens float64
	last   time.Time // of the last spend; zero: never
}

// at is the bucket's level at time now.
func (b *bucket) at(now time.Time, burst, rate float64) float64 {
	if b.last.IsZero() {
		return b.tokens
	}
	return min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
}

// spend takes one token at time now, going at most floor into debt.
func (b *bucket) spend(now time.Time, burst, rate, floor float64) {
	b.tokens = max(b.at(now, burst, rate)-1, floor)
	b.last = now
}

// wait is how long a bucket at level has to refill to one token.
func wait(level, rate float64) time.Duration {
	return time.Duration((1 - level) / rate * float64(time.Second))
}

func newAuthLimiter() *authLimiter {
	return &authLimiter{
		now:   time.Now,
		addrs: map[string]*bucket{}, good: map[string]time.Time{},
		maxAddrs: 4096,
		global:   bucket{tokens: 100},
		// 10 wrong tokens at once, then one every 2 s per address; 100 at
		// once and 10 a second in all. A 16-character hex token has 2^64
		// values: at 10 a second, about 6·10^10 years on average.
		perBurst: 10, perRate: 0.5,
		globalBurst: 100, globalRate: 10,
		goodFor: time.Hour,
	}
}

// blocked reports whether addr must wait, and how long, before its token
// is checked.
func (l *authLimiter) blocked(addr string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if b := l.addrs[addr]; b != nil {
		if lv := b.at(now, l.perBurst, l.perRate); lv < 1 {
			return wait(lv, l.perRate), true
		}
	}
	if lv := l.global.at(now, l.globalBurst, l.globalRate); lv < 1 {
		if t, ok := l.good[addr]; !ok || now.Sub(t) > l.goodFor {
			return wait(lv, l.globalRate), true
		}
	}
	return 0, false
}

// fail records a wrong token from addr.
func (l *authLimiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.addrs[addr]
	if b == nil {
		if len(l.addrs) >= l.maxAddrs {
			l.evictAddrs(now)
		}
		b = &bucket{tokens: l.perBurst}
		l.addrs[addr] = b
	}
	b.spend(now, l.perBurst, l.perRate, 0)
	// The global bucket may go into debt (bounded), so a burst from many
	// addresses keeps it empty for longer.
	l.global.spend(now, l.globalBurst, l.globalRate, -l.globalBurst)
}

// succeed records the right token from addr.
func (l *authLimiter) succeed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if _, ok := l.good[addr]; !ok && len(l.good) >= l.maxAddrs {
		oldest, at := "", now
		for a, t := range l.good {
			if now.Sub(t) > l.goodFor {
				delete(l.good, a)
			} else if !t.After(at) {
				oldest, at = a, t
			}
		}
		if len(l.good) >= l.maxAddrs {
			delete(l.good, oldest)
		}
	}
	l.good[addr] = now
}

// evictAddrs makes room in the address table: refilled buckets go first,
// then the one whose last failure is oldest.
func (l *authLimiter) evictAddrs(now time.Time) {
	oldest, at := "", now
	for a, b := range l.addrs {
		if b.at(now, l.perBurst, l.perRate) >= l.perBurst {
			delete(l.addrs, a)
		} else if !b.last.After(at) {
			oldest, at = a, b.last
		}
	}
	if len(l.addrs) >= l.maxAddrs {
		delete(l.addrs, oldest)
	}
}
