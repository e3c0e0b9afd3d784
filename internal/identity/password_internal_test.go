package identity

import "testing"

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
