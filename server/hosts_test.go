package server

import (
	"os"
	"testing"
)

func TestHostPolicy(t *testing.T) {
	hostname, _ := os.Hostname()
	tests := []struct {
		addr  string
		extra []string
		ok    []string
		no    []string
	}{
		{"", nil, []string{"localhost:8080", "127.0.0.1", "127.1.2.3:9", "[::1]:8080", "LocalHost."},
			[]string{"evil.example:8080", "192.168.1.4:8080", "localhost.evil.example", "", "[::]:1"}},
		{"127.0.0.1:8080", []string{"Truce.Example.org"}, []string{"localhost", "truce.example.org:443", "truce.example.org."},
			[]string{"example.org", "10.0.0.1"}},
		{"192.168.1.4:8080", nil, []string{"192.168.1.4:8080", "192.168.1.4"},
			[]string{"localhost", "127.0.0.1", "192.168.1.5", "myhost.lan"}},
		{"0.0.0.0:8080", nil, []string{"192.168.1.4:8080", "10.1.1.1", "[fe80::1]:8080", "localhost:8080", hostname},
			[]string{"evil.example", "myhost.lan", "1.2.3.4.nip.io"}},
		{":8080", []string{"truce.lan"}, []string{"truce.lan:8080", "10.1.1.1"}, []string{"evil.example"}},
		{"truce.internal:8080", nil, []string{"truce.internal:8080"}, []string{"localhost", "evil.example"}},
	}
	for _, tt := range tests {
		p := newHostPolicy(tt.addr, tt.extra)
		for _, h := range tt.ok {
			if !p.allows(h) {
				t.Errorf("bound to %q: Host %q refused", tt.addr, h)
			}
		}
		for _, h := range tt.no {
			if p.allows(h) {
				t.Errorf("bound to %q: Host %q allowed", tt.addr, h)
			}
		}
	}
}
