// Package ssotest runs a real, in-process OpenID Connect provider for tests:
// discovery, a JWKS with an RSA key made for the test, an authorization
// endpoint that signs the configured user in at once, and a token endpoint
// that checks the client's credentials, the redirect URI and the PKCE
// verifier before it returns an ID token signed with that key.
//
// A web end-to-end test points sso.New at it and lets its HTTP client follow
// the redirects:
//
//	op := ssotest.NewProvider(t)
//	op.SetUser(ssotest.User{Subject: "u1", Email: "li.lei@example.com", EmailVerified: true, Name: "Li Lei"})
//	p, err := sso.New(ctx, op.Config(srv.URL+"/auth/oidc/callback"))
//
// Tests of failures bend the next answer: EditNextToken, FailNextToken,
// FailNextAuthorize.
package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/continuo-bcm/continuo/internal/sso"
)

// KeyID is the key id of the provider's own signing key in its JWKS.
const KeyID = "ssotest-key-1"

// User is the person the provider signs in.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// IDToken is the content of an ID token about to be signed; EditNextToken
// hands it to the test to spoil.
type IDToken struct {
	Issuer          string
	Subject         string
	Audience        []string
	AuthorizedParty string // azp; left out when empty
	Nonce           string
	IssuedAt        time.Time
	Expiry          time.Time
	// Claims are the other claims: email, email_verified and name from the
	// user (each only when set). Add, change or delete freely.
	Claims map[string]any
	// Key signs the token, KeyID names it in the header; they default to
	// the provider's key published in the JWKS.
	Key   *rsa.PrivateKey
	KeyID string
	// Omit leaves the id_token out of the token response.
	Omit bool
}

// Provider is a running OpenID Connect provider. Its methods are safe to
// call while requests are in flight.
type Provider struct {
	// ClientID and ClientSecret are the one client registered at the
	// provider. Read them; do not change them.
	ClientID     string
	ClientSecret string
	// Key is the signing key the JWKS publishes under KeyID.
	Key *rsa.PrivateKey

	srv *httptest.Server

	mu          sync.Mutex
	user        User
	redirectURL string
	now         func() time.Time
	ttl         time.Duration
	authMethods []string
	pkceMethods []string
	codes       map[string]grant
	edits       []func(*IDToken)
	tokenFail   *failure
	authFail    *failure
	exchanges   int
}

type grant struct {
	redirectURI string
	nonce       string
	challenge   string
	user        User
}

type failure struct {
	status      int
	code, descr string
}

