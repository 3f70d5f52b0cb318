package emulator

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/ferry-emulator/ferry/emulator/api"
)

type queryAttr struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

type queryEntry struct {
	ID    string               `json:"Id"`
	Body  *string              `json:"MessageBody"`
	Attrs map[string]queryAttr `query:"MessageAttribute"`
}

type queryShape struct {
	Name    string            `json:"QueueName"`
	Max     *int              `json:"MaxResults"`
	Flag    bool              `json:"Flag"`
	Names   []string          `query:"AttributeName"`
	Attrs   map[string]string `query:"Attribute"`
	Tags    map[string]string `query:"Tag" qkey:"Key"`
	Entries []queryEntry      `query:"Entry"`
	Skipped string            `query:"-"`
}

func strp(s string) *string { return &s }
func intp(n int) *int       { return &n }

func TestDecodeQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  queryShape
		code  string
	}{
		{"empty", "", queryShape{}, ""},
		{"scalars", "QueueName=q&MaxResults=7&Flag=true", queryShape{Name: "q", Max: intp(7), Flag: true}, ""},
		{"list", "AttributeName.1=All&AttributeName.2=Policy", queryShape{Names: []string{"All", "Policy"}}, ""},
		{"list stops at a gap", "AttributeName.1=A&AttributeName.3=C", queryShape{Names: []string{"A"}}, ""},
		{"map", "Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=",
			queryShape{Attrs: map[string]string{"DelaySeconds": "5", "VisibilityTimeout": ""}}, ""},
		{"tag map", "Tag.1.Key=team&Tag.1.Value=blue", queryShape{Tags: map[string]string{"team": "blue"}}, ""},
		{"map entry without a name", "Attribute.1.Value=5", queryShape{}, "MissingParameter"},
		{"list of structs with nested maps",
			"Entry.1.Id=a&Entry.1.MessageBody=hi&Entry.1.MessageAttribute.1.Name=n&Entry.1.MessageAttribute.1.Value.DataType=String&Entry.1.MessageAttribute.1.Value.StringValue=v&Entry.2.Id=b&Entry.2.MessageAttribute.1.Name=bin&Entry.2.MessageAttribute.1.Value.DataType=Binary&Entry.2.MessageAttribute.1.Value.BinaryValue=AQI%3D",
			queryShape{Entries: []queryEntry{
				{ID: "a", Body: strp("hi"), Attrs: map[string]queryAttr{"n": {DataType: "String", StringValue: strp("v")}}},
				{ID: "b", Attrs: map[string]queryAttr{"bin": {DataType: "Binary", BinaryValue: []byte{1, 2}}}},
			}}, ""},
		{"bad integer", "MaxResults=ten", queryShape{}, "InvalidParameterValue"},
		{"bad boolean", "Flag=yes", queryShape{}, "InvalidParameterValue"},
		{"bad base64", "Entry.1.Id=a&Entry.1.MessageAttribute.1.Name=b&Entry.1.MessageAttribute.1.Value.BinaryValue=%21%21", queryShape{}, "InvalidParameterValue"},
		{"ignored tag", "Skipped=x", queryShape{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var got queryShape
			err = decodeQuery(values, &got)
			if tc.code != "" {
				if e, ok := err.(*api.Error); !ok || e.Code != tc.code {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNewRequestID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := newRequestID()
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
			t.Fatalf("malformed id %q", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}
