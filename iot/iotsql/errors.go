package iotsql

import (
	"errors"
	"fmt"
)

// ParseError is a statement or template AWS would refuse with a
// SqlParseException. Pos is the byte offset of the offending token; Line
// and Column (both 1-based, Column counting bytes) locate it for people.
type ParseError struct {
	Pos    int
	Line   int
	Column int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s at %d:%d", e.Msg, e.Line, e.Column)
}

// newParseError locates pos in src.
func newParseError(src string, pos int, msg string) *ParseError {
	if pos > len(src) {
		pos = len(src)
	}
	line, col := 1, 1
	for i := 0; i < pos; i++ {
		if src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &ParseError{Pos: pos, Line: line, Column: col, Msg: msg}
}

// UnsupportedError is a function AWS has but this engine does not run,
// typically one that calls another service (get_dynamodb, aws_lambda, …).
// Parse returns it so the control plane can refuse the rule instead of
// storing one that would silently never do what it says.
type UnsupportedError struct {
	Function string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the function %s is not supported by this emulator", e.Function)
}

// Evaluation errors. A rule whose statement fails this way does not fire;
// AWS logs such failures and runs no action and no error action.
var (
	// ErrBinaryPayload: SELECT *, expr on a payload that is not a JSON
	// object (DG/binary-payloads: * must be the only item then).
	ErrBinaryPayload = errors.New("iotsql: SELECT * with other items needs a JSON object payload")
	// ErrTopLevelArray: SELECT VALUE produced an array under SQL version
	// 2015-10-08, which cannot emit one (DG/iot-sql-select).
	ErrTopLevelArray = errors.New("iotsql: SELECT VALUE cannot emit an array in SQL version 2015-10-08")
)