// NewProvider starts a provider that lives until the test ends. It signs in
// "Alice Example" <alice@example.com> (verified) until SetUser says
// otherwise, and accepts client_secret_basic and client_secret_post.
func NewProvider(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("ssotest: generating the signing key: %v", err)
	}
	p := &Provider{
		ClientID:     "continuo-test",
		ClientSecret: randomString(),
		Key:          key,
		user:         User{Subject: "ssotest-alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice Example"},
		ttl:          5 * time.Minute,
		authMethods:  []string{"client_secret_basic", "client_secret_post"},
		pkceMethods:  []string{"S256"},
		codes:        map[string]grant{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// Issuer returns the issuer URL (the server's base URL, no trailing slash).
func (p *Provider) Issuer() string { return p.srv.URL }

// Close stops the provider before the test ends, to test a provider that
// went away.
func (p *Provider) Close() { p.srv.Close() }

// Config returns the sso configuration for this provider's client and
// registers redirectURL as its only allowed redirect URI.
func (p *Provider) Config(redirectURL string) sso.Config {
	p.SetRedirectURL(redirectURL)
	p.mu.Lock()
	defer p.mu.Unlock()
	return sso.Config{Issuer: p.Issuer(), ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: redirectURL, Now: p.now}
}

// SetUser sets the person signed in from now on.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// User returns the person the provider signs in.
func (p *Provider) User() User {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.user
}

// SetEmail changes the user's email claim and whether it is verified.
func (p *Provider) SetEmail(email string, verified bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user.Email, p.user.EmailVerified = email, verified
}

// SetName changes the user's name claim.
func (p *Provider) SetName(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user.Name = name
}

// SetRedirectURL registers the only redirect URI the authorization endpoint
// accepts; empty accepts any.
func (p *Provider) SetRedirectURL(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirectURL = u
}

// SetNow sets the provider's clock for iat and exp (default time.Now).
// Config passes the same clock to sso so that expiry is judged by it.
func (p *Provider) SetNow(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// SetAuthMethods sets the token endpoint's accepted client authentication
// methods (client_secret_basic, client_secret_post); the discovery document
// lists them, so call it before sso.New.
func (p *Provider) SetAuthMethods(methods ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.authMethods = methods
}

// SetPKCEMethods sets code_challenge_methods_supported in the discovery
// document; none leaves the field out. Call it before sso.New.
func (p *Provider) SetPKCEMethods(methods ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pkceMethods = methods
}

// EditNextToken lets edit change the next ID token before it is signed.
func (p *Provider) EditNextToken(edit func(*IDToken)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.edits = append(p.edits, edit)
}

// FailNextToken makes the token endpoint answer the next request with
// status and an OAuth error body {"error": code, "error_description":
// description}; an empty code sends a plain-text body instead.
func (p *Provider) FailNextToken(status int, code, description string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tokenFail = &failure{status: status, code: code, descr: description}
}

// FailNextAuthorize makes the authorization endpoint send the next browser
// back with ?error=code&error_description=description, as a provider does
// when the person cancels (access_denied) or is not allowed in.
func (p *Provider) FailNextAuthorize(code, description string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.authFail = &failure{code: code, descr: description}
}

// Exchanges counts the token requests that got tokens.
func (p *Provider) Exchanges() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exchanges
}

// Authorize does the browser's part: it requests authURL (from
// sso.Provider.AuthCodeURL) and returns the callback URL the provider
// redirects to, with code and state, or error and error_description.
func (p *Provider) Authorize(authURL string) (*url.URL, error) {
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(authURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("ssotest: authorization endpoint answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return url.Parse(resp.Header.Get("Location"))
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	iss := p.Issuer()
	doc := map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/authorize",
		"token_endpoint":                        iss + "/token",
		"jwks_uri":                              iss + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"token_endpoint_auth_methods_supported": p.authMethods,
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"},
		"grant_types_supported":                 []string{"authorization_code"},
	}
	if len(p.pkceMethods) > 0 {
		doc["code_challenge_methods_supported"] = p.pkceMethods
	}
	writeJSON(w, http.StatusOK, doc)
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.Key.PublicKey, KeyID: KeyID, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	// A wrong client or redirect URI must not be redirected to (RFC 6749
	// §4.1.2.1): the provider shows an error page instead.
	if q.Get("client_id") != p.ClientID {
		http.Error(w, fmt.Sprintf("unknown client_id %q", q.Get("client_id")), http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	back, err := url.Parse(redirect)
	if redirect == "" || err != nil || !back.IsAbs() {
		http.Error(w, fmt.Sprintf("redirect_uri %q is not an absolute URL", redirect), http.StatusBadRequest)
		return
	}
	if p.redirectURL != "" && redirect != p.redirectURL {
		http.Error(w, fmt.Sprintf("redirect_uri %q is not registered (want %q)", redirect, p.redirectURL), http.StatusBadRequest)
		return
	}
	fail := func(code, descr string) {
		v := back.Query()
		v.Set("error", code)
		if descr != "" {
			v.Set("error_description", descr)
		}
		if s := q.Get("state"); s != "" {
			v.Set("state", s)
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
	if f := p.authFail; f != nil {
		p.authFail = nil
		fail(f.code, f.descr)
		return
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	if !slices.Contains(strings.Fields(q.Get("scope")), "openid") {
		fail("invalid_scope", "the openid scope is required")
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" && q.Get("code_challenge_method") != "S256" {
		fail("invalid_request", "code_challenge_method must be S256")
		return
	}
	code := randomString()
	p.codes[code] = grant{redirectURI: redirect, nonce: q.Get("nonce"), challenge: challenge, user: p.user}
	v := back.Query()
	v.Set("code", code)
	if s := q.Get("state"); s != "" {
		v.Set("state", s)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.tokenFail; f != nil {
		p.tokenFail = nil
		if f.code == "" {
			http.Error(w, "ssotest: token endpoint failure", f.status)
			return
		}
		oauthError(w, f.status, f.code, f.descr)
		return
	}
	if msg := p.authenticateClient(r); msg != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="ssotest"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", msg)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q", gt))
		return
	}
	code := r.PostForm.Get("code")
	g, ok := p.codes[code]
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or already used authorization code")
		return
	}
	delete(p.codes, code) // codes are single-use (RFC 6749 §4.1.2)
	if r.PostForm.Get("redirect_uri") != g.redirectURI {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
		return
	}
	if g.challenge != "" {
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(g.challenge)) != 1 {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
	}

	now := time.Now()
	if p.now != nil {
		now = p.now()
	}
	tok := IDToken{
		Issuer: p.Issuer(), Subject: g.user.Subject, Audience: []string{p.ClientID}, Nonce: g.nonce,
		IssuedAt: now, Expiry: now.Add(p.ttl), Claims: map[string]any{}, Key: p.Key, KeyID: KeyID,
	}
	if g.user.Email != "" {
		tok.Claims["email"] = g.user.Email
		tok.Claims["email_verified"] = g.user.EmailVerified
	}
	if g.user.Name != "" {
		tok.Claims["name"] = g.user.Name
	}
	if len(p.edits) > 0 {
		p.edits[0](&tok)
		p.edits = p.edits[1:]
	}
	resp := map[string]any{"access_token": randomString(), "token_type": "Bearer", "expires_in": int(p.ttl.Seconds())}
	if !tok.Omit {
		raw, err := sign(tok)
		if err != nil {
			oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
			return
		}
		resp["id_token"] = raw
	}
	p.exchanges++
	writeJSON(w, http.StatusOK, resp)
}

// authenticateClient checks the client's credentials in the ways the
// discovery document advertises, and says what is wrong.
func (p *Provider) authenticateClient(r *http.Request) string {
	id, secret, basic := r.BasicAuth()
	method := "client_secret_basic"
	if basic {
		// RFC 6749 §2.3.1: both parts are form-encoded before base64.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret, method = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), "client_secret_post"
	}
	switch {
	case !slices.Contains(p.authMethods, method):
		return method + " is not accepted"
	case id != p.ClientID:
		return fmt.Sprintf("unknown client_id %q", id)
	case subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1:
		return "wrong client secret"
	}
	return ""
}

func sign(t IDToken) (string, error) {
	claims := maps.Clone(t.Claims)
	if claims == nil {
		claims = map[string]any{}
	}
	claims["iss"] = t.Issuer
	claims["sub"] = t.Subject
	claims["aud"] = t.Audience
	claims["iat"] = t.IssuedAt.Unix()
	claims["exp"] = t.Expiry.Unix()
	if t.Nonce != "" {
		claims["nonce"] = t.Nonce
	}
	if t.AuthorizedParty != "" {
		claims["azp"] = t.AuthorizedParty
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: t.Key, KeyID: t.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

func oauthError(w http.ResponseWriter, status int, code, descr string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": descr})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
