package biabench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// AsImport turns a generated graph into what the store imports: processes
// (in unit unitID) and resources with positional references ("p3" is the
// third process), the generator's thresholds dropped (the store derives
// them from impacts) and repeated pairs of nodes dropped (the store keeps
// one dependency per pair). ref maps each generated id to its positional
// reference, which is the stored reference when the import goes into an
// empty database.
func AsImport(nodes []graph.Node, edges []graph.Edge, unitID int64, now time.Time) (d bia.GraphData, ref map[graph.ID]string) {
	ref = make(map[graph.ID]string, len(nodes))
	minutes := func(x time.Duration) *int {
		if x <= 0 {
			return nil
		}
		m := int(x / time.Minute)
		return &m
	}
	for _, n := range nodes {
		if n.Kind == graph.KindProcess {
			d.Processes = append(d.Processes, bia.Process{Name: string(n.ID), UnitID: unitID, Important: n.Important,
				Values:    bia.Values{RTOMinutes: minutes(n.RTO), MTPDMinutes: minutes(n.MTPD), Impacts: []bia.ImpactPoint{}},
				CreatedAt: now, UpdatedAt: now})
			ref[n.ID] = "p" + strconv.Itoa(len(d.Processes))
			continue
		}
		d.Resources = append(d.Resources, bia.Resource{Kind: bia.ResourceKind(n.Kind), Name: string(n.ID),
			RecoveryMinutes: minutes(n.Recovery), CreatedAt: now, UpdatedAt: now})
		ref[n.ID] = "r" + strconv.Itoa(len(d.Resources))
	}
	seen := make(map[[2]graph.ID]bool, len(edges))
	for _, e := range edges {
		k := [2]graph.ID{e.From, e.To}
		if seen[k] {
			continue
		}
		seen[k] = true
		dep := bia.Dependency{From: ref[e.From], To: ref[e.To], Type: bia.Uses, CreatedAt: now, UpdatedAt: now}
		if e.Alt != "" {
			dep.Alternative = ref[e.Alt]
		}
		d.Dependencies = append(d.Dependencies, dep)
	}
	return d, ref
}

// MustRef returns the reference of a generated id, panicking on an id the
// import does not have (a programming error of the benchmark).
func MustRef(ref map[graph.ID]string, id graph.ID) string {
	r, ok := ref[id]
	if !ok {
		panic(fmt.Sprintf("biabench: no node %s", id))
	}
	return r
}
