// Package tx names the one thing services need from storage to make a
// multi-step change atomic: a function run inside a transaction. The
// transaction travels in the context, so store calls made with that
// context join it, and nested calls reuse the outer transaction.
package tx

import (
	"context"
	"sync"
)

// Runner runs fn inside a transaction: committed when fn returns nil,
// rolled back otherwise.
type Runner interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// hooksKey carries the after-commit hooks of the transaction in a context.
type hooksKey struct{}

// commitHooks are the functions to run once a transaction commits.
type commitHooks struct {
	mu  sync.Mutex
	fns []func()
}

// WithCommitHooks returns a context that collects AfterCommit hooks for a
// transaction a Runner is starting, and the function the Runner calls after
// a successful commit to run them in order. A rolled-back transaction never
// calls it, so its hooks are dropped.
func WithCommitHooks(ctx context.Context) (context.Context, func()) {
	h := &commitHooks{}
	return context.WithValue(ctx, hooksKey{}, h), func() {
		h.mu.Lock()
		fns := h.fns
		h.fns = nil
		h.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
	}
}

// AfterCommit runs fn once the transaction in ctx has committed, or at once
// when ctx holds no transaction. Use it for effects outside the database
// that must not happen for a change that is rolled back, such as waking a
// worker to pick up rows the transaction wrote.
func AfterCommit(ctx context.Context, fn func()) {
	h, ok := ctx.Value(hooksKey{}).(*commitHooks)
	if !ok {
		fn()
		return
	}
	h.mu.Lock()
	h.fns = append(h.fns, fn)
	h.mu.Unlock()
}
