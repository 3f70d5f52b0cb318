package sqs

import (
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// queueRef names a queue as a URL or ARN does.
type queueRef struct {
	account, region, name string
}

// parseQueueURL accepts both URL forms of DESIGN §3: the local
// http://host:4566/111111111111/orders and AWS's
// https://sqs.us-east-1.amazonaws.com/111111111111/orders (also the legacy
// queue.amazonaws.com and <region>.queue.amazonaws.com hosts). The region is
// the URL's when it names one, else the request's.
func parseQueueURL(raw string, req *api.Request) (queueRef, *api.Error) {
	// Parsed by hand: this runs on every message operation, and a queue URL
	// is too simple to need net/url's general machinery.
	host, path := "", raw
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return queueRef{}, errInvalidAddress(raw)
		}
		host, path = rest[:j], rest[j:]
		if k := strings.LastIndexByte(host, '@'); k >= 0 {
			host = host[k+1:]
		}
		if k := strings.LastIndexByte(host, ':'); k >= 0 && !strings.Contains(host[k:], "]") {
			host = host[:k]
		}
	} else if !strings.HasPrefix(raw, "/") {
		return queueRef{}, errInvalidAddress(raw)
	}
	if k := strings.IndexAny(path, "?#"); k >= 0 {
		path = path[:k]
	}
	account, name, ok := strings.Cut(strings.Trim(path, "/"), "/")
	if !ok || name == "" || strings.Contains(name, "/") || !isAccountID(account) {
		return queueRef{}, errInvalidAddress(raw)
	}
	ref := queueRef{account: account, region: req.Region, name: name}
	host = strings.ToLower(host)
	switch {
	case strings.HasPrefix(host, "sqs.") && strings.HasSuffix(host, ".amazonaws.com"):
		if r := strings.TrimSuffix(strings.TrimPrefix(host, "sqs."), ".amazonaws.com"); r != "" && !strings.Contains(r, ".") {
			ref.region = r
		}
	case strings.HasSuffix(host, ".queue.amazonaws.com"):
		ref.region = strings.TrimSuffix(host, ".queue.amazonaws.com")
	case host == "queue.amazonaws.com":
		ref.region = "us-east-1"
	}
	return ref, nil
}

// parseQueueARN reads arn:aws:sqs:REGION:ACCOUNT:NAME.
func parseQueueARN(arn string) (queueRef, bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || !isAccountID(parts[4]) || parts[5] == "" || parts[3] == "" {
		return queueRef{}, false
	}
	return queueRef{account: parts[4], region: parts[3], name: parts[5]}, true
}

func queueARN(region, account, name string) string {
	return "arn:aws:sqs:" + region + ":" + account + ":" + name
}

// queueURL builds the URL a caller gets back: on the host it addressed us by,
// so the URL works from wherever the caller runs (docker-compose included).
func queueURL(req *api.Request, account, name string) string {
	host := req.Host
	if host == "" {
		host = "localhost:4566"
	}
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + host + "/" + account + "/" + name
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
