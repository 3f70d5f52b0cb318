package iotsql

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names must resolve in minimal containers too
)

// Time functions (DG/iot-sql-functions, 2016-03-23 and later).
// parse_time formats with Joda-Time patterns and time_to_epoch parses with
// java.time ones; both share the common letters, which timePattern
// implements: G y u Y M L d D E a H h k K m s S z Z X x V and 'quoted'
// text.
var timeFunctions = []function{
	{name: "parse_time", minArgs: 2, maxArgs: 3, since: level2, call: fnParseTime, prepare: prepareTime},
	{name: "time_to_epoch", minArgs: 2, maxArgs: 2, since: level2, call: fnTimeToEpoch, prepare: prepareTime},
}

type timeField struct {
	letter byte // 0 for literal text
	count  int
	text   string
}

type timePattern []timeField

// timeState is what prepareTime derived from literal arguments.
type timeState struct {
	pattern timePattern // nil: compile at run time
	loc     *time.Location
	bad     bool // a literal argument is invalid: always Undefined
}

func prepareTime(_ *parser, name token, n *callNode) {
	st := &timeState{}
	patternArg := 0
	if strings.EqualFold(name.text, "time_to_epoch") {
		patternArg = 1
	}
	if s, ok := literalString(n.args[patternArg]); ok {
		st.pattern, ok = compileTimePattern(s)
		st.bad = !ok
	}
	if len(n.args) == 3 {
		if s, ok := literalString(n.args[2]); ok {
			loc, ok := zoneByID(s)
			st.loc, st.bad = loc, st.bad || !ok
		}
	}
	n.state = st
}

