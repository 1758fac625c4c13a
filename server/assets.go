package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
)

// assetSet serves the browser UI. Every file under static/ is also served
// under a name that carries a hash of its content (app.3f9a1c0e5b7d.js),
// cached for a year as immutable; index.html and the files that refer to
// other files are rewritten to use those names, so a new version of any
// file changes the names that lead to it and a browser never runs a stale
// mix. Text files are gzip-compressed once, at start, and Brotli-compressed
// once, in the background after the first request that accepts Brotli
// (its best level costs more than a start-up should: about 1.6 CPU-seconds
// for the editor's bundle). No request waits for it: until a file's
// Brotli bytes are ready it is served gzip. (Requests used to wait; a
// browser's first load of a just-started server on a busy machine then
// took over 30 seconds. Chromium asks for br on loopback, not only over
// HTTPS.)
type assetSet struct {
	byPath map[string]*asset // "/static/app.3f9a1c0e5b7d.js" and "/static/app.js"
	index  []byte            // index.html, references rewritten
	brOnce sync.Once         // starts the Brotli compressions
	brAll  []*lazyBrotli     // every file's, largest last
}

type asset struct {
	body, gz []byte
	br       *lazyBrotli // nil for files not worth compressing
	ctype    string
	etag     string
	hashed   bool // served under its content-hashed name
}

// lazyBrotli holds one file's Brotli bytes once they are computed.
type lazyBrotli struct {
	src  []byte
	done atomic.Pointer[[]byte] // nil until computed; then nil bytes when Brotli does not pay
}

// bytes returns the Brotli bytes, or nil while they are not ready or when
// Brotli does not make the file smaller.
func (l *lazyBrotli) bytes() []byte {
	if p := l.done.Load(); p != nil {
		return *p
	}
	return nil
}

func (l *lazyBrotli) compress() {
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	bw.Write(l.src)
	bw.Close()
	var out []byte
	if b.Len() < len(l.src) {
		out = b.Bytes()
	}
	l.done.Store(&out)
}

// brotli returns f's Brotli bytes if they are ready; the first call starts
// compressing every file, one after another on one goroutine (so a page
// load takes one core for a while, not all of them), smallest first.
func (a *assetSet) brotli(f *asset) []byte {
	if f.br == nil {
		return nil
	}
	out := f.br.bytes() // read before starting: the first request never gets Brotli
	a.brOnce.Do(func() {
		go func() {
			for _, l := range a.brAll {
				l.compress()
			}
		}()
	})
	return out
}

// hashLen is the number of hex digits of the content hash in a name: 48
// bits, so two versions of a file practically never share a name.
const hashLen = 12

// hashedName is p with hash inserted before its extension.
func hashedName(p, hash string) string {
	ext := path.Ext(p)
	return strings.TrimSuffix(p, ext) + "." + hash + ext
}

// refsTo lists the ways a text file in dir may name target: by its
// absolute URL, or relative to dir ("./x.js", "vendor/x.js").
func refsTo(dir, target string) []string {
	out := []string{"/" + target}
	if rel, ok := strings.CutPrefix(target, dir+"/"); ok {
		out = append(out, "./"+rel)
	}
	return out
}

func isText(p string) bool {
	switch path.Ext(p) {
	case ".js", ".css", ".html", ".svg", ".json", ".txt", ".md", ".map":
		return true
	}
	return false
}

// newAssetSet reads fsys (index.html at its root, the rest under static/)
// and prepares every file. Files are rewritten in dependency order (a file
// after those it names); a cycle of references is an error.
func newAssetSet(fsys fs.FS) (*assetSet, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		raw[p] = b
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("server: reading the UI's files: %w", err)
	}
	names := make([]string, 0, len(raw))
	for p := range raw {
		names = append(names, p)
	}
	sort.Strings(names)
	// deps[p]: the files p names.
	deps := map[string][]string{}
	for _, p := range names {
		if !isText(p) {
			continue
		}
		for _, q := range names {
			if q == p {
				continue
			}
			for _, ref := range refsTo(path.Dir(p), q) {
				if bytes.Contains(raw[p], []byte(`"`+ref+`"`)) || bytes.Contains(raw[p], []byte(`'`+ref+`'`)) || bytes.Contains(raw[p], []byte(`(`+ref+`)`)) {
					deps[p] = append(deps[p], q)
					break
				}
			}
		}
	}
	set := &assetSet{byPath: map[string]*asset{}}
	hashed := map[string]string{} // "static/app.js" -> "static/app.<hash>.js"
	done := map[string]bool{}
	for len(done) < len(names) {
		progress := false
		for _, p := range names {
			if done[p] {
				continue
			}
			ready := true
			for _, q := range deps[p] {
				ready = ready && done[q]
			}
			if !ready {
				continue
			}
			body := rewriteRefs(raw[p], path.Dir(p), deps[p], hashed)
			sum := sha256.Sum256(body)
			h := hex.EncodeToString(sum[:])[:hashLen]
			hashed[p] = hashedName(p, h)
			a := newAsset(p, body, `"`+h+`"`)
			if a.br != nil {
				set.brAll = append(set.brAll, a.br)
			}
			set.byPath["/"+hashed[p]] = a
			plain := *a
			plain.hashed = false
			set.byPath["/"+p] = &plain
			done[p] = true
			progress = true
		}
		if !progress {
			return nil, fmt.Errorf("server: the UI's files name each other in a cycle")
		}
	}
	if index, err := fs.ReadFile(fsys, "index.html"); err == nil {
		set.index = rewriteRefs(index, ".", names, hashed)
	}
	sort.SliceStable(set.brAll, func(i, j int) bool { return len(set.brAll[i].src) < len(set.brAll[j].src) })
	return set, nil
}

