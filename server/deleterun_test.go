package server_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// DELETE /api/runs/{id} follows the token and cross-site rules of every
// other change, refuses a run that is still going, and removes a finished
// one for good.
func TestDeleteRun(t *testing.T) {
	fr := &fakerunner.Runner{Delay: time.Second, Steps: 1000, Started: make(chan string, 1)}
	e := newEnv(t, opts{runner: fr, token: testToken})
	j := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	<-fr.Started
	e.wantError("DELETE", "/api/runs/"+j.ID, nil, 409, "not_finished")
	e.wantStatus("POST", "/api/jobs/"+j.ID+"/cancel", nil, 202, nil)
	if end := e.waitEnd(j.ID); end.Status != store.StatusCanceled {
		t.Fatalf("end %+v", end)
	}
	send := func(hdr map[string]string) int {
		req, _ := http.NewRequest("DELETE", e.http.URL+"/api/runs/"+j.ID, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(nil); got != 401 {
		t.Errorf("without the token: %d, want 401", got)
	}
	if got := send(map[string]string{"Authorization": "Bearer " + testToken, "Sec-Fetch-Site": "cross-site"}); got != 403 {
		t.Errorf("cross-site with the token: %d, want 403", got)
	}
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, nil) // still there
	// Twenty deletes at once: one removes it, the others find it gone;
	// none fails.
	codes := make(chan int, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			req, _ := http.NewRequest("DELETE", e.http.URL+"/api/runs/"+j.ID, nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- -1 // no t.Fatal off the test's goroutine
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[204] != 1 || count[404] != 19 {
		t.Errorf("20 deletes at once answered %v, want one 204 and nineteen 404", count)
	}
	e.wantError("GET", "/api/runs/"+j.ID, nil, 404, "not_found")
	e.wantError("DELETE", "/api/runs/"+j.ID, nil, 404, "not_found")
	e.wantError("DELETE", "/api/runs/bad%20id", nil, 400, "bad_id")
}
