package iotsql

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	valid := []struct{ in, out string }{
		{`{}`, `{}`},
		{` { "a" : [ 1 , 2.5 , "x" , true , false , null ] } `, `{"a":[1,2.5,"x",true,false,null]}`},
		{`{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{`{"a":1,"a":2}`, `{"a":2}`},
		{`"\u00e9\ud83d\ude00\n\/"`, `"é😀\n/"`},
		{`"\ud800"`, "\"\ufffd\""},
		{`-0`, `0`},
		{`[]`, `[]`},
		{`12345678901234567890`, `12345678901234567890`},
		{`1.5E+2`, `1.5E+2`},
	}
	for _, c := range valid {
		v, ok := decodeJSON(c.in)
		if !ok {
			t.Errorf("decodeJSON(%q) failed", c.in)
			continue
		}
		if got := string(appendJSON(nil, v)); got != c.out {
			t.Errorf("decodeJSON(%q) = %s, want %s", c.in, got, c.out)
		}
	}
	invalid := []string{``, ` `, `{`, `{"a"}`, `{"a":}`, `{a:1}`, `[1,]`, `{"a":1,}`, `01`, `1.`, `.5`, `+1`, `1e`,
		`"\x"`, "\"a\x01\"", `"abc`, `tru`, `nul`, `{} {}`, `[1 2]`, `"\u12"`, `1e1000`}
	for _, in := range invalid {
		if _, ok := decodeJSON(in); ok {
			t.Errorf("decodeJSON(%q) succeeded", in)
		}
		if _, ok := decodeFields(in, []string{"a"}); ok {
			t.Errorf("decodeFields(%q) succeeded", in)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	if _, ok := decodeJSON(deep); ok {
		t.Error("nesting past the limit was accepted")
	}
	if _, ok := decodeFields(`{"x":`+deep+`}`, []string{"a"}); ok {
		t.Error("skipped nesting past the limit was accepted")
	}
}

func TestDecodeFields(t *testing.T) {
	v, ok := decodeFields(`{"skip":{"deep":[1,{"x":"}"}]},"a":1,"b":"s","c":[true]}`, []string{"a", "c"})
	if !ok {
		t.Fatal("decodeFields failed")
	}
	if got := string(appendJSON(nil, v)); got != `{"a":1,"c":[true]}` {
		t.Errorf("decodeFields = %s", got)
	}
	v, ok = decodeFields(`[1,2]`, []string{"a"})
	if !ok || v.k != kindArray {
		t.Errorf("a non-object decodes whole: %v %v", v, ok)
	}
}

// appendJSONString must agree with encoding/json on what it escapes,
// without HTML escaping.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"plain", `q"b\`, "\n\r\t\x00\x1f", "é😀", "\xff\xfe", "<&>", "\u2028"} {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s is not JSON: %v", s, got, err)
			continue
		}
		if want := string([]rune(s)); back != want {
			t.Errorf("%q round-trips to %q", s, back)
		}
	}
	if got := string(appendJSONString(nil, "<&>")); got != `"<&>"` {
		t.Errorf("HTML characters escaped: %s", got)
	}
}

// Objects past a linear scan get an index; duplicates still keep the last.
func TestLargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 40 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k3":"last"}`)
	v, ok := decodeJSON(b.String())
	if !ok {
		t.Fatal("decodeJSON failed")
	}
	o := v.obj()
	if o.len() != 40 {
		t.Errorf("len = %d", o.len())
	}
	if got, _ := o.get("k3"); got.s != "last" {
		t.Errorf("k3 = %v", got)
	}
	if got, _ := o.get("k39"); got.n != 39 {
		t.Errorf("k39 = %v", got)
	}
	c := o.clone()
	c.set("new", null)
	if _, ok := o.get("new"); ok || c.len() != 41 {
		t.Error("clone shares its index with the original")
	}
	if got := valueOf(t, v2, "k39 + k0", b.String()); got != "39" {
		t.Errorf("k39 + k0 = %s", got)
	}
}
