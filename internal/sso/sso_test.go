package sso_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/sso"
	"github.com/continuo-bcm/continuo/internal/sso/ssotest"
)

const callback = "https://continuo.example.com/auth/oidc/callback"

// now is the one clock of provider and verifier, so expiry is decided by
// the token's content, not by how long the test took.
var now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func setup(t *testing.T) (*ssotest.Provider, *sso.Provider) {
	t.Helper()
	op := ssotest.NewProvider(t)
	op.SetNow(func() time.Time { return now })
	p, err := sso.New(t.Context(), op.Config(callback))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return op, p
}

// signIn runs the browser's part of the flow and returns the code the
// callback receives.
func signIn(t *testing.T, op *ssotest.Provider, p *sso.Provider, nonce string) string {
	t.Helper()
	state := sso.NewState()
	back, err := op.Authorize(p.AuthCodeURL(state, nonce))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	q := back.Query()
	if e := q.Get("error"); e != "" {
		t.Fatalf("authorize: provider error %s: %s", e, q.Get("error_description"))
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != callback {
		t.Fatalf("provider redirected to %s, want %s", got, callback)
	}
	if q.Get("state") != state {
		t.Fatalf("state = %q, want %q", q.Get("state"), state)
	}
	if q.Get("code") == "" {
		t.Fatalf("callback %s has no code", back)
	}
	return q.Get("code")
}

func TestAuthCodeURL(t *testing.T) {
	op, p := setup(t)
	state, nonce := sso.NewState(), sso.NewState()
	u, err := url.Parse(p.AuthCodeURL(state, nonce))
	if err != nil {
		t.Fatal(err)
	}
	if want := op.Issuer() + "/authorize"; u.Scheme+"://"+u.Host+u.Path != want {
		t.Errorf("authorization endpoint = %s, want %s", u.Scheme+"://"+u.Host+u.Path, want)
	}
	q := u.Query()
	for k, want := range map[string]string{
		"client_id":             op.ClientID,
		"redirect_uri":          callback,
		"response_type":         "code",
		"state":                 state,
		"nonce":                 nonce,
		"code_challenge_method": "S256",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	scopes := strings.Fields(q.Get("scope"))
	slices.Sort(scopes)
	if !slices.Equal(scopes, []string{"email", "openid", "profile"}) {
		t.Errorf("scope = %q, want openid email profile", q.Get("scope"))
	}
	if q.Has("client_secret") || q.Has("code_verifier") {
		t.Errorf("authorization URL leaks a secret: %s", u)
	}
	challenge := q.Get("code_challenge")
	if len(challenge) != 43 {
		t.Errorf("code_challenge = %q, want 43 base64url characters of SHA-256", challenge)
	}
	// The verifier is derived from the nonce: same nonce, same challenge;
	// another sign-in, another challenge.
	again, _ := url.Parse(p.AuthCodeURL(sso.NewState(), nonce))
	if again.Query().Get("code_challenge") != challenge {
		t.Error("the same nonce gave a different code_challenge")
	}
	other, _ := url.Parse(p.AuthCodeURL(state, sso.NewState()))
	if other.Query().Get("code_challenge") == challenge {
		t.Error("another nonce gave the same code_challenge")
	}
}

func TestExchangeReturnsClaims(t *testing.T) {
	op, p := setup(t)
	op.SetUser(ssotest.User{Subject: "8f14e45f", Email: "li.lei@example.com", EmailVerified: true, Name: "李雷"})
	nonce := sso.NewState()
	code := signIn(t, op, p, nonce)
	got, err := p.Exchange(t.Context(), code, nonce)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	want := sso.Claims{Subject: "8f14e45f", Email: "li.lei@example.com", EmailVerified: true, Name: "李雷"}
	if got != want {
		t.Errorf("claims = %+v, want %+v", got, want)
	}

	// The code is single-use: a replayed callback is refused.
	_, err = p.Exchange(t.Context(), code, nonce)
	if errs.CodeOf(err) != errs.Unauthorized || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("second Exchange of the same code: %v, want an unauthorized invalid_grant error", err)
	}
}

func TestExchangeNeedsCodeAndNonce(t *testing.T) {
	_, p := setup(t)
	_, err := p.Exchange(t.Context(), "", "")
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("Exchange(\"\", \"\") = %v, want an invalid-input error", err)
	}
	var fields []string
	for _, f := range errs.FieldsOf(err) {
		fields = append(fields, f.Field)
	}
	if !slices.Equal(fields, []string{"code", "nonce"}) {
		t.Errorf("fields = %v, want [code nonce]", fields)
	}
}

