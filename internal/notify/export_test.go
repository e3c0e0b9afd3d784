package notify

import "context"

// Fanout runs the fan-out of a message again, as a dispatcher that took
// over the lease of one cut short by a crash does.
func Fanout(ctx context.Context, s *Service, m *Message) error { return s.fanout(ctx, m) }
