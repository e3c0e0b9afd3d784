package plangen_test

import (
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/plangen"
)

func ExampleGenerate() {
	d, err := plangen.Generate(plangen.Input{
		Industry: "finance", Size: "medium", Region: "north-america", Language: "en",
		AsOf: time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Title)
	for _, rt := range d.Recovery[:2] {
		fmt.Printf("%s: RTO %s, RPO %s\n", rt.Function.Name, rt.RTOLabel, rt.RPOLabel)
	}
	fmt.Println(d.Maintenance.ReviewCadence)
	// Output:
	// Business continuity and emergency plan: banking and financial services, North America, medium-sized (100–999 people)
	// online payment platform: RTO 2 h, RPO 15 min
	// customer account access (online and mobile banking): RTO 30 min, RPO zero data loss (real-time replication)
	// reviewed every year
}