func TestExchangeRejectsBadIDTokens(t *testing.T) {
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*ssotest.IDToken)
		want string
	}{
		{"wrong nonce", func(tok *ssotest.IDToken) { tok.Nonce = "nonce-of-another-sign-in" }, "nonce"},
		{"no nonce", func(tok *ssotest.IDToken) { tok.Nonce = "" }, "nonce"},
		{"wrong audience", func(tok *ssotest.IDToken) { tok.Audience = []string{"another-client"} }, "audience"},
		{"expired", func(tok *ssotest.IDToken) { tok.Expiry = now.Add(-time.Second) }, "expired at 2026-03-02T09:29:59Z"},
		{"signed by another key", func(tok *ssotest.IDToken) { tok.Key = otherKey }, "signature"},
		{"signed by another key with unknown kid", func(tok *ssotest.IDToken) { tok.Key, tok.KeyID = otherKey, "rogue" }, "signature"},
		{"another issuer", func(tok *ssotest.IDToken) { tok.Issuer = "https://evil.example.com" }, "different provider"},
		{"issued to another party", func(tok *ssotest.IDToken) {
			tok.Audience = append(tok.Audience, "another-client")
			tok.AuthorizedParty = "another-client"
		}, "azp"},
		{"several audiences without azp", func(tok *ssotest.IDToken) { tok.Audience = append(tok.Audience, "another-client") }, "azp"},
		{"no subject", func(tok *ssotest.IDToken) { tok.Subject = "" }, "subject"},
		{"no ID token", func(tok *ssotest.IDToken) { tok.Omit = true }, "no ID token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, p := setup(t)
			nonce := sso.NewState()
			code := signIn(t, op, p, nonce)
			op.EditNextToken(tt.edit)
			claims, err := p.Exchange(t.Context(), code, nonce)
			if err == nil {
				t.Fatalf("Exchange accepted the token: %+v", claims)
			}
			if errs.CodeOf(err) != errs.Unauthorized {
				t.Errorf("code = %s, want %s (%v)", errs.CodeOf(err), errs.Unauthorized, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if claims != (sso.Claims{}) {
				t.Errorf("claims returned with the error: %+v", claims)
			}
		})
	}
}

func TestExchangeAcceptsTokenUntilExpiry(t *testing.T) {
	op, p := setup(t)
	nonce := sso.NewState()
	code := signIn(t, op, p, nonce)
	op.EditNextToken(func(tok *ssotest.IDToken) { tok.Expiry = now }) // exp == now is not yet past
	if _, err := p.Exchange(t.Context(), code, nonce); err != nil {
		t.Fatalf("token expiring exactly now was rejected: %v", err)
	}
}

// A code stolen from one sign-in cannot be redeemed in another: the PKCE
// verifier comes from the other sign-in's nonce.
func TestExchangeRejectsCodeOfAnotherSignIn(t *testing.T) {
	op, p := setup(t)
	code := signIn(t, op, p, sso.NewState())
	_, err := p.Exchange(t.Context(), code, sso.NewState())
	if errs.CodeOf(err) != errs.Unauthorized || !strings.Contains(err.Error(), "PKCE") {
		t.Fatalf("Exchange with another sign-in's nonce: %v, want the provider's PKCE refusal", err)
	}
	if op.Exchanges() != 0 {
		t.Errorf("provider issued %d tokens, want 0", op.Exchanges())
	}
}

func TestExchangeReportsTokenEndpointErrors(t *testing.T) {
	t.Run("oauth error", func(t *testing.T) {
		op, p := setup(t)
		nonce := sso.NewState()
		code := signIn(t, op, p, nonce)
		op.FailNextToken(http.StatusBadRequest, "invalid_grant", "The authorization code has expired")
		_, err := p.Exchange(t.Context(), code, nonce)
		if errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("code = %s, want unauthorized (%v)", errs.CodeOf(err), err)
		}
		want := "single sign-on: the provider refused the authorization code: invalid_grant (The authorization code has expired)"
		if err.Error() != want {
			t.Errorf("error = %q\nwant    %q", err, want)
		}
	})
	t.Run("plain server error", func(t *testing.T) {
		op, p := setup(t)
		nonce := sso.NewState()
		code := signIn(t, op, p, nonce)
		op.FailNextToken(http.StatusBadGateway, "", "")
		_, err := p.Exchange(t.Context(), code, nonce)
		if err == nil || !strings.Contains(err.Error(), "HTTP 502") || !strings.Contains(err.Error(), "token endpoint failure") {
			t.Fatalf("error = %v, want one naming HTTP 502 and the body", err)
		}
	})
	t.Run("wrong client secret", func(t *testing.T) {
		op := ssotest.NewProvider(t)
		cfg := op.Config(callback)
		cfg.ClientSecret = "not-the-secret"
		p, err := sso.New(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		nonce := sso.NewState()
		code := signIn(t, op, p, nonce)
		_, err = p.Exchange(t.Context(), code, nonce)
		if err == nil || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("error = %v, want invalid_client", err)
		}
	})
	t.Run("provider gone", func(t *testing.T) {
		op, p := setup(t)
		nonce := sso.NewState()
		code := signIn(t, op, p, nonce)
		op.Close()
		_, err := p.Exchange(t.Context(), code, nonce)
		if err == nil || !strings.Contains(err.Error(), "cannot reach the provider's token endpoint "+op.Issuer()+"/token") {
			t.Fatalf("error = %v, want one saying the token endpoint cannot be reached", err)
		}
		if errs.CodeOf(err) != errs.Internal {
			t.Errorf("code = %s, want internal: the person is not at fault", errs.CodeOf(err))
		}
	})
}

