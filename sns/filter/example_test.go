package filter_test

import (
	"fmt"

	"github.com/ferry-emulator/ferry/sns/filter"
)

func Example() {
	scope, err := filter.ParseScope("MessageAttributes")
	if err != nil {
		panic(err)
	}
	policy, err := filter.Parse(`{
		"store": ["example_corp"],
		"price_usd": [{"numeric": [">", 100]}]
	}`, scope)
	if err != nil {
		panic(err)
	}
	fmt.Println(policy.MatchAttributes(map[string]filter.Attribute{
		"store":     {Type: "String", Value: "example_corp"},
		"price_usd": {Type: "Number", Value: "210.75"},
	}))
	fmt.Println(policy.MatchAttributes(map[string]filter.Attribute{
		"store": {Type: "String", Value: "example_corp"},
	}))

	_, err = filter.Parse(`{"price_usd": [{"numeric": [">", 3, "<", 1]}]}`, scope)
	fmt.Println("Invalid parameter: " + err.Error())
	// Output:
	// true
	// false
	// Invalid parameter: FilterPolicy: Bottom must be less than top
}

func ExamplePolicy_MatchBody() {
	policy, err := filter.Parse(`{"detail": {"state": [{"anything-but": "initializing"}]}}`, filter.MessageBody)
	if err != nil {
		panic(err)
	}
	fmt.Println(policy.MatchBody([]byte(`{"detail": {"state": "running"}}`)))
	fmt.Println(policy.MatchBody([]byte(`{"detail.state": "initializing"}`)))
	fmt.Println(policy.MatchBody([]byte(`running`)))
	// Output:
	// true
	// false
	// false
}
