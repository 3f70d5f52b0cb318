package iotsql_test

import (
	"fmt"

	"github.com/ferry-emulator/ferry/iot/iotsql"
)

func Example() {
	st, err := iotsql.Parse(
		"SELECT temperature, topic(2) AS device FROM 'sensors/+' WHERE temperature > 50",
		iotsql.Version20160323)
	if err != nil {
		panic(err)
	}
	for _, payload := range []string{`{"temperature": 72}`, `{"temperature": 40}`} {
		topic := "sensors/boiler-1"
		if !st.Match(topic) {
			continue
		}
		out, ok, err := st.Evaluate(&iotsql.Message{Topic: topic, Payload: []byte(payload)})
		fmt.Println(string(out), ok, err)
	}
	// Output:
	// {"temperature":72,"device":"boiler-1"} true <nil>
	//  false <nil>
}

func ExampleParseTemplate() {
	tm, err := iotsql.ParseTemplate("alerts/${upper(site)}/${topic(2)}", iotsql.Version20160323)
	if err != nil {
		panic(err)
	}
	fmt.Println(tm.Expand(&iotsql.Message{Topic: "sensors/boiler-1", Payload: []byte(`{"site":"north"}`)}))
	// Output: alerts/NORTH/boiler-1
}
