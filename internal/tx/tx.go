// Package tx names the one thing services need from storage to make a
// multi-step change atomic: a function run inside a transaction. The
// transaction travels in the context, so store calls made with that
// context join it, and nested calls reuse the outer transaction.
package tx

import "context"

// Runner runs fn inside a transaction: committed when fn returns nil,
// rolled back otherwise.
type Runner interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
