package iotsql

// expr is a parsed expression. Evaluation never fails: what AWS would
// reject at run time evaluates to Undefined (DG/iot-sql-data-types).
type expr interface {
	eval(e *env) value
}

// selectItem is "*" or an expression with the key path it is stored under.
type selectItem struct {
	star  bool
	x     expr
	alias []string // one segment unless the alias was dotted (a.b nests)
}

// query is a SELECT: the statement's own, or a nested object query whose
// FROM is an expression over the enclosing context (2016-03-23).
type query struct {
	value bool
	items []selectItem
	from  expr // nested queries only
	where expr
	// flat: no *, single-segment aliases, no duplicate keys, so the
	// statement's output can be written as it is evaluated.
	flat bool
}

// setVar is one SET assignment; variables are immutable and numbered in
// order of definition.
type setVar struct {
	name string
	x    expr
}

type (
	litNode   struct{ v value }
	starNode  struct{} // the context: the payload, or a nested query's element
	fieldNode struct { // x.name, or name in the context when x is nil
		x    expr
		name string
	}
	indexNode struct{ x, idx expr } // x[idx]
	varNode   struct {
		slot int
		name string
	}
	negNode   struct{ x expr }
	notNode   struct{ x expr }
	andNode   struct{ l, r expr }
	orNode    struct{ l, r expr }
	arithNode struct { // + - * / %
		op   byte
		l, r expr
	}
	cmpNode struct { // = <> < <= > >=
		op   string
		l, r expr
	}
	inNode struct {
		x    expr
		list []expr // IN (a, b, …)
		arr  expr   // IN array
	}
	caseNode struct {
		subject expr // nil for the searched form CASE WHEN cond THEN …
		whens   []whenClause
		els     expr // nil: Undefined
	}
	whenClause struct{ when, then expr }
	callNode   struct {
		fn    *function
		args  []expr
		state any // what the function's prepare step derived from literal arguments
	}
	castNode struct {
		x  expr
		to castType
	}
	objectNode struct {
		keys []string
		vals []expr
	}
	arrayNode struct{ elems []expr }
	queryNode struct{ q *query }
)

// need says which parts of the payload an evaluation reads, so a WHERE on
// two fields does not decode a large document.
type need struct {
	all   bool     // the whole document (*, or a top-level non-path use)
	names []string // top-level fields read by path
	vars  bool     // reads SET variables
}

func (n *need) add(name string) {
	for _, x := range n.names {
		if x == name {
			return
		}
	}
	n.names = append(n.names, name)
}

func (n *need) decodes() bool { return n.all || len(n.names) > 0 }

// collect records what x reads of the payload, x being evaluated in the
// payload's own context.
func (n *need) collect(x expr) {
	switch x := x.(type) {
	case nil, *litNode:
	case *starNode:
		n.all = true
	case *fieldNode:
		if x.x == nil {
			n.add(x.name)
		} else {
			n.collect(x.x)
		}
	case *indexNode:
		n.collect(x.x)
		n.collect(x.idx)
	case *varNode:
		n.vars = true
	case *negNode:
		n.collect(x.x)
	case *notNode:
		n.collect(x.x)
	case *andNode:
		n.collect(x.l)
		n.collect(x.r)
	case *orNode:
		n.collect(x.l)
		n.collect(x.r)
	case *arithNode:
		n.collect(x.l)
		n.collect(x.r)
	case *cmpNode:
		n.collect(x.l)
		n.collect(x.r)
	case *inNode:
		n.collect(x.x)
		n.collect(x.arr)
		for _, y := range x.list {
			n.collect(y)
		}
	case *caseNode:
		n.collect(x.subject)
		n.collect(x.els)
		for _, w := range x.whens {
			n.collect(w.when)
			n.collect(w.then)
		}
	case *callNode:
		for _, a := range x.args {
			if _, star := a.(*starNode); star && x.fn.rawStar {
				continue
			}
			n.collect(a)
		}
	case *castNode:
		n.collect(x.x)
	case *objectNode:
		for _, v := range x.vals {
			n.collect(v)
		}
	case *arrayNode:
		for _, v := range x.elems {
			n.collect(v)
		}
	case *queryNode:
		// Only FROM reads the enclosing context; the items and WHERE read
		// the elements, except for variables.
		n.collect(x.q.from)
		var inner need
		for _, it := range x.q.items {
			inner.collect(it.x)
		}
		inner.collect(x.q.where)
		n.vars = n.vars || inner.vars
	default:
		n.all = true
	}
}
