package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// BenchmarkValidateHTTP measures one POST /api/validate round trip on
// loopback with the fake runner: the server's own overhead.
func BenchmarkValidateHTTP(b *testing.B) {
	benchValidate(b, &fakerunner.Runner{}, validYAML)
}

// BenchmarkValidateUSIran is the same with the scenario engine validating
// the bundled US–Iran scenario: what the editor pays on every pause.
func BenchmarkValidateUSIran(b *testing.B) {
	benchValidate(b, server.ScenarioRunner{}, server.BuiltinExamples()[0].YAML)
}

func benchValidate(b *testing.B, r server.Runner, yaml string) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: r})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(hs.URL+"/api/validate", "application/yaml", strings.NewReader(yaml))
		if err != nil {
			b.Fatal(err)
		}
		var v struct{ Valid bool }
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if !v.Valid {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkJobRoundTrip measures submitting a job with the fake runner and
// following its events to the end: queue, store writes and SSE.
func BenchmarkJobRoundTrip(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{Steps: 1}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	body := `{"kind": "analyze", "yaml": "truce: 1\n"}`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(hs.URL+"/api/jobs", "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var j struct{ ID string }
		json.NewDecoder(resp.Body).Decode(&j)
		resp.Body.Close()
		ev, err := http.Get(hs.URL + "/api/jobs/" + j.ID + "/events")
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(ev.Body)
		ev.Body.Close()
		if !strings.Contains(string(data), `"status":"done"`) {
			b.Fatalf("job did not end done: %s", data)
		}
	}
}

// BenchmarkAnalyzeJobIdle is one analysis of the bundled US–Iran scenario
// (every profile, 200 draws) submitted to an idle server and followed to
// its end. "one-core" is the server before jobs took idle cores (each job
// its share: one core here); "idle-cores" gives the lone job every core.
//
//	go test ./server -run XXX -bench AnalyzeJobIdle -benchtime 3x
func BenchmarkAnalyzeJobIdle(b *testing.B) {
	for _, c := range []struct {
		name    string
		workers int
	}{{"one-core", 1}, {"idle-cores", 0}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			srv, err := server.New(ctx, server.Config{Store: st, Runner: server.ScenarioRunner{}, Limits: server.Limits{MaxJobWorkers: c.workers}})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Shutdown(ctx)
			hs := httptest.NewServer(srv.Handler())
			defer hs.Close()
			req, _ := json.Marshal(map[string]any{"kind": "analyze", "yaml": server.BuiltinExamples()[0].YAML, "params": map[string]any{"draws": 200}})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				resp, err := http.Post(hs.URL+"/api/jobs", "application/json", strings.NewReader(string(req)))
				if err != nil {
					b.Fatal(err)
				}
				var j struct{ ID string }
				json.NewDecoder(resp.Body).Decode(&j)
				resp.Body.Close()
				ev, err := http.Get(hs.URL + "/api/jobs/" + j.ID + "/events")
				if err != nil {
					b.Fatal(err)
				}
				data, _ := io.ReadAll(ev.Body)
				ev.Body.Close()
				if !strings.Contains(string(data), `"status":"done"`) {
					b.Fatalf("job did not end done: %.300s", data)
				}
			}
		})
	}
}
