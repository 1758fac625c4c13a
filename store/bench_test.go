package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

// BenchmarkRunLifecycleSQLite is one job's writes: create, start, finish
// with a 10 kB result, on SQLite in WAL mode with synchronous=FULL.
func BenchmarkRunLifecycleSQLite(b *testing.B) {
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchRunLifecycle(b, s)
}

func benchRunLifecycle(b *testing.B, s *Store) {
	ctx := context.Background()
	result, _ := json.Marshal(map[string]any{"pad": string(make([]byte, 10000))})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "truce: 1"})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.StartRun(ctx, r.ID); err != nil {
			b.Fatal(err)
		}
		if err := s.FinishRun(ctx, r.ID, StatusDone, result, ""); err != nil {
			b.Fatal(err)
		}
	}
}
