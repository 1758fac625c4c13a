package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// loadCase names the runner and scenario a load test uses.
type loadCase struct {
	runner server.Runner
	yaml   string
	params map[string]any
	// validateYAML is what the validate phase sends (default yaml).
	validateYAML string
	validate     int // concurrent validate calls
	jobs         int // concurrent analyze jobs
	limits       server.Limits
}

// TestLoad is a bounded load test on loopback, run only with TRUCE_LOAD=1
// (it measures, so it has no place in the ordinary test run):
// 200 concurrent validate calls, then 20 concurrent analyze jobs followed to
// their end. Every answer must be a success or a documented 429; latency
// percentiles and throughput are logged.
func TestLoad(t *testing.T) {
	if os.Getenv("TRUCE_LOAD") == "" {
		t.Skip("set TRUCE_LOAD=1 to run the load test")
	}
	runLoad(t, loadCase{
		runner:   &fakerunner.Runner{Delay: 5 * time.Millisecond},
		yaml:     validYAML,
		params:   map[string]any{"draws": 20},
		validate: 200, jobs: 20,
		limits: server.Limits{MaxConcurrent: 2, MaxQueue: 12},
	})
}

// TestLoadScenario is the same load with the scenario engine: validating
// the US–Iran scenario, and analyses of the bundled example (200 draws
// each) with 2 running and 8 queued at most, so some submissions get 429.
func TestLoadScenario(t *testing.T) {
	if os.Getenv("TRUCE_LOAD") == "" {
		t.Skip("set TRUCE_LOAD=1 to run the load test")
	}
	ex := server.BuiltinExamples()
	iran, standoff := ex[0].YAML, ex[1].YAML
	runLoad(t, loadCase{
		runner:       server.ScenarioRunner{},
		yaml:         standoff,
		validateYAML: iran,
		params:       map[string]any{"draws": 200},
		validate:     200, jobs: 20,
		limits: server.Limits{MaxConcurrent: 2, MaxQueue: 8},
	})
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s)-1) + 0.5)
	return s[i]
}

func runLoad(t *testing.T, c loadCase) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "load.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: c.runner, Limits: c.limits})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	hs := httptest.NewServer(srv.Handler()) // 127.0.0.1, random port
	defer hs.Close()
	client := &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.validate}}

	// Phase 1: concurrent validate calls.
	vyaml := c.validateYAML
	if vyaml == "" {
		vyaml = c.yaml
	}
	lat := make([]time.Duration, c.validate)
	errs := make(chan error, c.validate)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < c.validate; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now()
			resp, err := client.Post(hs.URL+"/api/validate", "application/yaml", strings.NewReader(vyaml))
			if err != nil {
				errs <- err
				return
			}
			var v struct{ Valid bool }
			json.NewDecoder(resp.Body).Decode(&v)
			resp.Body.Close()
			lat[i] = time.Since(t0)
			if resp.StatusCode != 200 || !v.Valid {
				errs <- fmt.Errorf("validate: status %d valid %v", resp.StatusCode, v.Valid)
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("validate: %d concurrent calls in %v: p50 %v, p99 %v, max %v, %.0f calls/s",
		c.validate, elapsed.Round(time.Millisecond), percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 1), float64(c.validate)/elapsed.Seconds())

	// Phase 2: concurrent analyze jobs, each followed to its end. A 429 is
	// the documented answer of a full queue; the client retries after the
	// Retry-After it is given, as docs/api.md says to.
	jobLat := make([]time.Duration, c.jobs)
	submitLat := make([]time.Duration, 0, c.jobs)
	var mu sync.Mutex
	rejected := 0
	errs = make(chan error, c.jobs)
	body, _ := json.Marshal(map[string]any{"kind": "analyze", "yaml": c.yaml, "params": c.params})
	start = time.Now()
	for i := 0; i < c.jobs; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now()
			var id string
			for attempt := 0; attempt < 100 && id == ""; attempt++ {
				s0 := time.Now()
				resp, err := client.Post(hs.URL+"/api/jobs", "application/json", strings.NewReader(string(body)))
				if err != nil {
					errs <- err
					return
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				submitLat = append(submitLat, time.Since(s0))
				mu.Unlock()
				switch resp.StatusCode {
				case 202:
					var j struct{ ID string }
					json.Unmarshal(data, &j)
					id = j.ID
				case 429:
					if resp.Header.Get("Retry-After") == "" {
						errs <- fmt.Errorf("429 without Retry-After")
						return
					}
					mu.Lock()
					rejected++
					mu.Unlock()
					time.Sleep(200 * time.Millisecond) // shorter than Retry-After: the test is bounded
				default:
					errs <- fmt.Errorf("start job: status %d: %s", resp.StatusCode, data)
					return
				}
			}
			if id == "" {
				errs <- fmt.Errorf("job never accepted")
				return
			}
			resp, err := client.Get(hs.URL + "/api/jobs/" + id + "/events")
			if err != nil {
				errs <- err
				return
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			jobLat[i] = time.Since(t0)
			if !strings.Contains(string(data), "event: end") || !strings.Contains(string(data), `"status":"done"`) {
				errs <- fmt.Errorf("job %s did not end done: %.300s", id, data)
			}
		}(i)
	}
	wg.Wait()
	elapsed = time.Since(start)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("analyze: %d concurrent jobs (cap %d running, %d queued) done in %v: submit p50 %v p99 %v; submit-to-end p50 %v, p99 %v; %.2f jobs/s; %d documented 429s retried",
		c.jobs, c.limits.MaxConcurrent, c.limits.MaxQueue, elapsed.Round(time.Millisecond),
		percentile(submitLat, 0.5), percentile(submitLat, 0.99), percentile(jobLat, 0.5), percentile(jobLat, 0.99),
		float64(c.jobs)/elapsed.Seconds(), rejected)
	runs, err := st.ListRuns(ctx, store.RunFilter{Status: store.StatusDone, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != c.jobs {
		t.Errorf("%d runs stored done, want %d", len(runs), c.jobs)
	}
}
