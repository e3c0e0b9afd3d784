package identity

import (
	"strconv"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/clock"
)

// The timing equaliser must cost what a real check costs: it has to decode
// and carry the current parameters.
func TestDummyHashUsesCurrentParameters(t *testing.T) {
	h, ok := decodeHash(dummyHash)
	if !ok {
		t.Fatal("dummy hash does not decode")
	}
	if h.memory != argonMemory || h.time != argonTime || h.threads != argonThreads || len(h.key) != argonKeyLen || len(h.salt) != saltLen {
		t.Fatalf("dummy hash parameters %+v differ from the current ones", h)
	}
}

func TestLimiterStaysBounded(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newLimiter(clk)
	for i := range 3 * maxLimiterKeys {
		l.fail("u:user"+strconv.Itoa(i), "a:10.0.0."+strconv.Itoa(i%200))
	}
	if len(l.fails) > maxLimiterKeys+200 {
		t.Fatalf("limiter holds %d keys", len(l.fails))
	}
	// The per-address limit survives the flood.
	if l.allow("u:someone", "a:10.0.0.7") {
		t.Fatal("a flooding address is still allowed")
	}
}
