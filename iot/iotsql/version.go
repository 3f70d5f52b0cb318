package iotsql

// SQL versions a rule can name in awsIotSqlVersion (DG/iot-rule-sql-version).
const (
	Version20151008 = "2015-10-08" // the default when a rule names none
	Version20160323 = "2016-03-23"
	VersionBeta     = "beta"
)

// ValidVersion reports whether v is a SQL version AWS accepts. The empty
// string is not one: callers map it to Version20151008 themselves, as
// Parse does.
func ValidVersion(v string) bool {
	switch v {
	case Version20151008, Version20160323, VersionBeta:
		return true
	}
	return false
}

// sqlLevel orders versions so features can say where they start.
type sqlLevel uint8

const (
	level1 sqlLevel = iota + 1 // 2015-10-08
	level2                     // 2016-03-23 and beta
)

func levelOf(v string) sqlLevel {
	if v == Version20151008 {
		return level1
	}
	return level2
}
