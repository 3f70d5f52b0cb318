package kms

import (
	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/internal/uuid"
)

// AWS managed keys: alias/aws/sqs and alias/aws/sns exist in every account
// and region. As in AWS, each key comes into being the first time its alias
// is referenced (DescribeKey on the alias creates it), its policy lets the
// account's principals use it only through its service, in its account
// (kms:ViaService, kms:CallerAccount) and read its metadata directly, and
// no one may change it: the policy allows no such action, so
// PutKeyPolicy, ScheduleKeyDeletion and the like are denied.
// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account

// managedAliases are the AWS managed keys' aliases, by the service that
// uses them.
var managedAliases = map[string]string{"sqs": "alias/aws/sqs", "sns": "alias/aws/sns"}

// managedService is the service whose AWS managed key an alias names, ""
// for any other alias.
func managedService(alias string) string {
	switch alias {
	case "alias/aws/sqs":
		return "sqs"
	case "alias/aws/sns":
		return "sns"
	}
	return ""
}

var managedDescriptions = map[string]string{
	"sqs": "Default key that protects my SQS messages when no other key is defined",
	"sns": "Default master key that protects my SNS data when no other key is defined",
}

// managedPolicyDocument is an AWS managed key's policy: its service may use
// it for the account's principals, and the account may read its metadata.
func managedPolicyDocument(service, account, region string) string {
	actions, id, sid := `"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"`,
		"auto-sqs-1", "Allow access through Simple Queue Service (SQS) for all principals in the account that are authorized to use SQS"
	if service == "sns" {
		actions, id, sid = `"kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey"`,
			"auto-sns-2", "Allow access through SNS for all principals in the account that are authorized to use SNS"
	}
	return `{
  "Version" : "2012-10-17",
  "Id" : "` + id + `",
  "Statement" : [ {
    "Sid" : "` + sid + `",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ ` + actions + ` ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "` + account + `",
        "kms:ViaService" : "` + service + `.` + region + `.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
}`
}

// ensureManaged creates a service's AWS managed key in an account and
// region if it does not exist yet. Call holding no lock.
func (s *Service) ensureManaged(account, region, service string) *api.Error {
	name := managedAliases[service]
	s.mu.RLock()
	exists := false
	if r := s.regionIf(account, region); r != nil {
		exists = r.aliases[name] != nil
	}
	s.mu.RUnlock()
	if exists {
		return nil
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	r := s.regionOf(account, region)
	if r.aliases[name] != nil { // made meanwhile
		s.mu.Unlock()
		return nil
	}
	now := s.now()
	k := newKey(account, region, uuid.New(), now)
	k.Managed = service
	k.description = managedDescriptions[service]
	p, err := policy.Parse(managedPolicyDocument(service, account, region), policy.Key)
	if err != nil {
		s.mu.Unlock()
		panic("kms: an AWS managed key policy does not parse: " + err.Error())
	}
	k.policy = p
	// AWS managed keys rotate every year, and that cannot be changed.
	k.rotation = rotationState{enabled: true, periodDays: 365, next: now.Add(days(365))}
	a := &alias{Name: name, KeyID: k.ID, Created: now, Updated: now}
	r.keys[k.ID] = k
	r.aliases[name] = a
	rec := k.record()
	s.mu.Unlock()
	if err := s.saveKey(k, rec); err != nil {
		return api.AsError(err)
	}
	if err := s.saveAlias(account, region, a); err != nil {
		return api.AsError(err)
	}
	return nil
}
