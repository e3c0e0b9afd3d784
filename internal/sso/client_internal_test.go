package sso

import (
	"net/http"
	"testing"
	"time"
)

func TestHTTPClientAlwaysHasTimeout(t *testing.T) {
	if c := httpClient(nil); c.Timeout != DefaultTimeout {
		t.Errorf("default client timeout = %v, want %v", c.Timeout, DefaultTimeout)
	}
	given := &http.Client{}
	c := httpClient(given)
	if c.Timeout != DefaultTimeout {
		t.Errorf("client without timeout got %v, want %v", c.Timeout, DefaultTimeout)
	}
	if given.Timeout != 0 {
		t.Error("the caller's client was modified")
	}
	own := &http.Client{Timeout: 3 * time.Second}
	if httpClient(own) != own {
		t.Error("a client with its own timeout was replaced")
	}
}

func TestCodeVerifierDependsOnNonceAndSecret(t *testing.T) {
	a := &Provider{pkceKey: []byte("secret-a")}
	b := &Provider{pkceKey: []byte("secret-b")}
	v := a.codeVerifier("nonce-1")
	if len(v) < 43 || len(v) > 128 {
		t.Errorf("verifier length %d outside RFC 7636's 43..128", len(v))
	}
	if a.codeVerifier("nonce-1") != v {
		t.Error("same nonce and secret gave another verifier")
	}
	if a.codeVerifier("nonce-2") == v {
		t.Error("another nonce gave the same verifier")
	}
	if b.codeVerifier("nonce-1") == v {
		t.Error("another secret gave the same verifier: the verifier would be computable from the public nonce")
	}
}
