package server

import (
	"fmt"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestAuthLimiterPerAddress(t *testing.T) {
	c := &fakeClock{t: time.Unix(1e9, 0)}
	l := newAuthLimiter()
	l.now = c.now
	for i := 0; i < 10; i++ {
		if _, b := l.blocked("10.0.0.1"); b {
			t.Fatalf("blocked after %d failures, want 10 allowed", i)
		}
		l.fail("10.0.0.1")
	}
	wait, b := l.blocked("10.0.0.1")
	if !b || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("after 10 failures: blocked %v, wait %v (want blocked, at most 2 s)", b, wait)
	}
	if _, b := l.blocked("10.0.0.2"); b {
		t.Fatal("another address is blocked too")
	}
	c.advance(wait)
	if _, b := l.blocked("10.0.0.1"); b {
		t.Fatalf("still blocked after the announced wait %v", wait)
	}
	// In a steady state the address gets one guess per 2 s: 30 per minute.
	guesses := 0
	for s := 0; s < 600; s++ { // one minute in 0.1 s steps
		if _, b := l.blocked("10.0.0.1"); !b {
			l.fail("10.0.0.1")
			guesses++
		}
		c.advance(100 * time.Millisecond)
	}
	if guesses < 29 || guesses > 31 {
		t.Fatalf("%d guesses in a minute, want about 30", guesses)
	}
}

// TestAuthLimiterManyAddresses: a flood of addresses neither grows the
// table beyond its bound nor multiplies the guessing rate, and a user who
// already gave the right token keeps working.
func TestAuthLimiterManyAddresses(t *testing.T) {
	c := &fakeClock{t: time.Unix(1e9, 0)}
	l := newAuthLimiter()
	l.now = c.now
	l.succeed("192.168.0.1")
	checked := 0
	for i := 0; i < 50000; i++ {
		a := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		if _, b := l.blocked(a); !b {
			l.fail(a)
			checked++
		}
		if i%100 == 0 {
			c.advance(time.Second / 10)
		}
	}
	if len(l.addrs) > l.maxAddrs {
		t.Fatalf("address table holds %d entries, bound %d", len(l.addrs), l.maxAddrs)
	}
	// 50 simulated seconds at 10 a second plus the burst of 100.
	if checked > 100+10*51 {
		t.Fatalf("%d tokens checked for 50000 addresses in 50 s, want at most %d", checked, 100+10*51)
	}
	if _, b := l.blocked("192.168.0.1"); b {
		t.Fatal("a known good address is blocked by the flood")
	}
	if _, b := l.blocked("172.16.0.1"); !b {
		t.Fatal("a new address is checked while the global bucket is empty")
	}
	for i := 0; i < l.maxAddrs+50; i++ {
		l.succeed(fmt.Sprintf("fd00::%x/64", i))
	}
	if len(l.good) > l.maxAddrs {
		t.Fatalf("good table holds %d entries, bound %d", len(l.good), l.maxAddrs)
	}
}