func TestEmailVerification(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(map[string]any)
		wantEmail string
		verified  bool
	}{
		{"verified", func(map[string]any) {}, "alice@example.com", true},
		{"unverified", func(c map[string]any) { c["email_verified"] = false }, "alice@example.com", false},
		{"verified as string", func(c map[string]any) { c["email_verified"] = "true" }, "alice@example.com", true},
		{"unverified as string", func(c map[string]any) { c["email_verified"] = "false" }, "alice@example.com", false},
		{"claim missing", func(c map[string]any) { delete(c, "email_verified") }, "alice@example.com", false},
		{"entra domain verified", func(c map[string]any) { delete(c, "email_verified"); c["xms_edov"] = true }, "alice@example.com", true},
		{"entra domain not verified", func(c map[string]any) { delete(c, "email_verified"); c["xms_edov"] = false }, "alice@example.com", false},
		{"email_verified wins over xms_edov", func(c map[string]any) { c["email_verified"] = false; c["xms_edov"] = true }, "alice@example.com", false},
		{"no email", func(c map[string]any) { delete(c, "email") }, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, p := setup(t)
			nonce := sso.NewState()
			code := signIn(t, op, p, nonce)
			op.EditNextToken(func(tok *ssotest.IDToken) { tt.edit(tok.Claims) })
			c, err := p.Exchange(t.Context(), code, nonce)
			if err != nil {
				t.Fatal(err)
			}
			if c.Email != tt.wantEmail || c.EmailVerified != tt.verified {
				t.Errorf("email %q verified %v, want %q %v", c.Email, c.EmailVerified, tt.wantEmail, tt.verified)
			}
		})
	}
	t.Run("malformed email_verified", func(t *testing.T) {
		op, p := setup(t)
		nonce := sso.NewState()
		code := signIn(t, op, p, nonce)
		op.EditNextToken(func(tok *ssotest.IDToken) { tok.Claims["email_verified"] = 1 })
		if _, err := p.Exchange(t.Context(), code, nonce); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("error = %v, want unauthorized", err)
		}
	})
}

func TestNameFallsBackToGivenAndFamilyName(t *testing.T) {
	op, p := setup(t)
	op.SetName("")
	nonce := sso.NewState()
	code := signIn(t, op, p, nonce)
	op.EditNextToken(func(tok *ssotest.IDToken) { tok.Claims["given_name"], tok.Claims["family_name"] = "Han", "Meimei" })
	c, err := p.Exchange(t.Context(), code, nonce)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Han Meimei" {
		t.Errorf("name = %q, want %q", c.Name, "Han Meimei")
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	_, err := sso.New(t.Context(), sso.Config{})
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("New(empty) = %v, want an invalid-config error", err)
	}
	want := "incomplete OpenID Connect configuration: issuer: is required; client ID: is required; client secret: is required; redirect URL: is required"
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}

	_, err = sso.New(t.Context(), sso.Config{Issuer: "sso.example.com/realms/acme", ClientID: "c", ClientSecret: "s", RedirectURL: "https://x/cb?a=1"})
	f := errs.FieldsOf(err)
	if len(f) != 2 || f[0].Field != "issuer" || !strings.Contains(f[0].Message, "absolute http(s) URL") ||
		f[1].Field != "redirect URL" || !strings.Contains(f[1].Message, "query") {
		t.Errorf("fields = %+v, want issuer not absolute and redirect URL with query", f)
	}
}

