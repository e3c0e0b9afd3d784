package identity

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Session and token lifetimes.
const (
	SessionTTL      = 12 * time.Hour
	MinPasswordLen  = 10
	MaxPasswordLen  = 256
	SessionPrefix   = "cs_"
	TokenPrefix     = "cto_"
	loginWindow     = 15 * time.Minute
	maxLoginFailure = 5
)

// Service manages accounts, sign-in, sessions and API tokens.
type Service struct {
	store   Store
	units   UnitPaths
	tx      tx.Runner
	audit   *audit.Log
	clock   clock.Clock
	limiter *limiter
	auth    authCache
}

// NewService returns the identity service.
func NewService(s Store, units UnitPaths, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, units: units, tx: t, audit: a, clock: c, limiter: newLimiter(c)}
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username    string        `json:"username"`
	DisplayName string        `json:"display_name"`
	Email       string        `json:"email"`
	Password    string        `json:"password"`
	PersonID    *int64        `json:"person_id"`
	Lang        string        `json:"lang"`
	Grants      []authz.Grant `json:"grants"`
}

func checkPassword(v *errs.Validation, field, pw string) {
	n := len([]rune(pw))
	if n < MinPasswordLen {
		v.Add(field, "must be at least %d characters", MinPasswordLen)
	} else if n > MaxPasswordLen {
		v.Add(field, "must be at most %d characters", MaxPasswordLen)
	}
}

// CreateUser creates an account. Needs users.manage.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	if err := authz.Require(ctx, authz.UsersManage); err != nil {
		return User{}, err
	}
	u := User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, PersonID: in.PersonID, Lang: in.Lang, Grants: in.Grants}
	var v errs.Validation
	v.Merge("", u.Validate())
	checkPassword(&v, "password", in.Password)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	u.PasswordHash = hash
	now := s.clock.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkGrantUnits(ctx, u.Grants); err != nil {
			return err
		}
		if _, err := s.store.UserByUsername(ctx, u.Username); err == nil {
			return &errs.Error{Code: errs.Conflict, Message: "username taken", Fields: []errs.FieldError{{Field: "username", Message: "is already taken"}}}
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		if err := s.store.CreateUser(ctx, &u); err != nil {
			return err
		}
		return s.audit.Record(ctx, "user.create", "user", u.ID, nil, u)
	})
	return u, err
}

func (s *Service) checkGrantUnits(ctx context.Context, grants []authz.Grant) error {
	var v errs.Validation
	for i, g := range grants {
		if _, err := s.units.UnitPath(ctx, g.UnitID); err != nil {
			if errs.Is(err, errs.NotFound) {
				v.Add("grants["+strconv.Itoa(i)+"].unit_id", "no org unit with id %d", g.UnitID)
				continue
			}
			return err
		}
	}
	return v.Err()
}

// UserUpdate is the input to UpdateUser; nil fields are left alone.
type UserUpdate struct {
	DisplayName *string        `json:"display_name,omitempty"`
	Email       *string        `json:"email,omitempty"`
	PersonID    *int64         `json:"person_id,omitempty"`
	Lang        *string        `json:"lang,omitempty"`
	Disabled    *bool          `json:"disabled,omitempty"`
	Grants      *[]authz.Grant `json:"grants,omitempty"`
}

// UpdateUser changes an account. Needs users.manage, except that users may
// change their own display name, email and language.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserUpdate) (User, error) {
	p, _ := authz.From(ctx)
	self := p.UserID == id && in.Disabled == nil && in.Grants == nil && in.PersonID == nil
	if !self {
		if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return User{}, err
		}
	} else if err := authz.Require(ctx, authz.SelfService); err != nil {
		return User{}, err
	}
	var out User
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		u := before
		if in.DisplayName != nil {
			u.DisplayName = *in.DisplayName
		}
		if in.Email != nil {
			u.Email = *in.Email
		}
		if in.PersonID != nil {
			if *in.PersonID == 0 {
				u.PersonID = nil
			} else {
				u.PersonID = in.PersonID
			}
		}
		if in.Lang != nil {
			u.Lang = *in.Lang
		}
		if in.Disabled != nil {
			if *in.Disabled && id == p.UserID {
				return errs.New(errs.Invalid, "you cannot disable your own account")
			}
			u.Disabled = *in.Disabled
		}
		if in.Grants != nil {
			u.Grants = *in.Grants
		}
		if err := u.Validate(); err != nil {
			return err
		}
		if err := s.checkGrantUnits(ctx, u.Grants); err != nil {
			return err
		}
		u.UpdatedAt = s.clock.Now()
		if err := s.store.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if u.Disabled {
			if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		out = u
		return s.audit.Record(ctx, "user.update", "user", u.ID, before, u)
	})
	return out, err
}