// rewriteRefs replaces, in body, every quoted reference to one of refs by
// its hashed name, in the form it was written (absolute or relative).
func rewriteRefs(body []byte, dir string, refs []string, hashed map[string]string) []byte {
	if len(refs) == 0 {
		return body
	}
	var pairs []string
	for _, q := range refs {
		h, ok := hashed[q]
		if !ok {
			continue
		}
		for _, ref := range refsTo(dir, q) {
			to := strings.TrimSuffix(ref, path.Base(q)) + path.Base(h)
			for _, quote := range []string{`"`, `'`} {
				pairs = append(pairs, quote+ref+quote, quote+to+quote)
			}
			pairs = append(pairs, "("+ref+")", "("+to+")")
		}
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(body)))
}

func newAsset(p string, body []byte, etag string) *asset {
	ctype := mime.TypeByExtension(path.Ext(p))
	switch path.Ext(p) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".md", ".txt":
		ctype = "text/plain; charset=utf-8"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	a := &asset{body: body, ctype: ctype, etag: etag, hashed: true}
	if isText(p) && len(body) > 512 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if b.Len() < len(body) {
			a.gz = b.Bytes()
		}
		a.br = &lazyBrotli{src: body}
	}
	return a
}

func acceptsGzip(r *http.Request) bool { return accepts(r, "gzip") }

// accepts reports whether the request's Accept-Encoding takes enc (with a
// weight other than 0).
func accepts(r *http.Request, enc string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), enc) && !strings.Contains(strings.ReplaceAll(q, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

// serveStatic answers GET /static/…: a hashed name is cached for a year
// (immutable), a plain name must be revalidated (ETag).
func (a *assetSet) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byPath[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	h.Add("Vary", "Accept-Encoding")
	if f.hashed {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	var br []byte
	if accepts(r, "br") {
		br = a.brotli(f)
	}
	switch {
	case br != nil:
		h.Set("Content-Encoding", "br")
		body = br
	case f.gz != nil && acceptsGzip(r):
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// gzipPool holds writers for compressing answers on the fly; each holds
// about a megabyte of state, worth reusing.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return zw
}}

// gzipWriter compresses an answer when the client accepts gzip and the
// answer is JSON or HTML that nobody compressed already. Event streams
// are left alone (they must flush event by event).
type gzipWriter struct {
	http.ResponseWriter
	r       *http.Request
	zw      *gzip.Writer
	decided bool
}

func (g *gzipWriter) decide() {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if h.Get("Content-Encoding") != "" || !(ct == "application/json" || ct == "text/html") || !acceptsGzip(g.r) {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	h.Add("Vary", "Accept-Encoding")
	g.zw = gzipPool.Get().(*gzip.Writer)
	g.zw.Reset(g.ResponseWriter)
}

func (g *gzipWriter) WriteHeader(code int) {
	if code != http.StatusNoContent && code != http.StatusNotModified {
		g.decide()
	} else {
		g.decided = true
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	g.decide()
	if g.zw != nil {
		return g.zw.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

func (g *gzipWriter) Flush() {
	if g.zw != nil {
		g.zw.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *gzipWriter) close() {
	if g.zw != nil {
		g.zw.Close()
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}

// compress wraps h so that its JSON and HTML answers are gzip-compressed
// for clients that accept it.
func compress(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g := &gzipWriter{ResponseWriter: w, r: r}
		defer g.close()
		h.ServeHTTP(g, r)
	})
}
