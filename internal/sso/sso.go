// Package sso signs people in with an OpenID Connect provider (Keycloak,
// Microsoft Entra ID, …) using the authorization code flow with PKCE.
//
// The package only proves who the person is: it returns the verified claims
// of the ID token. Deciding which Continuo account that is (an existing
// account whose email matches a verified email claim) is the caller's job.
//
// The flow, as the web UI drives it:
//
//	state, nonce := sso.NewState(), sso.NewState()
//	// remember state and nonce in a short-lived cookie, then redirect to
//	http.Redirect(w, r, p.AuthCodeURL(state, nonce), http.StatusFound)
//	// … the provider redirects back to RedirectURL?code=…&state=…
//	// check state against the cookie, then
//	claims, err := p.Exchange(ctx, code, nonce)
//
// PKCE without extra state: the PKCE code verifier is not stored anywhere.
// It is derived from the nonce as HMAC-SHA256(client secret, nonce), so
// AuthCodeURL and Exchange need nothing but the nonce the caller keeps
// anyway. The nonce travels in the authorization URL, so the key must be a
// secret: that is why a client secret is required. Every process that shares
// the client secret derives the same verifier, so a sign-in started on one
// `continuo serve` process can finish on another.
package sso

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// DefaultTimeout bounds every request to the provider (discovery, keys,
// token exchange) when Config.HTTPClient sets no timeout of its own: a hung
// provider must not hold a sign-in request, or startup, forever.
const DefaultTimeout = 10 * time.Second

// Config names the provider and this client.
type Config struct {
	// Issuer is the provider's issuer URL exactly as its discovery document
	// states it, e.g. https://sso.example.com/realms/acme.
	Issuer string
	// ClientID and ClientSecret are the credentials of the client registered
	// at the provider. Continuo is a confidential client: both are required.
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback registered at the provider,
	// BASE_URL/auth/oidc/callback.
	RedirectURL string

	// HTTPClient is used for every request to the provider; nil means a
	// client with DefaultTimeout. A client without a timeout is copied and
	// given DefaultTimeout.
	HTTPClient *http.Client
	// Now is the clock for checking the ID token's expiry; nil means
	// time.Now. Tests set it to a fixed time.
	Now func() time.Time
}

// Provider is a discovered OpenID Connect provider and this client's
// registration with it. It is safe for concurrent use.
type Provider struct {
	issuer   string
	clientID string
	pkceKey  []byte
	pkce     bool
	client   *http.Client
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// Claims is what the provider asserts about the person who signed in.
type Claims struct {
	// Subject is the provider's stable identifier of the person.
	Subject string
	// Email is the email claim; it identifies an account only when
	// EmailVerified is true.
	Email string
	// EmailVerified is true when the provider vouches for Email: the
	// standard email_verified claim, or, for Microsoft Entra ID, which never
	// sends email_verified, its xms_edov (email domain owner verified)
	// optional claim.
	EmailVerified bool
	// Name is the display name (name, else given and family name).
	Name string
}

// New validates cfg and fetches the provider's discovery document from
// Issuer/.well-known/openid-configuration. An incomplete cfg gives an
// errs.Invalid error listing each missing or malformed field; an issuer that
// cannot be reached, is no OpenID provider or calls itself by another name
// gives an error saying so. Errors carry no "sso" prefix: the caller names
// the setting.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := validate(cfg); err != nil {
		return nil, err
	}
	client := httpClient(cfg.HTTPClient)
	// go-oidc and x/oauth2 take their HTTP client from the context; the
	// provider keeps this one for fetching signing keys later on.
	octx := oidc.ClientContext(ctx, client)
	op, err := oidc.NewProvider(octx, cfg.Issuer)
	if err != nil {
		return nil, discoveryError(cfg.Issuer, err)
	}
	var meta struct {
		AuthMethods  []string `json:"token_endpoint_auth_methods_supported"`
		PKCEMethods  []string `json:"code_challenge_methods_supported"`
		ResponseType []string `json:"response_types_supported"`
	}
	if err := op.Claims(&meta); err != nil {
		return nil, fmt.Errorf("reading the discovery document of %s: %w", cfg.Issuer, err)
	}
	endpoint := op.Endpoint()
	if endpoint.AuthURL == "" || endpoint.TokenURL == "" {
		return nil, fmt.Errorf("the discovery document of %s names no authorization_endpoint or token_endpoint", cfg.Issuer)
	}
	if len(meta.ResponseType) > 0 && !slices.Contains(meta.ResponseType, "code") {
		return nil, fmt.Errorf("the OpenID provider at %s does not support the authorization code flow (response_types_supported: %s)",
			cfg.Issuer, strings.Join(meta.ResponseType, ", "))
	}
	style, err := authStyle(meta.AuthMethods)
	if err != nil {
		return nil, fmt.Errorf("the OpenID provider at %s: %w", cfg.Issuer, err)
	}
	// Fixing the style avoids x/oauth2's auto-detection, which on any
	// failure silently retries the same code with the other style.
	endpoint.AuthStyle = style

	return &Provider{
		issuer:   cfg.Issuer,
		clientID: cfg.ClientID,
		pkceKey:  []byte(cfg.ClientSecret),
		// Providers that do not advertise PKCE ignore the extra parameters
		// (RFC 6749 §3.1); only one that lists methods without S256 is
		// known to not accept it.
		pkce:   len(meta.PKCEMethods) == 0 || slices.Contains(meta.PKCEMethods, "S256"),
		client: client,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  cfg.RedirectURL,
			// openid for the ID token; email and profile for the claims
			// Continuo matches and shows.
			Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
		},
		verifier: op.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
	}, nil
}