func TestNewReportsUnusableIssuer(t *testing.T) {
	cfg := sso.Config{ClientID: "continuo", ClientSecret: "s3cret", RedirectURL: callback}

	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close() // nothing listens on this address any more
		cfg := cfg
		cfg.Issuer = srv.URL
		_, err := sso.New(t.Context(), cfg)
		want := "cannot reach the OpenID provider at " + srv.URL + " (GET " + srv.URL + "/.well-known/openid-configuration)"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("error = %v, want prefix %q", err, want)
		}
	})
	t.Run("not a provider", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		cfg := cfg
		cfg.Issuer = srv.URL
		_, err := sso.New(t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), "is not a usable OpenID provider") || !strings.Contains(err.Error(), "404") {
			t.Fatalf("error = %v, want one saying the issuer is no OpenID provider (404)", err)
		}
	})
	t.Run("issuer mismatch", func(t *testing.T) {
		op := ssotest.NewProvider(t)
		cfg := op.Config(callback)
		cfg.Issuer += "/"
		_, err := sso.New(t.Context(), cfg)
		if err == nil || !strings.Contains(err.Error(), `calls itself "`+op.Issuer()+`"`) {
			t.Fatalf("error = %v, want one naming the provider's own issuer", err)
		}
	})
	t.Run("unsupported client authentication", func(t *testing.T) {
		op := ssotest.NewProvider(t)
		op.SetAuthMethods("private_key_jwt")
		_, err := sso.New(t.Context(), op.Config(callback))
		if err == nil || !strings.Contains(err.Error(), "neither client_secret_basic nor client_secret_post") {
			t.Fatalf("error = %v, want one about client authentication", err)
		}
	})
}

func TestClientSecretPost(t *testing.T) {
	op := ssotest.NewProvider(t)
	op.SetAuthMethods("client_secret_post") // the provider refuses basic auth now
	p, err := sso.New(t.Context(), op.Config(callback))
	if err != nil {
		t.Fatal(err)
	}
	nonce := sso.NewState()
	if _, err := p.Exchange(t.Context(), signIn(t, op, p, nonce), nonce); err != nil {
		t.Fatalf("Exchange with client_secret_post: %v", err)
	}
}

func TestNoPKCEWhenProviderLacksS256(t *testing.T) {
	op := ssotest.NewProvider(t)
	op.SetPKCEMethods("plain")
	p, err := sso.New(t.Context(), op.Config(callback))
	if err != nil {
		t.Fatal(err)
	}
	nonce := sso.NewState()
	u, _ := url.Parse(p.AuthCodeURL("s", nonce))
	if u.Query().Has("code_challenge") {
		t.Errorf("sent a S256 challenge to a provider that only lists plain: %s", u)
	}
	if _, err := p.Exchange(t.Context(), signIn(t, op, p, nonce), nonce); err != nil {
		t.Fatalf("Exchange without PKCE: %v", err)
	}
}

// recorder is a transport that remembers which paths it carried.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.paths = append(r.paths, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// Every request to the provider, including the key fetch go-oidc does in
// the background, goes through the configured client.
func TestHTTPClientCarriesEveryRequest(t *testing.T) {
	op := ssotest.NewProvider(t)
	rec := &recorder{}
	cfg := op.Config(callback)
	cfg.HTTPClient = &http.Client{Transport: rec}
	p, err := sso.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	nonce := sso.NewState()
	if _, err := p.Exchange(t.Context(), signIn(t, op, p, nonce), nonce); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []string{"GET /.well-known/openid-configuration", "POST /token", "GET /jwks"}
	if !slices.Equal(rec.paths, want) {
		t.Errorf("requests = %v, want %v", rec.paths, want)
	}
}

func TestNewState(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := sso.NewState()
		if len(s) != 43 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			t.Fatalf("NewState() = %q, want 43 URL-safe characters", s)
		}
		if seen[s] {
			t.Fatalf("NewState() repeated %q", s)
		}
		seen[s] = true
	}
}

func TestProviderSendsAuthorizeErrorsBack(t *testing.T) {
	op, p := setup(t)
	op.FailNextAuthorize("access_denied", "The user cancelled")
	back, err := op.Authorize(p.AuthCodeURL("st", sso.NewState()))
	if err != nil {
		t.Fatal(err)
	}
	q := back.Query()
	if q.Get("error") != "access_denied" || q.Get("error_description") != "The user cancelled" || q.Get("state") != "st" || q.Has("code") {
		t.Errorf("callback = %s, want error=access_denied with state and no code", back)
	}
	// Only the registered redirect URI is redirected to.
	bad := strings.Replace(p.AuthCodeURL("st", "n"), url.QueryEscape(callback), url.QueryEscape("https://evil.example.com/cb"), 1)
	if _, err := op.Authorize(bad); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("Authorize with a foreign redirect_uri: %v, want refusal", err)
	}
}
