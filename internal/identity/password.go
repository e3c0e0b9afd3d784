package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, two passes,
// one lane). Larger memory would make each sign-in hold more memory than
// the whole idle server; stored hashes carry their own parameters, so these
// can be raised later without invalidating passwords.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an encoded argon2id hash of the password in the
// usual $argon2id$v=19$m=…,t=…,p=…$salt$hash form.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash. The
// parameters stored in the hash are used, so old hashes keep working when
// the defaults change.
func CheckPassword(encoded, password string) bool {
	h, ok := decodeHash(encoded)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

type decodedHash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

func decodeHash(encoded string) (decodedHash, bool) {
	var h decodedHash
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return h, false
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return h, false
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) == 0 {
		return h, false
	}
	return h, true
}

// dummyHash is checked against when a username does not exist, so that a
// sign-in for an unknown user takes as long as one with a wrong password.
// It is a fixed hash of a random, discarded password with the current
// parameters (computing one at start would cost every start ~30 ms).
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$y0mz3L4cXWnq2y8lYb2h0A$9c6cM4w7kR0Cq4m0f7kN1xqBv3o0d4Yp0r2vQeQmQ2I"
