package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Tokens signs and checks acknowledgement tokens: the delivery id and an
// expiry, signed with HMAC-SHA256 under the server secret. A token is
// short enough for an SMS link and reveals nothing but the delivery id.
type Tokens struct {
	secret []byte
}

// NewTokens returns a token signer; the secret must be at least 16 bytes.
func NewTokens(secret []byte) (*Tokens, error) {
	if len(secret) < 16 {
		return nil, errors.New("notify: the acknowledgement secret must be at least 16 bytes")
	}
	return &Tokens{secret: append([]byte(nil), secret...)}, nil
}

// The errors of Verify.
var (
	ErrTokenInvalid = errors.New("the acknowledgement link is not valid")
	ErrTokenExpired = errors.New("the acknowledgement link has expired")
)

const tokenMAC = 16 // bytes of the HMAC kept: 128 bits

// Sign returns a token for the delivery, valid until expires.
func (t *Tokens) Sign(deliveryID int64, expires time.Time) string {
	buf := make([]byte, 0, 2*binary.MaxVarintLen64+tokenMAC)
	buf = binary.AppendUvarint(buf, uint64(deliveryID))
	buf = binary.AppendUvarint(buf, uint64(expires.Unix()))
	buf = append(buf, t.mac(buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func (t *Tokens) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, t.secret)
	h.Write([]byte("continuo-ack-v1\x00"))
	h.Write(payload)
	return h.Sum(nil)[:tokenMAC]
}

// Verify returns the delivery id of a token signed by this server that
// has not expired at now.
func (t *Tokens) Verify(token string, now time.Time) (int64, error) {
	if len(token) > 100 {
		return 0, ErrTokenInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) <= tokenMAC {
		return 0, ErrTokenInvalid
	}
	payload, sum := b[:len(b)-tokenMAC], b[len(b)-tokenMAC:]
	if !hmac.Equal(sum, t.mac(payload)) {
		return 0, ErrTokenInvalid
	}
	id, n := binary.Uvarint(payload)
	if n <= 0 {
		return 0, ErrTokenInvalid
	}
	exp, m := binary.Uvarint(payload[n:])
	if m <= 0 || n+m != len(payload) || id == 0 {
		return 0, ErrTokenInvalid
	}
	if now.Unix() > int64(exp) {
		return 0, ErrTokenExpired
	}
	return int64(id), nil
}
