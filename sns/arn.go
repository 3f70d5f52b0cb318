package sns

import "strings"

// arn is a parsed SNS or SQS ARN: arn:aws:sns:us-east-1:111111111111:orders
// (a topic), …:orders:6c7d… (a subscription), arn:aws:sqs:…:queue.
type arn struct {
	service, region, account, resource string
}

func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] == "" || !isAccountID(parts[4]) || parts[5] == "" {
		return arn{}, false
	}
	return arn{service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}, true
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

func topicARN(region, account, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}

// validTopicName: 1–256 letters, digits, hyphens and underscores; a FIFO
// topic's name ends in .fifo, which counts toward the 256.
// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
func validTopicName(name string, fifo bool) bool {
	base := name
	if fifo {
		var ok bool
		if base, ok = strings.CutSuffix(name, ".fifo"); !ok {
			return false
		}
	}
	if base == "" || len(name) > 256 {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// queueURLFromARN is the AWS form of a queue's URL, which the SQS service
// accepts wherever a queue URL goes.
func queueURLFromARN(a arn) string {
	return "https://sqs." + a.region + ".amazonaws.com/" + a.account + "/" + a.resource
}
