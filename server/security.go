package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// The defences of the server against other web sites, in the order a
// request meets them (Handler and api):
//
//  1. Host allow-list (hostPolicy): a page on another site that rebinds its
//     own DNS name to 127.0.0.1 reaches this server with its own name in
//     Host; such requests are refused, so the site can never read an
//     answer (DNS rebinding).
//  2. Security headers on every answer: a strict Content-Security-Policy
//     (scripts and styles only from this server, no framing), nosniff,
//     X-Frame-Options DENY, no Referer (permanent links are capabilities).
//  3. Cross-origin check of every state-changing request
//     (http.CrossOriginProtection: Sec-Fetch-Site, else Origin against
//     Host): a form or fetch from another site is refused before it is
//     read.
//  4. A JSON content type (YAML for /api/validate) on every POST and PUT.
//     Browsers send such a type cross-site only after a CORS preflight,
//     which this server never grants; this holds even for a browser that
//     sends neither Sec-Fetch-Site nor Origin.
//  5. The bearer token, when set, compared in constant time, with failed
//     attempts rate-limited per client address (authLimiter).
//
// 3 and 4 overlap on purpose: each alone stops the cross-site text/plain
// POST that worked before; together they do not depend on one browser
// feature.

// MinTokenLength is the shortest token truce serve accepts: 16 characters
// of a random hex or base64 string are 64 or more bits, beyond guessing at
// the rate the limiter allows.
const MinTokenLength = 16

// CheckToken reports why token is unusable, or nil. An empty token means
// "no token" and is fine here; callers decide whether one is needed.
func CheckToken(token string) error {
	if token == "" {
		return nil
	}
	if strings.TrimSpace(token) == "" {
		return errors.New("the token is blank; give a random one, e.g. --token \"$(openssl rand -hex 16)\"")
	}
	for _, r := range token {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return errors.New("the token must be printable ASCII without spaces (it travels in an HTTP header); e.g. --token \"$(openssl rand -hex 16)\"")
		}
	}
	if len(token) < MinTokenLength {
		return fmt.Errorf("the token has %d characters; it needs at least %d, e.g. --token \"$(openssl rand -hex 16)\"", len(token), MinTokenLength)
	}
	return nil
}

// hostPolicy decides which Host headers name this server: the address it
// is bound to and the names of that address, plus names given with
// --allow-host (a reverse proxy's public name, say). The port is not
// checked: a rebinding page uses the same port as the server.
type hostPolicy struct {
	loopback bool            // localhost, 127.0.0.0/8 and ::1
	anyIP    bool            // bound to every interface: any IP literal
	exact    map[string]bool // lower-case names and IP literals
}

func newHostPolicy(addr string, extra []string) hostPolicy {
	p := hostPolicy{exact: map[string]bool{}}
	for _, h := range extra {
		if h = normalHost(h); h != "" {
			p.exact[h] = true
		}
	}
	host := ""
	if addr != "" {
		host = addr
		if h, _, err := net.SplitHostPort(addr); err == nil {
			host = h
		}
	}
	host = normalHost(host)
	ip := net.ParseIP(host)
	switch {
	case addr == "" || host == "localhost" || (ip != nil && ip.IsLoopback()):
		p.loopback = true
	case host == "" || (ip != nil && ip.IsUnspecified()):
		// Every interface: this machine's addresses, its loopback and its
		// host name. Other names (DNS aliases, a proxy's name) must be
		// given with --allow-host.
		p.loopback, p.anyIP = true, true
		if name, err := os.Hostname(); err == nil && name != "" {
			p.exact[normalHost(name)] = true
		}
	default:
		p.exact[host] = true
	}
	return p
}

// normalHost lower-cases a host, drops a port, brackets and a final dot.
func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".")
}

func (p hostPolicy) allows(hostHeader string) bool {
	h := normalHost(hostHeader)
	if h == "" {
		return false
	}
	if p.exact[h] {
		return true
	}
	ip := net.ParseIP(h)
	if p.loopback && (h == "localhost" || (ip != nil && ip.IsLoopback())) {
		return true
	}
	// An IP literal cannot be rebound: a page can only reach it under its
	// own address, which is then its origin.
	return p.anyIP && ip != nil
}

type requestIDKey struct{}

// requestID returns the id the server gave the request, for logs and for
// error answers that send the details to the log.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	var b [6]byte
	rand.Read(b[:])
	return "q_" + hex.EncodeToString(b[:])
}