// SetPassword sets a user's password. Users may change their own when they
// give the current one; users.manage may reset anyone's.
func (s *Service) SetPassword(ctx context.Context, id int64, current, next string) error {
	p, _ := authz.From(ctx)
	var v errs.Validation
	checkPassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if p.UserID == id && !p.System {
			if !CheckPassword(u.PasswordHash, current) {
				return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: "current_password", Message: "is not your current password"}}}
			}
		} else if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return err
		}
		if u.PasswordHash, err = HashPassword(next); err != nil {
			return err
		}
		u.UpdatedAt = s.clock.Now()
		if err := s.store.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if err := s.store.DeleteUserSessions(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "user.password", "user", id, nil, nil)
	})
}

// ListUsers lists accounts. Needs users.manage.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	if err := authz.Require(ctx, authz.UsersManage); err != nil {
		return nil, err
	}
	return s.store.ListUsers(ctx)
}

// User returns one account. Users may read their own; users.manage any.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	p, _ := authz.From(ctx)
	if p.UserID != id {
		if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return User{}, err
		}
	}
	return s.store.UserByID(ctx, id)
}

// Login checks a username and password and starts a session. It returns the
// session secret for the cookie. Repeated failures for a username or from
// an address are refused for a while.
func (s *Service) Login(ctx context.Context, username, password, remoteAddr string) (User, string, error) {
	username = strings.TrimSpace(username)
	keys := []string{"u:" + strings.ToLower(username), "a:" + remoteAddr}
	if !s.limiter.allow(keys...) {
		return User{}, "", errs.New(errs.RateLimited, "too many failed sign-ins; try again later")
	}
	u, err := s.store.UserByUsername(ctx, username)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return User{}, "", err
	}
	if err != nil {
		CheckPassword(dummyHash, password)
		s.limiter.fail(keys...)
		return User{}, "", errs.New(errs.Unauthorized, "invalid username or password")
	}
	if !CheckPassword(u.PasswordHash, password) {
		s.limiter.fail(keys...)
		return User{}, "", errs.New(errs.Unauthorized, "invalid username or password")
	}
	// Only someone who knows the password learns that the account is
	// disabled, and is told whom to ask instead of retrying.
	if u.Disabled {
		return User{}, "", errs.New(errs.Forbidden, "this account is disabled; ask an administrator")
	}
	s.limiter.reset(keys[0])
	secret, err := s.StartSession(ctx, u.ID)
	return u, secret, err
}

// StartSession opens a browser session for a user already identified (by
// password or single sign-on) and returns its secret.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, error) {
	secret := NewSecret(SessionPrefix)
	now := s.clock.Now()
	err := s.store.CreateSession(ctx, Session{TokenHash: HashSecret(secret), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)})
	return secret, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.store.DeleteSession(ctx, HashSecret(secret))
}

// Authenticate resolves a session or API token secret to its user, with
// grants ready for authorization checks.
func (s *Service) Authenticate(ctx context.Context, secret string) (User, error) {
	unauth := errs.New(errs.Unauthorized, "not signed in or session expired")
	if !strings.HasPrefix(secret, SessionPrefix) && !strings.HasPrefix(secret, TokenPrefix) {
		return User{}, unauth
	}
	now := s.clock.Now()
	hash := HashSecret(secret)
	// The revision is read before anything else, so that a change made
	// while the rest is read leaves the entry kept under an old revision.
	rev, err := s.store.AuthRevision(ctx)
	if err != nil {
		return User{}, err
	}
	e, ok := s.auth.get(hash, rev)
	if !ok {
		if e, err = s.authenticate(ctx, secret, hash); err != nil {
			return User{}, err
		}
		s.auth.put(hash, rev, e)
	}
	if !e.expires.IsZero() && !now.Before(e.expires) {
		return User{}, unauth
	}
	// Recording a token's last use is best effort; it must not fail the
	// request.
	if e.tokenID != 0 && (e.lastUsed.IsZero() || now.Sub(e.lastUsed) > time.Minute) {
		if s.store.TouchToken(ctx, e.tokenID, now) == nil {
			s.auth.touched(hash, now)
		}
	}
	return e.user, nil
}