// Issuer returns the issuer URL the provider was discovered at.
func (p *Provider) Issuer() string { return p.issuer }

// AuthCodeURL returns the provider's authorization URL to send the browser
// to. state protects the callback against cross-site request forgery and
// nonce binds the ID token to this sign-in; keep both (e.g. in a short-lived
// cookie) for the callback. The PKCE challenge is derived from nonce.
func (p *Provider) AuthCodeURL(state, nonce string) string {
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce)}
	if p.pkce {
		opts = append(opts, oauth2.S256ChallengeOption(p.codeVerifier(nonce)))
	}
	return p.oauth.AuthCodeURL(state, opts...)
}

// Exchange redeems the authorization code from the callback at the token
// endpoint and verifies the ID token it returns: signature against the
// provider's published keys, issuer, audience (this client), expiry and the
// nonce of this sign-in. Errors the person's sign-in is at fault for (the
// provider refused the code, the token failed verification) carry
// errs.Unauthorized; a provider that cannot be reached gives an error
// without a code (errs.Internal).
func (p *Provider) Exchange(ctx context.Context, code, nonce string) (Claims, error) {
	var v errs.Validation
	v.Required("code", code)
	v.Required("nonce", nonce)
	if err := v.Err(); err != nil {
		return Claims{}, err
	}
	ctx = oidc.ClientContext(ctx, p.client)
	var opts []oauth2.AuthCodeOption
	if p.pkce {
		opts = append(opts, oauth2.VerifierOption(p.codeVerifier(nonce)))
	}
	tok, err := p.oauth.Exchange(ctx, code, opts...)
	if err != nil {
		return Claims{}, exchangeError(p.oauth.Endpoint.TokenURL, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Claims{}, errs.New(errs.Unauthorized, "single sign-on: the provider's token response has no ID token (is the openid scope allowed for this client?)")
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return Claims{}, errs.New(errs.Unauthorized, "single sign-on: the ID token expired at %s (check the clocks of this server and the provider)",
				expired.Expiry.UTC().Format(time.RFC3339))
		}
		return Claims{}, errs.Wrap(errs.Unauthorized, err, "single sign-on: the ID token was rejected")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Claims{}, errs.New(errs.Unauthorized, "single sign-on: the ID token's nonce does not belong to this sign-in (replayed or mixed-up response)")
	}
	if idt.Subject == "" {
		return Claims{}, errs.New(errs.Unauthorized, "single sign-on: the ID token has no subject (sub) claim")
	}
	var c struct {
		AuthorizedParty string   `json:"azp"`
		Email           string   `json:"email"`
		EmailVerified   flexBool `json:"email_verified"`
		DomainVerified  flexBool `json:"xms_edov"`
		Name            string   `json:"name"`
		GivenName       string   `json:"given_name"`
		FamilyName      string   `json:"family_name"`
	}
	if err := idt.Claims(&c); err != nil {
		return Claims{}, errs.Wrap(errs.Unauthorized, err, "single sign-on: the ID token's claims cannot be read")
	}
	// OpenID Connect Core §3.1.3.7 (5): a token for several audiences must
	// name this client as its authorized party.
	if (c.AuthorizedParty != "" || len(idt.Audience) > 1) && c.AuthorizedParty != p.clientID {
		return Claims{}, errs.New(errs.Unauthorized, "single sign-on: the ID token was issued to %q (azp), not to this client %q", c.AuthorizedParty, p.clientID)
	}
	verified := c.EmailVerified.value
	if !c.EmailVerified.set {
		verified = c.DomainVerified.value
	}
	name := strings.TrimSpace(c.Name)
	if name == "" {
		name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	email := strings.TrimSpace(c.Email)
	return Claims{Subject: idt.Subject, Email: email, EmailVerified: verified && email != "", Name: name}, nil
}

// NewState returns a random URL-safe value (256 bits) for state and nonce.
func NewState() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// codeVerifier derives the PKCE code verifier of a sign-in from its nonce:
// 32 bytes of HMAC give the 43 characters RFC 7636 asks for at least.
func (p *Provider) codeVerifier(nonce string) string {
	m := hmac.New(sha256.New, p.pkceKey)
	m.Write([]byte("continuo sso pkce verifier\x00"))
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func validate(cfg Config) error {
	v := errs.Validation{}
	checkURL(&v, "issuer", cfg.Issuer)
	v.Required("client ID", cfg.ClientID)
	v.Required("client secret", cfg.ClientSecret)
	checkURL(&v, "redirect URL", cfg.RedirectURL)
	if len(v.Fields()) == 0 {
		return nil
	}
	return &errs.Error{Code: errs.Invalid, Message: "incomplete OpenID Connect configuration", Fields: v.Fields()}
}

func checkURL(v *errs.Validation, field, s string) {
	if strings.TrimSpace(s) == "" {
		v.Add(field, "is required")
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.Add(field, "must be an absolute http(s) URL, got %q", s)
		return
	}
	if u.RawQuery != "" || u.Fragment != "" {
		v.Add(field, "must not have a query or fragment, got %q", s)
	}
}

func httpClient(c *http.Client) *http.Client {
	if c == nil {
		return &http.Client{Timeout: DefaultTimeout}
	}
	if c.Timeout == 0 {
		cp := *c
		cp.Timeout = DefaultTimeout
		return &cp
	}
	return c
}

// authStyle picks how to send the client secret from the methods the
// provider lists; OpenID Connect Discovery makes client_secret_basic the
// default when the list is absent.
func authStyle(methods []string) (oauth2.AuthStyle, error) {
	switch {
	case len(methods) == 0 || slices.Contains(methods, "client_secret_basic"):
		return oauth2.AuthStyleInHeader, nil
	case slices.Contains(methods, "client_secret_post"):
		return oauth2.AuthStyleInParams, nil
	}
	return 0, fmt.Errorf("its token endpoint accepts neither client_secret_basic nor client_secret_post (token_endpoint_auth_methods_supported: %s)",
		strings.Join(methods, ", "))
}

func discoveryError(issuer string, err error) error {
	wellKnown := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Errorf("the OpenID provider at %s calls itself %q: set the issuer to exactly that value (a trailing slash matters)",
			issuer, mismatch.Discovered)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return fmt.Errorf("cannot reach the OpenID provider at %s (GET %s): %w", issuer, wellKnown, uerr.Err)
	}
	return fmt.Errorf("%s is not a usable OpenID provider (GET %s): %w", issuer, wellKnown, err)
}

func exchangeError(tokenURL string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			return fmt.Errorf("single sign-on: cannot reach the provider's token endpoint %s: %w", tokenURL, uerr.Err)
		}
		return fmt.Errorf("single sign-on: exchanging the authorization code at %s: %w", tokenURL, err)
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if re.ErrorCode == "" {
		body := strings.TrimSpace(string(re.Body))
		if len(body) > 200 {
			body = body[:200] + "…"
		}
		return errs.New(errs.Unauthorized, "single sign-on: the provider's token endpoint answered HTTP %d: %s", status, body)
	}
	msg := fmt.Sprintf("single sign-on: the provider refused the authorization code: %s", re.ErrorCode)
	if re.ErrorDescription != "" {
		msg += " (" + re.ErrorDescription + ")"
	}
	return &errs.Error{Code: errs.Unauthorized, Message: msg}
}

// flexBool reads a JSON boolean that some providers send as the string
// "true"/"false", and remembers whether the claim was present at all.
type flexBool struct{ set, value bool }

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*b = flexBool{set: true, value: x}
	case string:
		*b = flexBool{set: true, value: strings.EqualFold(x, "true")}
	case nil:
		*b = flexBool{}
	default:
		return fmt.Errorf("want a boolean, got %s", data)
	}
	return nil
}