// compileTimePattern splits a pattern into fields; ok is false for a
// letter it does not know, which AWS would reject as well.
func compileTimePattern(p string) (timePattern, bool) {
	var out timePattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, timeField{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			if i+1 < len(p) && p[i+1] == '\'' {
				lit.WriteByte('\'')
				i += 2
				continue
			}
			end := strings.IndexByte(p[i+1:], '\'')
			if end < 0 {
				return nil, false
			}
			lit.WriteString(p[i+1 : i+1+end])
			i += end + 2
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			if !strings.ContainsRune("GyuYMLdDEaHhkKmsSzZXxV", rune(c)) {
				return nil, false
			}
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			flush()
			out = append(out, timeField{letter: c, count: j - i})
			i = j
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return out, true
}

func (st *timeState) patternFor(v value) (timePattern, bool) {
	if st != nil && st.pattern != nil {
		return st.pattern, true
	}
	s, ok := toString(v)
	if !ok {
		return nil, false
	}
	return compileTimePattern(s)
}

// fnParseTime formats epoch milliseconds: parse_time(pattern, ms[, zone]).
func fnParseTime(_ *env, n *callNode, args []value) value {
	st, _ := n.state.(*timeState)
	if st != nil && st.bad {
		return undefined
	}
	pat, ok := st.patternFor(args[0])
	if !ok {
		return undefined
	}
	ms, ok := toInt(args[1], roundFloor)
	if !ok {
		return undefined
	}
	loc := time.UTC
	if len(args) == 3 {
		if st != nil && st.loc != nil {
			loc = st.loc
		} else if id, ok := toString(args[2]); !ok {
			return undefined
		} else if loc, ok = zoneByID(id); !ok {
			return undefined
		}
	}
	return strV(pat.format(time.UnixMilli(ms).In(loc)))
}

// fnTimeToEpoch parses a time: time_to_epoch(text, pattern), in UTC when
// the text names no zone.
func fnTimeToEpoch(_ *env, n *callNode, args []value) value {
	st, _ := n.state.(*timeState)
	if st != nil && st.bad {
		return undefined
	}
	pat, ok := st.patternFor(args[1])
	if !ok {
		return undefined
	}
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	t, ok := pat.parse(s)
	if !ok {
		return undefined
	}
	return intV(t.UnixMilli())
}

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
	dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

func (p timePattern) format(t time.Time) string {
	var b []byte
	for _, f := range p {
		switch f.letter {
		case 0:
			b = append(b, f.text...)
		case 'G':
			if t.Year() > 0 {
				b = append(b, "AD"...)
			} else {
				b = append(b, "BC"...)
			}
		case 'y', 'u', 'Y':
			y := t.Year()
			if f.count == 2 {
				b = appendPadded(b, ((y%100)+100)%100, 2)
			} else {
				b = appendPadded(b, y, f.count)
			}
		case 'M', 'L':
			switch {
			case f.count >= 4:
				b = append(b, monthNames[t.Month()-1]...)
			case f.count == 3:
				b = append(b, monthNames[t.Month()-1][:3]...)
			default:
				b = appendPadded(b, int(t.Month()), f.count)
			}
		case 'd':
			b = appendPadded(b, t.Day(), f.count)
		case 'D':
			b = appendPadded(b, t.YearDay(), f.count)
		case 'E':
			if f.count >= 4 {
				b = append(b, dayNames[t.Weekday()]...)
			} else {
				b = append(b, dayNames[t.Weekday()][:3]...)
			}
		case 'a':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'H':
			b = appendPadded(b, t.Hour(), f.count)
		case 'k':
			b = appendPadded(b, (t.Hour()+23)%24+1, f.count)
		case 'K':
			b = appendPadded(b, t.Hour()%12, f.count)
		case 'h':
			b = appendPadded(b, (t.Hour()+11)%12+1, f.count)
		case 'm':
			b = appendPadded(b, t.Minute(), f.count)
		case 's':
			b = appendPadded(b, t.Second(), f.count)
		case 'S':
			frac := strconv.Itoa(1000000000 + t.Nanosecond())[1:]
			for len(frac) < f.count {
				frac += "0"
			}
			b = append(b, frac[:f.count]...)
		case 'z':
			name, _ := t.Zone()
			b = append(b, name...)
		case 'V':
			b = append(b, t.Location().String()...)
		case 'Z':
			switch f.count {
			case 1:
				b = appendOffset(b, t, false, false)
			case 2:
				b = appendOffset(b, t, true, false)
			default:
				b = append(b, t.Location().String()...)
			}
		case 'X', 'x':
			b = appendOffset(b, t, f.count >= 3, f.letter == 'X')
		}
	}
	return string(b)
}

func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendOffset writes ±HHMM or ±HH:MM, or Z for UTC when zulu is set.
func appendOffset(b []byte, t time.Time, colon, zulu bool) []byte {
	_, off := t.Zone()
	if off == 0 && zulu {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = appendPadded(b, off/3600, 2)
	if colon {
		b = append(b, ':')
	}
	return appendPadded(b, off/60%60, 2)
}

// parsed collects the fields of a time text.
type parsed struct {
	year, month, day, yearDay int
	hour, minute, sec, nanos  int
	hour12                    bool
	pm                        int // -1 unknown, 0 AM, 1 PM
	loc                       *time.Location
}

func isNumericField(f timeField) bool {
	switch f.letter {
	case 'y', 'u', 'Y', 'd', 'D', 'H', 'h', 'k', 'K', 'm', 's', 'S':
		return true
	case 'M', 'L':
		return f.count <= 2
	}
	return false
}

// fixedWidth is the digits a numeric field takes when a field follows it
// without a separator; 0 for a field that reads as many as it finds.
func fixedWidth(f timeField) int {
	switch {
	case f.letter == 'S', f.count == 2:
		return f.count
	case f.count == 1, f.letter == 'y' || f.letter == 'u' || f.letter == 'Y':
		return 0
	}
	return f.count
}

func (p timePattern) parse(s string) (time.Time, bool) {
	r := parsed{year: 1970, month: 1, day: 1, pm: -1, loc: time.UTC}
	pos := 0
	for i, f := range p {
		if f.letter == 0 {
			if !strings.HasPrefix(s[pos:], f.text) {
				return time.Time{}, false
			}
			pos += len(f.text)
			continue
		}
		if isNumericField(f) {
			// Adjacent numeric fields (yyyyMMdd) leave room for the
			// fixed widths after them, as java.time does.
			reserve := 0
			for _, g := range p[i+1:] {
				if !isNumericField(g) || fixedWidth(g) == 0 {
					break
				}
				reserve += fixedWidth(g)
			}
			run := 0
			for pos+run < len(s) && s[pos+run] >= '0' && s[pos+run] <= '9' {
				run++
			}
			width := fixedWidth(f)
			if width == 0 {
				width = min(run-reserve, 19)
				if f.count > 1 && width < f.count {
					return time.Time{}, false
				}
			}
			if width <= 0 || width > run {
				return time.Time{}, false
			}
			digits := s[pos : pos+width]
			pos += width
			n, err := strconv.Atoi(digits)
			if err != nil {
				return time.Time{}, false
			}
			switch f.letter {
			case 'y', 'u', 'Y':
				if f.count == 2 {
					n += 2000
				}
				r.year = n
			case 'M', 'L':
				r.month = n
			case 'd':
				r.day = n
			case 'D':
				r.yearDay = n
			case 'H', 'k':
				r.hour = n % 24
			case 'h', 'K':
				r.hour, r.hour12 = n%12, true
			case 'm':
				r.minute = n
			case 's':
				r.sec = n
			case 'S':
				for len(digits) < 9 {
					digits += "0"
				}
				r.nanos, _ = strconv.Atoi(digits[:9])
			}
			continue
		}
		var ok bool
		switch f.letter {
		case 'M', 'L':
			var m int
			if m, pos, ok = matchName(s, pos, monthNames[:], f.count == 3); ok {
				r.month = m + 1
			}
		case 'E':
			_, pos, ok = matchName(s, pos, dayNames[:], f.count < 4)
		case 'a':
			var ampm int
			if ampm, pos, ok = matchName(s, pos, []string{"AM", "PM"}, false); ok {
				r.pm = ampm
			}
		case 'G':
			_, pos, ok = matchName(s, pos, []string{"AD", "BC"}, false)
		case 'z', 'V', 'Z', 'X', 'x':
			end := pos
			for end < len(s) && strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-:", s[end]) >= 0 {
				end++
			}
			r.loc, ok = zoneByID(s[pos:end])
			pos = end
		}
		if !ok {
			return time.Time{}, false
		}
	}
	if pos != len(s) {
		return time.Time{}, false
	}
	return r.time()
}

func (r *parsed) time() (time.Time, bool) {
	if r.pm == 1 && r.hour12 {
		r.hour += 12
	}
	if r.month < 1 || r.month > 12 || r.minute > 59 || r.sec > 59 || r.day < 1 {
		return time.Time{}, false
	}
	if r.yearDay > 0 {
		t := time.Date(r.year, 1, r.yearDay, r.hour, r.minute, r.sec, r.nanos, r.loc)
		return t, t.Year() == r.year
	}
	// A day past the month's end is clamped to it, like java.time's
	// default (smart) resolver.
	last := time.Date(r.year, time.Month(r.month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if r.day > 31 {
		return time.Time{}, false
	}
	return time.Date(r.year, time.Month(r.month), min(r.day, last), r.hour, r.minute, r.sec, r.nanos, r.loc), true
}

// matchName matches one of names (or their three-letter forms) at pos,
// ignoring case.
func matchName(s string, pos int, names []string, short bool) (int, int, bool) {
	for i, name := range names {
		if short && len(name) > 3 {
			name = name[:3]
		}
		if len(s)-pos >= len(name) && strings.EqualFold(s[pos:pos+len(name)], name) {
			return i, pos + len(name), true
		}
	}
	return 0, pos, false
}

// zoneAbbreviations are the zone names java.time reads without a region.
var zoneAbbreviations = map[string]int{
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
	"PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
}

// zoneByID resolves a zone ID (Europe/Paris), an offset (+01:00, -0500,
// Z), an offset from UTC or GMT (UTC+01:00) or a common abbreviation.
func zoneByID(id string) (*time.Location, bool) {
	switch strings.ToUpper(id) {
	case "", "Z", "UTC", "GMT", "UT":
		return time.UTC, id != ""
	}
	for _, prefix := range [...]string{"UTC", "GMT", "UT"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			return offsetZone(id, rest)
		}
	}
	if id[0] == '+' || id[0] == '-' {
		return offsetZone(id, id)
	}
	if h, ok := zoneAbbreviations[strings.ToUpper(id)]; ok {
		return time.FixedZone(strings.ToUpper(id), h*3600), true
	}
	if !strings.Contains(id, "/") && id != "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(id)
	if err != nil || id == "Local" {
		return nil, false
	}
	return loc, true
}

// offsetZone parses ±H, ±HH, ±HHMM, ±HH:MM and ±HH:MM:SS.
func offsetZone(name, off string) (*time.Location, bool) {
	sign := 1
	if off[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(off[1:], ":", "")
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	var h, m, s int
	switch len(digits) {
	case 1, 2:
		h, _ = strconv.Atoi(digits)
	case 4:
		h, _ = strconv.Atoi(digits[:2])
		m, _ = strconv.Atoi(digits[2:])
	case 6:
		h, _ = strconv.Atoi(digits[:2])
		m, _ = strconv.Atoi(digits[2:4])
		s, _ = strconv.Atoi(digits[4:])
	default:
		return nil, false
	}
	if h > 18 || m > 59 || s > 59 {
		return nil, false
	}
	return time.FixedZone(name, sign*(h*3600+m*60+s)), true
}