// authenticate reads the session or token of a secret, its user and the
// paths of the user's grants.
func (s *Service) authenticate(ctx context.Context, secret, hash string) (authEntry, error) {
	unauth := errs.New(errs.Unauthorized, "not signed in or session expired")
	var e authEntry
	var userID int64
	if strings.HasPrefix(secret, SessionPrefix) {
		sess, err := s.store.SessionByHash(ctx, hash)
		if err != nil {
			return e, unauth
		}
		userID, e.expires = sess.UserID, sess.ExpiresAt
	} else {
		t, err := s.store.TokenByHash(ctx, hash)
		if err != nil {
			return e, unauth
		}
		userID, e.tokenID = t.UserID, t.ID
		if t.ExpiresAt != nil {
			e.expires = *t.ExpiresAt
		}
		if t.LastUsedAt != nil {
			e.lastUsed = *t.LastUsedAt
		}
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil || u.Disabled {
		return e, unauth
	}
	for i := range u.Grants {
		path, err := s.units.UnitPath(ctx, u.Grants[i].UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return e, err
		}
		u.Grants[i].UnitPath = path
	}
	e.user = u
	return e, nil
}

// CreateToken issues an API token for the user in ctx (or, with
// users.manage, for another user). The secret is returned once.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, ttl time.Duration) (Token, string, error) {
	p, _ := authz.From(ctx)
	if p.UserID != userID || p.System {
		if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return Token{}, "", err
		}
	} else if err := authz.Require(ctx, authz.SelfService); err != nil {
		return Token{}, "", err
	}
	var v errs.Validation
	name = strings.TrimSpace(name)
	v.Required("name", name)
	v.MaxLen("name", name, 100)
	v.Check(ttl >= 0, "expires_in", "must not be negative")
	if err := v.Err(); err != nil {
		return Token{}, "", err
	}
	secret := NewSecret(TokenPrefix)
	now := s.clock.Now()
	t := Token{UserID: userID, Name: name, Prefix: secret[:len(TokenPrefix)+6], Hash: HashSecret(secret), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.UserByID(ctx, userID); err != nil {
			return err
		}
		if err := s.store.CreateToken(ctx, &t); err != nil {
			return err
		}
		return s.audit.Record(ctx, "token.create", "token", t.ID, nil, t)
	})
	return t, secret, err
}

// ListTokens lists a user's tokens (never their secrets).
func (s *Service) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	p, _ := authz.From(ctx)
	if p.UserID != userID {
		if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return nil, err
		}
	}
	return s.store.ListTokens(ctx, userID)
}

// RevokeToken deletes a token.
func (s *Service) RevokeToken(ctx context.Context, userID, id int64) error {
	p, _ := authz.From(ctx)
	if p.UserID != userID {
		if err := authz.Require(ctx, authz.UsersManage); err != nil {
			return err
		}
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteToken(ctx, userID, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "token.revoke", "token", id, nil, nil)
	})
}

// UserByEmail finds the account for a verified email (single sign-on).
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	return s.store.UserByEmail(ctx, strings.TrimSpace(email))
}

// CountUsers tells whether any account exists yet.
func (s *Service) CountUsers(ctx context.Context) (int, error) { return s.store.CountUsers(ctx) }

// limiter counts failed sign-ins per key in a sliding window. It is kept
// in memory: a restart forgets failures, which only shortens a lockout.
type limiter struct {
	mu    sync.Mutex
	clock clock.Clock
	fails map[string][]time.Time
}

func newLimiter(c clock.Clock) *limiter { return &limiter{clock: c, fails: map[string][]time.Time{}} }

func (l *limiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > loginWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return ts
}

func (l *limiter) allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	for _, k := range keys {
		limit := maxLoginFailure
		if strings.HasPrefix(k, "a:") {
			limit = 4 * maxLoginFailure // an office behind one address
		}
		if len(l.prune(k, now)) >= limit {
			return false
		}
	}
	return true
}

// maxLimiterKeys bounds the failure table: a flood of sign-ins with
// random usernames must not grow it without end.
const maxLimiterKeys = 10_000

func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if len(l.fails) >= maxLimiterKeys {
		for k := range l.fails {
			l.prune(k, now)
		}
		// Still full within one window: a flood of made-up usernames.
		// Forget the per-username counts; the per-address limit still
		// holds the flood back.
		if len(l.fails) >= maxLimiterKeys {
			for k := range l.fails {
				if strings.HasPrefix(k, "u:") {
					delete(l.fails, k)
				}
			}
		}
	}
	for _, k := range keys {
		l.fails[k] = append(l.prune(k, now), now)
	}
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}
