package notify

import (
	"math"
	"sync"
	"time"
)

// Backoff says when to try a failed delivery again: Base doubled at each
// attempt up to Max, spread by ±Jitter so that many deliveries failing
// together do not come back together.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64 // 0..1, fraction of the delay
}

// DefaultBackoff retries after about 30 s, 1 min, 2 min… up to 30 min.
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: 30 * time.Minute, Jitter: 0.2}

// Delay returns the wait after the given attempt (1 for the first); r is a
// random number in [0, 1).
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(b.Base) * math.Pow(2, float64(attempt-1))
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	d *= 1 + b.Jitter*(2*r-1)
	return time.Duration(d)
}

// limiter is a token bucket per channel, on the injected clock. It is per
// process: several processes on one database each keep their own rate.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	tokens  float64
	last    time.Time
	pending int // deliveries already told to come back later in this refill
}

func newLimiter(rate float64) *limiter {
	b := math.Max(1, rate)
	return &limiter{rate: rate, burst: b, tokens: b}
}

// take takes a token at now, or returns how long until one will be free
// for this caller (spreading the callers turned away).
func (l *limiter) take(now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() {
		if el := now.Sub(l.last).Seconds(); el > 0 {
			l.tokens = math.Min(l.burst, l.tokens+el*l.rate)
			if el*l.rate >= 1 {
				l.pending = 0
			}
		}
	}
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return true, 0
	}
	l.pending++
	wait := (float64(l.pending) - l.tokens) / l.rate
	return false, time.Duration(wait * float64(time.Second))
}
