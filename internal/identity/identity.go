// Package identity holds user accounts, their role grants, browser sessions
// and API tokens, and signs people in.
package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// User is an account that can sign in.
type User struct {
	ID           int64         `json:"id"`
	Username     string        `json:"username"`
	DisplayName  string        `json:"display_name"`
	Email        string        `json:"email"`
	PersonID     *int64        `json:"person_id"`
	Lang         string        `json:"lang"`
	PasswordHash string        `json:"-"`
	Disabled     bool          `json:"disabled"`
	Grants       []authz.Grant `json:"grants"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

var usernameRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.@\-]{1,63}$`)

// Validate checks the user's fields.
func (u *User) Validate() error {
	var v errs.Validation
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	v.Check(usernameRe.MatchString(u.Username), "username", "must be 2–64 letters, digits or . _ @ -, starting with a letter or digit")
	v.MaxLen("display_name", u.DisplayName, 100)
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			v.Add("email", "is not a valid email address")
		}
	}
	if u.Lang != "" && u.Lang != "en" && u.Lang != "zh-CN" {
		v.Add("lang", "must be en or zh-CN")
	}
	for i, g := range u.Grants {
		if !g.Role.Valid() {
			v.Add("grants["+strconv.Itoa(i)+"].role", "is not a known role")
		}
		if g.UnitID <= 0 {
			v.Add("grants["+strconv.Itoa(i)+"].unit_id", "is required")
		}
	}
	return v.Err()
}

// Principal returns the user as an acting principal.
func (u *User) Principal() authz.Principal {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return authz.Principal{UserID: u.ID, Name: name, Grants: u.Grants}
}

// Session is a signed-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API bearer token carrying its user's rights. Only the hash of
// the secret is stored; Prefix identifies it in lists.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Store is the storage the identity service needs.
type Store interface {
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id int64) (User, error)
	UserByUsername(ctx context.Context, username string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	CountUsers(ctx context.Context) (int, error)

	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	DeleteToken(ctx context.Context, userID, id int64) error
	TouchToken(ctx context.Context, id int64, at time.Time) error

	// AuthRevision moves whenever a user, grant, session, token or unit
	// path changes or goes, in the same transaction as the change.
	AuthRevision(ctx context.Context) (int64, error)
}

// UnitPaths resolves org unit ids to their materialised paths so grants can
// be checked against subtrees.
type UnitPaths interface {
	UnitPath(ctx context.Context, id int64) (string, error)
}

// NewSecret returns a random URL-safe secret with the given prefix.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the stored form of a session or token secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