// contentSecurityPolicy allows the page to load its own script, style and
// data, and nothing from elsewhere; no page may frame it. Images may be
// data: and blob: URLs for chart export (an SVG drawn onto a canvas).
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageCSP is the policy of the page itself: the same, and <style>
// elements that carry the page's nonce (the editor's, given the nonce
// through EditorView.cspNonce). Inline scripts stay forbidden.
func pageCSP(nonce string) string {
	return strings.Replace(contentSecurityPolicy, "style-src 'self'", "style-src 'self' 'nonce-"+nonce+"'", 1)
}

func newNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// guard is the outer layer of every request: a request id, the security
// headers, and the Host check.
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		hd := w.Header()
		hd.Set("X-Request-Id", id)
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !s.hosts.allows(r.Host) {
			s.log.Warn("refused a request for a host name that is not this server's", "host", r.Host, "remote", r.RemoteAddr, "request", id)
			writeError(w, http.StatusMisdirectedRequest, "bad_host",
				fmt.Sprintf("this server does not answer to the host name %q (a defence against DNS rebinding); if it is this server's name, start it with --allow-host %s",
					r.Host, normalHost(r.Host)))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			// Answers carry scenarios and results: never cache them.
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// api wraps an /api/ handler in the cross-origin check, the token, the
// content-type rule and the id check.
func (s *Server) api(h http.Handler) http.Handler {
	return s.crossOrigin.Handler(s.auth(requireType(checkIDs(h))))
}

func newCrossOrigin() *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "cross_origin",
			"refused a cross-site request: "+r.Method+" "+r.URL.Path+" came from a page of another site (Sec-Fetch-Site or Origin)")
	}))
	return c
}

// requireType answers 415 to a POST or PUT whose body is not declared as
// JSON (or, for /api/validate, YAML). (The API has no other method with a
// body; DELETE is never sent cross-site without a preflight.)
func requireType(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodPut {
			h.ServeHTTP(w, r)
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		want := "application/json"
		ok := mt == want
		if r.URL.Path == "/api/validate" {
			want = "application/yaml"
			switch mt {
			case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json":
				ok = true
			}
		}
		if !ok {
			got := "none"
			if mt != "" {
				got = mt
			}
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
				fmt.Sprintf("%s %s needs the header \"Content-Type: %s\" (got %s); other types are refused because a page of another site could send them", r.Method, r.URL.Path, want, got))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ValidID reports whether s can be an id of a scenario or run: 1 to 64
// letters, digits, '_' or '-'. Anything else (HTML, quotes, slashes, NUL)
// is refused before it reaches the database or a log.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// badID answers 400 for an id that is not one. The answer does not echo
// the id: it names the first character out of place by its code point.
func badID(w http.ResponseWriter, what, id string) {
	why := fmt.Sprintf("is %d bytes long", len(id))
	if len(id) > 0 && len(id) <= 64 {
		for i, c := range id {
			if c > unicode.MaxASCII || !ValidID(string(c)) {
				why = fmt.Sprintf("has %U at byte %d", c, i+1)
				break
			}
		}
	}
	writeError(w, http.StatusBadRequest, "bad_id",
		fmt.Sprintf("the %s %s; ids are 1 to 64 letters, digits, '_' or '-'", what, why))
}

// checkIDs refuses a path whose {id} or {name} is not a valid id.
func checkIDs(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, k := range []string{"id", "name"} {
			if v := r.PathValue(k); v != "" && !ValidID(v) {
				badID(w, k+" in the path", v)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// auth checks the bearer token when the server has one. The token is
// compared through SHA-256 digests in constant time (equal lengths, so
// not even the token's length leaks), and an address that keeps failing
// is refused without a check for a while (authLimiter).
func (s *Server) auth(h http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return h
	}
	want := sha256.Sum256([]byte(s.cfg.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r)
		if wait, blocked := s.limiter.blocked(addr); blocked {
			secs := int(wait.Seconds() + 0.999)
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			writeError(w, http.StatusTooManyRequests, "too_many_failures",
				fmt.Sprintf("too many wrong tokens from this address; retry in %d s", max(secs, 1)))
			return
		}
		got := r.Header.Get("Authorization")
		scheme, tok, _ := strings.Cut(got, " ")
		digest := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(digest[:], want[:]) != 1 {
			s.limiter.fail(addr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="truce"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token: send \"Authorization: Bearer <token>\" as given to truce serve --token")
			return
		}
		s.limiter.succeed(addr)
		h.ServeHTTP(w, r)
	})
}

// clientAddr is the address failures are counted against: the peer's IP,
// or its /64 for IPv6 (one host usually has a whole /64). Forwarding
// headers are not trusted, so behind a reverse proxy every client shares
// the proxy's address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
